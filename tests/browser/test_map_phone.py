"""The /map page on a 360 px phone: everything from the app's own host, no console error,
markers coloured by state, and a facility marker that opens its card linking to the facility."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from registry.audit.services import acting_as
from registry.auth.models import User
from registry.demo import load_demo
from registry.receptors.services import create_receptor
from registry.sites.models import Facility
from tests.browser.a11y import assert_accessible
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(committed_db: Any) -> Facility:
    with acting_as("demo"):
        load_demo()
        committed_db.session.flush()
        square = [
            [116.40, 39.91],
            [116.41, 39.91],
            [116.41, 39.92],
            [116.40, 39.92],
            [116.40, 39.91],
        ]
        for geometry, kind in (
            ({"type": "Point", "coordinates": [116.42, 39.93]}, "school"),
            ({"type": "Polygon", "coordinates": [square]}, "underground_space"),
        ):
            create_receptor(
                {"geometry": geometry, "properties": {"kind": kind, "name": kind}}, by=None
            )
        committed_db.session.commit()
    facility = committed_db.session.scalar(
        select(Facility).where(Facility.latitude.is_not(None)).order_by(Facility.id)
    )
    assert facility is not None
    return facility


def _loaded(page: Any) -> None:
    try:
        page.wait_for_selector("#map[data-loaded=true]", state="attached", timeout=10000)
    except Exception as exc:
        raise AssertionError(f"map not loaded: {page.console_errors}") from exc


def test_map_on_a_phone(live_url: str, phone: Any, demo: Facility) -> None:
    requests: list[str] = []
    phone.on("request", lambda r: requests.append(r.url))
    log_in(phone, live_url, "inspector@demo.local", "inspector-demo")
    phone.goto(f"{live_url}/map")
    _loaded(phone)
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 360
    marker = phone.locator(f".fac-marker[data-facility-id='{demo.id}']")
    if marker.count() == 0:
        # Clustered: a cluster's click zooms in until the marker shows.
        for _ in range(8):
            cluster = phone.locator(".marker-cluster").first
            if marker.count() or not cluster.count():
                break
            cluster.click()
            phone.wait_for_timeout(500)
    assert marker.count() == 1
    classes = marker.get_attribute("class") or ""
    assert any(f"state-{s}" in classes for s in ("ok", "due_soon", "overdue", "no_record"))
    marker.click()
    link = phone.locator(".leaflet-popup .map-card a.facility-link")
    link.wait_for()
    phone.wait_for_timeout(400)  # the popup's fade-in, before axe measures its contrast
    assert phone.inner_text(".leaflet-popup .map-card h2") == demo.name
    assert link.get_attribute("href") == f"/facilities/{demo.id}"
    # Receptors drawn: a point and a polygon (paths in Leaflet's SVG pane).
    assert phone.locator(".leaflet-overlay-pane path").count() >= 3  # district, polygon, point
    assert_accessible(phone)
    assert not phone.console_errors, phone.console_errors
    hosts = {urlsplit(u).netloc for u in requests if not u.startswith("data:")}
    assert hosts == {urlsplit(live_url).netloc}, hosts
    link.click()
    phone.wait_for_load_state("load")
    assert phone.url == f"{live_url}/facilities/{demo.id}"


def test_operator_map_holds_its_own_facilities(
    live_url: str, phone: Any, demo: Facility, committed_db: Any
) -> None:
    operator = committed_db.session.scalar(select(User).where(User.email == "operator@demo.local"))
    own = set(
        committed_db.session.scalars(
            select(Facility.id).where(
                Facility.organization_id == operator.organization_id,
                Facility.latitude.is_not(None),
            )
        )
    )
    log_in(phone, live_url, "operator@demo.local", "operator-demo")
    phone.goto(f"{live_url}/map")
    _loaded(phone)
    shown = phone.evaluate(
        "() => Array.from(document.querySelectorAll('.fac-marker, .marker-cluster')).length"
    )
    assert shown >= 1
    body = phone.evaluate(
        "() => fetch('/api/v1/map/features?layers=facilities').then(r => r.json())"
    )
    assert {f["properties"]["id"] for f in body["features"]} == own
    assert not phone.console_errors, phone.console_errors
