"""The regulator's dashboard: every figure matches the data and links to its list."""

from __future__ import annotations

import re
from typing import Any

from registry.enforcement.services import place_red_tag
from registry.extensions import db


def _counts(html: str) -> dict[str, tuple[str, int]]:
    """Map data-count names to (link, number)."""
    found: dict[str, tuple[str, int]] = {}
    for m in re.finditer(
        r'<a [^>]*?href="([^"]*)"[^>]*data-count="([^"]+)"[^>]*>\s*(?:<span class="num">)?(\d+)',
        html,
    ):
        found[m.group(2)] = (m.group(1).replace("&amp;", "&"), int(m.group(3)))
    for m in re.finditer(r'<span data-count="([^"]+)">(\d+)', html):
        found[m.group(1)] = ("", int(m.group(2)))
    return found


def test_dashboard_numbers_match_data(
    client: Any, world: dict[str, Any], make_asset: Any, login_as: Any
) -> None:
    fac = world["fac_a"]
    make_asset(fac, status="temporarily_closed", capacity_litres=None)
    make_asset(fac, wall="single", anti_seepage="none")
    make_asset(fac, wall="single", anti_seepage="seepage_pit", installed_on=None)
    make_asset(fac, kind="pipeline", wall=None, status="permanently_closed", closed_on=None)
    place_red_tag(
        world["tank_b"], reason="r", legal_basis="b", placed_by=world["users"]["regulator"]
    )
    db.session.commit()
    login_as("viewer", locale="en")
    html = client.get("/dashboard").get_data(as_text=True)
    c = _counts(html)
    assert c["filings_waiting"] == ("/filings?status=submitted", 1)
    assert c["red_tags"] == ("/red-tags", 1)
    assert c["assets"][1] == 8
    assert c["status-in_service"] == ("/assets?status=in_service", 6)
    assert c["status-temporarily_closed"][1] == 1
    assert c["status-permanently_closed"][1] == 1
    assert c["construction-tank-double"] == ("/assets?kind=tank&wall=double", 3)
    assert c["construction-tank-single"] == ("/assets?kind=tank&wall=single", 2)
    assert c["construction-pipeline-double"][1] == 2
    assert c["construction-pipeline-unknown"][1] == 1
    assert c["quality-single_wall_no_pit"] == ("/quality?code=single_wall_no_pit", 1)
    assert c["quality-missing_capacity"][1] == 1
    assert c["quality-missing_installed_on"][1] == 1
    assert c["quality-outside_district"][1] == 0
    assert c["problems"][1] == 3
    # The links lead to lists that show the same numbers.
    assets = client.get("/assets?kind=tank&wall=single").get_data(as_text=True)
    assert "2 results" in assets
    quality = client.get("/quality?code=single_wall_no_pit").get_data(as_text=True)
    assert quality.count('data-code="single_wall_no_pit"') == 1


def test_home_of_regulators_and_viewers_is_the_dashboard(
    client: Any, world: dict[str, Any]
) -> None:
    for role, target in (
        ("regulator", "/dashboard"),
        ("viewer", "/dashboard"),
        ("operator_a", "/facilities"),
        ("inspector", "/assets"),
    ):
        with client.session_transaction() as sess:
            sess["_user_id"] = str(world["users"][role].id)
        r = client.get("/")
        assert r.status_code == 302 and r.headers["Location"].endswith(target), role


def test_dashboard_has_a_slot_for_other_domains(
    app: Any, client: Any, login_as: Any, monkeypatch: Any
) -> None:
    from jinja2 import ChoiceLoader
    from jinja2 import DictLoader

    from registry.core import panels

    loader = ChoiceLoader(
        [
            DictLoader({"test/_tile.html": '<a class="tile" data-count="overdue">7</a>'}),
            app.jinja_env.loader,
        ]
    )
    monkeypatch.setattr(app.jinja_env, "loader", loader)
    monkeypatch.setitem(panels._PANELS, "dashboard", {"test/_tile.html": 50})
    login_as("regulator")
    html = client.get("/dashboard").get_data(as_text=True)
    assert '<a class="tile" data-count="overdue">7</a>' in html
