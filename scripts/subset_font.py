"""Regenerate the CJK font shipped in registry/fonts/ for PDFs (labels and certificates).

The font is Noto Sans CJK SC Regular (SIL Open Font License 1.1, see registry/fonts/OFL.txt),
cut down to ASCII, Latin-1, common punctuation and the GB 2312 character set, so a fresh
machine prints Chinese without a system CJK font and the package stays small.

    python scripts/subset_font.py [--source NotoSansCJK-Regular.ttc] [--font-number 2]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
OUTPUT = ROOT / "registry" / "fonts" / "NotoSansCJKsc-Regular.otf"
SC_INDEX = 2  # the collection's faces: jp, kr, sc, tc, hk, then the mono faces
EXTRA_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: ° × · ² ³ µ
    (0x2000, 0x206F),  # general punctuation: – — ‘ ’ “ ” … ‰
    (0x2100, 0x215F),  # letter-like symbols: № ℃
    (0x2190, 0x21FF),  # arrows
    (0x3000, 0x303F),  # CJK punctuation
    (0xFF00, 0xFFEF),  # full-width forms
)
# The PDFs are in zh-Hans or in a language without a system of its own in the font (English).
# The Japanese, Korean and traditional Chinese systems only bring their local forms ("locl"):
# 5,800 glyphs nothing here prints, and every embedded subset keeps a slot per glyph up to the
# highest one used, which costs time and bytes on each PDF.
LANGUAGE_SYSTEMS = ("ZHS ",)


def gb2312_characters() -> set[int]:
    """Return the code points of every character of GB 2312."""
    points: set[int] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return points


def unicodes() -> list[int]:
    """Return every code point the subset keeps."""
    points = gb2312_characters()
    for start, end in EXTRA_RANGES:
        points.update(range(start, end + 1))
    return sorted(points)


def keep_language_systems(font: TTFont) -> None:
    """Drop the layout tables' language systems other than LANGUAGE_SYSTEMS (defaults stay)."""
    for tag in ("GSUB", "GPOS"):
        if tag not in font:
            continue
        for record in font[tag].table.ScriptList.ScriptRecord:
            script = record.Script
            script.LangSysRecord = [
                r for r in script.LangSysRecord if r.LangSysTag in LANGUAGE_SYSTEMS
            ]
            script.LangSysCount = len(script.LangSysRecord)


def main(argv: list[str] | None = None) -> int:
    """Write the subset font."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--font-number", type=int, default=SC_INDEX)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    options = subset.Options()
    options.font_number = args.font_number
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_bounds = True
    options.hinting = False  # printed at 300 dpi and up: hints only add bytes
    options.layout_features = ["kern", "palt", "locl", "ccmp"]
    options.drop_tables += ["vhea", "vmtx", "VORG"]  # vertical writing: never printed here
    font = subset.load_font(str(args.source), options)
    keep_language_systems(font)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes())
    subsetter.subset(font)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(args.output), options)
    print(f"{args.output}: {args.output.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
