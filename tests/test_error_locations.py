"""Error locations as an editor shows them: old Mac line endings, Unicode line separators,
tabs inside values, impossible escapes, and file names holding terminal escapes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from boardpaper.cli.main import cli
from boardpaper.errors import ContentError, Problem
from boardpaper.load.yaml_nodes import Limits, decode_text
from boardpaper.pipeline import parse_report
from tests.untrusted import MINIMAL, report_with


def problems_of(text: str | bytes, library) -> list[Problem]:
    with pytest.raises(ContentError) as caught:
        parse_report(text, "report.yaml", library)
    return caught.value.problems


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_cr_only_file_with_a_bad_byte_is_located_on_its_line() -> None:
    data = MINIMAL.replace("title: Minimal Report", "title: Caf\xe9").encode("latin-1")
    data = data.replace(b"\n", b"\r")
    with pytest.raises(ContentError) as caught:
        decode_text(data, "report.yaml", Limits())
    problem = caught.value.problems[0]
    assert (problem.line, problem.column) == (line_of(MINIMAL, "title:"), 11)


def test_cr_only_file_yaml_error_is_located_on_its_line(library) -> None:
    text = MINIMAL.replace("title: Minimal Report", "title: [unclosed")
    expected = problems_of(text, library)[0]
    assert problems_of(text.replace("\n", "\r"), library)[0] == expected


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\u2029"])
def test_unicode_line_separators_do_not_shift_later_lines(library, separator: str) -> None:
    text = MINIMAL.replace("  - To show the smallest report.", f'  - "To show{separator}it."')
    text = text.replace("wards: All\n", "")
    text = text.replace("  - Because it is needed.", "  - Because: [it is needed")
    expected = problems_of(text.replace(separator, " "), library)[0]
    assert problems_of(text, library)[0] == expected


def test_missing_key_after_a_line_separator_is_located_as_the_editor_shows(library) -> None:
    text = MINIMAL.replace("  - To show the smallest report.", '  - "To show\u2028it."')
    text = text.replace("supporting_information:", "supporting_informaton:")
    problems = problems_of(text, library)
    located = [p for p in problems if p.key == "supporting_informaton"]
    assert located and located[0].line == line_of(text, "supporting_informaton")


def test_tab_inside_a_value_is_not_called_indentation(library) -> None:
    """libyaml accepts a tab inside a plain value (kept as typed); PyYAML alone refuses it,
    and then the message must not call it indentation."""
    text = report_with(title="title: Budget\tmonitoring")
    try:
        report = parse_report(text, "report.yaml", library)
    except ContentError as error:
        problem = error.problems[0]
        assert "indentation" not in problem.message
        assert "tab" in problem.message and "quotes" in problem.message
        assert (problem.line, problem.column) == (line_of(MINIMAL, "title:"), 14)
    else:
        assert report.paper.title == "Budget\tmonitoring"


def test_tab_in_a_value_for_pyyaml_alone_is_not_called_indentation() -> None:
    from boardpaper.load import yaml_nodes

    saved = yaml_nodes._FAST_PARSER
    yaml_nodes._FAST_PARSER = None
    try:
        with pytest.raises(ContentError) as caught:
            yaml_nodes.parse_yaml("title: Budget\tmonitoring\n", "report.yaml")
    finally:
        yaml_nodes._FAST_PARSER = saved
    problem = caught.value.problems[0]
    assert "indentation" not in problem.message and "quotes" in problem.message
    assert (problem.line, problem.column) == (1, 14)


def test_tab_used_as_indentation_is_still_called_indentation(library) -> None:
    text = MINIMAL.replace("  - To show the smallest report.", "\t- To show the smallest report.")
    assert "indentation" in problems_of(text, library)[0].message


@pytest.mark.parametrize("escape", ["\\U00110000", "\\UFFFFFFFF"])
def test_escape_past_unicode_is_a_located_error(library, escape: str) -> None:
    problem = problems_of(report_with(title=f'title: "A {escape} B"'), library)[0]
    assert problem.line == line_of(MINIMAL, "title:")
    assert "U+10FFFF" in problem.message or "U0010FFFF" in problem.message


def test_terminal_escapes_in_file_names_are_printed_escaped(tmp_path: Path, runner) -> None:
    name = "evil\x1b]0;owned\x07\x1b[31m.yaml"
    (tmp_path / name).write_text("template: council-standard\ntitle: [\n", encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(tmp_path / name)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b" in result.output


def test_problem_prints_control_characters_escaped() -> None:
    problem = Problem("a\x1b[2Jb.yaml", 1, 2, "", "bad")
    assert str(problem) == "a\\x1b[2Jb.yaml:1:2: bad"


def test_quoted_template_key_with_a_committee_key_is_still_a_report(tmp_path: Path) -> None:
    from boardpaper.pipeline import find_meetings, find_reports

    text = MINIMAL.replace("template: council-standard", "'template': council-standard")
    (tmp_path / "report.yaml").write_text(text + "committee: Audit\n", encoding="utf-8")
    assert find_reports([tmp_path]) == [tmp_path / "report.yaml"]
    assert find_meetings([tmp_path]) == []
