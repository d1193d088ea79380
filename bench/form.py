"""Weight of the inspection form page: the HTML and everything it loads (budget 60 KB).

Fetched through the test client as an inspector: the page, then each stylesheet, script,
icon, manifest and image it references (and the url()s inside the stylesheets), once each.
Sizes as sent (uncompressed) and gzip-compressed (what a phone downloads via a proxy that
compresses). No database server needed: SQLite with a few generated assets.
"""

from __future__ import annotations

import gzip
import re
import tempfile
from typing import Any
from urllib.parse import urljoin
from urllib.parse import urlsplit

BUDGET_KB = 60
_REFS = re.compile(r'<(?:link|script|img)\b[^>]*?\b(?:href|src)="([^"]+)"', re.I)
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def _same_origin(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith("data:")


def _fetch_all(client: Any, page: str) -> list[tuple[str, bytes]]:
    resp = client.get(page)
    assert resp.status_code == 200, f"{page}: {resp.status_code}"
    got = [(page, resp.data)]
    queue = [urljoin(page, u) for u in _REFS.findall(resp.get_data(as_text=True))]
    seen = {page}
    while queue:
        url = queue.pop(0)
        if url in seen or not _same_origin(url):
            continue
        seen.add(url)
        r = client.get(url)
        assert r.status_code == 200, f"{url}: {r.status_code}"
        got.append((url, r.data))
        if url.split("?")[0].endswith(".css"):
            queue += [urljoin(url, u) for u in _CSS_URL.findall(r.get_data(as_text=True))]
    return got


def run(quick: bool) -> list[dict[str, Any]]:
    """Bytes and request count of the inspection form."""
    import sqlalchemy as sa

    from bench._setup import bench_user
    from bench._setup import make_app
    from bench.generate import Spec
    from bench.generate import generate
    from registry.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(f"sqlite:///{tmp}/form.db", None)
        with app.app_context():
            db.create_all()
            generate(db.session.connection(), Spec(assets=10))
            db.session.commit()
            uid = bench_user("inspector").id
            aid = db.session.scalar(sa.text("SELECT min(id) FROM tank"))
        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = str(uid)
            sess["_fresh"] = True
        files = _fetch_all(client, f"/assets/{aid}/inspect")
    raw = sum(len(b) for _, b in files)
    zipped = sum(len(gzip.compress(b)) for _, b in files)
    kinds: dict[str, int] = {}
    for url, body in files:
        ext = url.split("?")[0].rsplit(".", 1)[-1] if "." in url.rsplit("/", 1)[-1] else "html"
        kinds[ext] = kinds.get(ext, 0) + len(body)
    return [
        {
            "requests": len(files),
            "bytes_kb": round(raw / 1024, 1),
            "gzip_kb": round(zipped / 1024, 1),
            "by_type_kb": ", ".join(f"{k} {v / 1024:.1f}" for k, v in sorted(kinds.items())),
            "budget_kb": BUDGET_KB,
            "ok": raw / 1024 <= BUDGET_KB,
        }
    ]
