"""The import page on a phone: a bad file lists its problems and imports nothing; a good one
imports; the page fits 360 px and raises no console (CSP) errors."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy import select

from registry.assets.models import Asset
from registry.audit.services import acting_as
from registry.demo import load_demo
from registry.sites.models import Facility
from tests.browser.a11y import assert_accessible
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def _count(db: Any) -> int:
    db.session.remove()
    return int(db.session.scalar(select(func.count()).select_from(Asset)))


def test_upload_on_a_phone(live_url: str, phone: Any, committed_db: Any, tmp_path: Any) -> None:
    with acting_as("demo"):
        load_demo()
        committed_db.session.commit()
    facility = committed_db.session.scalar(select(Facility).order_by(Facility.id))
    before = _count(committed_db)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "facility_id,kind,operator_ref,substance\n"
        f"{facility.id},tank,PH-1,diesel\n{facility.id},tank,PH-2,petrol\n",
        encoding="utf-8",
    )
    log_in(phone, live_url, "regulator@demo.local", "regulator-demo")
    phone.goto(live_url + "/imports")
    assert_accessible(phone)
    phone.set_input_files("#f-file", str(bad))
    phone.click("main button[type=submit]")
    phone.wait_for_load_state("load")
    cells = phone.locator("table.list tbody td").all_inner_texts()
    assert cells[:2] == ["3", "substance"]
    assert_accessible(phone)  # the refused file's problems
    assert _count(committed_db) == before
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 360
    good = tmp_path / "good.csv"
    good.write_text(bad.read_text(encoding="utf-8").replace("petrol", "gasoline"), "utf-8")
    phone.set_input_files("#f-file", str(good))
    phone.click("main button[type=submit]")
    phone.wait_for_load_state("load")
    assert phone.locator("[role=status]").count() == 1
    assert_accessible(phone)
    assert _count(committed_db) == before + 2
    assert not phone.console_errors
