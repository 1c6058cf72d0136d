"""Editors and starters: schema modelines, report and meeting schemas, placeholders left in."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from boardpaper.cli.main import cli
from boardpaper.content.placeholders import placeholder_problems, report_starter
from boardpaper.load.yaml_nodes import Limits
from boardpaper.meeting.starter import meeting_starter_yaml
from boardpaper.template.starter import starter_yaml
from tests.helpers import ROOT, SEED_YAML

TEMPLATES = ["cabinet-decision", "council-standard", "performance-report"]
MODELINE = "# yaml-language-server: $schema="


def schema_of(runner, *args: str) -> jsonschema.Draft7Validator:
    result = runner.invoke(cli, ["schema", *args])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    # Draft-07: the version VS Code's YAML extension implements.
    assert document["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(document)
    return jsonschema.Draft7Validator(document)


def as_json_data(text: str) -> object:
    """YAML as an editor's language server sees it: dates stay text, as typed."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
    )
    return yaml.load(text, Loader=Loader)


@pytest.mark.parametrize("template", TEMPLATES)
def test_new_report_points_editors_at_a_schema_its_starter_meets(runner, tmp_path, template):
    with contextlib.chdir(tmp_path):
        result = runner.invoke(cli, ["new", "report", "content/a.yaml", "--template", template])
        assert result.exit_code == 0, result.output
        text = Path("content/a.yaml").read_text(encoding="utf-8")
        first = text.splitlines()[0]
        assert first == MODELINE + "../.boardpaper/report.schema.json"
        schema_file = Path("content") / first.removeprefix(MODELINE)
        document = json.loads(schema_file.read_text(encoding="utf-8"))
        assert document == json.loads(runner.invoke(cli, ["schema"]).output)
        jsonschema.Draft7Validator(document).validate(as_json_data(text))
        # It still validates (with a warning per placeholder) and still says so on stdout.
        result = runner.invoke(cli, ["validate", "content/a.yaml"])
        assert result.exit_code == 0
        assert "1 report(s) valid" in result.stdout


def test_every_sample_report_meets_the_report_schema(runner):
    validator = schema_of(runner)
    for path in sorted((ROOT / "content").glob("*.yaml")):
        errors = list(validator.iter_errors(as_json_data(path.read_text(encoding="utf-8"))))
        assert errors == [], (path, [e.message for e in errors])


def test_the_schema_catches_what_an_editor_should_flag(runner):
    validator = schema_of(runner, "--template", "council-standard")
    seed = as_json_data(SEED_YAML.read_text(encoding="utf-8"))
    assert validator.is_valid(seed)
    wrong_key = {**seed, "bogus_field": 1}
    assert not validator.is_valid(wrong_key)
    no_rows = {**seed, "tables": {"t": {"columns": ["A", "B"], "rows": []}}}
    assert not validator.is_valid(no_rows)
    empty_row = {**seed, "tables": {"t": {"columns": ["A", "B"], "rows": [[]]}}}
    assert not validator.is_valid(empty_row)
    # Row lengths as far as JSON Schema can say them: up to the column limit.
    limits = Limits()
    wide = [f"c{n}" for n in range(limits.max_table_columns + 1)]
    assert not validator.is_valid({**seed, "tables": {"t": {"columns": wide, "rows": [["x"]]}}})
    long_row = {**seed, "tables": {"t": {"columns": ["A"], "rows": [wide]}}}
    assert not validator.is_valid(long_row)
    fits = {**seed, "tables": {"t": {"columns": ["A", "B"], "rows": [["x", "y"]]}}}
    assert validator.is_valid(fits)
    # Each row as long as the columns, at every width up to the limit.
    for width in (1, 3, limits.max_table_columns):
        columns = wide[:width]
        for cells in (width - 1, width + 1):
            row = ["x"] * cells
            table = {"columns": columns, "rows": [columns, row]}
            errors = list(validator.iter_errors({**seed, "tables": {"t": table}}))
            assert {tuple(error.absolute_path) for error in errors} == {("tables", "t", "rows", 1)}
        table = {"columns": columns, "rows": [columns, columns]}
        assert validator.is_valid({**seed, "tables": {"t": table}})


def test_meeting_schema_new_meeting_and_the_sample(runner, tmp_path):
    validator = schema_of(runner, "meeting")
    assert validator.schema["title"] == "boardpaper meeting"
    sample = ROOT / "content" / "meetings" / "children-and-young-people-2021-03-01.yaml"
    assert list(validator.iter_errors(as_json_data(sample.read_text(encoding="utf-8")))) == []
    with contextlib.chdir(tmp_path):
        result = runner.invoke(cli, ["new", "meeting", "content/meetings/m.yaml"])
        assert result.exit_code == 0, result.output
        text = Path("content/meetings/m.yaml").read_text(encoding="utf-8")
        assert text.splitlines()[0] == MODELINE + "../../.boardpaper/meeting.schema.json"
        validator.validate(as_json_data(text))
        assert not validator.is_valid({**as_json_data(text), "items": "apologies"})
        # The starter validates as a meeting, but its placeholders keep it from a pack.
        result = runner.invoke(cli, ["pack", "content/meetings/m.yaml", "--check"])
        assert result.exit_code == 1
        assert (
            "content/meetings/m.yaml:5:12: committee: still the starter's placeholder \"Committee"
            in result.stderr
        )
        assert not Path("build").exists()
        assert runner.invoke(cli, ["new", "meeting", "content/meetings/m.yaml"]).exit_code == 2


def test_validate_warns_about_each_placeholder_left(runner, tmp_path):
    with contextlib.chdir(tmp_path):
        runner.invoke(cli, ["new", "report", "r.yaml", "--template", "performance-report"])
        text = Path("r.yaml").read_text(encoding="utf-8")
        filled = text.replace('"Committee goes here"', "Adult Social Care Scrutiny")
        Path("r.yaml").write_text(filled, encoding="utf-8")
        result = runner.invoke(cli, ["validate", "r.yaml"])
        assert result.exit_code == 0
        warnings = [line for line in result.stderr.splitlines() if "placeholder" in line]
        line = next(i for i, t in enumerate(filled.splitlines(), 1) if t.startswith("title:"))
        assert warnings[0].startswith(
            f'r.yaml:{line}:8: title: warning: still the starter\'s placeholder "Title goes here"'
        )
        assert not any("Committee goes here" in warning for warning in warnings)
        assert len(warnings) == len(placeholder_problems(filled, text, "r.yaml"))


def test_placeholders_are_read_from_the_starter_and_samples_have_none(library):
    for name in TEMPLATES:
        template = library.get(name)
        found = placeholder_problems(starter_yaml(template), report_starter(template), "x.yaml")
        assert len(found) >= 10
        assert all(problem.line for problem in found)
    for path in sorted((ROOT / "content").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        template = library.get(as_json_data(text)["template"])
        assert placeholder_problems(text, report_starter(template), str(path)) == []
    # A real value that happens to read like another column's placeholder is not one.
    cabinet = library.get("cabinet-decision")
    assert placeholder_problems("title: Risk\n", report_starter(cabinet), "x.yaml") == []
    meeting = meeting_starter_yaml("council-standard")
    sample = ROOT / "content" / "meetings" / "children-and-young-people-2021-03-01.yaml"
    assert placeholder_problems(sample.read_text(encoding="utf-8"), meeting, "m.yaml") == []


def test_check_refuses_placeholders_in_reports_and_meetings(runner, tmp_path):
    with contextlib.chdir(tmp_path):
        runner.invoke(cli, ["new", "report", "content/r.yaml", "--template", "council-standard"])
        runner.invoke(cli, ["new", "meeting", "content/meetings/m.yaml"])
        result = runner.invoke(cli, ["check", "content"])
        assert result.exit_code == 1
        lines = result.stderr.splitlines()
        assert any(
            line.startswith("content/r.yaml:") and 'placeholder "Meeting goes here"' in line
            for line in lines
        )
        assert any(
            line.startswith("content/meetings/m.yaml:") and '"Committee goes here"' in line
            for line in lines
        )
        assert not any("warning:" in line for line in lines if "placeholder" in line)
