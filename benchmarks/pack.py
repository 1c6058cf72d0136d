"""Benchmark: time and peak memory to build a meeting's agenda and packs.

    .venv/bin/python benchmarks/pack.py [--jobs N] [--reports 20]

Two cases, each in a fresh process so memory figures do not mix: the sample
meeting in content/meetings/, and a generated meeting of N reports (copies of
the sample reports under new titles, one in five exempt). Prints wall time for
loading (validation + deadlines) and for build_pack, page counts, the peak RSS
of the main process and of the largest worker process.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "content" / "meetings" / "children-and-young-people-2021-03-01.yaml"
SOURCES = (
    "childrens-improvement-plan.yaml",
    "social-work-recruitment.yaml",
    "residential-placements-contract.yaml",
)


def generate(folder: Path, count: int) -> Path:
    """Write a content folder with ``count`` reports and a meeting listing them all."""
    content = folder / "content"
    (content / "meetings").mkdir(parents=True)
    items = ["  - apologies", "  - declarations_of_interest", "  - minutes"]
    for index in range(count):
        source = (ROOT / "content" / SOURCES[index % len(SOURCES)]).read_text(encoding="utf-8")
        lines = source.splitlines()
        lines = [
            f"title: Report {index + 1} - {line.split(':', 1)[1].strip()}"
            if line.startswith("title:")
            else line
            for line in lines
        ]
        name = f"report-{index + 1:02d}.yaml"
        (content / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        items.append(f"  - report: ../{name}")
        if index % 5 == 4:
            items += ["    exempt: yes", "    exempt_paragraph: 3"]
    header = SAMPLE.read_text(encoding="utf-8").split("items:")[0]
    meeting = content / "meetings" / "generated.yaml"
    meeting.write_text(header + "items:\n" + "\n".join(items) + "\n", encoding="utf-8")
    return meeting


def run_case(meeting: Path, jobs: int | None) -> dict[str, object]:
    """Load and build one meeting in this process; returns the figures."""
    import pikepdf

    from boardpaper.meeting.load import load_meeting
    from boardpaper.meeting.pack import build_pack
    from boardpaper.template.library import TemplateLibrary

    library = TemplateLibrary([ROOT / "templates"])
    t0 = time.perf_counter()
    loaded = load_meeting(meeting, library)
    t1 = time.perf_counter()
    files = build_pack(loaded, jobs)
    t2 = time.perf_counter()
    pages = {}
    for name, data in files.items():
        if name.endswith(".pdf"):
            with pikepdf.open(__import__("io").BytesIO(data)) as pdf:
                pages[name] = len(pdf.pages)
    return {
        "reports": sum(1 for item in loaded.items if item.kind == "report"),
        "load_s": round(t1 - t0, 2),
        "build_s": round(t2 - t1, 2),
        "pages": pages,
        "main_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "worker_peak_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores)")
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(Path(args.case), args.jobs)))
        return
    import os

    print(f"cores: {os.cpu_count()}, jobs: {args.jobs or os.cpu_count()}")
    with tempfile.TemporaryDirectory() as temp:
        cases = [
            ("sample meeting", SAMPLE),
            (f"{args.reports} reports", generate(Path(temp), args.reports)),
        ]
        for label, meeting in cases:
            command = [sys.executable, __file__, "--case", str(meeting)]
            if args.jobs:
                command += ["--jobs", str(args.jobs)]
            start = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode:
                sys.exit(f"{label} failed:\n{result.stderr}")
            output = result.stdout
            wall = time.perf_counter() - start
            figures = json.loads(output.strip().splitlines()[-1])
            print(
                f"{label}: {figures['reports']} reports, load {figures['load_s']} s, "
                f"build_pack {figures['build_s']} s, process wall {wall:.1f} s; "
                f"pages {figures['pages']}; peak RSS main {figures['main_peak_mib']} MiB, "
                f"largest worker {figures['worker_peak_mib']} MiB"
            )
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
