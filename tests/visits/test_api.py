"""The visit API: proposed violations, due dates, idempotency, access, return to compliance."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from registry.compliance.rules import load_pack
from tests.visits.conftest import visit_body


def test_failed_answers_propose_their_violations(
    client, world, api_headers, asset_inspection, post_visit
) -> None:
    failed = asset_inspection(world["tank_a"], failing=("interstice_dry",))
    resp = post_visit(
        world["fac_a"],
        inspection_ids=[failed["id"]],
        violations=[
            {"code": "BJ-FS-03", "asset_id": world["tank_a"].id, "corrected_on_site": True},
            {"code": "BJ-RC-01", "asset_id": None, "note": "未备案"},
        ],
    )
    assert resp.status_code == 201, resp.get_json()
    visit = resp.get_json()
    assert visit["number"].startswith("CI-2025-")
    assert visit["facility_id"] == world["fac_a"].id
    assert visit["kind"] == "routine" and visit["result"] == "violations"
    assert visit["inspection_ids"] == [failed["id"]]
    by_code = {v["code"]: v for v in visit["violations"]}
    assert set(by_code) == {"BJ-FS-03", "BJ-RC-01", "BJ-LD-02"}
    pack = load_pack("cn-beijing")
    for code, v in by_code.items():
        expected = date(2025, 3, 10).toordinal() + pack.violations[code].rtc_days
        assert date.fromisoformat(v["due_on"]).toordinal() == expected
        assert v["category"] == pack.violations[code].category
        assert v["soc"] is pack.violations[code].soc
    assert by_code["BJ-FS-03"]["status"] == "verified"
    assert by_code["BJ-FS-03"]["corrected_on_site"] is True
    assert by_code["BJ-LD-02"]["status"] == "open"
    assert by_code["BJ-LD-02"]["asset_id"] == world["tank_a"].id
    assert by_code["BJ-RC-01"]["asset_id"] is None
    # A violation of each SOC category (corrected on site still counts): both out of SOC.
    assert visit["soc_release_prevention"] is False
    assert visit["soc_release_detection"] is False


def test_a_clean_visit_is_in_compliance(post_visit, world) -> None:
    visit = post_visit(world["fac_a"]).get_json()
    assert visit["result"] == "in_compliance" and visit["violations"] == []
    assert visit["soc_release_prevention"] is True and visit["soc_release_detection"] is True


def test_idempotent_on_client_uuid(client, world, api_headers) -> None:
    headers = api_headers(world["users"]["inspector"])
    url = f"/api/v1/facilities/{world['fac_a'].id}/compliance-inspections"
    body = visit_body(violations=[{"code": "BJ-FS-03", "asset_id": world["tank_a"].id}])
    first = client.post(url, json=body, headers=headers)
    assert first.status_code == 201
    again = client.post(url, json=body, headers=headers)
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["number"] == first.get_json()["number"]
    other = copy.deepcopy(body)
    other["violations"][0]["note"] = "另一内容"
    assert client.post(url, json=other, headers=headers).status_code == 409
    listed = client.get(
        f"/api/v1/compliance-inspections?facility_id={world['fac_a'].id}", headers=headers
    )
    assert [v["id"] for v in listed.get_json()].count(first.get_json()["id"]) == 1


def test_refusals(client, world, api_headers, asset_inspection, post_visit) -> None:
    other = asset_inspection(world["tank_b"])
    resp = post_visit(world["fac_a"], inspection_ids=[other["id"]])
    assert resp.status_code == 422
    assert "inspection_ids" in resp.get_json()["errors"]
    assert post_visit(world["fac_a"], violations=[{"code": "NOPE"}]).status_code == 422
    foreign = [{"code": "BJ-FS-03", "asset_id": world["tank_b"].id}]
    assert post_visit(world["fac_a"], violations=foreign).status_code == 422
    assert post_visit(world["fac_a"], role="operator_a").status_code == 403
    assert post_visit(world["fac_a"], role="operator_b").status_code == 404
    assert post_visit(world["fac_a"], role="viewer").status_code == 403
    own = post_visit(world["fac_a"], role="operator_a", kind="self_investigation")
    assert own.status_code == 201
    assert own.get_json()["kind"] == "self_investigation"


def _violation(post_visit: Any, world: dict[str, Any]) -> dict[str, Any]:
    visit = post_visit(
        world["fac_a"], violations=[{"code": "BJ-LD-01", "asset_id": world["tank_a"].id}]
    ).get_json()
    return dict(visit["violations"][0])


def test_return_to_compliance(client, world, api_headers, post_visit) -> None:
    v = _violation(post_visit, world)
    op_a = api_headers(world["users"]["operator_a"])
    op_b = api_headers(world["users"]["operator_b"])
    inspector = api_headers(world["users"]["inspector"])
    base = f"/api/v1/violations/{v['id']}"
    assert client.post(f"{base}/corrected", json={}, headers=op_b).status_code == 404
    assert client.post(f"{base}/corrected", json={}, headers=inspector).status_code == 403
    assert client.post(f"{base}/verify", headers=inspector).status_code == 409
    body = {"corrected_on": "2025-03-12", "notes": "监测仪已恢复供电"}
    done = client.post(f"{base}/corrected", json=body, headers=op_a)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "corrected"
    assert done.get_json()["corrected_on"] == "2025-03-12"
    assert client.post(f"{base}/verify", headers=op_a).status_code == 403
    verified = client.post(f"{base}/verify", headers=inspector)
    assert verified.status_code == 200 and verified.get_json()["status"] == "verified"
    reopened = client.post(f"{base}/reopen", json={"reason": "又报警"}, headers=inspector)
    assert reopened.status_code == 200
    assert reopened.get_json()["status"] == "open"
    assert reopened.get_json()["reopen_reason"] == "又报警"
    assert client.post(f"{base}/reopen", json={"reason": "x"}, headers=inspector).status_code == 409


def test_evidence_file_with_the_correction(client, world, api_headers, post_visit) -> None:
    import io

    v = _violation(post_visit, world)
    op_a = api_headers(world["users"]["operator_a"])
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    data = {"notes": "整改报告", "evidence": (io.BytesIO(pdf), "report.pdf", "application/pdf")}
    resp = client.post(
        f"/api/v1/violations/{v['id']}/corrected",
        data=data,
        headers=op_a,
        content_type="multipart/form-data",
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["has_evidence"] is True


def test_violations_are_scoped_to_the_operators_organization(
    client, world, api_headers, post_visit
) -> None:
    v = _violation(post_visit, world)
    post_visit(world["fac_b"], violations=[{"code": "BJ-OP-01"}])
    op_b = api_headers(world["users"]["operator_b"])
    listed = client.get("/api/v1/violations?status=open", headers=op_b).get_json()
    assert {x["facility_id"] for x in listed} == {world["fac_b"].id}
    assert client.get(f"/api/v1/violations/{v['id']}", headers=op_b).status_code == 404
    cross = client.get(f"/api/v1/violations?facility_id={world['fac_a'].id}", headers=op_b)
    assert cross.status_code == 200 and cross.get_json() == []
    visit_id = v["compliance_inspection_id"]
    assert client.get(f"/api/v1/compliance-inspections/{visit_id}", headers=op_b).status_code == 404


def test_violation_codes_in_the_readers_language(client, world, api_headers) -> None:
    headers = api_headers(world["users"]["viewer"])
    zh = client.get("/api/v1/violation-codes", headers={**headers, "Accept-Language": "zh"})
    en = client.get("/api/v1/violation-codes", headers={**headers, "Accept-Language": "en"})
    zh_codes = {c["code"]: c for c in zh.get_json()}
    en_codes = {c["code"]: c for c in en.get_json()}
    assert len(zh_codes) >= 15
    assert zh_codes["BJ-LD-02"]["title"] == "双层罐（管）间隙内有液体"
    assert (
        en_codes["BJ-LD-02"]["title"] == "Liquid in the interstice of a double-walled tank or pipe"
    )
    assert set(en_codes["BJ-LD-02"]) >= {
        "code", "title", "category", "soc", "severity", "rtc_days", "citation",
    }  # fmt: skip


def test_checklist_items_carry_their_violation(client, world, api_headers) -> None:
    headers = api_headers(world["users"]["inspector"])
    items = client.get(f"/api/v1/assets/{world['tank_a'].id}/checklist", headers=headers)
    by_code = {i["code"]: i["violation"] for i in items.get_json()["items"]}
    assert by_code["interstice_dry"] == "BJ-LD-02"
    assert by_code["other_observations"] is None


def test_a_body_that_parses_to_nothing_is_refused(client, world, api_headers, post_visit) -> None:
    v = _violation(post_visit, world)
    headers = {**api_headers(world["users"]["operator_a"])}
    url = f"/api/v1/violations/{v['id']}/corrected"
    junk = client.post(
        url,
        data=b"--b\r\n__main__--b--\r\n",
        headers={**headers, "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert junk.status_code == 422
    listed = client.post(url, json=["not", "an", "object"], headers=headers)
    assert listed.status_code == 422
    assert client.post(url, headers=headers).status_code == 200  # no body: corrected today
