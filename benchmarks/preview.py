"""Seconds from saving a report to the refreshed paper in the browser, for `boardpaper preview`.

Copies the seed report to a temporary folder, starts `boardpaper preview FILE --no-open`,
opens the page in Chromium (Debian's, driven by Playwright), then SAVES times changes one
word of the title, writes the file and waits until the page shows the new title: that is
one sample. Also times one save that makes the report invalid (until the problems page
shows) and one that fixes it. Prints the median, min and max, the target (0.5 s) and the
machine's load average, which matters on a shared 2-core machine.

    .venv/bin/python benchmarks/preview.py [--saves 15]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content" / "childrens-improvement-plan.yaml"
TITLE = "Children's Improvement Plan Update"
TARGET_SECONDS = 0.5
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def start_preview(report: Path) -> tuple[subprocess.Popen[str], str]:
    boardpaper = Path(sys.executable).with_name("boardpaper")
    process = subprocess.Popen(
        [str(boardpaper), "preview", str(report), "--no-open"],
        cwd=report.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    for line in iter(process.stdout.readline, ""):
        if "Ctrl-C" in line:
            return process, line.split(" at ", 1)[1].split()[0]
    raise SystemExit("boardpaper preview did not start")


def timed_save(page, report: Path, text: str, selector: str) -> float:
    """Write ``text`` to ``report``; seconds until ``selector`` is on the reloaded page."""
    started = time.perf_counter()
    report.write_text(text, encoding="utf-8")
    page.wait_for_selector(selector, timeout=30_000)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=15)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    seed = SEED.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.yaml"
        shutil.copy(SEED, report)
        process, url = start_preview(report)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
                )
                page = browser.new_page()
                page.goto(url)
                page.wait_for_selector("section.front-sheet")
                samples = []
                for number in range(args.saves):
                    title = f"Saved title {number}"
                    time.sleep(0.3)  # an author does not save twice within a batch
                    samples.append(
                        timed_save(page, report, seed.replace(TITLE, title), f"text={title}")
                    )
                time.sleep(0.3)
                broken = timed_save(
                    page, report, seed.replace("date: 2021-03-01", "date: 2021-13-45"), "#problems"
                )
                time.sleep(0.3)
                fixed = timed_save(page, report, seed, "section.front-sheet")
                browser.close()
        finally:
            process.terminate()
            said, _ = process.communicate(timeout=10)
    renders = [float(x) for x in re.findall(r"preview updated \((\d+\.\d+) s\)", said)]
    load = os.getloadavg()
    median = statistics.median(samples)
    print(f"save -> refreshed paper, {len(samples)} saves: median {median:.3f} s, ", end="")
    print(f"min {min(samples):.3f} s, max {max(samples):.3f} s (target <= {TARGET_SECONDS} s)")
    if renders:
        print(
            f"of which the server's validate + render, median: {statistics.median(renders):.3f} s"
        )
    print(f"save making the report invalid -> problems shown: {broken:.3f} s")
    print(f"save fixing it -> paper shown again: {fixed:.3f} s")
    loads = " ".join(f"{value:.2f}" for value in load)
    print(f"load average (1, 5, 15 min): {loads} on {os.cpu_count()} cores")
    print("within target" if median <= TARGET_SECONDS else "OVER TARGET")


if __name__ == "__main__":
    main()
