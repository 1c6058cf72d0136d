"""Benchmark: a 200-indicator workbook into a report; time and peak memory against references.

    .venv/bin/python benchmarks/indicators.py [--indicators 200] [--repeat 3]

Writes, in a temporary folder, a performance report whose indicators come from
a generated XLSX workbook (with two charts), the same indicators typed inline in
YAML (no charts), and the seed report as the reference. Each is built with
``boardpaper build`` under ``/usr/bin/time -v`` in a fresh process; the script
prints the median wall time and peak RSS of each, their ratios to the seed, and
the machine's load average (2 cores shared: read ratios, not absolute times).
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content" / "childrens-improvement-plan.yaml"
BOARDPAPER = Path(sys.executable).with_name("boardpaper")
PERIODS = ["Q2 2024/25", "Q1 2025/26"]
HEAD = """template: performance-report
meeting: Overview and Scrutiny Committee
date: 2025-11-20
title: Benchmark performance report
reporting_period: Quarter 2 2025/26
wards: All
contacts:
  lead_member: {name: Cllr A Member, role: Cabinet Member, email: a.member@council.example}
  lead_officer: {name: A Director, role: Director, email: a.director@council.example}
summary: [A generated report for the benchmark.]
recommendations: [note the indicators.]
performance_overview: [Generated figures.]
next_steps: [None.]
indicators:
  period: Q2 2025/26
  previous_periods: [Q2 2024/25, Q1 2025/26]
"""


def _figures(index: int) -> tuple[str, str, str, float, float, float, float]:
    polarity = "higher" if index % 3 else "lower"
    base = 50 + (index * 7) % 40
    return (
        f"Indicator {index:03d}",
        f"Service {index % 8 + 1}",
        polarity,
        base / 100,
        (base + index % 5 - 2) / 100,
        (base + index % 7 - 3) / 100,
        (base + 1) / 100,
    )


def write_workbook(path: Path, count: int) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "KPIs"
    sheet.append(["Indicator", "Group", "Polarity", *PERIODS, "Q2 2025/26", "Target"])
    for index in range(1, count + 1):
        sheet.append(list(_figures(index)))
        for column in range(4, 8):
            sheet.cell(sheet.max_row, column).number_format = "0.0%"
    workbook.save(path)


def write_reports(folder: Path, count: int) -> tuple[Path, Path]:
    write_workbook(folder / "kpis.xlsx", count)
    from_file = folder / "from-workbook.yaml"
    from_file.write_text(
        HEAD
        + "  data: {file: kpis.xlsx, sheet: KPIs}\n"
        + "  charts:\n"
        + "    - {type: trend, indicator: Indicator 001, data_table: yes}\n"
        + "    - {type: bar, group: Service 1}\n",
        encoding="utf-8",
    )
    inline = folder / "inline.yaml"
    lines = [HEAD + "  measures:\n"]
    for index in range(1, count + 1):
        name, group, polarity, *values = _figures(index)
        texts = [f"{value * 100:.1f}%" for value in values]
        lines.append(
            f"    - {{name: {name}, group: {group}, polarity: {polarity}, "
            f"previous: [{texts[0]}, {texts[1]}], value: {texts[2]}, target: {texts[3]}}}\n"
        )
    inline.write_text("".join(lines), encoding="utf-8")
    return from_file, inline


def timed_build(source: Path, outdir: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one ``boardpaper build`` in a fresh process."""
    result = subprocess.run(
        ["/usr/bin/time", "-v", str(BOARDPAPER), "build", str(source), "-o", str(outdir)],
        capture_output=True,
        text=True,
        cwd=source.parent,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"build of {source.name} failed:\n{result.stdout}\n{result.stderr}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    assert wall and rss, result.stderr
    hours, minutes, seconds = wall.groups()
    total = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    return total, int(rss.group(1)) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores)")
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        from_file, inline = write_reports(folder, args.indicators)
        seed_folder = folder / "seed"
        seed_folder.mkdir()
        seed = seed_folder / SEED.name
        shutil.copy(SEED, seed)
        size = (folder / "kpis.xlsx").stat().st_size
        print(f"workbook: {args.indicators} indicators, {size:,} bytes")
        runs: dict[str, list[tuple[float, float]]] = {"seed": [], "inline": [], "workbook": []}
        for attempt in range(args.repeat):
            for name, source in (("seed", seed), ("inline", inline), ("workbook", from_file)):
                runs[name].append(timed_build(source, folder / f"out-{name}-{attempt}"))
        reference = statistics.median(t for t, _ in runs["seed"])
        reference_rss = statistics.median(m for _, m in runs["seed"])
        labels = {
            "seed": "seed report (reference)",
            "inline": f"{args.indicators} indicators typed inline",
            "workbook": f"{args.indicators} indicators from XLSX + 2 charts",
        }
        for name, values in runs.items():
            wall = statistics.median(t for t, _ in values)
            rss = statistics.median(m for _, m in values)
            print(
                f"{labels[name]:>40}: median {wall:.2f} s ({wall / reference:.2f}x seed), "
                f"peak RSS {rss:.0f} MiB ({rss / reference_rss:.2f}x seed), {len(values)} runs"
            )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
