"""Benchmark: what provenance, the manifest and verify cost on the seed report.

    .venv/bin/python benchmarks/reproducible.py [--repeat 5]

Prints medians of warm runs (WeasyPrint already imported): rendering both
formats, the same plus the manifest (fonts, environment), and ``verify_build``
on the result; then the manifest's size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content" / "childrens-improvement-plan.yaml"


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from boardpaper.output import write_atomically
    from boardpaper.pipeline import load_report, render
    from boardpaper.provenance.manifest import render_with_manifest
    from boardpaper.provenance.verify import verify_build

    os.chdir(ROOT)
    report = load_report(SEED.relative_to(ROOT))
    render(report)  # warm up: imports, fonts, fontconfig
    outdir = Path(tempfile.mkdtemp(prefix="boardpaper-bench-"))

    plain = median_seconds(lambda: render(report), args.repeat)
    with_manifest = median_seconds(
        lambda: render_with_manifest([report], ("docx", "pdf"), outdir), args.repeat
    )
    files = render_with_manifest([report], ("docx", "pdf"), outdir)
    write_atomically(files)
    verify = median_seconds(lambda: verify_build(outdir, ROOT), args.repeat)
    assert verify_build(outdir, ROOT).ok

    print(f"render docx + pdf:              {plain:.2f} s")
    print(f"render docx + pdf + manifest:   {with_manifest:.2f} s")
    print(f"verify_build (rebuild, compare): {verify:.2f} s")
    print(f"manifest.json: {len(files[outdir / 'manifest.json']):,} bytes")


if __name__ == "__main__":
    main()
