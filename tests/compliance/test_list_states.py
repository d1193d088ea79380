"""The compliance column and filter of the facility and asset lists, as of a pinned day."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from registry.compliance import engine
from registry.compliance.rules import active_pack
from registry.compliance.states import worst_states

D = date.fromisoformat
AS_OF = "2026-06-15"
SINCE = "2020-01-10"  # registered long before: nothing waits in the onboarding grace


def _satisfy(scope: engine.Scope, record: Any, target: Any, on: str, skip: str = "") -> None:
    """Record, on `on`, one satisfying activity of every periodic obligation of the scope."""
    pack = active_pack()
    items = engine.compute(
        pack, as_of=D(AS_OF), window_days=14, horizon_days=365 * 100, scope=scope
    )
    done = set()
    for item in items:
        obligation = next(o for o in pack.obligations if o.code == item.obligation)
        if item.obligation == skip or item.obligation in done:
            continue
        done.add(item.obligation)
        record(target(item), obligation.satisfied_by[0], on)


@pytest.fixture
def station(
    make_org: Any, make_facility: Any, make_asset: Any, registered: Any, record: Any
) -> dict[str, Any]:
    """Four facilities of one organization, one tank each, in each state as of AS_OF."""
    org = make_org()
    rows: dict[str, Any] = {"org": org}
    for number, state in enumerate(("overdue", "ok", "due_soon", "no_record"), start=1):
        facility = make_facility(org, name=f"{number}号站")
        tank = make_asset(facility)
        registered(facility, SINCE)
        registered(tank, SINCE)
        rows[state] = (facility, tank)
    # ok: everything done the day before; due soon: the 30-day patrol done 26 days before.
    for state in ("ok", "due_soon"):
        facility, tank = rows[state]

        def target(item: Any, facility: Any = facility, tank: Any = tank) -> Any:
            return tank if item.asset_id is not None else facility

        skip = "patrol" if state == "due_soon" else ""
        _satisfy(engine.Scope(facility_id=facility.id), record, target, "2026-06-14", skip)
    record(rows["due_soon"][1], "patrol", "2026-05-20")  # due 06-19: within the 14 days
    # Not recorded: an old tank registered this month, in its 30 days' grace.
    facility, tank = rows["no_record"]
    registered(tank, "2026-06-01")
    registered(facility, "2026-06-01")
    # (Its basic information report fell due on the registration day itself: no grace. Filed.)
    report = next(o for o in active_pack().obligations if o.code == "basic_information_report")
    record(facility, report.satisfied_by[0], "2026-06-02")
    return rows


def test_worst_states_from_one_engine_run(station: dict[str, Any]) -> None:
    states = worst_states(as_of=D(AS_OF), organization_id=station["org"].id)
    for state in ("overdue", "ok", "due_soon", "no_record"):
        facility, tank = station[state]
        assert states.of_asset(tank.id) == state, state
        assert states.of_facility(facility.id) == state, state


def test_the_worst_state_wins(station: dict[str, Any], make_asset: Any, registered: Any) -> None:
    facility, _ok_tank = station["ok"]
    late = make_asset(facility)  # nothing recorded since 2020
    registered(late, SINCE)
    states = worst_states(as_of=D(AS_OF), organization_id=station["org"].id)
    assert states.of_asset(late.id) == "overdue"
    assert states.of_facility(facility.id) == "overdue"


def _linked(html: str, prefix: str) -> list[int]:
    return [int(i) for i in re.findall(re.escape(prefix) + r'(\d+)"', html)]


def _badges(html: str) -> list[str]:
    return re.findall(r'data-compliance="([a-z_]+)"', html)


def test_facility_list_column_and_filter(
    client: Any, login_as: Any, station: dict[str, Any]
) -> None:
    login_as("operator", organization=station["org"])
    html = client.get(f"/facilities?as_of={AS_OF}&sort=name").get_data(as_text=True)
    by_id = dict(zip(_linked(html, "/facilities/"), _badges(html), strict=True))
    for state in ("overdue", "ok", "due_soon", "no_record"):
        assert by_id[station[state][0].id] == state
    for state in ("overdue", "ok", "due_soon", "no_record"):
        resp = client.get(
            f"/facilities?as_of={AS_OF}&compliance={state}", headers={"Accept-Language": "en"}
        )
        assert resp.status_code == 200
        page = resp.get_data(as_text=True)
        assert _linked(page, "/facilities/") == [station[state][0].id], state
        assert "1 result · page 1 of 1" in page
        assert f'<option value="{state}" selected>' in page


def test_asset_list_filter_cuts_pages_after_filtering(
    client: Any,
    login_as: Any,
    station: dict[str, Any],
    make_asset: Any,
    registered: Any,
) -> None:
    overdue = [station["overdue"][1].id]
    for _ in range(2):  # two more overdue tanks, at the ok station
        tank = make_asset(station["ok"][0])
        registered(tank, SINCE)
        overdue.append(tank.id)
    login_as("operator", organization=station["org"])
    seen: list[int] = []
    for page in (1, 2):
        resp = client.get(
            f"/assets?as_of={AS_OF}&compliance=overdue&page_size=2&page={page}",
            headers={"Accept-Language": "en"},
        )
        assert resp.status_code == 200
        html = resp.get_data(as_text=True)
        assert "3 results" in html  # counted after filtering, not before
        assert set(_badges(html)) == {"overdue"}
        seen += _linked(html, "/assets/")
    assert sorted(set(seen)) == sorted(overdue) and len(seen) == 3
    ok = client.get(f"/assets?as_of={AS_OF}&compliance=ok").get_data(as_text=True)
    assert _linked(ok, "/assets/") == [station["ok"][1].id]


def test_labels_are_words_in_both_languages(
    client: Any, login_as: Any, station: dict[str, Any]
) -> None:
    login_as("operator", organization=station["org"])
    for lang, words in (
        ("en", ("Overdue", "Due soon", "Last date not recorded", "Up to date")),
        ("zh", ("逾期", "即将到期", "按期完成")),
    ):
        html = client.get(f"/assets?as_of={AS_OF}", headers={"Accept-Language": lang}).get_data(
            as_text=True
        )
        for word in words:
            assert word in html, (lang, word)
        visible = re.sub(r"<[^>]+>", " ", html)
        assert "no_record" not in visible and "due_soon" not in visible


def test_an_unknown_compliance_value_is_no_filter(
    client: Any, login_as: Any, station: dict[str, Any]
) -> None:
    login_as("operator", organization=station["org"])
    html = client.get(f"/facilities?as_of={AS_OF}&compliance=bogus").get_data(as_text=True)
    assert len(_linked(html, "/facilities/")) == 4


def test_operators_see_their_own_states_only(
    client: Any, login_as: Any, station: dict[str, Any], make_org: Any
) -> None:
    login_as("operator", organization=make_org())
    html = client.get(f"/facilities?as_of={AS_OF}&compliance=overdue").get_data(as_text=True)
    assert _linked(html, "/facilities/") == []
