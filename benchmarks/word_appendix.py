"""How long a Word (.docx) appendix takes to convert, against rendering its report, in one run.

    .venv/bin/python benchmarks/word_appendix.py [RUNS]      # default 5; needs LibreOffice

Converts docs/examples/word-appendix/appendix-a.docx RUNS times without the conversion
cache (LibreOffice started each time, a fresh profile), then RUNS times from the cache,
and renders the example report itself (without its appendix) RUNS times, and prints the
medians, their ratio, whether every conversion gave the same bytes, and the machine's
load (``os.getloadavg``) before and after: the machine is shared, so compare ratios.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from boardpaper.load.convert import converter_name, docx_to_pdf, set_conversion_cache
from boardpaper.load.yaml_nodes import Limits
from boardpaper.pipeline import load_report, render

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "word-appendix"


def timed(action: object, runs: int) -> tuple[list[float], set[str]]:
    seconds, digests = [], set()
    for _ in range(runs):
        started = time.perf_counter()
        data = action()  # type: ignore[operator]
        seconds.append(time.perf_counter() - started)
        digests.add(hashlib.sha256(data).hexdigest())
    return seconds, digests


def main(arguments: list[str]) -> int:
    runs = int(arguments[0]) if arguments else 5
    if converter_name() is None:
        print("LibreOffice is not installed: nothing to measure")
        return 1
    print(f"converter: {converter_name()}; load before: {os.getloadavg()}")
    data = (EXAMPLE / "appendix-a.docx").read_bytes()
    report = load_report(EXAMPLE / "tenancy-strategy.yaml")
    alone = replace(report, attachments=())
    with tempfile.TemporaryDirectory() as cache:
        set_conversion_cache(None, enabled=False)
        cold, cold_digests = timed(lambda: docx_to_pdf(data, "appendix-a.docx", Limits())[0], runs)
        set_conversion_cache(Path(cache))
        docx_to_pdf(data, "appendix-a.docx", Limits())  # fill the cache
        warm, warm_digests = timed(lambda: docx_to_pdf(data, "appendix-a.docx", Limits())[0], runs)
    paper, _ = timed(lambda: render(alone)["pdf"], runs)
    medians = [statistics.median(values) for values in (cold, warm, paper)]
    print(f"convert, no cache:   median {medians[0]:.2f} s over {runs} runs")
    print(f"convert, from cache: median {medians[1] * 1000:.1f} ms")
    print(f"render the report (PDF + Word, no appendix): median {medians[2]:.2f} s")
    print(f"conversion / report render: {medians[0] / medians[2]:.1f}x")
    print(f"identical bytes: {len(cold_digests | warm_digests) == 1}")
    print(f"load after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
