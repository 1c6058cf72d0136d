"""Inputs that used to crash with a traceback now give one located line (issue 19, item 6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from boardpaper.cli.main import cli
from boardpaper.errors import ContentError
from boardpaper.pipeline import parse_report, render
from tests.helpers import make_content
from tests.untrusted import MINIMAL, report_with


def one_problem(text: str, library) -> str:
    with pytest.raises(ContentError) as caught:
        parse_report(text, "r.yaml", library)
    [problem] = caught.value.problems
    return str(problem)


@pytest.mark.parametrize("key", ["title", "meeting"])
def test_title_or_meeting_over_255_characters_is_a_located_error(library, key: str) -> None:
    message = one_problem(report_with(**{key: f"{key}: " + "Long title " * 30}), library)
    assert message.startswith(f"r.yaml:{MINIMAL.splitlines().index(_line(key)) + 1}:")
    assert "255" in message


def _line(key: str) -> str:
    return next(line for line in MINIMAL.splitlines() if line.startswith(f"{key}:"))


def test_a_255_character_title_still_builds_both_formats(library) -> None:
    title = ("Long title " * 30)[:255].strip()
    outputs = render(parse_report(report_with(title=f"title: {title}"), "r.yaml", library))
    assert set(outputs) == {"docx", "pdf"}


@pytest.mark.parametrize("day", ["0001-01-01", "1 January 0001", "9999-12-31"])
def test_a_date_in_year_1_or_9999_is_a_located_error(library, day: str) -> None:
    message = one_problem(report_with(date=f"date: {day}"), library)
    assert message.startswith(f"r.yaml:{MINIMAL.splitlines().index(_line('date')) + 1}:")
    assert "year" in message


def test_deadline_for_year_1_is_a_usage_error(runner) -> None:
    result = runner.invoke(cli, ["deadline", "0001-01-01"])
    assert result.exit_code == 2
    assert "year 1" in result.output
    assert not isinstance(result.exception, OverflowError)


def test_meeting_dated_year_1_is_a_located_error(tmp_path: Path, runner) -> None:
    meeting = make_content(tmp_path)
    text = meeting.read_text(encoding="utf-8")
    text = text.replace("date: 2021-", "date: 0001-", 1)
    meeting.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["pack", "--check", str(meeting)])
    assert result.exit_code == 1
    assert "year 1 " in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_committee_over_255_characters_is_a_located_error(tmp_path: Path, runner) -> None:
    meeting = make_content(tmp_path)
    lines = meeting.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("committee:"))
    lines[index] = "committee: " + "Children and Young People " * 12 + "\n"
    meeting.write_text("".join(lines), encoding="utf-8")
    result = runner.invoke(cli, ["pack", "--check", str(meeting)])
    assert result.exit_code == 1
    assert f":{index + 1}:" in result.output and "255" in result.output


def test_new_report_into_an_unwritable_place_is_one_line(tmp_path: Path, runner) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    result = runner.invoke(
        cli, ["new", "report", str(blocker / "report.yaml"), "--template", "council-standard"]
    )
    assert result.exit_code == 1
    assert "cannot write" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_dates_within_the_years_still_work(library) -> None:
    parse_report(report_with(date="date: 1900-01-01"), "r.yaml", library)
    assert dt.date(2999, 12, 31)
