"""Benchmark: time and peak memory to validate and render the seed report.

    .venv/bin/python benchmarks/build.py [--repeat 5]

Prints the cost of importing WeasyPrint (paid once per process), then the
median of N warm runs of each stage, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content" / "childrens-improvement-plan.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    start = time.perf_counter()
    import weasyprint  # noqa: F401

    print(f"import weasyprint: {time.perf_counter() - start:.2f} s (once per process)")

    from boardpaper.pipeline import load_report
    from boardpaper.render.docx import render_docx
    from boardpaper.render.pdf import render_pdf
    from boardpaper.template.library import TemplateLibrary

    library = TemplateLibrary([ROOT / "templates"])
    timings: dict[str, list[float]] = {"validate": [], "docx": [], "pdf": []}
    for _ in range(args.repeat + 1):  # the first run warms caches and is discarded
        t0 = time.perf_counter()
        report = load_report(SEED, library)
        t1 = time.perf_counter()
        docx = render_docx(report.paper, report.template)
        t2 = time.perf_counter()
        pdf = render_pdf(report.paper, report.template)
        t3 = time.perf_counter()
        for key, value in (("validate", t1 - t0), ("docx", t2 - t1), ("pdf", t3 - t2)):
            timings[key].append(value)
    for key, values in timings.items():
        values = values[1:]
        print(f"{key:>8}: median {statistics.median(values):.3f} s over {len(values)} runs")
    print(f"outputs: docx {len(docx):,} bytes, pdf {len(pdf):,} bytes")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
