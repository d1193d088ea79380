"""The inspection form without JavaScript, the result page, the app shell and its weight."""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import urlparse

from registry.inspections.checklists import load_checklist
from tests.inspections.conftest import jpeg_bytes

LIMIT = 60 * 1024


def _form_fields(app: Any, asset: Any, answer: str = "yes") -> dict[str, Any]:
    with app.app_context():
        items = load_checklist().for_asset(asset)
    fields: dict[str, Any] = {}
    for item in items:
        if item.type == "yesno":
            fields[f"answer-{item.code}"] = answer
        elif item.type == "number" and item.required:
            fields[f"answer-{item.code}"] = str(item.max)
    return fields


def test_form_posts_without_javascript(app, client, db, world) -> None:
    user = world["users"]["inspector"]
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
    page = client.get(f"/assets/{world['tank_a'].id}/inspect")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    client_uuid = re.search(r'name="client_uuid" value="([0-9a-f-]{36})"', html).group(1)
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert re.search(r'type="radio" name="answer-interstice_dry" value="na"', html)
    fields = _form_fields(app, world["tank_a"]) | {
        "client_uuid": client_uuid,
        "notes": "checked",
        "finding-severity": "low",
        "finding-description": "Sign faded",
        "finding-due_on": "",
        "photos": (io.BytesIO(jpeg_bytes()), "one.jpg"),
    }
    resp = client.post(
        f"/assets/{world['tank_a'].id}/inspect", data=fields, content_type="multipart/form-data"
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    result_url = resp.headers["Location"]
    result = client.get(result_url)
    body = result.get_data(as_text=True)
    assert 'data-result="pass"' in body and "Sign faded" in body
    assert body.count("/photos/") == 1
    fields["photos"] = (io.BytesIO(jpeg_bytes()), "one.jpg")
    again = client.post(
        f"/assets/{world['tank_a'].id}/inspect", data=fields, content_type="multipart/form-data"
    )
    assert again.headers["Location"] == result_url


def test_form_keeps_input_and_names_missing_answers(app, client, world) -> None:
    user = world["users"]["inspector"]
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
    fields = _form_fields(app, world["tank_a"])
    fields.pop("answer-interstice_dry")
    fields["notes"] = "keep me"
    fields["client_uuid"] = "6b0e7f80-8a8e-4d0e-9a53-0c8f4ad1d2aa"
    resp = client.post(f"/assets/{world['tank_a'].id}/inspect", data=fields)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "keep me" in html
    block = html[html.index('data-item="interstice_dry"') :]
    assert 'role="alert"' in block[: block.index("</fieldset>")]


def test_failed_form_shows_fail(app, client, world) -> None:
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["regulator"].id)
    fields = _form_fields(app, world["pipe_a"], answer="no")
    fields["client_uuid"] = "9b0e7f80-8a8e-4d0e-9a53-0c8f4ad1d2aa"
    resp = client.post(f"/assets/{world['pipe_a'].id}/inspect", data=fields)
    assert resp.status_code == 302
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'data-result="fail"' in html and 'data-status="open"' in html


def _referenced(html: str) -> list[str]:
    refs = re.findall(r'(?:src|href)="(/[^"]+)"', html)
    return [r for r in refs if r.startswith(("/static/", "/manifest"))]


def test_form_page_weighs_at_most_60_kb(client, world) -> None:
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["inspector"].id)
    asset = world["tank_a"]
    page = client.get(f"/assets/{asset.id}/inspect")
    html = page.get_data(as_text=True)
    urls = set(_referenced(html))
    sw = client.get("/sw.js").get_data(as_text=True)
    urls |= set(re.findall(r"'(/static/[^']+|/manifest\.webmanifest)'", sw))
    manifest = client.get("/manifest.webmanifest").get_json()
    assert manifest["display"] == "standalone"
    urls |= {icon["src"] for icon in manifest["icons"]}
    urls |= {"/sw.js", f"/api/v1/assets/{asset.id}/checklist"}
    for url in list(urls) + [f"/assets/{asset.id}/inspect"]:
        assert not urlparse(url).netloc, url
    sizes = {url: len(client.get(url).get_data()) for url in urls}
    assert all(n > 0 for n in sizes.values()), sizes
    total = len(page.get_data()) + sum(sizes.values())
    assert total <= LIMIT, f"{total} bytes: {sizes}"
    assert len(urls) + 1 <= 10, sorted(urls)
    assert "http" not in "".join(_referenced(html))


def test_service_worker_and_manifest_are_served_from_the_root(client) -> None:
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and "javascript" in sw.mimetype
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    icons = manifest.get_json()["icons"]
    for icon in icons:
        assert client.get(icon["src"]).mimetype == "image/png"


def test_scan_falls_back_to_typing(client) -> None:
    page = client.get("/scan")
    assert page.status_code == 200 and 'name="tag"' in page.get_data(as_text=True)
    go = client.get("/scan?tag=7KQ2-M9XD-4WJ8")
    assert go.status_code == 302 and go.headers["Location"].endswith("/t/7KQ2-M9XD-4WJ8")


def test_asset_page_links_to_the_form(client, world) -> None:
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["inspector"].id)
    html = client.get(f"/assets/{world['tank_a'].id}").get_data(as_text=True)
    assert f"/assets/{world['tank_a'].id}/inspect" in html


def _items_of(html: str) -> list[str]:
    return re.findall(r'data-item="([a-z_0-9]+)"', html)


def test_fresh_form_questions_are_per_asset_kind_and_language(app, client, world) -> None:
    """The questions of a fresh form are rendered once and kept: per kind, per language."""
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["inspector"].id)
    tank, pipe = world["tank_a"], world["pipe_a"]
    with app.app_context():
        tank_item = load_checklist().for_asset(tank)[0]
        expected = {a.id: [i.code for i in load_checklist().for_asset(a)] for a in (tank, pipe)}
    pages = {}
    for asset, lang in ((tank, "zh"), (pipe, "zh"), (tank, "en"), (tank, "zh")):
        with client.session_transaction() as sess:
            sess["locale"] = lang
        html = client.get(f"/assets/{asset.id}/inspect").get_data(as_text=True)
        assert _items_of(html) == expected[asset.id], (asset.kind, lang)
        pages.setdefault((asset.id, lang), []).append(html[html.index('data-item="') :])
    assert tank_item.label_zh in pages[(tank.id, "zh")][0]
    assert tank_item.label_en in pages[(tank.id, "en")][0]
    assert tank_item.label_en not in pages[(tank.id, "zh")][1]
    # The second zh page of the tank came from what was kept: the same questions, unanswered.
    first, second = pages[(tank.id, "zh")]
    assert first[: first.index('id="f-notes"')] == second[: second.index('id="f-notes"')]
    assert "checked" not in second[: second.index('id="f-notes"')]


def test_a_refused_form_keeps_the_answers_given(app, client, world) -> None:
    """After a fresh form was kept, a refused post still shows what was answered."""
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["inspector"].id)
    tank = world["tank_a"]
    client.get(f"/assets/{tank.id}/inspect")
    fields = _form_fields(app, tank, answer="no")
    fields.pop("answer-interstice_dry")
    fields["client_uuid"] = "7c0e7f80-8a8e-4d0e-9a53-0c8f4ad1d2aa"
    html = client.post(f"/assets/{tank.id}/inspect", data=fields).get_data(as_text=True)
    answered = [k for k, v in fields.items() if k.startswith("answer-") and v == "no"]
    assert answered
    for name in answered:
        assert re.search(rf'name="{name}" value="no" checked', html), name


def test_form_refuses_an_impossible_level_at_that_answer(app, client, db, world, login_as) -> None:
    from registry.inspections.models import Inspection

    login_as("inspector", locale="en")
    tank = world["tank_a"]
    page = client.get(f"/assets/{tank.id}/inspect").get_data(as_text=True)
    block = page[page.index('data-item="product_level_cm"') :]
    assert 'min="0"' in block[: block.index("</div>")]  # the browser is told the same
    fields = _form_fields(app, tank) | {
        "answer-product_level_cm": "-5",
        "client_uuid": "0f5e6a1c-3b7d-4c2e-9f1a-7d2b8c4e5a61",
    }
    before = db.session.query(Inspection).count()
    resp = client.post(f"/assets/{tank.id}/inspect", data=fields)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    block = html[html.index('data-item="product_level_cm"') :]
    block = block[: block.index("</div>")]
    assert 'value="-5"' in block and "Not a possible reading: at least 0 cm" in block
    assert db.session.query(Inspection).count() == before
