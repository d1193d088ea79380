"""QR images of an asset, decoded by a real decoder as a phone camera would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import qrcode.constants
import qrcode.util

from registry.assets import tags
from registry.labels import qr
from tests.helpers import need_tool
from tests.helpers import run


def _decode(path: Path) -> list[str]:
    out = run([need_tool("zbarimg"), "--raw", "-q", str(path)])
    return out.stdout.split()


def test_png_decodes_to_the_landing_url(client: Any, world: dict[str, Any], tmp_path: Path) -> None:
    tank = world["tank_a"]
    assert client.get(f"/assets/{tank.id}/qr.png").status_code == 302  # needs a log-in
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["operator_a"].id)
    resp = client.get(f"/assets/{tank.id}/qr.png")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    path = tmp_path / "qr.png"
    path.write_bytes(resp.data)
    assert _decode(path) == [f"http://registry.test/t/{tank.tag}"]


def test_svg_decodes_to_the_landing_url(client: Any, world: dict[str, Any], tmp_path: Path) -> None:
    pipe = world["pipe_a"]
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["inspector"].id)
    resp = client.get(f"/assets/{pipe.id}/qr.svg")
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    svg, png = tmp_path / "qr.svg", tmp_path / "qr.png"
    svg.write_bytes(resp.data)
    run([need_tool("rsvg-convert"), "-w", "400", str(svg), "-o", str(png)])
    assert _decode(png) == [f"http://registry.test/t/{pipe.tag}"]


def test_bearer_token_fetches_the_image(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    headers = api_headers(world["users"]["regulator"])
    resp = client.get(f"/assets/{world['tank_b'].id}/qr.png", headers=headers)
    assert resp.status_code == 200 and resp.data.startswith(b"\x89PNG")


def test_tag_is_an_alphanumeric_segment_with_level_q_and_quiet_zone() -> None:
    for _ in range(50):
        tag = tags.generate()
        code = qr.build(tag, "https://ust.example.gov.cn")
        assert code.error_correction == qrcode.constants.ERROR_CORRECT_Q
        assert code.border == 4
        last = code.data_list[-1]
        assert last.mode == qrcode.util.MODE_ALPHA_NUM and last.data == tag.encode()
        joined = b"".join(d.data for d in code.data_list)
        assert joined == f"https://ust.example.gov.cn/t/{tag}".encode()
        # all in byte mode would need more bits: the alphanumeric segment keeps the code small
        plain = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q)
        plain.add_data(joined.decode(), optimize=0)
        plain.make(fit=True)
        assert code.version <= plain.version


def test_base_url_comes_from_the_setting(app: Any) -> None:
    with app.test_request_context():
        assert qr.landing_url("7KQ2M9XD4WJ8") == "http://registry.test/t/7KQ2M9XD4WJ8"
