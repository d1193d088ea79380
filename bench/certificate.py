"""Certificate PDF render time against a minimal one-line WeasyPrint page (budget ≤ 2×).

Both rendered in the same process after a warm-up (fonts loaded); medians of several runs.
The certificate is the real template with a real asset's printed facts (not saved), rendered
by `render_pdf` as the server renders each download: QR code, template, layout and PDF every
time; the stylesheet and its font are parsed once per process (see certificates/pdf.py). The
one-line page is WeasyPrint with its default settings, which build the font configuration
afresh on each render. On a busy machine the two medians are taken in different moments:
run it a few times and take the median ratio.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date
from types import SimpleNamespace
from typing import Any

BUDGET = 2.0


def _printed() -> dict[str, Any]:
    from registry.assets.models import Tank
    from registry.certificates.printing import printed_facts
    from registry.sites.models import Facility
    from registry.sites.models import Organization

    org = Organization(name="中石化北京东城石油销售有限公司", credit_code="911101010000000001")
    fac = Facility(name="中石化东直门加油站", address="北京市东城区东直门外大街12号")
    fac.organization = org
    tank = Tank(
        tag="7KQ2M9XD4WJ8", operator_ref="T01", kind="tank", substance="gasoline",
        wall="double", material="steel", capacity_litres=30000, compartments=1,
        leak_detection=["interstitial", "atg"],
    )  # fmt: skip
    tank.facility = fac
    facts = SimpleNamespace(performed_on=date(2026, 11, 20), inspector_name="张伟", finding_count=0)
    issue = {
        "issued_on": date(2026, 11, 21),
        "valid_from": date(2026, 11, 21),
        "valid_until": date(2027, 11, 21),
    }
    number = "DC-2026-000123"
    url = f"https://registry.example.cn/c/{number}"
    return printed_facts(number=number, verify_url=url, asset=tank, facts=facts, issue=issue)


def _median(fn: Any, repeat: int) -> float:
    fn()  # warm-up: fonts, templates
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(quick: bool) -> list[dict[str, Any]]:
    """Median render time of a certificate and of a one-line page."""
    from weasyprint import HTML

    from bench._setup import make_app
    from registry.certificates.pdf import render_pdf

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(f"sqlite:///{tmp}/c.db", None)
        with app.test_request_context("/"):
            page = _printed()
            repeat = 5 if quick else 15
            cert_s = _median(lambda: render_pdf([page]), repeat)
            floor_s = _median(lambda: HTML(string="<p>证书 certificate</p>").write_pdf(), repeat)
    ratio = cert_s / floor_s
    return [
        {
            "certificate_ms": round(cert_s * 1000, 1),
            "one_line_ms": round(floor_s * 1000, 1),
            "ratio": round(ratio, 2),
            "budget": f"<= {BUDGET}",
            "ok": ratio <= BUDGET,
        }
    ]
