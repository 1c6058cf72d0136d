"""Audit papers for accessibility and print how long each audit takes.

    .venv/bin/python benchmarks/accessibility.py                 # render content/*.yaml, audit
    .venv/bin/python benchmarks/accessibility.py build/*.pdf build/*.docx   # audit built files

Prints every problem as ``file: rule: explanation``, then one figure line per
file (pages, bytes, seconds). Exits 1 when any problem was found. This is a
stand-in until ``boardpaper check --accessibility`` lands; it calls the same
functions.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

from boardpaper.audit.docx import audit_docx
from boardpaper.audit.pdf import audit_pdf
from boardpaper.pipeline import find_reports, load_report, render

ROOT = Path(__file__).resolve().parents[1]


def _files(arguments: list[str]) -> list[tuple[str, bytes]]:
    if arguments:
        return [(name, Path(name).read_bytes()) for name in arguments]
    files: list[tuple[str, bytes]] = []
    for report in find_reports([ROOT / "content"]):
        started = time.perf_counter()
        outputs = render(load_report(report))
        print(f"rendered {report.name} in {time.perf_counter() - started:.2f} s")
        for fmt, data in outputs.items():
            files.append((f"{report.stem}.{fmt}", data))
    return files


def main(arguments: list[str]) -> int:
    found = 0
    for name, data in _files(arguments):
        audit = audit_pdf if name.endswith(".pdf") else audit_docx
        started = time.perf_counter()
        problems = audit(data, name)
        seconds = time.perf_counter() - started
        for problem in problems:
            print(problem)
        pages = ""
        if name.endswith(".pdf"):
            import pikepdf

            with pikepdf.open(io.BytesIO(data)) as pdf:
                pages = f"{len(pdf.pages)} pages, "
        print(
            f"{name}: {pages}{len(data)} bytes,"
            f" audited in {seconds:.2f} s, {len(problems)} problems"
        )
        found += len(problems)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
