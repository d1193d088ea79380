"""Keep the translation catalogs in step with the code.

    python scripts/i18n.py update          extract messages, update zh and en catalogs, compile
    python scripts/i18n.py missing         list msgids that zh has not translated yet
    python scripts/i18n.py import FILE...  fill untranslated msgids from other .po files
    python scripts/i18n.py set FILE.json   fill zh from {msgid: translation}
    python scripts/i18n.py compile         compile .po to .mo

English msgids are the source text; the en catalog repeats each msgid as its translation so
that both catalogs are complete. Catalogs carry no source locations and are sorted, so that
two branches adding messages merge cleanly.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "registry" / "translations"
LOCALES = ("zh", "en")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
}


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def extract() -> Catalog:
    """Extract every message of the code and templates."""
    with open(ROOT / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    template = Catalog(project="ust-registry", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("NOTE:",)
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def load(locale: str) -> Catalog:
    path = po_path(locale)
    if not path.exists():
        return Catalog(locale=locale, project="ust-registry", charset="utf-8")
    with open(path, "rb") as fh:
        return read_po(fh, locale=locale)


def save(catalog: Catalog, locale: str) -> None:
    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        write_po(
            fh,
            catalog,
            no_location=True,
            sort_output=True,
            width=100,
            omit_header=False,
            ignore_obsolete=True,
        )


def compile_all() -> None:
    for locale in LOCALES:
        catalog = load(locale)
        with open(po_path(locale).with_suffix(".mo"), "wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)


def update() -> None:
    template = extract()
    for locale in LOCALES:
        catalog = load(locale)
        catalog.update(template, no_fuzzy_matching=True)
        if locale == "en":
            for msg in catalog:
                if msg.id and not _translated(msg):
                    msg.string = msg.id if isinstance(msg.id, str) else tuple(msg.id)
        save(catalog, locale)
    compile_all()
    print(f"{len(template)} messages; {len(missing())} untranslated in zh")


def _translated(msg) -> bool:
    """Whether every form of the message has a translation (plural messages have several)."""
    strings = msg.string if isinstance(msg.string, tuple | list) else (msg.string,)
    return bool(strings) and all(strings)


def missing() -> list[str]:
    catalog = load("zh")
    out = []
    for msg in catalog:
        if not msg.id:
            continue
        if not _translated(msg) or msg.fuzzy:
            out.append(msg.id if isinstance(msg.id, str) else msg.id[0])
    return out


def import_from(files: list[str]) -> None:
    catalog = load("zh")
    known = {}
    for name in files:
        with open(name, "rb") as fh:
            for msg in read_po(fh, locale="zh"):
                if msg.id and msg.string and not msg.fuzzy:
                    known[msg.id if isinstance(msg.id, str) else tuple(msg.id)] = msg.string
    filled = 0
    for msg in catalog:
        key = msg.id if isinstance(msg.id, str) else tuple(msg.id)
        if msg.id and not _translated(msg) and key in known:
            msg.string = known[key]
            filled += 1
    save(catalog, "zh")
    compile_all()
    print(f"filled {filled}")


def set_from_json(path: str) -> None:
    """Fill zh translations from a JSON object {msgid: translation} (only untranslated ones)."""
    import json

    pairs = json.loads(Path(path).read_text(encoding="utf-8"))
    catalog = load("zh")
    filled = 0
    for msg in catalog:
        # A plural message is keyed by its singular; Chinese has one form (nplurals=1).
        key = msg.id if isinstance(msg.id, str) else (msg.id[0] if msg.id else "")
        if key and key in pairs and (not _translated(msg) or msg.fuzzy):
            msg.string = pairs[key] if isinstance(msg.id, str) else (pairs[key],)
            msg.flags.discard("fuzzy")
            filled += 1
    save(catalog, "zh")
    compile_all()
    print(f"filled {filled}; {len(missing())} still untranslated")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "update"
    if command == "update":
        update()
    elif command == "missing":
        for msgid in missing():
            print(msgid)
    elif command == "import":
        import_from(argv[2:])
    elif command == "set":
        set_from_json(argv[2])
    elif command == "compile":
        compile_all()
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
