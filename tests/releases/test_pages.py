"""Release pages: the queue, a release with its steps and forms, the acts that ask first, the
public list and map export, and the tag card of a facility with a confirmed release."""

from __future__ import annotations

from typing import Any

from registry.extensions import db
from registry.releases import services
from tests.helpers import log_in
from tests.releases.conftest import at


def test_operator_opens_by_hand_and_records_a_step(client: Any, world: dict[str, Any]) -> None:
    log_in(client, world["users"]["operator_a"])
    form = {
        "discovered_at": "2026-03-01T23:30",  # local time: 15:30 UTC
        "description": "Fuel in the sump",
        "kind": "overfill",
        "asset_id": str(world["tank_a"].id),
        "media": ["soil", "groundwater"],
        "media__present": "1",
    }
    r = client.post(f"/facilities/{world['fac_a'].id}/releases/new", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    page = client.get(r.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-state="suspected"' in html
    assert 'data-step="report_emergency" data-done="false"' in html
    rid = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    release = services.get_release(world["users"]["regulator"], rid)
    assert release.discovered_at == at("2026-03-01T23:30+08:00")
    assert release.kind == "overfill" and release.media == ["soil", "groundwater"]
    r = client.post(f"/releases/{rid}/steps/report_emergency", data={"done_at": "2026-03-02T08:00"})
    assert r.status_code == 302
    html = client.get(f"/releases/{rid}").get_data(as_text=True)
    assert 'data-step="report_emergency" data-done="true"' in html
    bad = client.post(f"/releases/{rid}/steps/report_emergency", data={"done_at": ""})
    assert bad.status_code == 422


def test_future_discovery_refused_at_the_field(client: Any, world: dict[str, Any]) -> None:
    log_in(client, world["users"]["operator_a"])
    form = {"discovered_at": "2999-03-01T10:00", "description": "x"}
    r = client.post(f"/facilities/{world['fac_a'].id}/releases/new", data=form)
    assert r.status_code == 422 and "has-error" in r.get_data(as_text=True)


def test_acts_ask_first(client: Any, world: dict[str, Any]) -> None:
    log_in(client, world["users"]["regulator"])
    rid = world["release_a"].id
    body = {"confirmed_at": "2026-03-05T10:00", "confirm": "1"}
    r = client.post(f"/releases/{rid}/confirm", data=body)
    assert r.status_code == 200 and world["release_a"].number in r.get_data(as_text=True)
    db.session.expire_all()
    assert services.get_release(world["users"]["regulator"], rid).state == "suspected"
    r = client.post(f"/releases/{rid}/confirm", data={"confirmed_at": "2026-03-05T10:00"})
    assert r.status_code == 302
    db.session.expire_all()
    assert services.get_release(world["users"]["regulator"], rid).state == "confirmed"
    # illegal: a confirmed release is not "not confirmed"
    r = client.post(f"/releases/{rid}/not-confirmed", data={"reason": "x"})
    assert r.status_code == 409


def test_close_is_for_regulators(client: Any, world: dict[str, Any]) -> None:
    rid = world["release_confirmed_a"].id
    body = {"closed_on": "2026-03-20", "reason": "Done"}
    log_in(client, world["users"]["operator_a"])
    assert "Close release" not in client.get(f"/releases/{rid}").get_data(as_text=True)
    assert client.post(f"/releases/{rid}/close", data=body).status_code == 403
    log_in(client, world["users"]["inspector"])
    assert client.post(f"/releases/{rid}/close", data=body).status_code == 403


def test_queue_puts_overdue_first(client: Any, world: dict[str, Any], open_release: Any) -> None:
    late = open_release(world["fac_b"], "2026-02-01T09:00+08:00")
    log_in(client, world["users"]["regulator"])
    html = client.get("/releases").get_data(as_text=True)
    # the world's releases have every step done; the new one is overdue
    assert html.index(late.number) < html.index(world["release_a"].number)


def test_public_card_list_and_export(client: Any, world: dict[str, Any]) -> None:
    confirmed = world["release_confirmed_a"]
    card = client.get(f"/t/{world['pipe_a'].tag}").get_data(as_text=True)
    assert 'data-open-release="true"' in card and confirmed.number in card
    other = client.get(f"/t/{world['tank_b'].tag}").get_data(as_text=True)
    assert 'data-open-release="false"' in other
    page = client.get("/releases/public")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and confirmed.number in html
    assert world["release_a"].number not in html  # suspected: not public
    geo = client.get("/exports/releases.geojson")
    assert geo.status_code == 200
    features = geo.get_json()["features"]
    assert [f["properties"]["number"] for f in features] == [confirmed.number]
    props = features[0]["properties"]
    assert set(props) == {
        "number",
        "facility_name",
        "state",
        "discovered_on",
        "confirmed_on",
        "closed_on",
    }
    assert features[0]["geometry"]["coordinates"] == [116.43, 39.94]
    # no personal data: no user, contact, address or description anywhere
    org = world["org_a"]
    for text in (html, geo.get_data(as_text=True)):
        for secret in (world["users"]["operator_a"].email, "Suspected leak"):
            assert secret not in text
        for value in (org.contact_email, org.contact_phone, org.contact_name):
            assert not value or value not in text
    services.close(confirmed, closed_on=at("2026-03-20T10:00+08:00").date(), reason="x", by=None)
    db.session.commit()
    card = client.get(f"/t/{world['pipe_a'].tag}").get_data(as_text=True)
    assert 'data-open-release="false"' in card


def test_dashboard_shows_the_measures(client: Any, world: dict[str, Any]) -> None:
    log_in(client, world["users"]["regulator"])
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'data-measures="releases"' in html and "<progress" in html


def test_operator_home_lists_open_releases(client: Any, world: dict[str, Any]) -> None:
    log_in(client, world["users"]["operator_a"])
    html = client.get("/reminders").get_data(as_text=True)
    assert 'data-operator-releases="2"' in html and world["release_a"].number in html
    log_in(client, world["users"]["operator_b"])
    assert "data-operator-releases" not in client.get("/reminders").get_data(as_text=True)
