"""Label sheets, read as a person and a phone camera would: decode every code on every page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from registry.assets.tags import display
from registry.labels.sheets import STOCKS
from registry.labels.sheets import slots
from tests.helpers import log_in
from tests.helpers import need_tool
from tests.helpers import run

MM_PER_PT = 25.4 / 72


@pytest.fixture
def fifteen(world: dict[str, Any], make_asset: Any) -> list[Any]:
    """Facility A with 15 assets in all: 14 fill a 99x38 sheet, the 15th starts a second."""
    fac = world["fac_a"]
    extra = [make_asset(fac, operator_ref=f"T{n:02d}") for n in range(11)]
    extra += [
        make_asset(fac, kind="pipeline", operator_ref=f"P{n}", length_m=12.5) for n in range(2)
    ]
    return [world["tank_a"], world["pipe_a"], *extra]


def _pdf(client: Any, url: str, tmp_path: Path) -> Path:
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "application/pdf"
    path = tmp_path / "labels.pdf"
    path.write_bytes(resp.data)
    return path


def _decode_pages(pdf: Path, tmp_path: Path) -> list[list[str]]:
    run([need_tool("pdftoppm"), "-r", "200", "-png", str(pdf), str(tmp_path / "page")])
    pages = sorted(tmp_path.glob("page*.png"))
    return [run([need_tool("zbarimg"), "--raw", "-q", str(p)]).stdout.split() for p in pages]


@pytest.mark.slow
def test_every_code_on_every_page_decodes_to_its_landing_url(
    client: Any, world: dict[str, Any], fifteen: list[Any], tmp_path: Path
) -> None:
    log_in(client, world["users"]["operator_a"])
    pdf = _pdf(client, f"/facilities/{world['fac_a'].id}/labels.pdf", tmp_path)
    info = run([need_tool("pdfinfo"), str(pdf)]).stdout
    assert re.search(r"^Pages:\s+2$", info, re.M) and "(A4)" in info, info
    pages = _decode_pages(pdf, tmp_path)
    assert [len(p) for p in pages] == [14, 1]
    expected = {f"http://registry.test/t/{a.tag}" for a in fifteen}
    assert {url for page in pages for url in page} == expected


def test_text_has_every_tag_and_the_label_facts(
    client: Any, world: dict[str, Any], fifteen: list[Any], tmp_path: Path
) -> None:
    log_in(client, world["users"]["inspector"])
    pdf = _pdf(client, f"/facilities/{world['fac_a'].id}/labels.pdf", tmp_path)
    text = run([need_tool("pdftotext"), str(pdf), "-"]).stdout
    for asset in fifteen:
        assert display(asset.tag) in text and asset.tag in text
        assert asset.operator_ref in text
    assert "甲加油站" in text and "汽油" in text and "储罐" in text
    assert "30,000 升" in text and "12.5 米" in text


def test_fonts_are_embedded_chinese_included(
    client: Any, world: dict[str, Any], tmp_path: Path
) -> None:
    log_in(client, world["users"]["operator_a"])
    pdf = _pdf(client, f"/facilities/{world['fac_a'].id}/labels.pdf", tmp_path)
    lines = run([need_tool("pdffonts"), str(pdf)]).stdout.splitlines()[2:]
    assert lines
    for line in lines:
        assert line.split()[-5] == "yes", f"not embedded: {line}"
    assert any("NotoSansCJKsc" in line for line in lines), lines


def _word_boxes(pdf: Path) -> dict[str, tuple[int, float, float]]:
    """Return page (0-based) and the centre in mm of every word of the PDF."""
    html = run([need_tool("pdftotext"), "-bbox", str(pdf), "-"]).stdout
    boxes: dict[str, tuple[int, float, float]] = {}
    for page_no, page in enumerate(html.split("<page ")[1:]):
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>',
            page,
        ):
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            boxes[m.group(5)] = (page_no, (x0 + x1) / 2 * MM_PER_PT, (y0 + y1) / 2 * MM_PER_PT)
    return boxes


def test_small_stock_starting_mid_sheet_puts_each_label_in_its_cell(
    client: Any, world: dict[str, Any], fifteen: list[Any], tmp_path: Path
) -> None:
    log_in(client, world["users"]["operator_a"])
    chosen = fifteen[:5]
    query = "&".join(f"asset={a.id}" for a in chosen)
    url = f"/facilities/{world['fac_a'].id}/labels.pdf?stock=63x38&start=19&{query}"
    pdf = _pdf(client, url, tmp_path)
    boxes = _word_boxes(pdf)
    stock = STOCKS["63x38"]
    ordered = sorted(chosen, key=lambda a: (a.kind != "tank", a.operator_ref, a.id))
    for asset, slot in zip(ordered, slots(stock, 5, start=19), strict=True):
        page, x, y = boxes[display(asset.tag)]
        assert page == slot.sheet
        assert slot.left < x < slot.left + stock.width, (asset.tag, slot, x)
        assert slot.top < y < slot.top + stock.height, (asset.tag, slot, y)
    # positions 19, 20, 21 on the first sheet, then 1 and 2 on the second
    assert [boxes[display(a.tag)][0] for a in ordered] == [0, 0, 0, 1, 1]
    others = set(fifteen) - set(chosen)
    assert not any(display(a.tag) in boxes for a in others)
    decoded = _decode_pages(pdf, tmp_path)  # the smaller codes scan too
    assert sorted(u for page in decoded for u in page) == sorted(
        f"http://registry.test/t/{a.tag}" for a in chosen
    )


def test_geometry_of_the_standard_stocks() -> None:
    big, small = STOCKS["99x38"], STOCKS["63x38"]
    assert (big.columns, big.rows, big.width, big.height) == (2, 7, 99.1, 38.1)
    assert (small.columns, small.rows, small.width, small.height) == (3, 7, 63.5, 38.1)
    for stock in (big, small):
        # the labels and their margins fill the A4 width exactly, with equal side margins
        width = (
            2 * stock.left + stock.columns * stock.width + (stock.columns - 1) * stock.column_gap
        )
        assert abs(width - 210) < 0.2
        assert stock.top + stock.rows * stock.height < 297
    places = slots(big, 3, start=13)
    assert [(s.sheet, s.position) for s in places] == [(0, 13), (0, 14), (1, 1)]
    assert (places[0].left, places[0].top) == (4.65, round(15.1 + 6 * 38.1, 3))
    assert (places[1].left, places[2].top) == (4.65 + 99.1 + 2.5, 15.1)


def test_bad_choices_re_show_the_form(client: Any, world: dict[str, Any]) -> None:
    log_in(client, world["users"]["operator_a"])
    fac = world["fac_a"]
    resp = client.get(f"/facilities/{fac.id}/labels.pdf?stock=99x38&start=15")
    assert resp.status_code == 422 and 'name="start"' in resp.get_data(as_text=True)
    resp = client.get(f"/facilities/{fac.id}/labels.pdf?stock=A5")
    assert resp.status_code == 422
    other = world["tank_b"].id
    resp = client.get(f"/facilities/{fac.id}/labels.pdf?asset={other}")
    assert resp.status_code == 422 and world["tank_b"].tag not in resp.get_data(as_text=True)


def test_form_lists_the_assets_and_stocks(client: Any, world: dict[str, Any]) -> None:
    log_in(client, world["users"]["operator_a"])
    html = client.get(f"/facilities/{world['fac_a'].id}/labels").get_data(as_text=True)
    assert f'value="{world["tank_a"].id}"' in html and f'value="{world["pipe_a"].id}"' in html
    assert 'value="99x38"' in html and 'value="63x38"' in html
    assert world["tank_b"].tag not in html
    page = client.get(f"/facilities/{world['fac_a'].id}").get_data(as_text=True)
    assert f"/facilities/{world['fac_a'].id}/labels" in page


def test_asset_page_links_to_its_code_and_label(client: Any, world: dict[str, Any]) -> None:
    tank = world["tank_a"]
    log_in(client, world["users"]["operator_a"])
    html = client.get(f"/assets/{tank.id}").get_data(as_text=True)
    assert f"/assets/{tank.id}/qr.svg" in html
    assert f"/facilities/{world['fac_a'].id}/labels.pdf?asset={tank.id}" in html
    log_in(client, world["users"]["viewer"])
    html = client.get(f"/assets/{tank.id}").get_data(as_text=True)
    assert f"/assets/{tank.id}/qr.svg" in html and "labels.pdf" not in html


@pytest.mark.parametrize(
    ("base", "warned"),
    [
        ("http://127.0.0.1:5000", True),
        ("http://localhost:8000", True),
        ("http://[::1]:5000", True),
        ("http://0.0.0.0:5000", True),
        ("https://ust.example.cn", False),
        ("http://192.168.1.20:5000", False),
    ],
)
def test_label_page_warns_when_codes_would_point_at_this_computer(
    app: Any,
    client: Any,
    world: dict[str, Any],
    login_as: Any,
    monkeypatch: Any,
    base: str,
    warned: bool,
) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", base)
    login_as("regulator", locale="en")
    resp = client.get(f"/facilities/{world['fac_a'].id}/labels")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert ('id="loopback-warning"' in html) is warned
    if warned:
        assert f"The codes will point at {base}, an address of this computer only" in html


def test_loopback_warning_in_chinese(
    app: Any, client: Any, world: dict[str, Any], login_as: Any, monkeypatch: Any
) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    login_as("regulator", locale="zh")
    html = client.get(f"/facilities/{world['fac_a'].id}/labels").get_data(as_text=True)
    assert "仅指向本机" in html
