"""The violation libraries of both packs, the checklists that name them, the audit log."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.compliance.rules import RulePackError
from registry.compliance.rules import load_pack
from registry.compliance.rules import parse_pack
from registry.compliance.violation_library import CATEGORIES
from registry.inspections.checklists import load_checklist

CN_SOURCES = re.compile(r"GB 50156|HJ 1209|隐患排查指南|北京市土壤污染防治条例")


@pytest.mark.parametrize("name", ["us-epa-280", "cn-beijing"])
def test_each_pack_has_a_library(app: Any, name: str) -> None:
    pack = load_pack(name)
    assert len(pack.violations) >= 15
    for v in pack.violations.values():
        assert v.title_zh and v.title_en and v.citation
        assert v.category in CATEGORIES and v.severity in ("low", "medium", "high", "critical")
        assert v.rtc_days >= 1
        if name == "us-epa-280":
            assert "40 CFR 280" in v.citation, v.code
        else:
            assert CN_SOURCES.search(v.citation), v.code
    soc = {v.category for v in pack.violations.values() if v.soc}
    assert soc == {"release_prevention", "release_detection"}
    with app.app_context():
        checklist = load_checklist(name)
    named = {i.violation for i in checklist.items if i.violation}
    assert named and named <= set(pack.violations), named - set(pack.violations)


def test_a_malformed_violation_stops_the_pack(tmp_path: Path) -> None:
    source = Path(load_pack("cn-beijing").path).read_text(encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text(source.replace('category = "records"', 'category = "paperwork"', 1))
    with pytest.raises(RulePackError, match="category"):
        parse_pack(broken)
    twice = tmp_path / "twice.toml"
    twice.write_text(source.replace('code = "BJ-RC-02"', 'code = "BJ-RC-01"', 1))
    with pytest.raises(RulePackError, match="repeated"):
        parse_pack(twice)


def test_us_pack_visit_cites_40_cfr(
    app, client, world, api_headers, asset_inspection, post_visit, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "RULE_PACK", "us-epa-280")
    monkeypatch.setitem(app.extensions, "rule_pack", load_pack("us-epa-280"))
    failed = asset_inspection(world["tank_a"], failing=("spill_bucket_ok",))
    visit = post_visit(world["fac_a"], inspection_ids=[failed["id"]]).get_json()
    (v,) = visit["violations"]
    assert v["code"] == "US-RP-01" and v["citation"].startswith("40 CFR 280")
    assert v["due_on"] == date(2025, 4, 9).isoformat()  # 30 days after 2025-03-10
    assert visit["soc_release_prevention"] is False and visit["soc_release_detection"] is True
    codes = client.get("/api/v1/violation-codes", headers=api_headers(world["users"]["viewer"]))
    assert {c["code"][:3] for c in codes.get_json()} == {"US-"}


def test_every_change_is_in_the_audit_log(db, client, world, api_headers, post_visit) -> None:
    visit = post_visit(world["fac_a"], violations=[{"code": "BJ-OP-01"}]).get_json()
    v = visit["violations"][0]
    op = api_headers(world["users"]["operator_a"])
    client.post(
        f"/api/v1/violations/{v['id']}/corrected", json={"corrected_on": "2025-03-12"}, headers=op
    )
    insp = api_headers(world["users"]["inspector"])
    client.post(f"/api/v1/violations/{v['id']}/reopen", json={"reason": "未见记录"}, headers=insp)
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "violation", AuditEvent.row_id == v["id"])
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["create", "update", "update"]
    assert events[1].changes["status"] == ["open", "corrected"]
    assert events[1].actor == world["users"]["operator_a"].email
    assert events[2].changes["reopen_reason"] == [None, "未见记录"]
    created = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "compliance_inspection", AuditEvent.row_id == visit["id"]
        )
    ).all()
    assert [e.action for e in created] == ["create"]
