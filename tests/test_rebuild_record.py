"""A rebuild with nothing changed is answered from the build record (``rebuild_record``)
without loading the pipeline, and anything that could change a paper makes it build as
before: the same lines printed, the same files, and a changed input always rebuilt."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

import boardpaper.build
from boardpaper import rebuild_record
from boardpaper.cli.main import cli
from tests.helpers import SMALL_REPORTS, small_project

ROOT = Path(__file__).resolve().parents[1]
SMALL = SMALL_REPORTS
STEM = Path(SMALL[0]).stem


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return small_project(tmp_path)


@pytest.fixture
def full_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item per build that ran the pipeline (rather than being replayed)."""
    ran: list[int] = []
    real = boardpaper.build.build

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        ran.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(boardpaper.build, "build", counting)
    return ran


def build(*options: str) -> tuple[list[str], str]:
    """Run ``boardpaper build``; returns its output lines and what it printed on stderr."""
    result = CliRunner().invoke(
        cli, ["build", "-o", "out", "-j", "1", "--cache-dir", "cache", *options]
    )
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines(), result.stderr


def outputs(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_an_unchanged_rebuild_prints_what_a_full_one_prints_and_runs_nothing(
    project: Path, full_builds: list[int]
) -> None:
    report = project / "content" / SMALL[0]
    # A character no installed font has (U+1FAE0): the build warns, and so must a replay.
    report.write_text(report.read_text().replace("title: ", "title: \U0001fae0 ", 1))
    build()
    first = outputs(project / "out")
    times = {path.name: path.stat().st_mtime_ns for path in (project / "out").iterdir()}
    shutil.rmtree(project / "cache" / "builds")  # the next build runs in full, as before
    full_lines, full_warnings = build()
    assert len(full_builds) == 2
    replayed_lines, replayed_warnings = build()
    assert len(full_builds) == 2  # answered from the record
    assert replayed_lines == full_lines
    assert all(line.startswith("unchanged ") for line in replayed_lines)
    assert replayed_warnings == full_warnings and "U+1FAE0" in replayed_warnings
    assert outputs(project / "out") == first
    assert {p.name: p.stat().st_mtime_ns for p in (project / "out").iterdir()} == times
    lines, said = build("--verbose")
    assert lines == full_lines and said.startswith("nothing to render: ")


def test_an_unchanged_rebuild_in_a_new_process_loads_no_pipeline(project: Path) -> None:
    code = (
        "import sys\n"
        "from boardpaper.cli.main import cli\n"
        "try:\n"
        "    cli(['build', '-o', 'out', '--cache-dir', 'cache'], prog_name='boardpaper')\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        "print(sorted(name for name in ('boardpaper.pipeline', 'yaml', 'weasyprint')"
        " if name in sys.modules))\n"
    )

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=project, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()[-1]

    assert run() == "['boardpaper.pipeline', 'yaml']"  # the first build validates
    assert run() == "[]"


def _revise_report(project: Path) -> None:
    report = project / "content" / SMALL[0]
    report.write_text(report.read_text().replace("title: ", "title: Revised ", 1))


def _add_report(project: Path) -> None:
    shutil.copy(ROOT / "content" / "waste-collection-contract.yaml", project / "content")


def _edit_template(project: Path) -> None:
    with (project / "templates" / "council-standard" / "template.yaml").open("a") as stream:
        stream.write("\n# a comment is a change of the template's files\n")


def _add_template_file(project: Path) -> None:
    (project / "templates" / "council-standard" / "paper.css").write_text(
        "h1 { letter-spacing: 0.5pt; }\n"
    )


def _shadow_a_template(project: Path) -> None:
    """A template folder of the same name earlier in the lookup (``--templates``-free: the
    working folder's templates/ is searched before the built-in ones)."""
    shutil.move(project / "templates", project / "moved-templates")


def _edit_output(project: Path) -> None:
    (project / "out" / f"{STEM}.pdf").write_bytes(b"%PDF-1.7 edited by hand")


def _remove_output(project: Path) -> None:
    (project / "out" / f"{STEM}.docx").unlink()


def _damage_record(project: Path) -> None:
    for record in (project / "cache" / "builds").iterdir():
        record.write_text("{not json")


CHANGES = {
    "a report revised": _revise_report,
    "a report added": _add_report,
    "a template file edited": _edit_template,
    "a file added to the template": _add_template_file,
    "the template found elsewhere": _shadow_a_template,
    "an output edited": _edit_output,
    "an output removed": _remove_output,
    "the record damaged": _damage_record,
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_builds_in_full_and_gives_what_a_build_without_a_record_gives(
    project: Path, full_builds: list[int], change: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    build()
    CHANGES[change](project)
    lines, _ = build()
    assert len(full_builds) == 2, "a change was answered from the record"
    # What a build from scratch (no cache, no record) makes of the changed content.
    fresh = tmp_path_factory.mktemp("fresh")
    result = CliRunner().invoke(cli, ["build", "-o", str(fresh), "-j", "1", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert outputs(project / "out") == outputs(fresh)
    assert any(line.startswith("wrote ") for line in lines) or change == "the record damaged"
    before = len(full_builds)  # the build without cache above counts too
    build()
    assert len(full_builds) == before  # recorded again: replayed


def test_a_revised_title_reaches_the_paper(project: Path, full_builds: list[int]) -> None:
    build()
    _revise_report(project)
    build()
    text = PdfReader(project / "out" / f"{STEM}.pdf").pages[0].extract_text()
    assert "Revised" in text


def test_other_options_or_settings_are_other_builds(
    project: Path, full_builds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    build()
    build("-f", "pdf")  # another request: not the record of docx + pdf
    assert len(full_builds) == 2
    build("--max-blocks", "4000")
    assert len(full_builds) == 3
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # changes the PDFs' dates
    build()
    assert len(full_builds) == 4
    build()
    assert len(full_builds) == 4


def test_no_cache_keeps_no_record_and_replays_nothing(
    project: Path, full_builds: list[int]
) -> None:
    build("--no-cache")
    build("--no-cache")
    assert len(full_builds) == 2
    assert not (project / "cache" / "builds").exists()


def test_a_report_saved_while_the_build_ran_is_not_recorded(project: Path) -> None:
    request = rebuild_record.BuildRequest(("content",), str(project / "out"), ("pdf",), {}, ())
    started = rebuild_record.start(request)
    report = project / "content" / SMALL[0]
    report.write_text(report.read_text() + "\n# saved during the build\n")
    inputs = rebuild_record.Inputs({}, [])
    assert not rebuild_record.record(project / "cache", started, inputs, {}, [], [])
    assert not (project / "cache" / "builds").exists()
    # Unchanged since the start: kept.
    started = rebuild_record.start(request)
    assert rebuild_record.record(project / "cache", started, inputs, {}, [], [])


def test_the_environment_stamp_notices_installed_packages_and_replaced_libraries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packages = tmp_path / "site-packages"
    packages.mkdir()
    library = tmp_path / "libpango-1.0.so.0"
    library.write_bytes(b"one")
    monkeypatch.syspath_prepend(str(packages))
    before = rebuild_record.environment_stamp([str(library)])
    assert rebuild_record.environment_stamp([str(library)]) == before
    (packages / "newpackage-1.0.dist-info").mkdir()  # what installing a package does
    after_install = rebuild_record.environment_stamp([str(library)])
    assert after_install != before
    library.write_bytes(b"two")  # a library upgrade writes a new file
    os.utime(library, ns=(1, 1))
    assert rebuild_record.environment_stamp([str(library)]) != after_install


def test_the_libraries_a_build_loaded_are_in_its_record(project: Path) -> None:
    build()
    record = next((project / "cache" / "builds").iterdir()).read_text()
    assert "libpango" in record and "libharfbuzz" in record and "libfontconfig" in record


def test_a_changed_data_file_builds_in_full_with_the_new_figure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full_builds: list[int]
) -> None:
    (tmp_path / "content").mkdir()
    for name in ("quarterly-performance-q2.yaml", "customer-and-staff-q2.csv", "kpis-q2.xlsx"):
        shutil.copy(ROOT / "content" / name, tmp_path / "content" / name)
    monkeypatch.chdir(tmp_path)
    build("-f", "docx")
    build("-f", "docx")
    assert len(full_builds) == 1
    data = tmp_path / "content" / "customer-and-staff-q2.csv"
    data.write_text(data.read_text().replace("86%,93%,95%", "86%,93%,97%"))
    lines, _ = build("-f", "docx")
    assert len(full_builds) == 2
    assert "wrote out/quarterly-performance-q2.docx" in lines
    cells = {
        cell.text
        for table in docx.Document(str(tmp_path / "out" / "quarterly-performance-q2.docx")).tables
        for row in table.rows
        for cell in row.cells
    }
    assert "97%" in cells


def test_one_changed_report_is_handed_to_a_worker_before_the_others_are_validated(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from boardpaper.render import head_start

    build("-j", "2")
    _revise_report(project)
    events: list[str] = []
    real_init, real_send = head_start.PdfHeadStart.__init__, head_start.PdfHeadStart.send
    real_load = boardpaper.build.load_reports

    def init(self):  # type: ignore[no-untyped-def]
        events.append("worker started")
        real_init(self)

    def send(self, job, paper, template):  # type: ignore[no-untyped-def]
        events.append(f"sent {paper.title}")
        real_send(self, job, paper, template)

    def load(*args, **kwargs):  # type: ignore[no-untyped-def]
        events.append("validation")
        return real_load(*args, **kwargs)

    monkeypatch.setattr(head_start.PdfHeadStart, "__init__", init)
    monkeypatch.setattr(head_start.PdfHeadStart, "send", send)
    real_load_one = boardpaper.build.load_report_tree
    loads: list[str] = []

    def load_one(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        loads.append(path.name)
        return real_load_one(path, *args, **kwargs)

    monkeypatch.setattr(boardpaper.build, "load_reports", load)
    monkeypatch.setattr(boardpaper.build, "load_report_tree", load_one)
    result = CliRunner().invoke(cli, ["build", "-o", "out", "-j", "2", "--cache-dir", "cache"])
    assert result.exit_code == 0, result.output
    assert events[:2] == ["worker started", f"sent Revised {_title(project)}"]
    assert events[2:] == ["validation"]  # the same worker lays it out: no second one
    assert sorted(loads) == sorted(SMALL)  # the revised report is loaded once, not twice
    fresh = tmp_path_factory.mktemp("fresh")
    done = CliRunner().invoke(cli, ["build", "-o", str(fresh), "-j", "1", "--no-cache"])
    assert done.exit_code == 0, done.output
    assert outputs(project / "out") == outputs(fresh)


def _title(project: Path) -> str:
    original = (ROOT / "content" / SMALL[0]).read_text()
    return next(line for line in original.splitlines() if line.startswith("title: "))[7:]


def test_a_worker_sent_another_paper_is_not_used_for_this_one(project: Path) -> None:
    from boardpaper.build import load_reports
    from boardpaper.render import head_start, parallel
    from boardpaper.render.pdf import prepare_pdf

    first, second = load_reports([project / "content"]).reports
    with head_start.PdfHeadStart() as early:
        early.send(prepare_pdf(first.paper, first.template), first.paper, first.template)
        assert early.sent(first.paper, first.template) is True
        assert early.sent(second.paper, second.template) is False
        split = parallel._render_split(second.paper, second.template, ("pdf",), 120, early)
    alone = parallel.render_paper(second.paper, second.template, ("pdf",))
    assert split.files == alone.files


def test_an_edited_meeting_file_starts_no_layout_worker(
    project: Path, monkeypatch: pytest.MonkeyPatch, full_builds: list[int]
) -> None:
    from boardpaper.render import head_start

    meeting = project / "content" / "meeting.yaml"
    meeting.write_text("committee: Cabinet\ndate: 2026-07-16\n")  # a meeting file, not a report
    build("-j", "2")
    meeting.write_text("committee: Cabinet\ndate: 2026-07-23\n")
    started: list[int] = []
    real_init = head_start.PdfHeadStart.__init__

    def init(self):  # type: ignore[no-untyped-def]
        started.append(1)
        real_init(self)

    monkeypatch.setattr(head_start.PdfHeadStart, "__init__", init)
    lines, _ = build("-j", "2")
    assert len(full_builds) == 2  # the YAML under content/ changed: built, not replayed
    assert started == []  # but no paper changed, so nothing was laid out
    assert all(line.startswith("unchanged ") for line in lines)
