"""Paragraph, section and recommendation numbers in the .docx are real Word list numbering.

Word (LibreOffice here) shows exactly the numbers the document model computes,
and they follow when an officer inserts a paragraph during clearance.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from boardpaper.content.model import NumberedParagraph, Paper, Paragraph
from boardpaper.pipeline import LoadedReport
from tests.helpers import convert_with_libreoffice, docx_paragraphs, pdf_text

TYPED_NUMBER = re.compile(r"^(\d+\.\d+|\([ivxlcdm]+\)|\d+\.|\(\d+\))\t")


def model_numbers(paper: Paper) -> list[str]:
    """What the document model numbers, in order: "1. Heading" and "1.1 First words"."""
    lines = []
    for part in paper.parts:
        for section in part.sections:
            if section.number:
                lines.append(f"{section.number}. {section.heading}")
            for block in section.blocks:
                if isinstance(block, NumberedParagraph) and block.number:
                    first = block.blocks[0]
                    assert isinstance(first, Paragraph)
                    lines.append(f"{block.number} {' '.join(first.text.split()[:4])}")
    return lines


def _normalise(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())


def _assert_in_order(lines: list[str], text: str) -> None:
    position = 0
    for line in lines:
        found = text.find(line, position)
        assert found >= 0, f"not found after position {position}: {line!r}"
        position = found + len(line)


@pytest.fixture(scope="module")
def papers(
    seed_report: LoadedReport,
    seed_outputs: dict[str, bytes],
    sample_reports: dict[str, LoadedReport],
    sample_outputs: dict[str, dict[str, bytes]],
) -> dict[str, tuple[Paper, bytes]]:
    """(model, .docx) of the seed and of each other template's sample."""
    found = {"council-standard": (seed_report.paper, seed_outputs["docx"])}
    for name, report in sample_reports.items():
        found[name] = (report.paper, sample_outputs[name]["docx"])
    return found


def test_no_number_is_typed_and_every_number_is_a_list_level(papers) -> None:
    for name, (paper, data) in papers.items():
        paragraphs = docx_paragraphs(data)
        document = docx.Document(io.BytesIO(data))
        typed = [p.text for p in document.paragraphs if TYPED_NUMBER.match(p.text)]
        assert typed == [], f"{name}: numbers typed as text: {typed[:3]}"
        shown = _normalise(" ".join(text for _, text in paragraphs))
        _assert_in_order([_normalise(line) for line in model_numbers(paper)], shown)
        numbered = [
            p for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None
        ]
        assert len(numbered) >= len(model_numbers(paper)), name


def test_numbering_xml_is_what_word_accepts(papers) -> None:
    for name, (_, data) in papers.items():
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = docx.oxml.parse_xml(archive.read("word/numbering.xml"))
        tags = [child.tag for child in root]
        last_abstract = max(i for i, tag in enumerate(tags) if tag == qn("w:abstractNum"))
        first_num = tags.index(qn("w:num"))
        assert last_abstract < first_num, f"{name}: a w:abstractNum after a w:num"
        ours = [
            a
            for a in root.findall(qn("w:abstractNum"))
            if a.find(qn("w:multiLevelType")).get(qn("w:val")) == "multilevel"
        ]
        assert len(ours) == 1, name
        levels = ours[0].findall(qn("w:lvl"))
        assert levels[1].find(qn("w:pStyle")).get(qn("w:val")) == "NumberedParagraph"
        our_id = ours[0].get(qn("w:abstractNumId"))
        instances = [
            n
            for n in root.findall(qn("w:num"))
            if n.find(qn("w:abstractNumId")).get(qn("w:val")) == our_id
        ]
        # One list instance per part; every part after the first restarts each level at 1.
        assert len(instances) == 2, name
        assert instances[0].find(qn("w:lvlOverride")) is None
        starts = instances[1].findall(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        assert [s.get(qn("w:val")) for s in starts] == ["1", "1", "1"]


def _libreoffice_text(data: bytes, folder: Path) -> str:
    folder.mkdir()
    return _normalise(pdf_text(convert_with_libreoffice(data, folder)))


@pytest.mark.libreoffice
def test_libreoffice_shows_the_model_numbers(papers, tmp_path: Path) -> None:
    for name, (paper, data) in papers.items():
        text = _libreoffice_text(data, tmp_path / name)
        _assert_in_order([_normalise(line) for line in model_numbers(paper)], text)


@pytest.mark.libreoffice
def test_a_paragraph_inserted_in_word_renumbers_the_ones_after(
    seed_outputs: dict[str, bytes], tmp_path: Path
) -> None:
    document = docx.Document(io.BytesIO(seed_outputs["docx"]))
    by_start = {p.text[:25]: p for p in document.paragraphs}
    # Part 2, "1.1 This report details ...": insert before it, as Word's Enter does
    # (the new paragraph takes the numbered paragraph's properties).
    details = by_start["This report details the c"]
    inserted = details.insert_paragraph_before("Inserted during clearance.")
    inserted._p.insert(0, copy.deepcopy(details._p.pPr))
    # Part 1, "2.1 The proposals ...": a new paragraph given only the style.
    proposals = by_start["The proposals in this rep"]
    proposals.insert_paragraph_before("Added by the officer.", style="Numbered Paragraph")
    buffer = io.BytesIO()
    document.save(buffer)

    text = _libreoffice_text(buffer.getvalue(), tmp_path / "edited")
    _assert_in_order(
        [
            "2. Reason for Proposal",
            "2.1 Added by the officer.",
            "2.2 The proposals in this report",
            "3. Recommendation(s)",
            "(i) That members",
            "1. Introduction",
            "1.1 Inserted during clearance.",
            "1.2 This report details",
            "2. Options under consideration",
            "2.1 N/A",
        ],
        text,
    )
