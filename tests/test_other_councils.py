"""Other councils' reports through the manifest alone (issue 14): front sheets, wording.

The executive-report template is a district council's format, written only in
its ``template.yaml``: a final decision-maker, a classification, a lead head of
service, several report authors, no purpose row, a footer of its own,
recommendation preambles a report picks from, reports with no recommendations,
and standard wording bound to the dates of a corporate plan. Checked in the
PDF text and the Word paragraphs the samples build into.
"""

from __future__ import annotations

import io
import re

import docx
import pytest

from boardpaper.errors import ContentError
from boardpaper.pipeline import load_report, parse_report, render
from boardpaper.template.starter import fields_table
from tests.helpers import ROOT, docx_paragraphs, pdf_pages, pdf_text

HOUSING = ROOT / "content" / "housing-allocations-policy.yaml"
TREASURY = ROOT / "content" / "treasury-mid-year-review.yaml"


@pytest.fixture(scope="module")
def housing(library) -> dict[str, bytes]:
    return render(load_report(HOUSING, library))


@pytest.fixture(scope="module")
def treasury(library) -> dict[str, bytes]:
    return render(load_report(TREASURY, library))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def word_text(data: bytes) -> str:
    """Every paragraph of a .docx: body, tables, headers and footers, in order."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
    return flat(" ".join(parts))


def test_front_sheet_has_the_councils_own_fields(housing) -> None:
    text = flat(pdf_text(housing["pdf"]))
    for line in (
        "Final Decision-Maker Full Council",
        "Classification Public",
        "Lead Head of Service Daniel Okafor, Head of Housing and Health, "
        "daniel.okafor@exevale.gov.example",
        "Report Authors Sian Pritchard, Housing Options Manager, "
        "sian.pritchard@exevale.gov.example, 01632 960 552; Ravi Menon, "
        "ravi.menon@exevale.gov.example",
    ):
        assert line in text
    assert "Purpose" not in text
    words = word_text(housing["docx"])
    assert "Final Decision-Maker: Full Council" in words
    assert "Ravi Menon, ravi.menon@exevale.gov.example" in words


def test_every_author_email_is_a_link(housing) -> None:
    import pikepdf

    with pikepdf.open(io.BytesIO(housing["pdf"])) as pdf:
        links = {
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.get("/Annots", [])
            if "/A" in annot and "/URI" in annot.A
        }
    assert {
        "mailto:sian.pritchard@exevale.gov.example",
        "mailto:ravi.menon@exevale.gov.example",
        "mailto:daniel.okafor@exevale.gov.example",
    } <= links


def test_footer_text_is_the_templates_on_every_page_in_both_formats(housing) -> None:
    footer = "Public | Exevale District Council | Report to the Executive"
    pages = pdf_pages(housing["pdf"])
    assert len(pages) >= 2
    assert all(footer in page for page in pages)
    assert footer in word_text(housing["docx"])


def test_a_report_picks_another_of_the_templates_preambles(housing) -> None:
    text = flat(pdf_text(housing["pdf"]))
    assert "The Executive recommends to full Council: 1. That the Housing" in text
    assert "RESOLVES" not in text
    paragraphs = [t for _, t in docx_paragraphs(housing["docx"])]
    assert "The Executive recommends to full Council:" in paragraphs


def test_a_report_for_information_has_no_recommendations(treasury) -> None:
    text = flat(pdf_text(treasury["pdf"]))
    assert "Recommendations This report is for information; it makes no recommendations." in text
    assert "Wards Affected None" in text
    assert "Reporting Period April to September 2023" in text


def test_standard_wording_is_printed_only_in_its_dates(housing, treasury) -> None:
    plan = "The Council's Corporate Plan 2024-2028 aims for a district"
    assert plan in flat(pdf_text(housing["pdf"]))
    assert plan not in flat(pdf_text(treasury["pdf"]))
    assert plan not in word_text(treasury["docx"])


def test_the_torbay_ambition_is_kept_to_its_own_years(library) -> None:
    seed = (ROOT / "content" / "childrens-improvement-plan.yaml").read_text(encoding="utf-8")
    ambition = "We want Torbay and its residents to thrive."
    of_2021 = parse_report(seed, "x.yaml", library).paper
    of_2025 = parse_report(seed.replace("date: 2021-03-01", "date: 2025-03-03"), "y.yaml", library)
    texts = {
        year: " ".join(
            run.text
            for part in paper.parts
            for section in part.sections
            for block in section.blocks
            if hasattr(block, "runs")
            for run in block.runs
        )
        for year, paper in ((2021, of_2021), (2025, of_2025.paper))
    }
    assert ambition in texts[2021]
    assert ambition not in texts[2025]


def test_a_preamble_the_template_does_not_have_is_refused(library) -> None:
    text = HOUSING.read_text(encoding="utf-8").replace(
        'preamble: "The Executive recommends to full Council:"',
        'preamble: "The Executive recommend to Council:"',
    )
    with pytest.raises(ContentError) as caught:
        parse_report(text, "x.yaml", library)
    assert [str(p) for p in caught.value.problems] == [
        "x.yaml:33:13: recommendations.preamble: expected one of The Executive RESOLVES to:, "
        "The Executive recommends to full Council:, The Executive RESOLVES to recommend to full "
        "Council that it:, found 'The Executive recommend to Council:' (did you mean "
        "'The Executive recommends to full Council:'?)"
    ]


def test_required_contact_details_are_the_templates(library) -> None:
    text = HOUSING.read_text(encoding="utf-8").replace(
        "      email: ravi.menon@exevale.gov.example\n", "      phone: 01632 960 000\n"
    )
    with pytest.raises(ContentError) as caught:
        parse_report(text, "x.yaml", library)
    assert [str(p) for p in caught.value.problems] == [
        "x.yaml:27:7: contacts.authors[1].email: required but missing"
    ]


def test_docs_list_each_templates_fields_and_wording(library) -> None:
    docs = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    for name in library.names():
        assert fields_table(library.get(name)) in docs, name


def test_numbers_run_on_across_parts_with_headings_in_the_1_0_style(housing) -> None:
    text = pdf_text(housing["pdf"])
    headings = re.findall(r"^(\d+\.0) ", text, re.MULTILINE)
    assert headings == ["1.0", "2.0", "3.0", "4.0", "5.0", "6.0", "7.0", "8.0", "9.0"]
    paragraphs = [t for _, t in docx_paragraphs(housing["docx"])]
    assert "5.0 Financial implications" in paragraphs
    assert "2.1 The current policy dates" not in " ".join(paragraphs[20:])


def test_sub_paragraphs_and_cross_references_print_computed_numbers(housing) -> None:
    pdf = flat(pdf_text(housing["pdf"]))
    words = word_text(housing["docx"])
    for text in (pdf, words):
        assert "The consultation (paragraph 4.2) supported the new bands." in text
        assert re.search(r"4\.2\.1\s+71% agreed", text)
        assert re.search(r"4\.2\.2\s+64% agreed", text)
    assert "#consultation" not in pdf + words


def test_a_cross_reference_to_no_paragraph_is_located(library) -> None:
    text = HOUSING.read_text(encoding="utf-8").replace("(#consultation)", "(#consultaton)")
    text = text.replace('      - "Note:', '      - id: consultation\n        text: "Note:')
    with pytest.raises(ContentError) as caught:
        parse_report(text, "x.yaml", library)
    assert [str(p) for p in caught.value.problems] == [
        "x.yaml:43:5: reasons[1]: [](#consultaton) refers to no paragraph: give the paragraph "
        "'id: consultaton' (did you mean 'consultation'?)",
        "x.yaml:57:13: supporting_information[0].paragraphs[1].id: id 'consultation' is "
        "already used on line 53",
    ]


def pdf_tables(data: bytes) -> list[list[list[str]]]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [
            [[cell or "" for cell in row] for row in table]
            for page in pdf.pages
            for table in page.extract_tables()
        ]


def test_a_table_with_grouped_headings_links_and_figures_to_the_right(treasury) -> None:
    import pdfplumber
    import pikepdf

    [table] = [t for t in pdf_tables(treasury["pdf"]) if t[-1][0] == "Total"]
    assert table[0] == ["", "31 March 2023", "", "30 September 2023", ""]
    assert table[1] == ["Counterparty", "£ million", "Rate", "£ million", "Rate"]
    assert table[2] == ["Debt Management Office", "12.0", "4.12%", "15.5", "5.18%"]
    with pdfplumber.open(io.BytesIO(treasury["pdf"])) as pdf:
        words = pdf.pages[0].extract_words()
    figure = next(w for w in words if w["text"] == "38.2")
    rate = next(w for w in words if w["text"] == "5.13%")
    heading = next(w for w in words if w["text"] == "Counterparty")
    cell_left = next(w for w in words if w["text"] == "Total")
    assert abs(cell_left["x0"] - heading["x0"]) < 1  # the first column stays left
    # Right-aligned: each figure ends where its column's heading ends.
    assert abs(rate["x1"] - max(w["x1"] for w in words if w["text"] == "Rate")) < 1
    assert figure["x1"] > figure["x0"]
    with pikepdf.open(io.BytesIO(treasury["pdf"])) as pdf:
        links = {
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.get("/Annots", [])
            if "/A" in annot and "/URI" in annot.A
        }
    assert "https://www.dmo.gov.uk" in links
    assert "[Debt Management Office]" not in pdf_text(treasury["pdf"])

    document = docx.Document(io.BytesIO(treasury["docx"]))
    [grid] = [t for t in document.tables if t.rows[-1].cells[0].text == "Total"]
    assert [c.text for c in grid.rows[0].cells] == [
        "",
        "31 March 2023",
        "31 March 2023",
        "30 September 2023",
        "30 September 2023",
    ]  # a merged cell is reported once per grid column it covers
    assert grid.rows[1].cells[0].text == "Counterparty"
    right = docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    assert grid.rows[2].cells[3].paragraphs[0].alignment == right
    xml = grid._tbl.xml
    assert xml.count("<w:tblHeader/>") == 2 and "w:hyperlink" in xml


def test_a_caption_is_printed_above_its_table_in_both_formats(treasury) -> None:
    caption = "Investments by counterparty, 31 March and 30 September 2023"
    assert caption in pdf_text(treasury["pdf"])
    paragraphs = docx_paragraphs(treasury["docx"])
    index = [t for _, t in paragraphs].index(caption)
    document = docx.Document(io.BytesIO(treasury["docx"]))
    body = list(document.element.body.iterchildren())
    caption_element = document.paragraphs[index]._p
    follows = body[body.index(caption_element) + 1]
    assert follows.tag.endswith("}tbl")


def test_implications_signed_off_with_phone_and_email_and_added_by_the_report(housing) -> None:
    text = flat(pdf_text(housing["pdf"]))
    assert "Signed off by: Andrew Lyle, 01632 960 101, andrew.lyle@exevale.gov.example" in text
    assert "8.0 Climate change implications 8.1 Priority for households" in text
    assert (
        "9.0 Human resources implications 9.1 None; the policy is delivered by the existing "
        "team. Signed off by: Priya Shah, 01632 960 133, priya.shah@exevale.gov.example"
    ) in text
    assert "Signed off by: Priya Shah" in word_text(housing["docx"])


def test_a_sign_off_gives_what_its_template_requires(library) -> None:
    text = HOUSING.read_text(encoding="utf-8").replace("      phone: 01632 960 101\n", "")
    with pytest.raises(ContentError) as caught:
        parse_report(text, "x.yaml", library)
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.endswith("implications.financial.signed_off_by.phone: required but missing")


@pytest.mark.libreoffice
def test_word_shows_the_same_numbers_as_the_pdf(housing, library, tmp_path) -> None:
    """Headings "1.0", numbers running on across parts, 4.2.1: as LibreOffice lays out the .docx."""
    from tests.helpers import convert_with_libreoffice

    paper = load_report(HOUSING, library).paper
    expected = []
    for part in paper.parts:
        for section in part.sections:
            expected.append(section.title)
            expected.extend(number for block in section.blocks for number in _numbers(block))
    word = flat(pdf_text(convert_with_libreoffice(housing["docx"], tmp_path)))
    pdf = flat(pdf_text(housing["pdf"]))
    for text in (word, pdf):
        position = 0
        for line in expected:
            found = text.find(line, position)
            assert found >= 0, f"{line!r} not found after {text[position : position + 80]!r}"
            position = found + len(line)
    assert "4.2.1" in expected and "5.0 Financial implications" in expected


def _numbers(block: object) -> list[str]:
    from boardpaper.content.model import NumberedParagraph

    if not isinstance(block, NumberedParagraph) or not block.number:
        return []
    return [block.number, *(n for child in block.blocks for n in _numbers(child))]


def test_a_status_cell_in_any_table_says_its_word_and_has_its_colour(housing) -> None:
    [table] = [t for t in pdf_tables(housing["pdf"]) if t[0] == ["Milestone", "Due", "Status"]]
    assert [row[2] for row in table[1:]] == [
        "On track: closed on time",
        "On track",
        "At risk: supplier testing",
    ]
    document = docx.Document(io.BytesIO(housing["docx"]))
    [grid] = [t for t in document.tables if t.rows[0].cells[0].text == "Milestone"]
    cell = grid.rows[3].cells[2]
    assert cell.text == "At risk: supplier testing"
    assert 'w:fill="FFF2CC"' in cell._tc.xml


def test_a_status_the_template_lacks_is_refused(library) -> None:
    text = HOUSING.read_text(encoding="utf-8").replace("{status: green}", "{status: gren}")
    with pytest.raises(ContentError) as caught:
        parse_report(text, "x.yaml", library)
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.endswith(
        "tables.milestones.rows[1][2].status: expected one of green, amber, red, found 'gren' "
        "(did you mean 'green'?)"
    )
