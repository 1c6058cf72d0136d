"""The seed scrutiny report, regenerated from YAML, says everything the original says.

Checks what a reader sees: text and tables extracted from the PDF (pdfplumber)
and the .docx (python-docx), in the seed's order, with the paragraph numbers
compared separately.
"""

from __future__ import annotations

import io
import re

import docx
import pdfplumber
import pytest

from tests.helpers import SEED_TEXT, docx_paragraphs

MM = 72 / 25.4
TABLE_HEADER = "Area\tSeptember 2019\tNovember 2020"


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _seed_lines() -> tuple[list[str], list[list[str]]]:
    """The seed's narrative lines (bullets and numbers stripped) and its table rows."""
    lines: list[str] = []
    table: list[list[str]] = []
    for raw in SEED_TEXT.read_text(encoding="utf-8").splitlines():
        if "\t" in raw:
            table.append(raw.split("\t"))
            continue
        text = raw.strip()
        text = re.sub(r"^- ?", "", text)
        text = re.sub(r"^(\d+\.\d+|\([ivx]+\)) ", "", text)
        text = re.sub(r"^\d+\. ", "", text) if re.match(r"^\d+\. [A-Z]", text) else text
        if text:
            lines.append(_normalise(text))
    return lines, table


def _body_text_of_pdf(data: bytes) -> str:
    """PDF text without the running header and footer (they sit in the page margins)."""
    chunks = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            body = page.within_bbox((0, 24 * MM, page.width, page.height - 20 * MM))
            chunks.append(body.extract_text() or "")
    return _normalise(" ".join(chunks))


def _assert_in_order(lines: list[str], text: str) -> None:
    position = 0
    for line in lines:
        found = text.find(line, position)
        assert found >= 0, f"not found after position {position}: {line!r}"
        position = found + len(line)


@pytest.fixture(scope="module")
def seed() -> tuple[list[str], list[list[str]]]:
    return _seed_lines()


def _heading_and_number_lines() -> list[str]:
    return [
        "1. Purpose of Report",
        "1.1 This report has been prepared",
        "2. Reason for Proposal and its benefits",
        "2.1 The proposals in this report",
        "3. Recommendation(s) / Proposed Decision",
        "(i) That members of the Children",
        "Supporting Information",
        "1. Introduction",
        "1.1 This report details the current position",
        "2. Options under consideration",
        "2.1 N/A report has been prepared",
        "3. Financial Opportunities and Implications",
        "3.1 N/A",
        "4. Legal Implications",
        "4.1 N/A",
        "5. Engagement and Consultation",
        "5.1 N/A",
        "6. Purchasing or Hiring of Goods and/or Services",
        "6.1 N/A",
        "7. Tackling Climate Change",
        "7.1 N/A",
    ]


def test_every_seed_line_is_in_the_pdf_in_order(seed, seed_outputs) -> None:
    lines, _ = seed
    assert len(lines) > 40
    _assert_in_order(lines, _body_text_of_pdf(seed_outputs["pdf"]))


def test_pdf_paragraph_numbers_and_headings(seed_outputs) -> None:
    _assert_in_order(_heading_and_number_lines(), _body_text_of_pdf(seed_outputs["pdf"]))


def test_pdf_table_comes_back_cell_for_cell(seed, seed_outputs) -> None:
    _, expected = seed
    rows: list[list[str]] = []
    with pdfplumber.open(io.BytesIO(seed_outputs["pdf"])) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                for row in table:
                    cells = [_normalise(cell or "") for cell in row]
                    if rows and cells == rows[0]:
                        continue  # the header row, repeated on a later page
                    rows.append(cells)
    assert rows == [[_normalise(cell) for cell in row] for row in expected]


def test_pdf_repeats_the_table_header_on_every_page_it_spans(seed_outputs) -> None:
    pages_with_table = 0
    with pdfplumber.open(io.BytesIO(seed_outputs["pdf"])) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                pages_with_table += 1
                assert [_normalise(c or "") for c in table[0]] == TABLE_HEADER.split("\t")
    assert pages_with_table >= 2, "the seed table should span a page break"


def _docx_body_text(data: bytes) -> str:
    """The body text as Word shows it, list numbers included."""
    return _normalise(" ".join(text for _, text in docx_paragraphs(data)))


def test_every_seed_line_is_in_the_docx_in_order(seed, seed_outputs) -> None:
    lines, _ = seed
    _assert_in_order(lines, _docx_body_text(seed_outputs["docx"]))


def test_docx_paragraph_numbers_and_headings(seed_outputs) -> None:
    _assert_in_order(_heading_and_number_lines(), _docx_body_text(seed_outputs["docx"]))


def test_docx_table_comes_back_cell_for_cell(seed, seed_outputs) -> None:
    _, expected = seed
    document = docx.Document(io.BytesIO(seed_outputs["docx"]))
    assert len(document.tables) == 1
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows == expected


def test_docx_uses_heading_list_and_table_header_styles(seed_outputs) -> None:
    document = docx.Document(io.BytesIO(seed_outputs["docx"]))
    styles = {text: style for style, text in docx_paragraphs(seed_outputs["docx"])}
    assert styles["Children's Improvement Plan Update"] == "Heading 1"
    assert styles["1. Purpose of Report"] == "Heading 2"
    assert styles["Supporting Information"] == "Heading 2"
    assert styles["1. Introduction"] == "Heading 3"
    bullets = [p for p in document.paragraphs if p.text.startswith("their Inspection report")]
    assert bullets and bullets[0].style.name == "List Bullet"
    assert not any(p.text.lstrip().startswith(("•", "- ")) for p in document.paragraphs)
    header_row = document.tables[0].rows[0]._tr
    assert header_row.trPr is not None
    assert header_row.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None


def test_front_sheet_and_metadata(seed_outputs) -> None:
    document = docx.Document(io.BytesIO(seed_outputs["docx"]))
    assert document.core_properties.title == "Children's Improvement Plan Update"
    assert document.core_properties.language == "en-GB"
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    assert "Children and Young People's Overview and Scrutiny Board" in header
    footer_xml = document.sections[0].footer._element.xml
    assert "NUMPAGES" in footer_xml and "PAGE" in footer_xml
    with pdfplumber.open(io.BytesIO(seed_outputs["pdf"])) as pdf:
        assert pdf.metadata["Title"] == "Children's Improvement Plan Update"
        count = len(pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            text = page.extract_text()
            assert f"Page {number} of {count}" in text
            assert text.startswith("Children and Young People's Overview and Scrutiny Board")
        size = pdf.pages[0].width / MM, pdf.pages[0].height / MM
        assert size == pytest.approx((210, 297), abs=0.5)
