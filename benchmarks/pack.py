"""Benchmark: wall time and peak memory of every process building a meeting's packs.

    .venv/bin/python benchmarks/pack.py [--sizes 20,60,180] [--runs 3] [--large-runs 1]
        [--reference /work/main]

For generated meetings of each size (copies of the three sample reports under new
titles, one in five exempt) it builds the agenda and packs with ``-j 1`` and
``-j 2``, each run in a fresh process so memory figures do not mix, and prints:
the pages of the largest pack, the median ``build_pack`` wall time of each, the
speed-up (``-j 1`` / ``-j 2``), the median CPU seconds of all its processes (loading
included; on a busy machine wall times stretch, CPU time much less), the peak RSS of
the parent process and of the largest worker of either run (the kernel's
``ru_maxrss``, what ``/usr/bin/time -v`` prints as
"Maximum resident set size": ``RUSAGE_SELF`` for the parent, ``RUSAGE_CHILDREN``
for the workers it waited for), whether ``-j 1`` and ``-j 2`` made the same bytes,
and the machine load (``uptime``) before and after.

``--reference DIR`` runs every case a second time with the boardpaper source of
another checkout (``DIR/src``, e.g. main's), interleaved run by run with this one, so
the two are compared under the same load. Sizes of ``--large`` reports or more
(default 100) get ``--large-runs`` runs, the others ``--runs``.

Targets (issue 18): a pack of 500 pages or more under 300 MB (286 MiB) peak in every
process, peak memory flat in report count, and ``-j 2`` at least 1.6x as fast as ``-j 1``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "content" / "meetings" / "children-and-young-people-2021-03-01.yaml"
SOURCES = (
    "childrens-improvement-plan.yaml",
    "social-work-recruitment.yaml",
    "residential-placements-contract.yaml",
)
TARGET_MIB = 300 * 1000 * 1000 / 2**20
TARGET_SPEEDUP = 1.6


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
        name = f"report-{index + 1:03d}.yaml"
        (content / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        items.append(f"  - report: ../{name}")
        if index % 5 == 4:
            items += ["    exempt: yes", "    exempt_paragraph: 3"]
    header = SAMPLE.read_text(encoding="utf-8").split("items:")[0]
    meeting = content / "meetings" / "generated.yaml"
    meeting.write_text(header + "items:\n" + "\n".join(items) + "\n", encoding="utf-8")
    return meeting


def run_case(meeting: Path, jobs: int, templates: Path) -> dict[str, object]:
    """Load and build one meeting in this process; returns the figures."""
    import pikepdf

    from boardpaper.meeting.load import load_meeting
    from boardpaper.meeting.pack import build_pack
    from boardpaper.template.library import TemplateLibrary

    loaded = load_meeting(meeting, TemplateLibrary([templates]))
    start = time.perf_counter()
    files = build_pack(loaded, jobs)
    build = time.perf_counter() - start
    # Taken before the page count below opens the packs again.
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    parent, workers = own.ru_maxrss / 1024, children.ru_maxrss / 1024
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    pages = {}
    for name, data in files.items():
        if name.endswith(".pdf"):
            with pikepdf.open(io.BytesIO(data)) as pdf:
                pages[name] = len(pdf.pages)
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return {
        "reports": sum(1 for item in loaded.items if item.kind == "report"),
        "build_s": build,
        "cpu_s": cpu,
        "pages": pages,
        "bytes": sum(len(data) for data in files.values()),
        "parent_mib": parent,
        "worker_mib": workers,
        "digest": digest.hexdigest(),
    }


def measure(meeting: Path, jobs: int, source: Path | None, templates: Path) -> dict[str, Any]:
    """Run one case in a fresh process (with ``source`` first on the path, if given)."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source) + os.pathsep + env.get("PYTHONPATH", "")
    command = [sys.executable, __file__, "--case", str(meeting), "--jobs", str(jobs)]
    command += ["--templates", str(templates)]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode:
        sys.exit(f"{meeting} -j {jobs} failed:\n{result.stderr}")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def load() -> str:
    """The load averages, as ``uptime`` prints them."""
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,60,180", help="reports per generated meeting")
    parser.add_argument("--runs", type=int, default=3, help="runs per case (median)")
    parser.add_argument("--large", type=int, default=100, help="sizes from here use --large-runs")
    parser.add_argument("--large-runs", type=int, default=1)
    parser.add_argument("--reference", type=Path, help="another checkout to compare with")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--templates", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(Path(args.case), args.jobs, args.templates)))
        return

    trees: list[tuple[str, Path | None, Path]] = [("this", ROOT / "src", ROOT / "templates")]
    if args.reference is not None:
        reference = args.reference.resolve()
        trees.append(("reference", reference / "src", reference / "templates"))
    print(f"cores: {os.cpu_count()}; before: {load()}")
    print(
        f"{'tree':<10} {'reports':>7} {'pages':>5} {'j1 s':>7} {'j2 s':>7} {'speed-up':>8} "
        f"{'CPU s j1/j2':>13} {'parent MiB j1/j2':>17} {'worker MiB':>10} {'j1=j2':>5}"
    )
    rows: dict[str, list[tuple[int, int, float, float, float]]] = {}
    with tempfile.TemporaryDirectory() as temp:
        for size in (int(text) for text in args.sizes.split(",")):
            meeting = generate(Path(temp) / f"m{size}", size)
            runs = args.large_runs if size >= args.large else args.runs
            found: dict[tuple[str, int], list[dict[str, Any]]] = {}
            for _ in range(runs):
                for jobs in (1, 2):
                    for label, source, templates in trees:
                        figures = measure(meeting, jobs, source, templates)
                        found.setdefault((label, jobs), []).append(figures)
            for label, _, _ in trees:
                one, two = found[(label, 1)], found[(label, 2)]
                pages = max(one[0]["pages"].values())
                j1 = statistics.median(run["build_s"] for run in one)
                j2 = statistics.median(run["build_s"] for run in two)
                parent1 = max(run["parent_mib"] for run in one)
                parent2 = max(run["parent_mib"] for run in two)
                worker = max(run["worker_mib"] for run in one + two)
                cpu1 = statistics.median(run["cpu_s"] for run in one)
                cpu2 = statistics.median(run["cpu_s"] for run in two)
                same = len({run["digest"] for run in one + two}) == 1
                print(
                    f"{label:<10} {size:>7} {pages:>5} {j1:>7.2f} {j2:>7.2f} {j1 / j2:>7.2f}x "
                    f"{cpu1:>6.1f}/{cpu2:<6.1f} "
                    f"{parent1:>8.0f}/{parent2:<8.0f} {worker:>10.0f} {'yes' if same else 'NO':>5}",
                    flush=True,
                )
                rows.setdefault(label, []).append(
                    (size, pages, j1 / j2, max(parent1, parent2, worker), worker)
                )
    print(f"after: {load()}")
    print(f"medians of {args.runs} runs (sizes from {args.large}: {args.large_runs}); MiB = 2^20 B")
    for label, sizes in rows.items():
        big = [row for row in sizes if row[1] >= 500]
        memory_ok = all(row[3] < TARGET_MIB for row in big)
        speed_ok = all(row[2] >= TARGET_SPEEDUP for row in sizes)
        growth = ", ".join(f"{row[0]}: {row[3]:.0f}" for row in sizes)
        print(
            f"{label}: peak of any process by reports ({growth}) MiB; "
            f">=500-page pack under {TARGET_MIB:.0f} MiB: "
            f"{('yes' if memory_ok else 'NO') if big else 'no such pack'}; "
            f"-j 2 >= {TARGET_SPEEDUP}x at every size: {'yes' if speed_ok else 'NO'}"
        )


if __name__ == "__main__":
    main()
