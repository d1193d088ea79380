"""Two copies of one submission sent at the same moment store one inspection."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid
from typing import Any

from sqlalchemy import func
from sqlalchemy import select

from registry.extensions import db as _db
from registry.inspections.models import Inspection
from tests.browser.test_inspection_offline import site  # noqa: F401  (fixture)


def test_simultaneous_duplicates_store_one(site: dict[str, Any]) -> None:  # noqa: F811
    from registry.assets.models import Asset
    from registry.auth.services import find_user_by_email
    from registry.auth.services import issue_token
    from registry.inspections.checklists import load_checklist

    token = issue_token(find_user_by_email(site["email"]), days=1)
    asset = _db.session.get(Asset, site["tank_id"])
    answers = [
        {"item": i.code, "value": "yes"}
        for i in load_checklist().for_asset(asset)
        if i.type == "yesno"
    ]
    _db.session.commit()
    body = json.dumps(
        {"client_uuid": str(uuid.uuid4()), "asset_id": site["tank_id"], "answers": answers}
    ).encode()
    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def send() -> None:
        req = urllib.request.Request(
            site["server"].url + "/api/v1/inspections",
            data=body,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                statuses.append(resp.status)
        except urllib.error.HTTPError as err:
            statuses.append(err.code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 200, 200, 201], statuses
    _db.session.remove()
    count = _db.session.scalar(
        select(func.count()).select_from(Inspection).where(Inspection.asset_id == site["tank_id"])
    )
    assert count == 1
