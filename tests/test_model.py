"""Validation and the document model, without rendering: fast checks of the core rules."""

from __future__ import annotations

import pytest

from boardpaper.content.model import ListBlock, NumberedParagraph, Paragraph, Table
from boardpaper.content.narrative import parse_narrative
from boardpaper.errors import ContentError
from boardpaper.pipeline import parse_report
from tests.helpers import SEED_YAML


def _seed_text() -> str:
    return SEED_YAML.read_text(encoding="utf-8")


def test_seed_numbering(seed_report) -> None:
    first, second = seed_report.paper.parts
    assert first.heading is None and second.heading == "Supporting Information"
    assert [s.title for s in first.sections] == [
        "1. Purpose of Report",
        "2. Reason for Proposal and its benefits",
        "3. Recommendation(s) / Proposed Decision",
    ]
    assert [s.title for s in second.sections][:3] == [
        "1. Introduction",
        "2. Options under consideration",
        "3. Financial Opportunities and Implications",
    ]
    reason = first.sections[1]
    standard = [b for b in reason.blocks if isinstance(b, Paragraph)]
    assert standard[0].text == "We want Torbay and its residents to thrive."
    numbered = [b for b in reason.blocks if isinstance(b, NumberedParagraph)]
    assert [b.number for b in numbered] == ["2.1"]
    assert first.sections[2].blocks[0].number == "(i)"
    introduction = second.sections[0]
    assert introduction.blocks[0].number == "1.1"
    assert introduction.blocks[1].number is None
    assert isinstance(introduction.blocks[1].blocks[0], Table)


def test_recommendations_are_numbered_in_roman(library) -> None:
    text = _seed_text().replace(
        "recommendations:\n",
        "recommendations:\n  - First.\n  - Second.\n  - Third.\n  - Fourth.\n",
    )
    paper = parse_report(text, "x.yaml", library).paper
    numbers = [b.number for b in paper.parts[0].sections[2].blocks]
    assert numbers == ["(i)", "(ii)", "(iii)", "(iv)", "(v)"]


def test_several_headed_sections_number_on_before_the_template_sections(library) -> None:
    text = _seed_text().replace(
        "options:\n",
        "  - heading: Progress\n    paragraphs:\n      - One.\n      - Two.\noptions:\n",
    )
    paper = parse_report(text, "x.yaml", library).paper
    sections = paper.parts[1].sections
    assert [s.title for s in sections][:3] == [
        "1. Introduction",
        "2. Progress",
        "3. Options under consideration",
    ]
    assert [b.number for b in sections[1].blocks] == ["2.1", "2.2"]


def test_all_problems_are_reported_at_once(library) -> None:
    text = _seed_text().replace("date: 2021-03-01", "date: yesterday")
    text = text.replace("email: nancy.meehan@torbay.gov.uk", "email: nancy")
    text = text.replace("purpose:\n", "purpose: {}\nolde_purpose:\n")
    with pytest.raises(ContentError) as caught:
        parse_report(text, "x.yaml", library)
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        "x.yaml:6:7: date: expected a date like 2021-03-01, found 'yesterday'",
        "x.yaml:17:12: contacts.director.email: expected an email address like "
        "name@council.gov.uk, found 'nancy'",
        "x.yaml:19:10: purpose: expected a list (one '- ' line per item), found a mapping "
        "(key: value pairs)",
        "x.yaml:20:1: olde_purpose: unknown key (did you mean 'purpose'?); keys allowed here: "
        "template, meeting, date, wards, title, contacts, purpose, reason, recommendations, "
        "supporting_information, options, implications, tables, attachments",
    ]


def test_a_missing_required_section_is_located(library) -> None:
    text = _seed_text().replace(
        "  legal:\n    - N/A report has been prepared to provide an update.\n", ""
    )
    with pytest.raises(ContentError) as caught:
        parse_report(text, "x.yaml", library)
    [problem] = caught.value.problems
    assert problem.key == "implications.legal"
    assert problem.message == "required but missing"
    assert problem.line is not None


def test_yaml_mistakes_are_located() -> None:
    cases = {
        "title: a\ntitle: b\n": "x.yaml:2:1: title: duplicate key (first given on line 1); "
        "keep only one",
        "a:\n\t- b\n": "x.yaml:2:1: a tab character is not allowed for indentation in YAML; "
        "use spaces",
        "a: &x [1]\nb: *x\n": "x.yaml:2:4: not valid YAML: anchors and aliases (&name, *name) "
        "are not supported; write the value out",
        "a: !!python/object/apply:os.system [ls]\n": "x.yaml:1:4: a: YAML tag "
        "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; remove it",
        "": "x.yaml:1:1: the file is empty",
        "- a\n- b\n": "x.yaml:1:1: expected a mapping of report fields (key: value lines)",
    }
    no_template = (
        "x.yaml:1:1: template: required but missing: say which template the report uses "
        "(cabinet-decision, council-standard, executive-report, full-council, performance-report)"
    )
    for text, expected in cases.items():
        with pytest.raises(ContentError) as caught:
            parse_report(text, "x.yaml")
        found = [str(p) for p in caught.value.problems]
        # Problems found while reading come with the schema's: here, the missing template.
        assert found in ([expected], sorted([expected, no_template])), text


def test_narrative_lists_nest_and_numbered_lists_keep_their_start() -> None:
    blocks, problems = parse_narrative("Intro:\n\n- a\n  - inner\n- b\n\n3. three\n4. four\n")
    assert problems == []
    intro, bullets, numbers = blocks
    assert isinstance(intro, Paragraph) and intro.text == "Intro:"
    assert isinstance(bullets, ListBlock) and not bullets.ordered
    assert isinstance(bullets.items[0].blocks[1], ListBlock)
    assert isinstance(numbers, ListBlock) and numbers.ordered and numbers.start == 3


def test_narrative_formatting_and_links() -> None:
    [paragraph], problems = parse_narrative(
        "A **bold** and *italic* [plan](https://example.org/plan) & <b>x</b>"
    )
    assert problems == []
    runs = [(r.text, r.bold, r.italic, r.href) for r in paragraph.runs]
    assert runs == [
        ("A ", False, False, None),
        ("bold", True, False, None),
        (" and ", False, False, None),
        ("italic", False, True, None),
        (" ", False, False, None),
        ("plan", False, False, "https://example.org/plan"),
        (" & <b>x</b>", False, False, None),
    ]


def test_unsafe_links_are_refused_with_their_line(library) -> None:
    text = _seed_text().replace(
        "  - N/A report has been prepared to provide an update.\n\nimplications:",
        "  - |\n    Fine.\n\n    See [this](javascript:alert(1)).\n\nimplications:",
    )
    with pytest.raises(ContentError) as caught:
        parse_report(text, "x.yaml", library)
    [problem] = caught.value.problems
    assert problem.key == "options[0]"
    assert "link to 'javascript:alert(1)' is not allowed" in problem.message
    line = text.splitlines()[problem.line - 1]
    assert "javascript:" in line
