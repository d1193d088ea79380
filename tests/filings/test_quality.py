"""Data-quality checks: each positive and negative, the packs, the bounds, set-based queries."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from registry.config import parse_bounds
from registry.extensions import db
from registry.filings import quality


def codes_of(asset: Any) -> set[str]:
    """Return the codes flagged on the asset itself (not its facility)."""
    return {p.code for p in quality.asset_problems(asset) if p.asset_id == asset.id}


def facility_codes(asset: Any) -> set[str]:
    return {p.code for p in quality.asset_problems(asset) if p.asset_id is None}


def test_a_complete_tank_and_pipe_have_no_problems(make_asset: Any, make_facility: Any) -> None:
    fac = make_facility()
    assert quality.asset_problems(make_asset(fac)) == []
    assert quality.asset_problems(make_asset(fac, kind="pipeline")) == []


@pytest.mark.parametrize(
    ("kind", "fields", "code", "flagged"),
    [
        ("tank", {"installed_on": None}, "missing_installed_on", True),
        ("pipeline", {"installed_on": None}, "missing_installed_on", True),
        (
            "tank",
            {"installed_on": None, "status": "temporarily_closed"},
            "missing_installed_on",
            False,
        ),
        ("tank", {"wall": "single", "anti_seepage": "none"}, "single_wall_no_pit", True),
        ("tank", {"wall": "single", "anti_seepage": None}, "single_wall_no_pit", True),
        ("tank", {"wall": "single", "anti_seepage": "liner"}, "single_wall_no_pit", True),
        ("tank", {"wall": "single", "anti_seepage": "seepage_pit"}, "single_wall_no_pit", False),
        ("tank", {"wall": "double", "anti_seepage": "double_wall"}, "single_wall_no_pit", False),
        ("pipeline", {"wall": "single", "anti_seepage": "none"}, "single_wall_no_pit", False),
        ("tank", {"leak_detection": []}, "no_leak_detection", True),
        ("pipeline", {"leak_detection": []}, "no_leak_detection", True),
        ("tank", {"leak_detection": ["atg"]}, "no_leak_detection", False),
        (
            "tank",
            {"leak_detection": [], "status": "temporarily_closed"},
            "no_leak_detection",
            False,
        ),
        ("tank", {"material": "steel", "corrosion_protection": "none"}, "steel_unprotected", True),
        (
            "pipeline",
            {"material": "steel", "corrosion_protection": None},
            "steel_unprotected",
            True,
        ),
        (
            "tank",
            {"material": "steel", "corrosion_protection": "sacrificial_anode"},
            "steel_unprotected",
            False,
        ),
        ("tank", {"material": "frp", "corrosion_protection": "none"}, "steel_unprotected", False),
        ("tank", {"capacity_litres": None}, "missing_capacity", True),
        ("tank", {"capacity_litres": 20000.0}, "missing_capacity", False),
    ],
)
def test_asset_checks(
    make_asset: Any, kind: str, fields: dict[str, Any], code: str, flagged: bool
) -> None:
    asset = make_asset(kind=kind, **fields)
    found = codes_of(asset)
    assert (code in found) is flagged, found
    # Nothing else is flagged on an otherwise complete asset.
    assert found <= {code}


def test_retired_assets_are_not_checked(make_asset: Any) -> None:
    asset = make_asset(
        status="permanently_closed",
        closed_on=None,
        installed_on=None,
        wall="single",
        anti_seepage="none",
        leak_detection=[],
        capacity_litres=None,
        material="steel",
    )
    assert codes_of(asset) == set()


def test_line_leak_detector_only_in_the_us_pack(
    app: Any, make_asset: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = make_asset(kind="pipeline", piping_type="pressurized", line_leak_detector=False)
    fitted = make_asset(kind="pipeline", piping_type="pressurized", line_leak_detector=True)
    suction = make_asset(kind="pipeline", piping_type="suction", line_leak_detector=False)
    monkeypatch.setitem(app.config, "RULE_PACK", "cn-beijing")
    assert "no_line_leak_detector" not in codes_of(bare)
    assert "no_line_leak_detector" not in quality.active_codes()
    monkeypatch.setitem(app.config, "RULE_PACK", "us-epa-280")
    assert codes_of(bare) == {"no_line_leak_detector"}
    assert codes_of(fitted) == set()
    assert codes_of(suction) == set()
    assert "no_line_leak_detector" in quality.active_codes()


def test_facility_coordinates(
    app: Any, make_facility: Any, make_asset: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside = make_asset(make_facility(latitude=39.94, longitude=116.43))
    outside = make_asset(make_facility(latitude=40.50, longitude=116.43))
    missing = make_asset(make_facility(latitude=None, longitude=None))
    assert facility_codes(inside) == set()
    assert facility_codes(outside) == {"outside_district"}
    assert facility_codes(missing) == {"missing_coordinates"}
    # The bounds come from DISTRICT_BOUNDS.
    monkeypatch.setitem(app.config, "DISTRICT_BOUNDS", parse_bounds("40.0,116.0,41.0,117.0"))
    assert facility_codes(inside) == {"outside_district"}
    assert facility_codes(outside) == set()


def test_messages_are_translated(
    client: Any, world: dict[str, Any], make_asset: Any, api_headers: Any
) -> None:
    asset = make_asset(world["fac_a"], installed_on=None)
    h = api_headers(world["users"]["operator_a"])
    r = client.get(f"/api/v1/assets/{asset.id}/quality", headers=h | {"Accept-Language": "zh"})
    assert r.status_code == 200
    assert [p["code"] for p in r.json] == ["missing_installed_on"]
    assert r.json[0]["message"] == "在用，但缺少安装日期。"
    r = client.get(f"/api/v1/assets/{asset.id}/quality", headers=h | {"Accept-Language": "en"})
    assert r.json[0]["message"] == "In service, but the installation date is missing."
    assert set(r.json[0]) >= {"code", "message"}


def test_api_quality_of_other_organization_is_404(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["operator_b"])
    assert client.get(f"/api/v1/assets/{world['tank_a'].id}/quality", headers=h).status_code == 404


def test_quality_list_filters(
    client: Any, world: dict[str, Any], make_facility: Any, make_asset: Any, login_as: Any
) -> None:
    fac_x = make_facility(world["org_b"], subdistrict="龙潭街道", kind="oil_depot")
    a1 = make_asset(world["fac_a"], capacity_litres=None, operator_ref="CAP-A")
    a2 = make_asset(fac_x, capacity_litres=None, installed_on=None, operator_ref="CAP-X")
    login_as("regulator")
    page = client.get("/quality?code=missing_capacity").get_data(as_text=True)
    assert "CAP-A" in page and "CAP-X" in page and 'data-code="missing_installed_on"' not in page
    page = client.get("/quality?subdistrict=龙潭街道").get_data(as_text=True)
    assert "CAP-X" in page and "CAP-A" not in page
    assert 'data-code="missing_installed_on"' in page
    page = client.get(f"/quality?organization_id={world['org_a'].id}").get_data(as_text=True)
    assert "CAP-A" in page and "CAP-X" not in page
    page = client.get("/quality?facility_kind=oil_depot").get_data(as_text=True)
    assert "CAP-X" in page and "CAP-A" not in page
    assert a1.id != a2.id


def test_quality_list_is_scoped_for_operators(
    client: Any, world: dict[str, Any], make_asset: Any, login_as: Any
) -> None:
    make_asset(world["fac_a"], capacity_litres=None, operator_ref="CAP-A")
    make_asset(world["fac_b"], capacity_litres=None, operator_ref="CAP-B")
    client_user = world["users"]["operator_b"]
    with client.session_transaction() as sess:
        sess["_user_id"] = str(client_user.id)
    page = client.get("/quality").get_data(as_text=True)
    assert "CAP-B" in page and "CAP-A" not in page


def test_quality_list_paginates(
    client: Any, world: dict[str, Any], make_asset: Any, login_as: Any
) -> None:
    for i in range(30):
        make_asset(world["fac_a"], capacity_litres=None, operator_ref=f"P{i:02d}")
    login_as("viewer")
    first = client.get("/quality?code=missing_capacity&page_size=25").get_data(as_text=True)
    second = client.get("/quality?code=missing_capacity&page_size=25&page=2").get_data(as_text=True)
    assert first.count('data-code="missing_capacity"') == 25
    assert second.count('data-code="missing_capacity"') == 5


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: Any) -> None:
        self.count += 1

    def __enter__(self) -> StatementCounter:
        event.listen(Engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc: Any) -> None:
        event.remove(Engine, "before_cursor_execute", self)


def _add_flawed_assets(facility: Any, make_asset: Any, n: int) -> None:
    variants = [
        {"installed_on": None},
        {"capacity_litres": None},
        {"wall": "single", "anti_seepage": "none"},
        {"leak_detection": []},
        {"material": "steel", "corrosion_protection": "none"},
    ]
    for i in range(n):
        make_asset(facility, **variants[i % len(variants)])


def _statements(client: Any, facility: Any) -> tuple[int, int]:
    db.session.expire_all()
    with StatementCounter() as direct:
        problems = quality.facility_problems(facility.id)
        quality.count_by_code(None)
    with StatementCounter() as pages:
        assert client.get("/quality?page_size=100").status_code == 200
        assert client.get(f"/facilities/{facility.id}").status_code == 200
        assert client.get("/dashboard").status_code == 200
    assert problems
    return direct.count, pages.count


def test_checks_are_set_based(
    client: Any, make_facility: Any, make_asset: Any, login_as: Any
) -> None:
    login_as("regulator")
    facility = make_facility()
    _add_flawed_assets(facility, make_asset, 10)
    small = _statements(client, facility)
    _add_flawed_assets(facility, make_asset, 190)
    large = _statements(client, facility)
    assert len(quality.facility_problems(facility.id)) == 200
    assert small == large
