"""Benchmark: time, peak memory and size of `boardpaper publish` for the sample meeting.

    .venv/bin/python benchmarks/publish.py [--runs 3]

Runs, alternately and each in a fresh process as a user would, `boardpaper publish content`
and the reference `boardpaper pack` of the same meeting (the pack is most of publish's work),
(neither uses the render cache). Prints the median wall time of each, their ratio, the peak
RSS of the command's main process, the site's size and file count, and the machine's load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOARDPAPER = Path(sys.executable).parent / "boardpaper"
MEETING = "content/meetings/children-and-young-people-2021-03-01.yaml"


def timed(command: list[str]) -> tuple[float, int]:
    """Run command from the repository root; returns (wall seconds, peak RSS in KiB)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{' '.join(command)} failed (exit status {status})")
    return wall, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as temp:
        site = Path(temp) / "site"
        commands = {
            "publish": [str(BOARDPAPER), "publish", "content", "-o", str(site)],
            "pack": [str(BOARDPAPER), "pack", MEETING, "-o", str(Path(temp) / "pack")],
        }
        figures: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                figures[name].append(timed(command))
        files = [path for path in site.rglob("*") if path.is_file()]
        size = sum(path.stat().st_size for path in files)
    load_after = os.getloadavg()[0]
    print(f"cores: {os.cpu_count()}, load average {load_before:.1f} before, {load_after:.1f} after")
    medians = {}
    for name, runs in figures.items():
        medians[name] = statistics.median(wall for wall, _ in runs)
        peak = max(rss for _, rss in runs) / 1024
        walls = ", ".join(f"{wall:.1f}" for wall, _ in runs)
        print(f"{name}: median {medians[name]:.1f} s wall ({walls}); peak RSS {peak:.0f} MiB")
    print(f"publish / pack: {medians['publish'] / medians['pack']:.2f}")
    print(f"site: {len(files)} files, {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
