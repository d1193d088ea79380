"""The printed certificate, read as a person (and a phone camera) would read it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import need
from tests.helpers import need_tool
from tests.helpers import run


@pytest.fixture
def printed(
    client: Any, world: dict[str, Any], issue: Any, make_asset: Any, tmp_path: Path
) -> tuple[Any, Path, bytes]:
    """A certificate for a tank at 甲加油站, downloaded by operator A as a PDF file."""
    tank = make_asset(world["fac_a"], capacity_litres=45000.0)
    cert = issue(tank)
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["operator_a"].id)
    resp = client.get(f"/certificates/{cert.number}.pdf")
    assert resp.status_code == 200
    assert resp.mimetype == "application/pdf"
    path = tmp_path / "cert.pdf"
    path.write_bytes(resp.data)
    return cert, path, resp.data


def test_text_has_number_chinese_facility_and_dates(printed: Any) -> None:
    cert, path, _ = printed
    text = run([need_tool("pdftotext"), "-layout", str(path), "-"]).stdout
    assert re.fullmatch(r"DC-\d{4}-\d{6}", cert.number)
    assert cert.number in text
    assert "甲加油站" in text
    assert "甲公司" in text
    assert cert.valid_from.isoformat() in text
    assert cert.valid_until.isoformat() in text
    assert cert.printed["inspected_on"] in text  # the inspection date
    assert "李签发" in text  # the inspector
    assert "45,000 L" in text
    assert "Dongcheng District Ecology and Environment Bureau" in text


def test_every_font_is_embedded_chinese_included(printed: Any) -> None:
    _, path, _ = printed
    out = run([need_tool("pdffonts"), str(path)]).stdout.splitlines()
    fonts = out[2:]
    assert fonts, out
    for line in fonts:
        columns = line.split()
        assert columns[-5] == "yes", f"not embedded: {line}"
    assert any("CJK" in line for line in fonts)


def test_a_name_outside_the_packaged_font_prints_in_a_system_font(
    client: Any, world: dict[str, Any], issue: Any, make_asset: Any, db: Any, tmp_path: Path
) -> None:
    """燊 is not in GB 2312: it must print (embedded) from a system CJK font, not as a box."""
    from fontTools.ttLib import TTFont

    from registry.certificates.pdf import packaged_font

    font = packaged_font()
    assert font is not None and 0x71CA not in TTFont(str(font))["cmap"].getBestCmap()
    covering = run([need_tool("fc-list"), ":charset=71ca", "family"]).stdout
    need("Noto Sans CJK SC" in covering, "no system font has 燊 (fonts-noto-cjk)")
    world["fac_a"].name = "燊华加油站"
    db.session.commit()
    cert = issue(make_asset(world["fac_a"]))
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["operator_a"].id)
    path = tmp_path / "rare.pdf"
    path.write_bytes(client.get(f"/certificates/{cert.number}.pdf").data)
    assert "燊华加油站" in run([need_tool("pdftotext"), str(path), "-"]).stdout
    fonts = run([need_tool("pdffonts"), str(path)]).stdout.splitlines()[2:]
    assert all(line.split()[-5] == "yes" for line in fonts), fonts
    assert any("Noto-Sans-CJK-SC" in line for line in fonts), fonts


def test_one_a4_page(printed: Any) -> None:
    _, path, _ = printed
    info = run([need_tool("pdfinfo"), str(path)]).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert "(A4)" in info


def test_qr_code_decodes_to_the_verification_url(printed: Any, tmp_path: Path) -> None:
    cert, path, _ = printed
    run([need_tool("pdftoppm"), "-r", "200", "-png", str(path), str(tmp_path / "page")])
    image = next(tmp_path.glob("page*.png"))
    decoded = run([need_tool("zbarimg"), "--raw", "-q", str(image)]).stdout.split()
    assert decoded == [f"http://registry.test/c/{cert.number}"]


def test_same_number_downloads_the_same_bytes(printed: Any, client: Any) -> None:
    cert, _, first = printed
    second = client.get(f"/certificates/{cert.number}.pdf").data
    assert second == first


def test_facility_prints_its_current_certificates_together(
    client: Any, world: dict[str, Any], issue: Any, make_asset: Any, tmp_path: Path
) -> None:
    first = issue(make_asset(world["fac_a"]))
    second = issue(make_asset(world["fac_a"], kind="pipeline"))
    replaced = issue(make_asset(world["fac_a"]))
    issue(replaced.asset)  # supersedes `replaced`: only its successor is current
    issue(world["tank_b"])  # another facility
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["viewer"].id)
    resp = client.get(f"/facilities/{world['fac_a'].id}/certificates.pdf")
    assert resp.status_code == 200
    path = tmp_path / "all.pdf"
    path.write_bytes(resp.data)
    info = run([need_tool("pdfinfo"), str(path)]).stdout
    assert re.search(r"^Pages:\s+3$", info, re.M), info
    text = run([need_tool("pdftotext"), str(path), "-"]).stdout
    assert first.number in text and second.number in text
    assert replaced.number not in text
    assert "乙加油站" not in text


def test_operator_of_another_organization_gets_404(
    client: Any, world: dict[str, Any], issue: Any
) -> None:
    cert = issue(world["pipe_a"])
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["operator_b"].id)
    assert client.get(f"/certificates/{cert.number}.pdf").status_code == 404


def test_a_program_fetches_the_pdf_with_a_bearer_token(
    client: Any, world: dict[str, Any], issue: Any, api_headers: Any
) -> None:
    cert = issue(world["pipe_a"])
    resp = client.get(
        f"/certificates/{cert.number}.pdf", headers=api_headers(world["users"]["viewer"])
    )
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")


def test_renderer_refuses_files_and_outside_hosts(app: Any) -> None:
    from registry.certificates.pdf import ResourceFetcher

    fetcher = ResourceFetcher()
    for url in ("file:///etc/passwd", "http://example.com/x.png", "https://example.com/f.otf"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"


def test_qr_image_is_the_one_qrcode_draws() -> None:
    """The PNG built in one call is byte for byte the one qrcode draws module by module."""
    import base64
    import io

    import qrcode
    import qrcode.constants

    from registry.certificates.pdf import qr_data_uri

    url = "https://registry.example.cn/c/DC-2026-000123"
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=4, box_size=1)
    code.add_data(url)
    code.make(fit=True)
    drawn = io.BytesIO()
    code.make_image().save(drawn)
    expected = base64.b64encode(drawn.getvalue()).decode()
    assert qr_data_uri(url) == "data:image/png;base64," + expected
