"""Benchmark: how long hostile content takes to check and render, at and near the limits.

    .venv/bin/python benchmarks/untrusted.py [--quick]

Prints seconds for: validating texts of the maximum length made of the slowest
Markdown found (docs/security.md), a too-large and a too-deep file (refused
early), rendering long words to PDF, and rendering tables of many rows to PDF
and Word. These figures are the basis of the default limits in loader.Limits.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from boardpaper.errors import ContentError  # noqa: E402
from boardpaper.load.yaml_nodes import Limits  # noqa: E402
from boardpaper.pipeline import parse_report, render  # noqa: E402
from boardpaper.template.library import TemplateLibrary  # noqa: E402
from tests.untrusted import MINIMAL, report_with, table_report  # noqa: E402

LIBRARY = TemplateLibrary([ROOT / "templates"])


def timed(label: str, action) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    try:
        action()
        outcome = "ok"
    except ContentError as error:
        outcome = f"refused: {error.problems[0].message[:60]}"
    print(f"{label:45} {time.perf_counter() - start:7.2f} s  {outcome}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes only")
    args = parser.parse_args()
    limit = Limits().max_text_chars
    for name, unit in (("'![ '", "![ "), ("'[ '", "[ "), ("'*_ '", "*_ "), ("'a\\n'", "a\\n")):
        text = report_with(purpose=f'purpose:\n  - "{unit * (limit // len(unit) - 1)}"')
        timed(f"validate {limit:,} chars of {name}", lambda t=text: parse_report(t, "b", LIBRARY))
    big = MINIMAL + "# padding\n" * 200_000
    timed("validate a 2 MB file", lambda: parse_report(big, "b", LIBRARY))
    deep = report_with(wards="wards: " + "[" * 100_000 + "]" * 100_000)
    timed("validate 100,000 nested lists", lambda: parse_report(deep, "b", LIBRARY))
    words = (300, 1_000) if args.quick else (300, 1_000, 3_000)
    for length in words:
        text = report_with(purpose=f"purpose:\n  - {'x' * length}")
        report = parse_report(text, "b", LIBRARY, Limits(max_word_chars=10_000))
        timed(f"render PDF, one word of {length:,} letters", lambda r=report: render(r, ("pdf",)))
    rows = (100, 300) if args.quick else (100, 300, 1_000, 2_000)
    for count in rows:
        report = parse_report(table_report(count), "b", LIBRARY)
        for fmt in ("docx", "pdf"):
            timed(f"render {fmt}, table of {count:,} rows", lambda r=report, f=fmt: render(r, (f,)))


if __name__ == "__main__":
    main()
