"""Benchmark: time of `boardpaper check` on the repository's content and templates.

    .venv/bin/python benchmarks/check.py [--repeat 3]

Prints the median of N warm runs of linting all templates alone, of checking
each sample report (validate, render both formats, audit), and of the whole
check, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from boardpaper.audit.check import check_project, check_report
    from boardpaper.audit.template_lint import lint_template
    from boardpaper.pipeline import find_reports
    from boardpaper.template.library import TemplateLibrary

    library = TemplateLibrary([ROOT / "templates"])
    reports = find_reports([ROOT / "content"])
    timings: dict[str, list[float]] = {"lint all templates": [], "whole check": []}
    timings.update({f"report {path.name}": [] for path in reports})
    for _ in range(args.repeat + 1):  # the first run warms caches and is discarded
        t0 = time.perf_counter()
        for name in library.names():
            lint_template(library.folder(name))
        timings["lint all templates"].append(time.perf_counter() - t0)
        for path in reports:
            t0 = time.perf_counter()
            case = check_report(path, library)
            assert not case.problems, case.problems
            timings[f"report {path.name}"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        cases = check_project([ROOT / "content"], library)
        timings["whole check"].append(time.perf_counter() - t0)
        assert not any(case.problems for case in cases)
    for stage, values in timings.items():
        print(f"{stage}: median {statistics.median(values[1:]):.2f} s over {args.repeat} runs")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
