"""Benchmark: a 20-paper `boardpaper build` against one LibreOffice batch, rebuilds, cold start.

    .venv/bin/python benchmarks/batch.py [--reports 20] [--repeat 3] [--jobs N]

Generates a content folder of N reports (copies of the samples under new titles) and
prints, each as the median of REPEAT runs of whole processes in this one run:

* full build (docx + pdf of every report, cache off) and one LibreOffice call
  converting the same N .docx to PDF, and their ratio (issue 18 target: <= 1.0x);
* a no-op rebuild and a rebuild after one report changed, as fractions of the full
  build (targets <= 5% and <= 15%; only when `build` has a cache);
* the floor under the full build: raw WeasyPrint laying out and writing the same N papers'
  HTML (as boardpaper produces it) in one warm process per core, with no Word file, no
  validation and no tagging repair, as a fraction of the LibreOffice batch;
* the seed report through the cold CLI (`build -f pdf`, and both formats) against a raw
  `weasyprint` process laying out the HTML boardpaper itself produces for it (<= 1.15x).

Machine load (1-minute average) is printed before and after: ratios are taken side by
side, but a loaded 2-core machine still moves them.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content" / "childrens-improvement-plan.yaml"
BIN = Path(sys.executable).parent


def generate(folder: Path, count: int) -> list[Path]:
    """Write ``count`` reports (copies of the samples, each under its own title)."""
    samples = sorted((ROOT / "content").glob("*.yaml"))
    folder.mkdir(parents=True)
    for data in (ROOT / "content").iterdir():  # data files (CSV, XLSX) the samples read
        if data.is_file() and data.suffix != ".yaml":
            shutil.copy(data, folder / data.name)
    written = []
    for index in range(count):
        lines = samples[index % len(samples)].read_text(encoding="utf-8").splitlines()
        lines = [
            f"title: Paper {index + 1} - {line.split(':', 1)[1].strip()}"
            if line.startswith("title:")
            else line
            for line in lines
        ]
        path = folder / f"paper-{index + 1:02d}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        written.append(path)
    return written


CPU: dict[str, list[float]] = {}
"""Label -> CPU seconds (user + system, the process and its workers) of each timed run."""


def timed(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, label: str = ""
) -> float:
    """Run a command; returns its wall time, and notes its CPU time under ``label``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    CPU.setdefault(label, []).append(cpu)
    return elapsed


def cpu(label: str) -> str:
    return f"{statistics.median(CPU[label]):.2f} CPU-s"


def cpu_ratio(label: str, reference: str) -> str:
    """The ratio of two medians of CPU seconds: steadier than wall time on a loaded machine."""
    return f"{statistics.median(CPU[label]) / statistics.median(CPU[reference]):.2f}x"


def median_of(repeat: int, run: Callable[[int], float]) -> float:
    return statistics.median(run(index) for index in range(repeat))


def supports(option: str) -> bool:
    help_text = subprocess.run(
        [str(BIN / "boardpaper"), "build", "--help"], capture_output=True, text=True
    ).stdout
    return option in help_text


def main() -> None:
    global BIN
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="build -j (default: the CLI's)")
    parser.add_argument(
        "--bin", type=Path, default=BIN, help="folder holding the boardpaper to time"
    )
    args = parser.parse_args()
    BIN = args.bin

    boardpaper = str(BIN / "boardpaper")
    has_cache = supports("--no-cache")
    jobs = ["-j", str(args.jobs)] if args.jobs and supports("--jobs") else []
    print(f"cores {os.cpu_count()}, load before {os.getloadavg()[0]:.2f}, repeat {args.repeat}")
    with tempfile.TemporaryDirectory() as temp_name:
        temp = Path(temp_name)
        reports = generate(temp / "content", args.reports)
        # Bytecode cached (in a folder of this run) as an installed package has it: with
        # PYTHONDONTWRITEBYTECODE every run would compile boardpaper's sources again.
        env = {
            **{key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"},
            "PYTHONPYCACHEPREFIX": str(temp / "pycache"),
            "XDG_CACHE_HOME": str(temp / "xdg-cache"),
        }
        no_cache = ["--no-cache"] if has_cache else []

        def full_build(index: int) -> float:
            shutil.rmtree(temp / "out", ignore_errors=True)
            command = [boardpaper, "build", "content", "-o", "out", *jobs, *no_cache]
            return timed(command, temp, env, "build")

        build_s = median_of(args.repeat, full_build)

        docx_dir = temp / "docx"
        docx_dir.mkdir()
        for docx in (temp / "out").glob("*.docx"):
            shutil.copy(docx, docx_dir)
        profile = (temp / "lo-profile").as_uri()
        soffice = [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
        ]
        docx_files = sorted(str(p) for p in docx_dir.glob("*.docx"))
        timed([*soffice, str(temp / "warm"), docx_files[0]], temp)  # profile creation
        lo_s = median_of(
            args.repeat,
            lambda index: timed(
                [*soffice, str(temp / f"lo-{index}"), *docx_files], temp, None, "lo"
            ),
        )
        print(
            f"{args.reports}-paper build (docx+pdf): {build_s:.2f} s; LibreOffice batch of the "
            f"same {len(docx_files)} .docx -> pdf: {lo_s:.2f} s; ratio {build_s / lo_s:.2f}x "
            f"(CPU: build {cpu('build')}, LibreOffice {cpu('lo')}, "
            f"ratio {cpu_ratio('build', 'lo')})"
        )

        floor_s = raw_floor(temp, reports, args.repeat)
        print(
            f"floor: raw WeasyPrint on the same {len(reports)} papers' HTML, one warm process "
            f"per core: {floor_s:.2f} s = {floor_s / lo_s:.2f}x the LibreOffice batch "
            f"(CPU {cpu('floor')}, {cpu_ratio('floor', 'lo')} LibreOffice's); the build is "
            f"{build_s / floor_s:.2f}x this floor (CPU {cpu_ratio('build', 'floor')})"
        )

        if has_cache:
            build = [boardpaper, "build", "content", "-o", "out", *jobs]
            timed(build, temp, env)  # fill the cache
            noop_s = median_of(args.repeat, lambda index: timed(build, temp, env, "noop"))

            def one_changed(index: int) -> float:
                with reports[index % len(reports)].open("a", encoding="utf-8") as stream:
                    stream.write(f"# edit {index}\n")  # a YAML comment: new content, same paper
                return timed(build, temp, env, "changed")

            changed_s = median_of(args.repeat, one_changed)
            print(
                f"no-op rebuild: {noop_s:.2f} s = {noop_s / build_s:.1%} of the full build; "
                f"one report in {args.reports} changed: {changed_s:.2f} s = "
                f"{changed_s / build_s:.1%} (CPU: no-op {cpu('noop')}, one changed "
                f"{cpu('changed')}, full {cpu('build')})"
            )
        else:
            build = [boardpaper, "build", "content", "-o", "out", *jobs]
            noop_s = median_of(args.repeat, lambda index: timed(build, temp, env, "noop"))
            print(f"no-op rebuild (no cache): {noop_s:.2f} s = {noop_s / build_s:.1%} of full")

        seed_dir = temp / "seed"
        seed_dir.mkdir()
        shutil.copy(SEED, seed_dir)
        html_file = write_seed_html(temp)
        raw_s = median_of(
            args.repeat,
            lambda index: timed(
                [
                    str(BIN / "weasyprint"),
                    "--pdf-variant",
                    "pdf/ua-1",
                    str(html_file),
                    str(temp / "raw.pdf"),
                ],
                temp,
                None,
                "raw",
            ),
        )
        seed_build = [boardpaper, "build", "seed", "-o", "seed-out", *no_cache]
        cli_pdf_s = median_of(
            args.repeat, lambda index: timed([*seed_build, "-f", "pdf"], temp, None, "cli_pdf")
        )
        cli_both_s = median_of(args.repeat, lambda index: timed(seed_build, temp, None, "cli"))
        print(
            f"cold seed: raw weasyprint {raw_s:.2f} s; `build -f pdf` {cli_pdf_s:.2f} s = "
            f"{cli_pdf_s / raw_s:.2f}x; `build` (docx+pdf) {cli_both_s:.2f} s = "
            f"{cli_both_s / raw_s:.2f}x (CPU: raw {cpu('raw')}, -f pdf {cpu('cli_pdf')} = "
            f"{cpu_ratio('cli_pdf', 'raw')}, both {cpu('cli')} = {cpu_ratio('cli', 'raw')})"
        )
    print(f"load after {os.getloadavg()[0]:.2f}")


RAW_RENDER = """
import sys, weasyprint
for name in sys.argv[1:]:
    weasyprint.HTML(filename=name).write_pdf(name + ".pdf", pdf_variant="pdf/ua-1")
"""


def raw_floor(temp: Path, reports: list[Path], repeat: int) -> float:
    """Wall seconds for raw WeasyPrint to lay out every report's HTML, one process per core."""
    from boardpaper.pipeline import load_report
    from boardpaper.render.html import render_html

    folder = temp / "raw-html"
    folder.mkdir()
    files: list[str] = []
    for index, path in enumerate(reports):
        report = load_report(path)
        # Beside the template's files, so its relative URLs (a logo) resolve.
        template_copy = folder / f"{report.template.name}-{index}"
        shutil.copytree(report.template.folder, template_copy)
        html_file = template_copy / f"{path.stem}.html"
        html_file.write_text(render_html(report.paper, report.template), encoding="utf-8")
        files.append(str(html_file))
    cores = os.cpu_count() or 1
    shares = [files[core::cores] for core in range(cores)]

    def run(index: int) -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        workers = [
            subprocess.Popen([str(BIN / "python"), "-c", RAW_RENDER, *share], cwd=temp)
            for share in shares
            if share
        ]
        if any(worker.wait() for worker in workers):
            sys.exit("raw WeasyPrint failed")
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        CPU.setdefault("floor", []).append(
            (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        )
        return elapsed

    return median_of(repeat, run)


def write_seed_html(temp: Path) -> Path:
    """The seed's HTML as boardpaper renders it, beside a copy of its template's files."""
    from boardpaper.pipeline import load_report
    from boardpaper.render.html import render_html

    report = load_report(SEED)
    folder = temp / "seed-template"
    shutil.copytree(report.template.folder, folder)
    html_file = folder / "seed.html"
    html_file.write_text(render_html(report.paper, report.template), encoding="utf-8")
    return html_file


if __name__ == "__main__":
    main()
