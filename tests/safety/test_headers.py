"""Security headers on every kind of answer: pages, API, errors."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize(
    "url", ["/login", "/api/v1/openapi.json", "/no-such-page", "/api/v1/assets"]
)
def test_security_headers(client: Any, url: str) -> None:
    resp = client.get(url)
    csp = resp.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_scripts(client: Any, login_as: Any, world: dict[str, Any]) -> None:
    login_as("regulator")
    for url in ("/login", "/assets", "/facilities", f"/assets/{world['tank_a'].id}"):
        html = client.get(url).get_data(as_text=True)
        for chunk in html.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            assert "src=" in head, f"inline script on {url}"
        assert " onclick=" not in html and " onload=" not in html
