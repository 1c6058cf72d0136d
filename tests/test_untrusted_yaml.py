"""Untrusted YAML: every broken, hostile or mistyped file gives exact located errors.

One case per item of issue 7's YAML and type lists, each run through ``boardpaper
validate`` as an author would, asserting the exact lines printed. The files are
in tests/corpus/; the large and deep ones are generated here.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from boardpaper.cli.main import cli
from boardpaper.errors import ContentError
from boardpaper.load.yaml_nodes import Limits
from boardpaper.pipeline import parse_report
from tests.helpers import TEMPLATES
from tests.untrusted import CORPUS, MINIMAL, no_network, report_with, table_report

__all__ = ["no_network"]

EXPECTED = {
    "tab-indent.yaml": [
        "tab-indent.yaml:4:1: a tab character is not allowed for indentation in YAML; use spaces"
    ],
    "unclosed-quote.yaml": [
        "unclosed-quote.yaml:3:8: not valid YAML: the quote opened here is never closed"
    ],
    "bad-indent.yaml": [
        "bad-indent.yaml:3:8: not valid YAML: the colon after 'title' is read as the start of "
        'a key; if this is text, put all of the text in quotes ("..."); if it is a key, line '
        "it up with the keys above it"
    ],
    "duplicate-key.yaml": [
        "duplicate-key.yaml:7:1: title: duplicate key (first given on line 6); keep only one"
    ],
    "not-utf8.yaml": ["not-utf8.yaml:6:11: not UTF-8 text (byte 0xe9); save the file as UTF-8"],
    "nul-byte.yaml": ["nul-byte.yaml:6:15: the file holds a NUL byte: is it really text?"],
    "raw-control.yaml": [
        "raw-control.yaml:6:16: the character U+0007 is not allowed in YAML; remove it"
    ],
    "escaped-control.yaml": [
        "escaped-control.yaml:6:8: title: the text holds U+0007, not a printable character, "
        "which documents cannot hold; remove it"
    ],
    "alias-bomb.yaml": [
        "alias-bomb.yaml:3:8: not valid YAML: anchors and aliases (&name, *name) "
        "are not supported; write the value out"
    ],
    "python-tag.yaml": [
        "python-tag.yaml:3:10: meeting: YAML tag 'tag:yaml.org,2002:python/name:os.system' "
        "is not allowed; remove it",
        "python-tag.yaml:6:8: title: YAML tag "
        "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; remove it",
    ],
    "tag-directive.yaml": [
        "tag-directive.yaml:8:8: title: YAML tag "
        "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; remove it",
    ],
    "two-documents.yaml": [
        "two-documents.yaml:34:1: not valid YAML: expected a single document in the stream, "
        "but found another document"
    ],
    "empty.yaml": ["empty.yaml:1:1: the file is empty"],
    "comments-only.yaml": ["comments-only.yaml:1:1: the file is empty"],
    "list-root.yaml": [
        "list-root.yaml:1:1: expected a mapping of report fields (key: value lines)"
    ],
    "list-for-mapping.yaml": [
        "list-for-mapping.yaml:8:3: contacts: expected a mapping (key: value lines), found a list",
        "list-for-mapping.yaml:23:3: implications: expected a mapping (key: value lines), "
        "found a list",
    ],
    "wrong-types.yaml": [
        "wrong-types.yaml:4:7: date: expected a date like 2021-03-01, "
        "found a mapping (key: value pairs)",
        "wrong-types.yaml:6:8: title: expected text, found a list",
        "wrong-types.yaml:15:12: contacts.director.email: expected an email address like "
        "name@council.gov.uk, found '12'",
        "wrong-types.yaml:20:18: recommendations: expected a list (one '- ' line per item), "
        "found text",
        "wrong-types.yaml:21:1: unused: unknown key; keys allowed here: template, meeting, date, "
        "wards, title, contacts, purpose, reason, recommendations, supporting_information, "
        "options, implications, tables, attachments",
    ],
    "template-escape.yaml": [
        "template-escape.yaml:2:11: template: no template called '../../etc'; "
        "available: cabinet-decision, council-standard, executive-report, full-council, "
        "performance-report"
    ],
    "template-absolute.yaml": [
        "template-absolute.yaml:2:11: template: no template called '/etc/passwd'; "
        "available: cabinet-decision, council-standard, executive-report, full-council, "
        "performance-report"
    ],
}


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder holding a copy of the corpus and the templates; the working directory."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    monkeypatch.chdir(tmp_path / "corpus")
    return tmp_path / "corpus"


def validate(runner, *args: str) -> tuple[int, list[str]]:
    """Run ``boardpaper validate ARGS``; return the exit code and the problem lines."""
    result = runner.invoke(
        cli, ["validate", "--templates", str(Path.cwd().parent / "templates"), *args]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    lines = [line for line in result.output.splitlines() if "problem(s)" not in line]
    return result.exit_code, lines


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_gives_exactly_its_located_errors(corpus: Path, runner, name: str) -> None:
    code, lines = validate(runner, name)
    assert code == 1
    assert lines == EXPECTED[name]


def test_every_corpus_file_has_an_expected_outcome() -> None:
    valid = {"minimal.yaml", "bom.yaml", "literal-text.yaml"}
    assert {p.name for p in CORPUS.glob("*.yaml")} == set(EXPECTED) | valid


def test_byte_order_mark_is_accepted_and_lines_still_count_from_one(corpus: Path, runner) -> None:
    assert validate(runner, "bom.yaml") == (0, ["1 report(s) valid"])
    data = (corpus / "bom.yaml").read_bytes().replace(b"title: Minimal Report", b"title: [x]")
    (corpus / "bom-broken.yaml").write_bytes(data)
    assert validate(runner, "bom-broken.yaml") == (
        1,
        ["bom-broken.yaml:6:8: title: expected text, found a list"],
    )


def test_file_of_several_megabytes_is_refused_before_parsing(corpus: Path, runner) -> None:
    big = MINIMAL + "# padding\n" * 300_000  # 3 MB
    (corpus / "big.yaml").write_text(big, encoding="utf-8")
    started = time.perf_counter()
    code, lines = validate(runner, "big.yaml")
    assert time.perf_counter() - started < 5
    assert (code, lines) == (1, [f"big.yaml: file is {len(big):,} bytes; the limit is 1,000,000"])


def test_deep_flow_nesting_is_refused_at_its_place(corpus: Path, runner) -> None:
    (corpus / "deep.yaml").write_text(
        report_with(wards="wards: " + "[" * 5000 + "]" * 5000), encoding="utf-8"
    )
    code, lines = validate(runner, "deep.yaml")
    assert (code, lines) == (1, ["deep.yaml:5:47: not valid YAML: nested more than 40 levels deep"])


def test_deep_block_nesting_is_refused_at_its_place(corpus: Path, runner) -> None:
    nested = "".join(" " * (2 * level) + f"k{level}:\n" for level in range(60))
    (corpus / "deep-block.yaml").write_text(MINIMAL + "extra:\n" + nested, encoding="utf-8")
    code, lines = validate(runner, "deep-block.yaml")
    assert (code, lines) == (
        1,
        ["deep-block.yaml:74:79: not valid YAML: nested more than 40 levels deep"],
    )


def test_limits_are_configurable_on_the_command_line(corpus: Path, runner) -> None:
    (corpus / "table.yaml").write_text(table_report(rows=12), encoding="utf-8")
    assert validate(runner, "table.yaml") == (0, ["1 report(s) valid"])
    assert validate(runner, "--max-table-rows", "10", "table.yaml") == (
        1,
        ["table.yaml:40:7: tables.big.rows: 12 rows; the limit is 10"],
    )
    assert validate(runner, "--max-table-columns", "2", "table.yaml") == (
        1,
        ["table.yaml:38:14: tables.big.columns: 3 columns; the limit is 2"],
    )
    size = len(MINIMAL.encode())
    assert validate(runner, "--max-file-bytes", "100", "minimal.yaml") == (
        1,
        [f"minimal.yaml: file is {size:,} bytes; the limit is 100"],
    )
    assert validate(runner, "--max-depth", "2", "minimal.yaml") == (
        1,
        ["minimal.yaml:8:3: not valid YAML: nested more than 2 levels deep"],
    )
    assert validate(runner, "--max-text-chars", "30", "minimal.yaml") == (
        1,
        ["minimal.yaml:21:5: recommendations[0]: text is 36 characters; the limit is 30"],
    )


def test_limit_options_reject_nonsense_as_usage_errors(corpus: Path, runner) -> None:
    result = runner.invoke(cli, ["validate", "--max-depth", "0", "minimal.yaml"])
    assert result.exit_code == 2
    assert "Invalid value for '--max-depth'" in result.output


def test_text_given_directly_is_held_to_the_file_size_limit(library) -> None:
    with pytest.raises(ContentError) as caught:
        parse_report(MINIMAL, "posted.yaml", library, Limits(max_file_bytes=100))
    assert [str(p) for p in caught.value.problems] == [
        f"posted.yaml: text is {len(MINIMAL):,} characters; the limit is 100"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"a\\ud800b"', "the text holds U+D800"),
        ('"a\\x1bb"', "the text holds U+001B"),
        ("!!binary aGVsbG8=", "YAML tag 'tag:yaml.org,2002:binary' is not allowed"),
        ("!!set {a, b}", "YAML tag 'tag:yaml.org,2002:set' is not allowed"),
        ("!include /etc/passwd", "YAML tag '!include' is not allowed"),
    ],
)
def test_other_escapes_and_tags_are_located_errors(library, value: str, message: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse_report(report_with(title=f"title: {value}"), "r.yaml", library)
    assert len(caught.value.problems) == 1
    problem = caught.value.problems[0]
    assert (problem.line, problem.column, problem.key) == (6, 8, "title")
    assert message in problem.message


def test_template_manifest_cannot_point_outside_its_folder(tmp_path: Path, runner) -> None:
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    manifest = tmp_path / "templates" / "council-standard" / "template.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8") + "html_template: ../../../../etc/passwd\n",
        encoding="utf-8",
    )
    (tmp_path / "r.yaml").write_text(MINIMAL, encoding="utf-8")
    result = runner.invoke(
        cli, ["validate", "--templates", str(tmp_path / "templates"), str(tmp_path / "r.yaml")]
    )
    assert result.exit_code == 1
    line = next(
        i
        for i, text in enumerate(manifest.read_text().splitlines(), 1)
        if text.startswith("html_template:")
    )
    assert (
        f"template.yaml:{line}:1: html_template: file '../../../../etc/passwd' "
        "not found in the template folder"
    ) in result.output
    assert "root:x" not in result.output


def test_a_word_too_long_to_lay_out_quickly_is_a_located_error(corpus: Path, runner) -> None:
    word = "x" * 1_001
    (corpus / "word.yaml").write_text(
        report_with(purpose=f"purpose:\n  - A word {word} here."), encoding="utf-8"
    )
    assert validate(runner, "word.yaml") == (
        1,
        [
            "word.yaml:17:5: purpose[0]: a word of 1,001 characters with no space "
            "('xxxxxxxxxxxxxxxxxxxx'...); the limit is 1,000"
        ],
    )
    assert validate(runner, "--max-word-chars", "2000", "word.yaml") == (
        0,
        ["1 report(s) valid"],
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        # Each once took minutes to fail: a backtracking email pattern, quadratic Markdown runs.
        ("email", "a@" + "b." * 24_000 + " x"),
        ("purpose", "a\\n" * 24_000),
        ("purpose", "![ " * 16_000),
        ("purpose", "*_ " * 16_000),
        ("purpose", "[ " * 24_000),
    ],
)
def test_hostile_text_within_the_limits_does_not_hang(library, field: str, value: str) -> None:
    if field == "email":
        text = MINIMAL.replace("email: b.director@council.gov.uk", f'email: "{value}"')
    else:
        text = report_with(purpose=f'purpose:\n  - "{value}"')
    started = time.perf_counter()
    try:
        parse_report(text, "r.yaml", library)
    except ContentError as error:
        assert all(problem.line for problem in error.problems)
    assert time.perf_counter() - started < 20  # a guard against hangs, not a speed target


def test_a_key_with_control_characters_is_not_echoed_raw(library) -> None:
    text = MINIMAL.replace("wards: All", 'wards: All\n"\\e[2J\\x9b31m": x')
    with pytest.raises(ContentError) as caught:
        parse_report(text, "r.yaml", library)
    assert [str(p) for p in caught.value.problems] == [
        "r.yaml:6:1: key '\\x1b[2J\\x9b31m' is not plain text"
    ]
