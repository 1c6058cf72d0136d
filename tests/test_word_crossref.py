"""Cross-references ([](#id)) are Word REF fields to bookmarks on the numbered paragraphs.

They show the number the model computes, and follow the paragraph when an officer
inserts one before it in Word or LibreOffice.
"""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from boardpaper.pipeline import load_report, render
from boardpaper.render.word_crossref import bookmark_name
from boardpaper.template.library import TemplateLibrary
from tests.helpers import ROOT, TEMPLATES, convert_with_libreoffice, pdf_text

TARGET = "By February 2021 the proportion of agency workers"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, bytes]:
    """The social work sample with its paragraph 1.2 given an id and referred to from 2.1."""
    text = (ROOT / "content" / "social-work-recruitment.yaml").read_text(encoding="utf-8")
    text = text.replace(
        f"      - {TARGET} had fallen to 21%, and average\n",
        f"      - id: agency-fall\n        text: {TARGET} had fallen to 21%, and average\n  ",
    ).replace(
        "in September 2021.\n", "in September 2021, building on paragraph [](#agency-fall).\n"
    )
    assert "id: agency-fall" in text and "[](#agency-fall)" in text
    source = tmp_path_factory.mktemp("xref") / "report.yaml"
    source.write_text(text, encoding="utf-8")
    report = load_report(source, TemplateLibrary([TEMPLATES]))
    return render(report, formats=("docx", "pdf"))


def _fields(document) -> list[tuple[str, str]]:
    """(instruction, shown result) of each complex field in the body, in order."""
    found, instruction, result, state = [], "", "", None
    for run in document.element.body.iter(qn("w:r")):
        for child in run:
            if child.tag == qn("w:fldChar"):
                kind = child.get(qn("w:fldCharType"))
                if kind == "begin":
                    instruction, result, state = "", "", "instruction"
                elif kind == "separate":
                    state = "result"
                elif kind == "end":
                    found.append((instruction.strip(), result))
                    state = None
            elif child.tag == qn("w:instrText") and state == "instruction":
                instruction += child.text or ""
            elif child.tag == qn("w:t") and state == "result":
                result += child.text or ""
    return found


def test_a_reference_is_a_ref_field_to_a_bookmark_on_the_numbered_paragraph(outputs) -> None:
    assert "building on paragraph 1.2." in " ".join(pdf_text(outputs["pdf"]).split())
    document = docx.Document(io.BytesIO(outputs["docx"]))
    name = bookmark_name("agency-fall")
    assert _fields(document) == [(f"REF {name} \\w \\h", "1.2")]
    (target,) = [p for p in document.paragraphs if p.text.startswith(TARGET)]
    starts = target._p.findall(qn("w:bookmarkStart"))
    assert [s.get(qn("w:name")) for s in starts] == [name]
    ends = target._p.findall(qn("w:bookmarkEnd"))
    assert [e.get(qn("w:id")) for e in ends] == [starts[0].get(qn("w:id"))]
    assert target._p.pPr.numPr is not None  # a real list paragraph, so \w gives its number
    assert re.fullmatch(r"_Ref_[0-9a-f]{16}", name)


@pytest.mark.libreoffice
def test_libreoffice_updates_the_reference_when_a_paragraph_is_inserted(
    outputs, tmp_path: Path
) -> None:
    shown = " ".join(pdf_text(convert_with_libreoffice(outputs["docx"], tmp_path)).split())
    assert "building on paragraph 1.2." in shown
    document = docx.Document(io.BytesIO(outputs["docx"]))
    (target,) = [p for p in document.paragraphs if p.text.startswith(TARGET)]
    inserted = target.insert_paragraph_before("A paragraph added during clearance.")
    inserted._p.insert(0, copy.deepcopy(target._p.pPr))  # Numbered Paragraph, in the list
    buffer = io.BytesIO()
    document.save(buffer)
    (tmp_path / "edited").mkdir()
    edited = convert_with_libreoffice(buffer.getvalue(), tmp_path / "edited")
    shown = " ".join(pdf_text(edited).split())
    assert "A paragraph added during clearance." in shown
    assert "building on paragraph 1.3." in shown  # the field followed its paragraph


def test_a_reference_to_a_typed_number_shows_the_bookmarked_number_text() -> None:
    source = ROOT / "content" / "housing-allocations-policy.yaml"
    assert "[](#consultation)" in source.read_text(encoding="utf-8")
    report = load_report(source, TemplateLibrary([TEMPLATES]))
    document = docx.Document(io.BytesIO(render(report, formats=("docx",))["docx"]))
    name = bookmark_name("consultation")
    assert _fields(document) == [(f"REF {name} \\h", "4.2")]
    # The bookmark holds exactly the typed number "4.2" (a level Word's list cannot show).
    body = document.element.body
    start = next(s for s in body.iter(qn("w:bookmarkStart")) if s.get(qn("w:name")) == name)
    held = []
    node = start.getnext()
    while node is not None and node.tag != qn("w:bookmarkEnd"):
        held += [t.text for t in node.iter(qn("w:t"))]
        node = node.getnext()
    assert held == ["4.2"]
