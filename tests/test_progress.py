"""Progress of builds, packs and checks: a live line on a terminal, lines with -v, none with -q."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import time

import pytest

from boardpaper.cli import progress as cli_progress
from boardpaper.cli.main import cli
from boardpaper.cli.progress import LineProgress, TerminalProgress
from boardpaper.progress import Progress
from tests.helpers import SEED_YAML, make_content


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "content").mkdir()
    shutil.copy(SEED_YAML, tmp_path / "content" / "seed.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_build_verbose_prints_a_line_per_paper_and_quiet_prints_nothing(project, runner):
    result = runner.invoke(cli, ["build", "-f", "docx", "-o", "out", "--verbose"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        r"\[1/1\] rendered content/seed.yaml( \(unchanged, from the cache\))? \(\d+\.\d s\)\n",
        result.stderr,
    )
    assert "wrote out/seed.docx" in result.stdout
    result = runner.invoke(cli, ["build", "-f", "docx", "-o", "out", "-q"])
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""
    # Without a terminal and without -v (a CI log): no progress, the files written.
    result = runner.invoke(cli, ["build", "-f", "docx", "-o", "out"])
    assert result.stderr == ""
    assert result.stdout.splitlines() == ["unchanged out/seed.docx", "unchanged out/manifest.json"]
    assert runner.invoke(cli, ["build", "-q", "-v"]).exit_code == 2


def test_quiet_still_prints_problems(project, runner):
    (project / "content" / "seed.yaml").write_text("template: nope\n", encoding="utf-8")
    result = runner.invoke(cli, ["build", "-o", "out", "-q"])
    assert result.exit_code == 1
    assert "content/seed.yaml:1:11: template: no template called 'nope'" in result.stderr


def test_check_verbose_names_each_report(project, runner):
    result = runner.invoke(cli, ["check", "content", "-v"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^\[1/1\] checked content/seed.yaml \(", result.stderr, re.MULTILINE)
    result = runner.invoke(cli, ["check", "content", "-q"])
    assert result.exit_code == 0 and result.output == ""


def test_pack_verbose_follows_every_stage(tmp_path, runner, monkeypatch):
    meeting = make_content(
        tmp_path,
        """\
        - report: ../social-work-recruitment.yaml
        """,
    )
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        cli, ["pack", str(meeting.relative_to(tmp_path)), "-o", "out", "-j", "1", "-v"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert re.fullmatch(r"\[1/\d+\] rendered content/social-work-recruitment.yaml \(.*\)", lines[0])
    # Every part is named: no two lines say the same thing.
    done = [re.sub(r"^\[\d+/\d+\] | \([\d.]+ s\)$", "", line) for line in lines]
    assert len(set(done)) == len(done), done
    assert "rendered agenda of public-pack.pdf (first layout)" in done
    assert "laid out page numbers of members-pack.pdf" in done
    assert "laid out agenda.pdf" in done
    assert re.fullmatch(r"\[(\d+)/\1\] joined members-pack.pdf \(.*\)", lines[-1])
    counts = [int(re.match(r"\[(\d+)/", line).group(1)) for line in lines]
    assert counts == list(range(1, len(lines) + 1))


def test_terminal_line_appears_after_a_second_and_counts_up(monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(cli_progress.sys, "stderr", terminal)
    monkeypatch.setattr(cli_progress, "DELAY", 0.2)
    monkeypatch.setattr(cli_progress, "TICK", 0.05)
    progress = TerminalProgress()
    progress.add(2, "rendered")
    progress.working("content/a.yaml")
    progress.done("content/a.yaml")
    assert terminal.getvalue() == ""  # quick work shows nothing
    progress.working("content/b.yaml")
    time.sleep(0.5)
    # While a paper renders, the line names it and says the work is going on.
    assert re.search(
        r"rendering +\[#+-+\] +1/2 +content/b.yaml +\d+ s", terminal.getvalue().split("\r")[-1]
    )
    progress.done("content/b.yaml")
    progress.add(1, "joined")
    time.sleep(0.2)
    progress.done("public-pack.pdf")
    progress.close()
    frames = [frame.strip() for frame in terminal.getvalue().split("\r") if frame.strip()]
    assert re.search(r"rendering +\[#+-*\] +1/2 +content/b.yaml +\d+ s", frames[0])
    assert any(re.search(r"rendered .* 2/2 +content/b.yaml", frame) for frame in frames)
    # A new stage grows the total: the bar is no longer full.
    assert any(re.search(r"joined +\[#+-+\] +2/3", frame) for frame in frames)
    assert re.search(r"joined +\[#+\] +3/3 +public-pack.pdf", frames[-1])
    assert terminal.getvalue().endswith("\n")  # the line is left as a summary


def test_line_progress_counts_across_stages(capsys):
    progress = LineProgress()
    progress.add(1, "rendered")
    progress.done("a.yaml")
    progress.add(1, "joined")
    progress.done("pack.pdf")
    err = capsys.readouterr().err.splitlines()
    assert [line.split(" (")[0] for line in err] == [
        "[1/1] rendered a.yaml",
        "[2/2] joined pack.pdf",
    ]


class Recorder(Progress):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, str]] = []

    def working(self, item: str) -> None:
        self.events.append(("working", item))

    def done(self, item: str) -> None:
        super().done(item)
        self.events.append(("done", item))


def assert_each_unit_named_while_it_is_worked_on(events: list[tuple[str, str]]) -> None:
    """Every ``done(x)`` comes straight after ``working(x)``: the line named x while it ran."""
    assert events and events[0][0] == "working"
    for before, after in itertools.pairwise(events):
        if after[0] == "done":
            assert before == ("working", after[1]), (before, after)


@pytest.mark.parametrize("jobs", [1, 2])
def test_pack_names_each_part_while_it_is_made(tmp_path, library, jobs):
    from boardpaper.meeting.load import load_meeting
    from boardpaper.meeting.pack import build_pack

    meeting = make_content(tmp_path, "- report: ../social-work-recruitment.yaml\n")
    recorder = Recorder()
    build_pack(load_meeting(meeting, library), jobs=jobs, progress=recorder)
    assert_each_unit_named_while_it_is_worked_on(recorder.events)
    assert recorder.events[-1] == ("done", "members-pack.pdf")
    assert recorder.finished == recorder.total


def test_check_names_each_report_while_it_is_checked(project, library):
    from boardpaper.audit.check import check_project

    shutil.copy(SEED_YAML, project / "content" / "seed-2.yaml")  # two: the worker pool
    recorder = Recorder()
    check_project([project / "content"], library, render=True, jobs=2, progress=recorder)
    assert_each_unit_named_while_it_is_worked_on(recorder.events)
    assert {item for event, item in recorder.events if event == "working"} == {
        "content/seed.yaml",
        "content/seed-2.yaml",
    }
