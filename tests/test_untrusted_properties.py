"""Property-based tests: whatever an author types, the outcome is a paper or a ContentError.

Hypothesis generates report files: the minimal corpus report with values replaced
by arbitrary YAML data, Markdown-heavy narrative text, and raw text or bytes.
Each must end in a validated report (rendered to HTML; a few also to PDF and
.docx) or a ContentError whose every problem names the file and a line; never
another exception. Example counts are bounded so the module runs in well under
a minute.
"""

from __future__ import annotations

import io
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from boardpaper.errors import ContentError
from boardpaper.pipeline import LoadedReport, parse_report, render
from boardpaper.render.html import render_html
from boardpaper.template.library import TemplateLibrary
from tests.helpers import TEMPLATES
from tests.untrusted import MINIMAL, no_network

__all__ = ["no_network"]

LIBRARY = TemplateLibrary([TEMPLATES])
BASE: dict[str, Any] = yaml.safe_load(MINIMAL)
FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SLOW = settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.dates().map(str),
    st.sampled_from(["yes", "No", "~", "", " ", "null", "2021-02-30", "a@b", "0.50", "<b>"]),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=12), children, max_size=4),
    ),
    max_leaves=12,
)
MARKDOWN_ALPHABET = st.one_of(
    st.sampled_from(list("*_[]()!<>&`#-+.:/\\ \n\t0123456789aZ\"'{}%|~=")),
    st.sampled_from(["http://", "https://x.gov.uk", "mailto:a@b", "file:///etc/passwd", "1. "]),
    st.sampled_from(["ŵ", "ŷ", "é", "ש", "م", "😀", "∑", "\u200f", "\u0301", "\ufeff"]),
    st.characters(blacklist_categories=("Cs",)),
)
narratives = st.lists(MARKDOWN_ALPHABET, min_size=1, max_size=60).map("".join)
PATHS = [
    ("title",),
    ("date",),
    ("wards",),
    ("meeting",),
    ("contacts",),
    ("contacts", "director"),
    ("contacts", "director", "email"),
    ("purpose",),
    ("purpose", 0),
    ("recommendations",),
    ("supporting_information",),
    ("supporting_information", 0, "paragraphs"),
    ("supporting_information", 0, "paragraphs", 0),
    ("supporting_information", 0, "heading"),
    ("implications",),
    ("implications", "legal"),
    ("tables",),
    ("template",),
    ("an_unknown_key",),
]


def outcome(text: str | bytes) -> LoadedReport | None:
    """Validate ``text``; return the report, or None after checking the ContentError is located."""
    try:
        report = parse_report(text, "generated.yaml", LIBRARY)
    except ContentError as error:
        event("content error")
        assert error.problems
        for problem in error.problems:
            assert problem.path == "generated.yaml"
            assert str(problem).startswith("generated.yaml")
            assert problem.line is None or problem.line >= 1
        return None
    event("valid report")
    return report


def replaced(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A deep copy of ``document`` with the value at ``path`` set to ``value``."""
    copy = yaml.safe_load(yaml.safe_dump(document))
    holder = copy
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = value
    return copy


def report_with_purpose(text: str) -> str:
    return yaml.safe_dump(replaced(BASE, ("purpose", 0), text), allow_unicode=True)


@FAST
@given(path=st.sampled_from(PATHS), value=values)
def test_any_value_anywhere_gives_a_paper_or_located_errors(path, value) -> None:
    text = yaml.safe_dump(replaced(BASE, path, value), allow_unicode=True)
    report = outcome(text)
    if report is not None:
        assert report.paper.title
        assert "<html" in render_html(report.paper, report.template)


@FAST
@given(text=narratives)
def test_any_narrative_text_gives_a_paper_or_located_errors(text: str) -> None:
    report = outcome(report_with_purpose(text))
    if report is not None:
        html = render_html(report.paper, report.template)
        assert "<script" not in html and "<img" not in html


@FAST
@given(text=st.text(max_size=300))
def test_any_text_file_gives_a_paper_or_located_errors(text: str) -> None:
    outcome(text)


@FAST
@given(data=st.binary(max_size=300))
def test_any_bytes_give_a_paper_or_located_errors(data: bytes) -> None:
    outcome(data)


@FAST
@given(cut=st.integers(min_value=0, max_value=len(MINIMAL)), junk=st.text(max_size=8))
def test_a_report_damaged_anywhere_gives_a_paper_or_located_errors(cut: int, junk: str) -> None:
    outcome(MINIMAL[:cut] + junk + MINIMAL[cut:])


@SLOW
@given(text=narratives)
def test_generated_narrative_renders_to_pdf_and_docx(text: str) -> None:
    import docx

    report = outcome(report_with_purpose(text))
    if report is None:
        return
    outputs = render(report)
    assert outputs["pdf"].startswith(b"%PDF-")
    docx.Document(io.BytesIO(outputs["docx"]))  # opens: the XML is well formed
