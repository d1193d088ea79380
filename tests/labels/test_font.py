"""The CJK font shipped in the package: present, licensed, and covering what labels print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import force_locale
from fontTools.ttLib import TTFont

import registry
from registry.certificates.pdf import packaged_font
from registry.core.choices import ASSET_KINDS
from registry.core.choices import SUBSTANCES
from registry.labels import services
from registry.labels.sheets import STOCKS

FONTS = Path(registry.__file__).parent / "fonts"


def test_the_package_ships_the_subset_font_and_its_licence() -> None:
    font = packaged_font()
    assert font is not None and font.name == "NotoSansCJKsc-Regular.otf"
    assert "SIL OPEN FONT LICENSE" in (FONTS / "OFL.txt").read_text()
    assert font.stat().st_size < 4_000_000  # a subset, not the 16 MB collection


def test_font_covers_label_words_and_common_facility_names(app: Any) -> None:
    cmap = TTFont(str(packaged_font()))["cmap"].getBestCmap()
    with app.test_request_context(), force_locale("zh"):
        words = [str(v) for v in (*ASSET_KINDS.values(), *SUBSTANCES.values())]
    words += ["中国石化北京东城区第三加油站（和平里）", "升", "米", "0123456789-ABCXYZ ·"]
    missing = {ch for word in words for ch in word if ord(ch) not in cmap}
    assert not missing


def test_sheet_loads_the_packaged_font(app: Any, world: dict[str, Any]) -> None:
    with app.test_request_context():
        html = services.sheet_html(world["fac_a"], [world["tank_a"]], STOCKS["99x38"], 1)
    assert "@font-face" in html and "fonts/NotoSansCJKsc-Regular.otf" in html
