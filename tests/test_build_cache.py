"""Parallel builds and the render cache: same bytes as a plain build, and nothing rendered twice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from boardpaper.cli.main import cli
from boardpaper.render import head_start, parallel
from boardpaper.render.cache import RenderCache
from tests.helpers import SMALL_REPORTS, small_project

ROOT = Path(__file__).resolve().parents[1]
SMALL = SMALL_REPORTS


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return small_project(tmp_path)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles of the papers rendered in this process (builds here use -j 1)."""
    seen: list[str] = []
    real = parallel.render_paper

    def counting(paper, template, formats):  # type: ignore[no-untyped-def]
        seen.append(paper.title)
        return real(paper, template, formats)

    monkeypatch.setattr(parallel, "render_paper", counting)
    return seen


def build(*options: str) -> list[str]:
    result = CliRunner().invoke(
        cli, ["build", "-o", "out", "-j", "1", "--cache-dir", "cache", *options]
    )
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def outputs(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_a_rebuild_of_unchanged_content_renders_nothing_and_rewrites_nothing(
    project: Path, renders: list[str]
) -> None:
    build()
    assert len(renders) == 2
    first = outputs(project / "out")
    times = {path.name: path.stat().st_mtime_ns for path in (project / "out").iterdir()}
    lines = build()
    assert len(renders) == 2  # nothing rendered again
    assert all(line.startswith("unchanged ") for line in lines), lines
    assert outputs(project / "out") == first
    assert {p.name: p.stat().st_mtime_ns for p in (project / "out").iterdir()} == times


def test_no_cache_renders_everything_and_gives_the_same_bytes(
    project: Path, renders: list[str]
) -> None:
    build()
    first = outputs(project / "out")
    build("--no-cache")
    assert len(renders) == 4
    assert outputs(project / "out") == first


def test_one_changed_report_is_the_only_one_rendered_again(
    project: Path, renders: list[str]
) -> None:
    build()
    report = project / "content" / SMALL[0]
    report.write_text(report.read_text().replace("title: ", "title: Revised ", 1))
    lines = build()
    assert len(renders) == 3 and renders[-1].startswith("Revised ")
    stem = Path(SMALL[0]).stem
    assert f"wrote out/{stem}.pdf" in lines
    assert f"unchanged out/{Path(SMALL[1]).stem}.pdf" in lines
    assert "wrote out/manifest.json" in lines


def test_a_changed_template_file_misses_the_cache(project: Path, renders: list[str]) -> None:
    build()
    before = outputs(project / "out")
    css = project / "templates" / "council-standard" / "paper.css"
    with css.open("a", encoding="utf-8") as sheet:  # council-standard inherits the base's CSS;
        sheet.write("\nh1 { letter-spacing: 0.5pt; }\n")  # its own paper.css adds to it
    build()
    assert len(renders) == 4
    after = outputs(project / "out")
    assert all(after[name] != before[name] for name in after if name.endswith(".pdf"))


def test_a_damaged_cache_entry_is_rendered_again(project: Path, renders: list[str]) -> None:
    build()
    first = outputs(project / "out")
    for blob in (project / "cache" / "blobs").rglob("*"):
        if blob.is_file():
            blob.write_bytes(b"damaged")
    shutil.rmtree(project / "out")  # so the papers must come from the cache, not the record
    build()
    assert len(renders) == 4
    assert outputs(project / "out") == first


def test_parallel_build_writes_the_same_bytes_as_one_process(project: Path) -> None:
    build("--no-cache")
    one = outputs(project / "out")
    shutil.rmtree(project / "out")
    result = CliRunner().invoke(cli, ["build", "-o", "out", "-j", "2", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert outputs(project / "out") == one


def test_the_cache_folder_stays_under_its_size_bound(project: Path) -> None:
    build()
    cache = RenderCache(project / "cache", max_bytes=1)
    cache.prune()
    left = [path for path in (project / "cache").rglob("*") if path.is_file()]
    assert left == []


def test_a_changed_data_file_misses_the_cache(project: Path, renders: list[str]) -> None:
    for name in ("quarterly-performance-q2.yaml", "customer-and-staff-q2.csv", "kpis-q2.xlsx"):
        shutil.copy(ROOT / "content" / name, project / "content" / name)
    shutil.copytree(
        ROOT / "templates" / "performance-report", project / "templates" / "performance-report"
    )
    build()
    assert len(renders) == 3
    before = outputs(project / "out")
    data = project / "content" / "customer-and-staff-q2.csv"
    data.write_text(data.read_text().replace("58%,72%,61%", "58%,72%,66%", 1))
    build()
    assert len(renders) == 4  # only the report reading the data file
    after = outputs(project / "out")
    assert after["quarterly-performance-q2.pdf"] != before["quarterly-performance-q2.pdf"]


def test_one_changed_paper_split_across_two_processes_gives_the_bytes_of_one(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With -j 2 and one paper to render, its PDF lays out in a worker (started before
    validation: the report is newer than its outputs) while this process writes its HTML
    and .docx; the files are those a one-process build without the cache writes."""
    split_renders: list[str] = []
    real = parallel._render_split

    def spying(paper, template, formats, timeout, early):  # type: ignore[no-untyped-def]
        split_renders.append(paper.title)
        assert isinstance(early, head_start.PdfHeadStart)
        return real(paper, template, formats, timeout, early)

    monkeypatch.setattr(parallel, "_render_split", spying)
    build()
    report = project / "content" / SMALL[0]
    report.write_text(report.read_text().replace("title: ", "title: Revised ", 1))
    result = CliRunner().invoke(cli, ["build", "-o", "out", "-j", "2", "--cache-dir", "cache"])
    assert result.exit_code == 0, result.output
    stem = Path(SMALL[0]).stem
    assert f"wrote out/{stem}.pdf" in result.output and f"wrote out/{stem}.docx" in result.output
    assert len(split_renders) == 1 and split_renders[0].startswith("Revised ")
    split = outputs(project / "out")
    shutil.rmtree(project / "out")
    build("--no-cache")
    assert outputs(project / "out") == split


def _revise(report: Path) -> None:
    report.write_text(report.read_text().replace("title: ", "title: Revised ", 1))


def test_a_head_start_is_made_only_when_one_report_differs_from_what_was_built(
    project: Path,
) -> None:
    reports = sorted((project / "content").glob("*.yaml"))
    out = project / "out"
    both = ("docx", "pdf")
    assert head_start.head_start_for(reports, out, both, 2) is None  # nothing built: two
    build()
    assert head_start.head_start_for(reports, out, both, 2) is None  # both as built
    reports[0].touch()
    assert head_start.head_start_for(reports, out, both, 2) is None  # touched, not changed
    _revise(reports[0])
    with head_start.head_start_for(reports, out, both, 2) as worker:
        assert isinstance(worker, head_start.PdfHeadStart)
    assert head_start.head_start_for(reports, out, both, 1) is None  # -j 1
    assert head_start.head_start_for(reports, out, ("docx",), 2) is None  # no PDF to lay out
    with head_start.head_start_for(reports[1:], out, both, 2, cached=False) as worker:
        assert isinstance(worker, head_start.PdfHeadStart)  # one, and no cache: laid out
    assert head_start.head_start_for(reports, out, both, 2, cached=False) is None  # two
    (out / f"{reports[1].stem}.pdf").unlink()
    assert head_start.head_start_for(reports, out, both, 2) is None  # two to render


def test_no_worker_outlives_a_build_whose_report_is_wrong_or_from_the_cache(
    project: Path,
) -> None:
    import multiprocessing

    report = project / "content" / SMALL[0]
    original = report.read_text()
    build()
    _revise(report)
    build()
    report.write_text(original)  # a head start is made, and not needed: the cache has it
    result = CliRunner().invoke(cli, ["build", "-o", "out", "-j", "2", "--cache-dir", "cache"])
    assert result.exit_code == 0, result.output
    assert multiprocessing.active_children() == []
    report.write_text(original.replace("title: ", "title:\n  - a list\n#", 1))
    result = CliRunner().invoke(cli, ["build", "-o", "out", "-j", "2", "--cache-dir", "cache"])
    assert result.exit_code == 1, result.output
    assert f"{SMALL[0]}:" in result.output
    assert multiprocessing.active_children() == []


def test_the_cache_key_follows_boardpaper_code_not_only_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A development checkout or an unreleased commit keeps the version number: papers
    rendered by other code must not be taken from the cache."""
    from boardpaper import fingerprints
    from boardpaper.render import cache as render_cache

    package = tmp_path / "package"
    (package / "__pycache__").mkdir(parents=True)
    (package / "module.py").write_text("ANSWER = 1\n")
    monkeypatch.setattr(fingerprints, "_PACKAGE", package)

    def key() -> str:
        fingerprints.package_digest.cache_clear()
        render_cache.environment_fingerprint.cache_clear()
        return render_cache.environment_fingerprint()

    try:
        first = key()
        (package / "__pycache__" / "module.cpython-311.pyc").write_bytes(b"bytecode")
        (package / "notes.txt").write_text("not code\n")
        assert key() == first  # bytecode and other files do not count
        (package / "module.py").write_text("ANSWER = 2\n")
        assert key() != first
    finally:
        monkeypatch.undo()
        fingerprints.package_digest.cache_clear()
        render_cache.environment_fingerprint.cache_clear()
