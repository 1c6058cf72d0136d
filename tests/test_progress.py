"""Progress of builds, packs and checks: a live line on a terminal, lines with -v, none with -q."""

from __future__ import annotations

import io
import re
import shutil
import time

import pytest

from boardpaper.cli import progress as cli_progress
from boardpaper.cli.main import cli
from boardpaper.cli.progress import LineProgress, TerminalProgress
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
    assert any(" laid out " in line for line in lines)
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
    progress.done("content/a.yaml")
    assert terminal.getvalue() == ""  # quick work shows nothing
    time.sleep(0.5)
    progress.done("content/b.yaml")
    progress.add(1, "joined")
    time.sleep(0.2)
    progress.done("public-pack.pdf")
    progress.close()
    frames = [frame.strip() for frame in terminal.getvalue().split("\r") if frame.strip()]
    assert re.search(r"rendered +\[#+-*\] +1/2 +content/a.yaml +\d+ s", frames[0])
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
