"""Open corrective actions reach the operator as reminders: page, API, calendar."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from registry.compliance.services import due_items
from registry.inspections import actions


def _action_items(items: list[Any]) -> list[Any]:
    return [i for i in items if i.source == "corrective_action"]


def test_open_action_is_due_soon_then_overdue(db, world) -> None:
    action = world["action_open"]
    org = world["org_a"].id
    soon = _action_items(
        due_items(None, as_of=action.due_on - timedelta(days=3), organization_id=org)
    )
    assert [(i.state, i.extra["finding_id"]) for i in soon] == [("due_soon", action.finding_id)]
    late = _action_items(
        due_items(None, as_of=action.due_on + timedelta(days=5), organization_id=org)
    )
    assert [(i.state, i.days_overdue) for i in late] == [("overdue", 5)]
    assert late[0].title_en.startswith("Corrective action: high finding")
    assert "Fill cap loose" in late[0].title_zh


def test_fixed_actions_and_other_orgs_are_not_reminded(db, world) -> None:
    action = world["action_open"]
    as_of = action.due_on + timedelta(days=1)
    assert _action_items(due_items(None, as_of=as_of, organization_id=world["org_b"].id)) == []
    actions.mark_fixed(action, user=world["users"]["operator_a"])
    db.session.flush()
    assert _action_items(due_items(None, as_of=as_of, organization_id=world["org_a"].id)) == []


def test_reminder_api_and_page_link_to_the_inspection(
    client, db, world, api_headers, login_as
) -> None:
    action = world["action_open"]
    as_of = (action.due_on + timedelta(days=2)).isoformat()
    resp = client.get(
        f"/api/v1/reminders?as_of={as_of}", headers=api_headers(world["users"]["operator_a"])
    )
    assert resp.status_code == 200
    mine = [i for i in resp.get_json() if i["obligation"] == "corrective_action"]
    assert len(mine) == 1 and mine[0]["state"] == "overdue" and mine[0]["days_overdue"] == 2
    login_as("operator", organization=world["org_a"])
    page = client.get(f"/reminders?as_of={as_of}").get_data(as_text=True)
    assert f"/inspections/{world['inspection_a'].id}" in page
