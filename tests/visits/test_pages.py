"""The visit's pages: the form from the facility page, the record, the notice PDF, red tags."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from registry.enforcement.services import active_red_tag
from tests.helpers import log_in
from tests.helpers import need_tool
from tests.helpers import run


@pytest.fixture
def visit(world, post_visit, asset_inspection) -> dict[str, Any]:
    failed = asset_inspection(world["tank_a"], failing=("interstice_dry",))
    resp = post_visit(
        world["fac_a"],
        inspection_ids=[failed["id"]],
        violations=[
            {"code": "BJ-FS-03", "asset_id": world["tank_a"].id, "corrected_on_site": True}
        ],
    )
    return dict(resp.get_json())


def _notice(client: Any, visit: dict[str, Any], lang: str, tmp_path: Path) -> tuple[str, Path]:
    resp = client.get(
        f"/compliance-inspections/{visit['id']}.pdf", headers={"Accept-Language": lang}
    )
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    path = tmp_path / f"notice-{lang}.pdf"
    path.write_bytes(resp.data)
    text = run([need_tool("pdftotext"), "-raw", str(path), "-"]).stdout
    # Table cells wrap: compare without white space.
    return re.sub(r"\s+", "", text), path


def test_notice_in_chinese(client, world, visit, tmp_path) -> None:
    log_in(client, world["users"]["operator_a"])
    text, _ = _notice(client, visit, "zh", tmp_path)
    assert "检查记录及责令改正通知" in text
    assert visit["number"] in text and "甲加油站" in text and "甲公司" in text
    assert "BJ-LD-02" in text and "双层罐（管）间隙内有液体" in text
    assert "GB50156" in text
    assert "2025年3月17日" in text  # return to compliance: 7 days after 2025-03-10
    assert "2025-03-17" in text and "2025-03-10" in text
    assert "现场已整改" in text


def test_notice_in_english_with_its_qr_code(client, world, visit, tmp_path) -> None:
    log_in(client, world["users"]["inspector"])
    text, path = _notice(client, visit, "en", tmp_path)
    assert "Inspectionrecordandnoticeofviolations" in text
    assert "Liquidintheinterstice" in text
    assert "Mar17,2025" in text
    assert "correctedonsite" in text
    run([need_tool("pdftoppm"), "-r", "200", "-png", str(path), str(tmp_path / "page")])
    image = sorted(tmp_path.glob("page*.png"))[0]
    decoded = run([need_tool("zbarimg"), "--raw", "-q", str(image)]).stdout.split()
    assert decoded == [f"http://registry.test/ci/{visit['number']}"]
    public = client.get(f"/ci/{visit['number']}")
    assert public.status_code == 200
    assert 'data-status="genuine"' in public.get_data(as_text=True)


def test_start_a_visit_from_the_facility_page(client, world, asset_inspection) -> None:
    log_in(client, world["users"]["inspector"])
    page = client.get(f"/facilities/{world['fac_a'].id}").get_data(as_text=True)
    assert f"/facilities/{world['fac_a'].id}/compliance-inspections/new" in page
    form = client.get(f"/facilities/{world['fac_a'].id}/compliance-inspections/new")
    html = form.get_data(as_text=True)
    uuid = re.search(r'name="client_uuid" value="([^"]+)"', html).group(1)
    data = {
        "client_uuid": uuid,
        "kind": "routine",
        "code_0": "BJ-OP-01 未按规定定期巡检",
        "asset_0": str(world["tank_a"].id),
        "note_0": "巡检记录缺两个月",
    }
    resp = client.post(f"/facilities/{world['fac_a'].id}/compliance-inspections/new", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    detail = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "BJ-OP-01" in detail and "巡检记录缺两个月" in detail
    bad = client.post(
        f"/facilities/{world['fac_a'].id}/compliance-inspections/new",
        data={**data, "client_uuid": "not-a-uuid", "code_0": "NOPE"},
    )
    assert bad.status_code == 422


def test_red_tag_in_one_step(client, db, world, post_visit) -> None:
    visit = post_visit(
        world["fac_a"], violations=[{"code": "BJ-LD-01", "asset_id": world["tank_a"].id}]
    ).get_json()  # due 2025-03-17: long past
    v = visit["violations"][0]
    log_in(client, world["users"]["regulator"])
    overdue = client.get("/violations?overdue=1").get_data(as_text=True)
    assert f'data-violation="{v["id"]}"' in overdue
    ask = client.post(f"/violations/{v['id']}/red-tag", data={"confirm": "1"})
    assert ask.status_code == 200 and 'data-page="confirm"' in ask.get_data(as_text=True)
    assert active_red_tag(world["tank_a"].id) is None
    done = client.post(f"/violations/{v['id']}/red-tag", data={})
    assert done.status_code == 302
    tag = active_red_tag(world["tank_a"].id)
    assert tag is not None and tag.reason.startswith("BJ-LD-01")
    assert tag.legal_basis.startswith("GB 50156")


def test_operator_corrects_and_inspector_verifies_on_the_page(client, world, post_visit) -> None:
    v = post_visit(world["fac_a"], violations=[{"code": "BJ-OP-01"}]).get_json()["violations"][0]
    log_in(client, world["users"]["operator_a"])
    listed = client.get("/violations?status=open").get_data(as_text=True)
    assert f'data-violation="{v["id"]}"' in listed
    assert f'action="/violations/{v["id"]}/corrected"' in listed
    resp = client.post(f"/violations/{v['id']}/corrected", data={"corrected_on": "2025-03-20"})
    assert resp.status_code == 302
    assert client.post(f"/violations/{v['id']}/verify").status_code == 403
    log_in(client, world["users"]["inspector"])
    assert client.post(f"/violations/{v['id']}/verify").status_code == 302
    page = client.get(f"/compliance-inspections/{v['compliance_inspection_id']}").get_data(
        as_text=True
    )
    assert f'data-violation="{v["id"]}" data-status="verified"' in page


def test_a_refused_row_is_shown_at_the_rows(client, world) -> None:
    log_in(client, world["users"]["inspector"])
    url = f"/facilities/{world['fac_a'].id}/compliance-inspections/new"
    html = client.get(url).get_data(as_text=True)
    uuid = re.search(r'name="client_uuid" value="([^"]+)"', html).group(1)
    resp = client.post(url, data={"client_uuid": uuid, "kind": "routine", "code_1": "NOPE-1 x"})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "Unknown violation code." in page or "未知的问题编码。" in page
    assert 'value="NOPE-1 x"' in page  # the input is kept


def test_a_refused_step_is_flashed(client, world, post_visit) -> None:
    v = post_visit(world["fac_a"], violations=[{"code": "BJ-OP-01"}]).get_json()["violations"][0]
    log_in(client, world["users"]["inspector"])
    resp = client.post(f"/violations/{v['id']}/verify", follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert (
        "Only a corrected violation can be verified." in page
        or "只有已整改的问题才能核实。" in page
    )
    resp = client.post(f"/violations/{v['id']}/reopen", data={}, follow_redirects=True)
    assert resp.status_code == 200


def test_a_scanned_tag_leads_to_the_visit(client, world) -> None:
    log_in(client, world["users"]["inspector"])
    card = client.get(f"/t/{world['tank_a'].tag}").get_data(as_text=True)
    assert f"/facilities/{world['fac_a'].id}/compliance-inspections/new" in card
    log_in(client, world["users"]["operator_a"])
    card = client.get(f"/t/{world['tank_a'].tag}").get_data(as_text=True)
    assert "/compliance-inspections/new" not in card
