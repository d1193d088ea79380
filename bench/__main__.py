"""Run every benchmark module under bench/ and write a Markdown table to bench/results/.

A benchmark module exposes `run(quick: bool) -> list[dict]`; each dict is one row.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from datetime import UTC
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover() -> list[str]:
    """Return the names of the bench modules that expose run()."""
    names = []
    for info in sorted(pkgutil.iter_modules([str(HERE)]), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if callable(getattr(module, "run", None)):
            names.append(info.name)
    return names


def to_markdown(rows: list[dict[str, object]]) -> str:
    """Render rows (dicts) as one Markdown table with the union of their keys."""
    keys: list[str] = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for row in rows:
        lines.append("| " + " | ".join(str(row.get(k, "")) for k in keys) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write the results table."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="small data, a couple of minutes")
    parser.add_argument("only", nargs="*", help="module names to run (default: all)")
    args = parser.parse_args(argv)
    rows: list[dict[str, object]] = []
    failed = False
    for name in args.only or discover():
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}", flush=True)
        try:
            for row in module.run(args.quick):
                rows.append({"bench": name, **row})
                print(row, flush=True)
        except AssertionError as exc:
            failed = True
            rows.append({"bench": name, "error": str(exc)})
            print(f"FAILED {name}: {exc}", file=sys.stderr)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    table = f"# Benchmarks {stamp}{' (quick)' if args.quick else ''}\n"
    # One table per bench: their columns differ.
    for name in dict.fromkeys(str(r["bench"]) for r in rows):
        table += f"\n## {name}\n\n" + to_markdown([r for r in rows if r["bench"] == name])
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / f"{stamp}{'-quick' if args.quick else ''}.md").write_text(table, encoding="utf-8")
    (out / "latest.md").write_text(table, encoding="utf-8")
    print(table)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
