"""Where one distinct service paper's time goes, in a warm worker, against raw WeasyPrint.

    .venv/bin/python benchmarks/service_breakdown.py [--papers 15] [--format pdf]

Warms this process as a service render worker is warmed (``service.pool._warm_up``), then
renders PAPERS distinct copies of the seed report (the title numbered, so nothing can be
reused) through the worker's own job (``service.pool.render_job``, as a request runs it),
and prints the median of each part:

* validate: the report parsed, checked and assembled (``parse_report``);
* html: the paper's HTML (``render_html``);
* job: the whole job (validate + render + tagging + provenance), and the clean-up the
  worker runs after it (``gc.collect`` + ``malloc_trim``);

then lays out the HTML of the same papers with WeasyPrint alone, warm, in this process
(``HTML(string).write_pdf(pdf_variant="pdf/ua-1")``, with the template's folder as base
URL): the floor WeasyPrint's layout sets, and the job's ratio to it. CPU seconds are this
process's. Run ``benchmarks/service.py`` for the same papers over HTTP (queueing, transfer).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content" / "childrens-improvement-plan.yaml"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from service import distinct  # noqa: E402  (the same distinct content as the HTTP benchmark)


def timed(function: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process, result) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=15)
    parser.add_argument("--format", default="pdf", choices=["pdf", "docx", "zip"])
    args = parser.parse_args()

    from boardpaper.pipeline import parse_report
    from boardpaper.render.html import render_html
    from boardpaper.render.pdf import _load_weasyprint
    from boardpaper.service import pool

    print(f"cores {os.cpu_count()}, load before {os.getloadavg()[0]:.2f}, papers {args.papers}")
    warm_s, _, _ = timed(lambda: pool._warm_up([]))
    release = pool._release_memory()
    library = pool._worker_library
    seed = SEED.read_bytes()
    # Two papers before timing: the first renders of a process load fonts and caches.
    for number in range(2):
        pool.render_job(distinct(seed, 10_000 + number), SEED.name, (args.format,))
        release()

    parts: dict[str, list[float]] = {}

    def note(name: str, seconds: float) -> None:
        parts.setdefault(name, []).append(seconds)

    htmls = []
    for number in range(args.papers):
        text = distinct(seed, number)
        wall, _, report = timed(lambda: parse_report(text, SEED.name, library))  # noqa: B023
        note("validate", wall)
        wall, _, html = timed(lambda: render_html(report.paper, report.template))  # noqa: B023
        note("html", wall)
        htmls.append((html, report.template.folder))
        release()
        wall, cpu, result = timed(
            lambda: pool.render_job(text, SEED.name, (args.format,))  # noqa: B023
        )
        assert result[0] == "ok", result
        note("job", wall)
        note("job_cpu", cpu)
        wall, _, _ = timed(release)
        note("release", wall)

    weasyprint = _load_weasyprint()
    for html, folder in htmls:
        base_url = folder.resolve().as_uri() + "/"
        wall, cpu, _ = timed(
            lambda: weasyprint.HTML(string=html, base_url=base_url).write_pdf(  # noqa: B023
                pdf_variant="pdf/ua-1"
            )
        )
        note("raw", wall)
        note("raw_cpu", cpu)
        release()

    def median(name: str) -> float:
        return statistics.median(parts[name])

    print(f"worker warm-up {warm_s:.2f} s")
    print(
        f"per distinct paper (format={args.format}), medians: validate {median('validate'):.3f} s,"
        f" html {median('html'):.3f} s, whole job {median('job'):.3f} s "
        f"({median('job_cpu'):.3f} CPU-s), clean-up after it {median('release'):.3f} s"
    )
    if args.format == "pdf":
        print(
            f"raw WeasyPrint on the same HTML, warm: {median('raw'):.3f} s "
            f"({median('raw_cpu'):.3f} CPU-s); job / raw = {median('job') / median('raw'):.2f}x"
        )
    capacity = (os.cpu_count() or 1) / (median("job_cpu") + median("release"))
    print(f"CPU-bound ceiling on {os.cpu_count()} cores: {capacity:.2f} papers/s")
    print(f"load after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
