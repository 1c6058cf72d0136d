"""Benchmark: joining a pack alone, its wall time and the peak memory of the joining process.

    .venv/bin/python benchmarks/join.py [--sizes 20,60,180] [--runs 3] [--reference /work/main]

``benchmarks/pack.py`` times a whole meeting, whose peak is often a layout worker;
this isolates step 3 of ``build_pack``, the process that joins the parts
(``render.merge.merge_parts_to_file``). It renders the three sample reports of the
sample meeting once, lays out a page-number layer for each size, then joins SIZE
reports (the three in turn, each with its bookmark and its item name) with the layer
drawn over every page, each join in a fresh process. For each size it prints the
pages, the median wall time of the join, the joining process's peak RSS and the
pack's size. The peak is ``VmHWM``, not ``ru_maxrss``: Linux starts a child's
``ru_maxrss`` from its parent's peak. ``--reference DIR`` joins the same parts with
another checkout's source (``DIR/src``), interleaved run by run, so both are
measured under the same load.

Issue 18 asks for pack memory flat in report count: the last lines say how the
peak grows per 100 pages between the smallest and the largest size.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (
    "childrens-improvement-plan.yaml",
    "social-work-recruitment.yaml",
    "residential-placements-contract.yaml",
)

CHILD = """
import json, sys, time
from pathlib import Path
from boardpaper.render.merge import OutlineEntry, PartPdf, merge_parts_to_file

folder, size, target = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
reports = [folder / name for name in json.loads(sys.argv[4])]
parts = [
    PartPdf(reports[index % len(reports)], names=(f"item-{index + 1}",), label=f"item {index + 1}")
    for index in range(size)
]
outline = [OutlineEntry(f"{index + 1}. Report", index) for index in range(size)]
started = time.perf_counter()
merge_parts_to_file(target, parts, folder / f"stamp-{size}.pdf", "Pack", "en-GB", outline)
elapsed = time.perf_counter() - started
# VmHWM, not ru_maxrss: Linux carries the parent's peak over into a child's ru_maxrss.
status = Path("/proc/self/status").read_text()
peak = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
print(json.dumps({"join_s": elapsed, "peak_mib": peak / 1024}))
"""


def page_counts(folder: Path, names: list[str]) -> list[int]:
    """The page count of each rendered report."""
    import pikepdf

    counts = []
    for name in names:
        with pikepdf.open(folder / name) as pdf:
            counts.append(len(pdf.pages))
    return counts


def make_layer(target: Path, pages: int) -> None:
    """A page-number layer of ``pages`` empty A4 pages ("Page N of M" at the foot)."""
    from weasyprint import HTML

    css = (
        '@page { size: A4; @bottom-center { content: "Page " counter(page) " of " '
        'counter(pages); font: 10pt "Liberation Sans" } }'
        "div { break-after: page; height: 1pt } div:last-child { break-after: auto }"
    )
    html = f"<html lang='en-GB'><style>{css}</style>" + "<div></div>" * pages + "</html>"
    HTML(string=html).write_pdf(target, pdf_variant="pdf/ua-1")


def join(folder: Path, size: int, names: list[str], source: Path) -> dict[str, float]:
    """Join ``size`` reports in a fresh process with the boardpaper of ``source``."""
    target = folder / f"pack-{size}.pdf"
    env = {**os.environ, "PYTHONPATH": str(source)}
    command = [sys.executable, "-c", CHILD, str(folder), str(size), str(target), json.dumps(names)]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode:
        sys.exit(f"joining {size} reports with {source} failed:\n{result.stderr}")
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    figures["bytes"] = target.stat().st_size
    return figures


def load() -> str:
    """The 1-minute load average."""
    return f"{os.getloadavg()[0]:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,60,180", help="reports per pack")
    parser.add_argument("--runs", type=int, default=3, help="runs per case (median)")
    parser.add_argument("--reference", type=Path, help="another checkout to compare with")
    args = parser.parse_args()
    trees = [("this", ROOT / "src")]
    if args.reference is not None:
        trees.append(("reference", args.reference.resolve() / "src"))
    sizes = [int(text) for text in args.sizes.split(",")]
    print(f"cores {os.cpu_count()}, load before {load()}, runs {args.runs}")
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        boardpaper = Path(sys.executable).parent / "boardpaper"
        reports = [str(ROOT / "content" / name) for name in SOURCES]
        build = [str(boardpaper), "build", *reports, "-f", "pdf", "-o", temp, "--no-cache"]
        subprocess.run(build, check=True, capture_output=True)
        names = [Path(name).with_suffix(".pdf").name for name in SOURCES]
        counts = page_counts(folder, names)
        rows: dict[str, list[tuple[int, float]]] = {}
        print(f"{'tree':<10} {'reports':>7} {'pages':>5} {'join s':>7} {'peak MiB':>8} {'MB':>6}")
        for size in sizes:
            pages = sum(counts[index % len(counts)] for index in range(size))
            make_layer(folder / f"stamp-{size}.pdf", pages)
            found: dict[str, list[dict[str, float]]] = {}
            for _ in range(args.runs):
                for label, source in trees:
                    found.setdefault(label, []).append(join(folder, size, names, source))
            for label, _ in trees:
                runs = found[label]
                seconds = statistics.median(run["join_s"] for run in runs)
                peak = max(run["peak_mib"] for run in runs)
                megabytes = runs[0]["bytes"] / 1e6
                figures = f"{seconds:>7.2f} {peak:>8.0f} {megabytes:>6.1f}"
                print(f"{label:<10} {size:>7} {pages:>5} {figures}", flush=True)
                rows.setdefault(label, []).append((pages, peak))
    print(f"load after {load()}; MiB = 2^20 B; peak RSS of the joining process (VmHWM)")
    for label, found_rows in rows.items():
        (first_pages, first_peak), (last_pages, last_peak) = found_rows[0], found_rows[-1]
        if last_pages > first_pages:
            growth = (last_peak - first_peak) / (last_pages - first_pages) * 100
            print(
                f"{label}: peak grows {growth:.1f} MiB per 100 pages ({first_pages}-{last_pages})"
            )


if __name__ == "__main__":
    main()
