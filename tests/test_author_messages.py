"""Messages an author meets, in plain words, on the line to edit (issue 14).

Each case is a mistake a new author made writing another council's report:
an unquoted ``Note: ...`` in a paragraph, a line out of line, a comma inside an
unquoted table cell, a key from another template. The exact line printed is
pinned, and several mistakes in one file are all reported in one pass.
"""

from __future__ import annotations

import pytest

from boardpaper.errors import ContentError
from boardpaper.pipeline import parse_report
from tests.untrusted import MINIMAL

COLON = (
    "not valid YAML: the colon after 'Note' is read as the start of a key; "
    'if this is text, put all of the text in quotes ("..."); '
    "if it is a key, line it up with the keys above it"
)


def problems_of(text: str, library) -> list[str]:
    with pytest.raises(ContentError) as caught:
        parse_report(text, "x.yaml", library)
    return [str(problem) for problem in caught.value.problems]


def with_purpose(lines: str) -> str:
    """The minimal report with its purpose section replaced by ``lines``."""
    return MINIMAL.replace("purpose:\n  - To show the smallest report.\n", lines)


# Line 16 of the minimal report is 'purpose:'.
YAML_CASES = {
    "note inside a paragraph": (
        "purpose:\n  - This report is for noting.\n    Note: the figures are provisional.\n",
        f"x.yaml:18:9: {COLON}",
    ),
    # PyYAML says "while scanning a simple key, could not find expected ':'" on line 19:
    # the mistake is the colon on line 17.
    "paragraph starting with Note, then a second line": (
        "purpose:\n  - Note: the figures are provisional, and more words\n"
        "    continue here.\n  - Another paragraph.\n",
        f"x.yaml:17:9: {COLON}",
    ),
    "note after a sentence": (
        "purpose:\n  - The first line goes on\n    and ends. Note: this one has a colon\n",
        f"x.yaml:18:19: {COLON}",
    ),
    "key line inside a list": (
        "purpose:\n  - This is text\n  Note: something here\n",
        "x.yaml:18:3: not valid YAML: a 'key:' line inside the list that starts on line 17; "
        "start it with '- ' if it is a new item, or, if it continues the text above, indent "
        "it under that text and put the text in quotes",
    ),
    "line out of line (expected <block end>)": (
        "purpose:\n  - text\n Note: x\n",
        "x.yaml:18:2: not valid YAML: this line starts at column 2, which lines up with "
        "nothing above it (the lines above start at column 1 or column 3); the keys of one "
        "mapping, and the '- ' items of one list, must start in the same column",
    ),
    "text after a closing quote": (
        'purpose:\n  - "Quoted words" and more\n',
        "x.yaml:17:20: not valid YAML: text follows the closing quote; "
        "put all of the text inside the quotes",
    ),
    "a line that is neither a key nor text": (
        "purpose:\n  - A paragraph.\nthis is text\n",
        "x.yaml:18:1: not valid YAML: this line is read as a key but has no ':'; if it "
        "continues the text above, indent it further than that text's key, or put that text "
        "in quotes",
    ),
}


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_yaml_mistakes_are_explained_where_to_edit(case: str, library) -> None:
    lines, expected = YAML_CASES[case]
    assert problems_of(with_purpose(lines), library) == [expected]


def test_a_colon_in_a_title_points_at_the_colon(library) -> None:
    text = MINIMAL.replace("title: Minimal Report", "title: Report: an update")
    message = COLON.replace("'Note'", "'Report'")
    assert problems_of(text, library) == [f"x.yaml:6:14: {message}"]


def test_a_misplaced_key_is_told_to_line_up(library) -> None:
    text = MINIMAL.replace("    role: Director of Finance", "     role: Director of Finance")
    message = COLON.replace("'Note'", "'role'")
    assert problems_of(text, library) == [f"x.yaml:14:10: {message}"]


def test_an_unknown_key_gets_a_did_you_mean_and_the_keys_allowed(library) -> None:
    text = MINIMAL.replace("template: council-standard", "template: performance-report")
    text = text.replace("purpose:", "executive_summary:")
    problems = problems_of(text, library)
    [unknown] = [p for p in problems if "executive_summary" in p]
    assert unknown == (
        "x.yaml:16:1: executive_summary: unknown key (did you mean 'summary'?); keys allowed "
        "here: template, meeting, date, title, reporting_period, wards, contacts, summary, "
        "recommendations, performance_overview, exceptions, next_steps, indicators, tables"
    )


def test_a_misspelt_required_key_is_one_problem_not_two(library) -> None:
    text = MINIMAL.replace("    email: b.director@council.gov.uk", "    emial: b@council.gov.uk")
    assert problems_of(text, library) == [
        "x.yaml:15:5: contacts.director.emial: unknown key (did you mean 'email'?); "
        "keys allowed here: name, role, email, phone",
    ]


def with_table(rows: str) -> str:
    """The minimal report with a three-column table placed in its introduction."""
    table = "tables:\n  risks:\n    columns: [Area, September 2019, November 2020]\n    rows:\n"
    return (
        MINIMAL.replace(
            "      - An introduction.\n", "      - An introduction.\n      - table: risks\n"
        )
        + table
        + rows
    )


def test_a_comma_in_an_unquoted_cell_gets_a_hint_to_quote(library) -> None:
    text = with_table(
        "      - [Contacts, 3869 (YTD), 5307]\n"
        "      - [Child Sexual Exploitation, 47 (High Risk, 38 Medium Risk), 182]\n"
    )
    assert problems_of(text, library) == [
        "x.yaml:40:9: tables.risks.rows[1]: expected 3 cells (one per column), found 4; a comma "
        "inside a cell splits it in two: put a cell that holds a comma in quotes, "
        'e.g. "47 (High Risk, 38 Medium Risk)"'
    ]


def test_a_short_row_written_as_a_list_gets_no_comma_hint(library) -> None:
    text = with_table("      - [Contacts, 3869 (YTD), 5307]\n      - - Missing\n        - 37\n")
    assert problems_of(text, library) == [
        "x.yaml:40:9: tables.risks.rows[1]: expected 3 cells (one per column), found 2"
    ]


def test_an_unquoted_note_paragraph_is_told_to_quote(library) -> None:
    text = with_purpose("purpose:\n  - Note: the figures are provisional.\n")
    assert problems_of(text, library) == [
        "x.yaml:17:5: purpose[0]: expected a paragraph of text, found the key 'Note': the ': ' "
        "after 'Note' makes YAML read it as a key; put the whole paragraph in quotes "
        '("Note: ...")'
    ]


def test_every_problem_is_found_in_one_pass(library) -> None:
    """Mistakes that used to hide others until fixed: a duplicate key, a wrong cell."""
    text = with_table(
        "      - [Contacts, {a: b}, 5307]\n      - [Child Sexual Exploitation, 47, 38, 182]\n"
    )
    text = text.replace("wards: All\n", "wards: All\nwards: None\n")
    text = text.replace("options:\n  - None.\n", "")
    assert problems_of(text, library) == [
        "x.yaml:2:1: options: required but missing",
        "x.yaml:6:1: wards: duplicate key (first given on line 5); keep only one",
        "x.yaml:38:20: tables.risks.rows[0][1]: expected a cell value, found a mapping "
        "(key: value pairs)",
        "x.yaml:39:9: tables.risks.rows[1]: expected 3 cells (one per column), found 4; a comma "
        "inside a cell splits it in two: put a cell that holds a comma in quotes, "
        'e.g. "47 (High Risk, 38 Medium Risk)"',
    ]
