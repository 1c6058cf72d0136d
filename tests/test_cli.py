"""The command line as authors and CI use it: exit codes, located errors, outputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from boardpaper.cli.main import cli
from tests.helpers import SEED_YAML, TEMPLATES, docx_paragraphs, pdf_text


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A council content repository: content/ with the seed, templates/ beside it."""
    (tmp_path / "content").mkdir()
    shutil.copy(SEED_YAML, tmp_path / "content" / "seed.yaml")
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _break(text: str) -> str:
    """The seed with four author mistakes: a wrong type, a misspelt key, no title, a bad date."""
    text = text.replace("title: Children's Improvement Plan Update\n", "")
    text = text.replace("date: 2021-03-01", "date: 2021-02-30")
    text = text.replace("wards: All\n", "wards: All\nwrads: Some\n")
    return text.replace(
        "recommendations:\n  - That members", "recommendations:\n    That members", 1
    )


def test_build_writes_both_formats_for_each_report(project: Path, runner) -> None:
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "build").iterdir() if p.suffix != ".json") == [
        "seed.docx",
        "seed.pdf",
    ]
    assert "Children's Improvement Plan Update" in pdf_text(
        (project / "build" / "seed.pdf").read_bytes()
    )


def test_broken_report_gives_one_located_line_per_error_and_writes_nothing(
    project: Path, runner
) -> None:
    source = project / "content" / "seed.yaml"
    source.write_text(_break(source.read_text(encoding="utf-8")), encoding="utf-8")
    result = runner.invoke(cli, ["build", "-o", "out"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert "content/seed.yaml:4:1: title: required but missing" in lines
    assert "content/seed.yaml:6:7: date: '2021-02-30' is not a real date (no such day)" in lines
    assert (
        "content/seed.yaml:8:1: wrads: unknown key (did you mean 'wards'?); keys allowed here: "
        "template, meeting, date, wards, title, contacts, purpose, reason, recommendations, "
        "supporting_information, options, implications, tables"
    ) in lines
    assert any(
        line.startswith("content/seed.yaml:")
        and "recommendations: expected a list (one '- ' line per item), found text" in line
        for line in lines
    )
    assert lines[-1] == "4 problems in 1 file; nothing was written"
    assert "Traceback" not in result.output
    assert not (project / "out").exists()


def test_failed_build_keeps_the_previous_good_output(project: Path, runner) -> None:
    assert runner.invoke(cli, ["build"]).exit_code == 0
    before = {p.name: p.read_bytes() for p in (project / "build").iterdir()}
    source = project / "content" / "seed.yaml"
    source.write_text(_break(source.read_text(encoding="utf-8")), encoding="utf-8")
    assert runner.invoke(cli, ["build"]).exit_code == 1
    after = {p.name: p.read_bytes() for p in (project / "build").iterdir()}
    assert after == before


def test_validate_reports_without_writing(project: Path, runner) -> None:
    result = runner.invoke(cli, ["validate", "content"])
    assert result.exit_code == 0, result.output
    assert "1 report(s) valid" in result.output
    assert not (project / "build").exists()


def test_validate_json_lists_problems_with_places(project: Path, runner) -> None:
    source = project / "content" / "seed.yaml"
    source.write_text(_break(source.read_text(encoding="utf-8")), encoding="utf-8")
    result = runner.invoke(cli, ["validate", "--json", "content/seed.yaml"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert {"path": "content/seed.yaml", "line": 6, "column": 7, "key": "date"}.items() <= (
        problems[1].items()
    )


def test_usage_error_exits_2(project: Path, runner) -> None:
    assert runner.invoke(cli, ["build", "--format", "rtf"]).exit_code == 2
    assert runner.invoke(cli, ["validate", "no-such-file.yaml"]).exit_code == 2


def test_unknown_template_is_a_located_error(project: Path, runner) -> None:
    source = project / "content" / "seed.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("template: council-standard", "template: council-standrd"))
    result = runner.invoke(cli, ["validate", "content/seed.yaml"])
    assert result.exit_code == 1
    assert (
        "content/seed.yaml:4:11: template: no template called 'council-standrd' "
        "(did you mean 'council-standard'?)"
    ) in result.output


def test_undefined_table_and_short_row_are_located(project: Path, runner) -> None:
    source = project / "content" / "seed.yaml"
    text = source.read_text(encoding="utf-8")
    text = text.replace("- table: performance", "- table: perfromance")
    text = text.replace("- [Residential, 42, 22]", "- [Residential, 42]")
    source.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["validate", "content/seed.yaml"])
    assert result.exit_code == 1
    assert (
        "supporting_information[0].paragraphs[1].table: table 'perfromance' is not defined "
        "under 'tables:' (did you mean 'performance'?)"
    ) in result.output
    assert "tables.performance.rows[22]: expected 3 cells (one per column), found 2" in (
        result.output
    )


def test_schema_is_json_schema_with_the_template_fields(runner) -> None:
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    branches = {b["if"]["properties"]["template"]["const"]: b for b in schema["allOf"]}
    assert {"council-standard", "cabinet-decision", "performance-report"} <= set(branches)
    branch = branches["council-standard"]
    properties = branch["then"]["properties"]
    assert {"meeting", "date", "wards", "title", "contacts", "purpose", "tables"} <= set(properties)
    assert "financial" in properties["implications"]["properties"]
    assert branch["then"]["additionalProperties"] is False


SPECIAL = "Fish & chips < 5 > 3 \"quoted\" 'single' {{ x }} {% if %} <b>bold?</b> <script>"


def test_special_characters_appear_literally_in_both_formats(
    project: Path, runner, library
) -> None:
    source = project / "content" / "seed.yaml"
    text = source.read_text(encoding="utf-8")
    text = text.replace(
        "  - N/A report has been prepared to provide an update.\n\nimplications:",
        f"  - >-\n    {SPECIAL}\n\nimplications:",
    )
    text = text.replace("wards: All", "wards: 'St Mary''s & <Central>'")
    source.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    pdf = " ".join(pdf_text((project / "build" / "seed.pdf").read_bytes()).split())
    assert f"2.1 {SPECIAL}" in pdf
    assert "Wards Affected: St Mary's & <Central>" in pdf
    texts = [text for _, text in docx_paragraphs((project / "build" / "seed.docx").read_bytes())]
    assert f"2.1\t{SPECIAL}" in texts
    assert "Wards Affected: St Mary's & <Central>" in texts


def test_serve_without_the_serve_extra_says_how_to_install_it(runner, monkeypatch) -> None:
    import sys

    from boardpaper.cli.main import cli

    for name in [m for m in sys.modules if m.startswith(("boardpaper.service", "starlette"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "starlette", None)  # as if not installed
    result = runner.invoke(cli, ["serve"])
    assert result.exit_code == 1
    assert "pip install 'boardpaper[serve]'" in result.output
    assert "Traceback" not in result.output
