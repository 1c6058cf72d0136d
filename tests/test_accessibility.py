"""Accessibility of built papers: every sample passes the audits, and the seed's PDF
and .docx have the structure a screen reader needs, checked independently of the
audit code with pikepdf, pdfplumber and python-docx.
"""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pikepdf
import pytest
from docx.oxml.ns import qn

from boardpaper.audit.docx import audit_docx
from boardpaper.audit.pdf import audit_pdf
from boardpaper.audit.rules import DOCX_RULES, PDF_RULES
from boardpaper.pipeline import find_reports, load_report, render
from boardpaper.template.inherit import base_folder
from boardpaper.template.library import TemplateLibrary
from tests.helpers import ROOT, SEED_YAML, convert_with_libreoffice, copy_template

SAMPLES = find_reports([ROOT / "content"])


@pytest.fixture(scope="session")
def sample_outputs(
    library: TemplateLibrary, seed_outputs: dict[str, bytes]
) -> dict[str, dict[str, bytes]]:
    """Every sample in content/ rendered once: {file name: {"pdf": ..., "docx": ...}}."""
    outputs = {SEED_YAML.name: seed_outputs}
    for path in SAMPLES:
        if path.name not in outputs:
            outputs[path.name] = render(load_report(path, library))
    return outputs


@pytest.mark.parametrize("sample", [p.name for p in SAMPLES])
def test_every_sample_pdf_passes_the_audit(
    sample: str, sample_outputs: dict[str, dict[str, bytes]]
) -> None:
    problems = audit_pdf(sample_outputs[sample]["pdf"], f"{sample}.pdf")
    assert [str(p) for p in problems] == []


@pytest.mark.parametrize("sample", [p.name for p in SAMPLES])
def test_every_sample_docx_passes_the_audit(
    sample: str, sample_outputs: dict[str, dict[str, bytes]]
) -> None:
    problems = audit_docx(sample_outputs[sample]["docx"], f"{sample}.docx")
    assert [str(p) for p in problems] == []


def test_the_seed_is_among_the_samples() -> None:
    assert SEED_YAML in SAMPLES


# ----------------------------------------------------------- the seed PDF, by hand


def _kids(node: Any) -> list[Any]:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _elements(node: Any) -> list[Any]:
    """Structure elements in document order (depth first), the tree root excluded."""
    found: list[Any] = []
    for kid in _kids(node):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
            found.append(kid)
            found.extend(_elements(kid))
    return found


def _mcids(node: Any) -> list[int]:
    ids = [int(k) for k in _kids(node) if not isinstance(k, pikepdf.Dictionary)]
    for kid in _elements(node):
        ids.extend(int(k) for k in _kids(kid) if not isinstance(k, pikepdf.Dictionary))
    return ids


@pytest.fixture(scope="session")
def seed_pdf(seed_outputs: dict[str, bytes]) -> Any:
    with pikepdf.open(io.BytesIO(seed_outputs["pdf"])) as pdf:
        yield pdf


@pytest.fixture(scope="session")
def seed_tree(seed_pdf: Any) -> list[Any]:
    return _elements(seed_pdf.Root.StructTreeRoot)


@pytest.fixture(scope="session")
def seed_mcid_text(seed_outputs: dict[str, bytes]) -> dict[tuple[int, int], str]:
    texts: dict[tuple[int, int], str] = {}
    with pdfplumber.open(io.BytesIO(seed_outputs["pdf"])) as pdf:
        for index, page in enumerate(pdf.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    key = (index, int(char["mcid"]))
                    texts[key] = texts.get(key, "") + char["text"]
    return texts


def _element_text(element: Any, pdf: Any, texts: dict[tuple[int, int], str]) -> str:
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    parts: list[str] = []

    def collect(node: Any, page: int | None) -> None:
        if "/Pg" in node:
            page = pages[node.Pg.objgen]
        for kid in _kids(node):
            if isinstance(kid, pikepdf.Dictionary):
                if kid.get("/Type") not in ("/MCR", "/OBJR"):
                    collect(kid, page)
            elif page is not None:
                parts.append(texts.get((page, int(kid)), ""))

    collect(element, None)
    return " ".join("".join(parts).split())


def test_seed_pdf_is_tagged_pdfua_with_language_and_title(seed_pdf: Any) -> None:
    root = seed_pdf.Root
    assert bool(root.MarkInfo.Marked) is True
    assert str(root.Lang) == "en-GB"
    assert bool(root.ViewerPreferences.DisplayDocTitle) is True
    assert str(seed_pdf.docinfo.Title) == "Children's Improvement Plan Update"
    xmp = bytes(root.Metadata.read_bytes()).decode("utf-8")
    assert re.search(r'pdfuaid:part(="1"|>1<)', xmp)
    with seed_pdf.open_metadata() as meta:
        assert meta["dc:title"] == "Children's Improvement Plan Update"


def test_seed_pdf_headings_start_at_h1_and_never_skip(
    seed_pdf: Any, seed_tree: list[Any], seed_mcid_text: dict[tuple[int, int], str]
) -> None:
    headings = [
        (int(str(e.S)[2:]), _element_text(e, seed_pdf, seed_mcid_text))
        for e in seed_tree
        if re.fullmatch(r"/H[1-6]", str(e.S))
    ]
    levels = [level for level, _ in headings]
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    assert headings[0][1] == "Children's Improvement Plan Update"
    assert (2, "1. Purpose of Report") in headings
    assert (2, "Supporting Information") in headings
    assert (3, "1. Introduction") in headings
    assert {3} == {
        lvl for lvl, text in headings[headings.index((2, "Supporting Information")) :]
    } - {2}


def test_seed_pdf_has_a_bookmark_for_every_heading(
    seed_pdf: Any, seed_tree: list[Any], seed_mcid_text: dict[tuple[int, int], str]
) -> None:
    headings = [
        _element_text(e, seed_pdf, seed_mcid_text)
        for e in seed_tree
        if re.fullmatch(r"/H[1-6]", str(e.S))
    ]
    titles: list[str] = []
    with seed_pdf.open_outline() as outline:
        stack = list(reversed(outline.root))
        while stack:
            item = stack.pop()
            titles.append(" ".join(item.title.split()))
            stack.extend(reversed(item.children))
    assert titles == headings
    with seed_pdf.open_outline() as outline:
        (top,) = outline.root
        assert top.title == "Children's Improvement Plan Update"
        assert "Supporting Information" in [c.title for c in top.children]


def test_seed_pdf_tables_have_column_and_row_headers_with_scope(
    seed_pdf: Any, seed_tree: list[Any], seed_mcid_text: dict[tuple[int, int], str]
) -> None:
    tables = [e for e in seed_tree if e.S == "/Table"]
    assert tables
    for table in tables:
        sections = {str(e.S): e for e in _elements(table) if e.S in ("/THead", "/TBody")}
        assert set(sections) == {"/THead", "/TBody"}
        head_cells = [e for e in _elements(sections["/THead"]) if e.S in ("/TH", "/TD")]
        assert head_cells and all(c.S == "/TH" and c.A.Scope == "/Column" for c in head_cells)
        for row in (e for e in _elements(sections["/TBody"]) if e.S == "/TR"):
            cells = [c for c in _kids(row) if isinstance(c, pikepdf.Dictionary)]
            assert cells[0].S == "/TH" and cells[0].A.Scope == "/Row"
            assert all(c.S == "/TD" for c in cells[1:])
    head_text = [
        _element_text(c, seed_pdf, seed_mcid_text)
        for c in _elements(tables[0])
        if c.S == "/TH" and c.A.Scope == "/Column"
    ]
    assert head_text == ["Area", "September 2019", "November 2020"]


def test_seed_pdf_lists_are_tagged_as_lists(seed_tree: list[Any]) -> None:
    lists = [e for e in seed_tree if e.S == "/L"]
    assert len(lists) >= 3
    for element in lists:
        items = [k for k in _kids(element) if isinstance(k, pikepdf.Dictionary)]
        assert items and all(k.S in ("/LI", "/L") for k in items)
        for item in (k for k in items if k.S == "/LI"):
            roles = [str(k.S) for k in _kids(item) if isinstance(k, pikepdf.Dictionary)]
            assert roles == ["/Lbl", "/LBody"]


def test_seed_pdf_fonts_are_embedded_with_unicode_maps(
    seed_pdf: Any, seed_outputs: dict[str, bytes]
) -> None:
    fonts = {}
    for page in seed_pdf.pages:
        for font in page.Resources.Font.values():
            fonts[font.objgen] = font
    assert fonts
    for font in fonts.values():
        assert "/ToUnicode" in font
        descriptor = (
            font.DescendantFonts[0].FontDescriptor
            if font.Subtype == "/Type0"
            else font.FontDescriptor
        )
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    # Extracted text is the real text, ligatures and apostrophes included.
    with pdfplumber.open(io.BytesIO(seed_outputs["pdf"])) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Children's Improvement Plan Update" in text


def test_seed_pdf_page_numbers_and_running_header_are_artifacts(
    seed_pdf: Any,
    seed_tree: list[Any],
    seed_mcid_text: dict[tuple[int, int], str],
    seed_outputs: dict[str, bytes],
) -> None:
    tagged_text = " ".join(
        _element_text(e, seed_pdf, seed_mcid_text) for e in seed_tree if e.S in ("/P", "/H1")
    )
    pages = len(seed_pdf.pages)
    assert "Page 1 of" not in tagged_text
    with pdfplumber.open(io.BytesIO(seed_outputs["pdf"])) as pdf:
        for index, page in enumerate(pdf.pages, start=1):
            footer = "".join(
                c["text"] for c in page.chars if c["top"] > page.height - 60 and c["text"].strip()
            )
            assert footer == f"Page{index}of{pages}"
            footer_chars = [c for c in page.chars if c["top"] > page.height - 60]
            assert all(c.get("tag") == "Artifact" and c.get("mcid") is None for c in footer_chars)
            header_chars = [c for c in page.chars if c["top"] < 50]
            assert header_chars and all(c.get("tag") == "Artifact" for c in header_chars)
    # Every MCID of the parent tree belongs to an element in the tree.
    in_tree = {e.objgen for e in seed_tree}
    nums = seed_pdf.Root.StructTreeRoot.ParentTree.Nums
    for index in range(0, len(nums), 2):
        value = nums[index + 1]
        if isinstance(value, pikepdf.Array):
            assert all(v is None or v.objgen in in_tree for v in value)


def test_seed_pdf_links_say_where_they_go(
    seed_pdf: Any, seed_tree: list[Any], seed_mcid_text: dict[tuple[int, int], str]
) -> None:
    links = [e for e in seed_tree if e.S == "/Link"]
    texts = [_element_text(e, seed_pdf, seed_mcid_text) for e in links]
    assert texts == ["Cordelia.law@torbay.gov.uk", "nancy.meehan@torbay.gov.uk"]
    for link in links:
        (objr,) = [k for k in _kids(link) if isinstance(k, pikepdf.Dictionary)]
        assert objr.Type == "/OBJR" and objr.Obj.Subtype == "/Link"
        assert str(objr.Obj.Contents).startswith("mailto:")


# ---------------------------------------------------------- the seed .docx, by hand


@pytest.fixture(scope="session")
def seed_docx(seed_outputs: dict[str, bytes]) -> Any:
    return docx.Document(io.BytesIO(seed_outputs["docx"]))


def test_seed_docx_title_and_language(seed_docx: Any) -> None:
    assert seed_docx.core_properties.title == "Children's Improvement Plan Update"
    assert seed_docx.core_properties.language == "en-GB"
    lang = seed_docx.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    assert lang.get(qn("w:val")) == "en-GB"


def test_seed_docx_headings_use_builtin_styles_without_gaps(seed_docx: Any) -> None:
    headings = [
        (int(p.style.name.split()[-1]), p.text)
        for p in seed_docx.paragraphs
        if p.style.name.startswith("Heading")
    ]
    assert headings[0] == (1, "Children's Improvement Plan Update")
    levels = [level for level, _ in headings]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    assert (2, "Supporting Information") in headings
    assert all(
        p.style.style_id.startswith("Heading")
        for p in seed_docx.paragraphs
        if p.style.name.startswith("Heading")
    )


def test_seed_docx_lists_use_list_styles_and_no_typed_bullets(seed_docx: Any) -> None:
    bullets = [p for p in seed_docx.paragraphs if p.style.name.startswith("List Bullet")]
    assert len(bullets) >= 10
    for paragraph in seed_docx.paragraphs:
        assert not re.match(r"\s*[•·\-*–]\s", paragraph.text), paragraph.text


def test_seed_docx_tables_repeat_their_header_row_and_front_sheet_is_paragraphs(
    seed_docx: Any,
) -> None:
    assert seed_docx.tables
    for table in seed_docx.tables:
        first = table.rows[0]._tr
        assert first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert [c.text for c in table.rows[0].cells] == ["Area", "September 2019", "November 2020"]
    body = seed_docx.element.body
    first_table = body.find(qn("w:tbl"))
    before = list(body).index(first_table)
    heading_one = next(p for p in seed_docx.paragraphs if p.style.name == "Heading 1")
    assert list(body).index(heading_one._p) < before
    front = [p.text for p in seed_docx.paragraphs if p.style.name == "Front Sheet Field"]
    assert front[0].startswith("Meeting:")


# ------------------------------------------------------------ every rule can fail


def _rules(problems: list[Any]) -> set[str]:
    return {p.key for p in problems}


def _edit_pdf(data: bytes, change: Any) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def _first(pdf: Any, role: str) -> Any:
    return next(e for e in _elements(pdf.Root.StructTreeRoot) if role == e.S)


def _drop_title(pdf: Any) -> None:
    del pdf.docinfo["/Title"]
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        del meta["dc:title"]


def _drop_pdfua(pdf: Any) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        del meta["{http://www.aiim.org/pdfua/ns/id/}part"]


def _skip_heading(pdf: Any) -> None:
    _first(pdf, "/H2").S = pikepdf.Name("/H4")


def _drop_scope(pdf: Any) -> None:
    del _first(pdf, "/TH").A["/Scope"]


def _no_th(pdf: Any) -> None:
    for element in _elements(pdf.Root.StructTreeRoot):
        if element.S == "/TH":
            element.S = pikepdf.Name("/TD")


def _drop_outline(pdf: Any) -> None:
    del pdf.Root["/Outlines"]


def _break_list(pdf: Any) -> None:
    item = _first(pdf, "/LI")
    item.S = pikepdf.Name("/P")


def _figure_without_alt(pdf: Any) -> None:
    paragraph = _first(pdf, "/P")
    paragraph.S = pikepdf.Name("/Figure")


def _drop_to_unicode(pdf: Any) -> None:
    for font in pdf.pages[0].Resources.Font.values():
        del font["/ToUnicode"]


def _unembed_font(pdf: Any) -> None:
    font = next(iter(pdf.pages[0].Resources.Font.values()))
    del font.DescendantFonts[0].FontDescriptor["/FontFile2"]


def _retag_artifacts(pdf: Any, properties: Any) -> None:
    """Turn the page-number artifacts of page 1 back into tagged content."""
    page = pdf.pages[0]
    instructions = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if (
            str(operator) == "BDC"
            and operands[0] == "/Artifact"
            and len(operands) == 2
            and operands[1].get("/Type") == "/Pagination"
        ):
            operands = [pikepdf.Name.Span, properties]
        instructions.append(pikepdf.ContentStreamInstruction(operands, operator))
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


def _tag_page_numbers_outside_tree(pdf: Any) -> None:
    _retag_artifacts(pdf, pikepdf.Dictionary(MCID=999))


def _untag_page_numbers(pdf: Any) -> None:
    _retag_artifacts(pdf, pikepdf.Dictionary())


def _unlink_link(pdf: Any) -> None:
    link = _first(pdf, "/Link")
    link.K = pikepdf.Array([k for k in _kids(link) if not isinstance(k, pikepdf.Dictionary)])


PDF_BREAKAGES = {
    "tagged": lambda pdf: pdf.Root.__delitem__("/MarkInfo"),
    "structure": lambda pdf: pdf.Root.__delitem__("/StructTreeRoot"),
    "language": lambda pdf: pdf.Root.__delitem__("/Lang"),
    "title": _drop_title,
    "title-display": lambda pdf: pdf.Root.ViewerPreferences.__setitem__("/DisplayDocTitle", False),
    "pdfua": _drop_pdfua,
    "headings": _skip_heading,
    "bookmarks": _drop_outline,
    "tables": _drop_scope,
    "tables-no-th": _no_th,
    "lists": _break_list,
    "figures": _figure_without_alt,
    "fonts": _drop_to_unicode,
    "fonts-embedding": _unembed_font,
    "artifacts": _tag_page_numbers_outside_tree,
    "artifacts-untagged": _untag_page_numbers,
    "links": _unlink_link,
    "links-tab-order": lambda pdf: pdf.pages[0].__delitem__("/Tabs"),
    "links-print-flag": lambda pdf: [a.__setitem__("/F", 0) for a in pdf.pages[0].Annots],
}


@pytest.fixture(scope="session")
def small_pdf() -> bytes:
    """A one-page paper with every structure the audit checks, quick to audit many times."""
    data = _html_pdf(
        '<h2>1. Purpose</h2><p>Read the <a href="https://example.org/plan">improvement plan'
        "</a>.</p><ul><li>First point</li><li>Second point</li></ul><h3>1.1 Figures</h3>"
        '<table class="data"><thead><tr><th scope="col">Area</th><th scope="col">2020</th>'
        '</tr></thead><tbody><tr><th scope="row">Missing</th><td>12</td></tr></tbody></table>',
        stylesheet=True,
    )
    assert audit_pdf(data, "small.pdf") == []
    return data


@pytest.mark.parametrize("breakage", sorted(PDF_BREAKAGES))
def test_each_pdf_rule_fails_on_a_broken_pdf(breakage: str, small_pdf: bytes) -> None:
    broken = _edit_pdf(small_pdf, PDF_BREAKAGES[breakage])
    problems = audit_pdf(broken, "broken.pdf")
    rule = breakage.split("-")[0]
    assert rule in _rules(problems), [str(p) for p in problems]
    assert all(str(p).startswith(f"broken.pdf: {p.key}: ") for p in problems)
    if breakage != "structure":  # without a tree, nothing else can be checked
        assert _rules(problems) == {rule}, [str(p) for p in problems]


def test_pdf_problems_read_file_rule_explanation(small_pdf: bytes) -> None:
    broken = _edit_pdf(small_pdf, PDF_BREAKAGES["language"])
    assert [str(p) for p in audit_pdf(broken, "out/paper.pdf")] == [
        "out/paper.pdf: language: the PDF has no document language (/Lang)"
    ]


def test_audit_pdf_reports_an_unreadable_file() -> None:
    problems = audit_pdf(b"not a pdf", "x.pdf")
    assert [p.key for p in problems] == ["structure"]


def _html_pdf(body: str, stylesheet: bool = False) -> bytes:
    """A PDF made by the renderer from a bit of HTML (with the council-standard CSS)."""
    from boardpaper.render.pdf import html_to_pdf

    # The page number a paper's Word footer puts in every page's margin (an artifact).
    footer = '@page { @bottom-center { content: "Page " counter(page) " of " counter(pages) } }'
    link = f'<link rel="stylesheet" href="paper.css"><style>{footer}</style>' if stylesheet else ""
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Test</title>'
        f"{link}</head><body><h1>Test paper</h1>{body}</body></html>"
    )
    return html_to_pdf(html, base_folder())


def test_pdf_link_text_must_be_descriptive() -> None:
    good = _html_pdf('<p>Read the <a href="https://example.org/plan">improvement plan</a>.</p>')
    bad = _html_pdf('<p>For the plan <a href="https://example.org/plan">click here</a>.</p>')
    assert audit_pdf(good, "good.pdf") == []
    problems = audit_pdf(bad, "bad.pdf")
    assert [p.key for p in problems] == ["links"]
    assert "'click here'" in problems[0].message


def test_pdf_status_must_not_be_colour_alone() -> None:
    table = (
        '<table><thead><tr><th scope="col">Measure</th><th scope="col">Status</th></tr></thead>'
        '<tbody><tr><th scope="row">Re-referrals</th>'
        '<td style="background:#f4cccc">{}</td></tr></tbody></table>'
    )
    worded = _html_pdf(table.format("Red"))
    coloured = _html_pdf(table.format(""))
    dotted = _html_pdf(table.format("●"))
    assert audit_pdf(worded, "worded.pdf") == []
    assert _rules(audit_pdf(coloured, "coloured.pdf")) == {"colour"}
    assert _rules(audit_pdf(dotted, "dotted.pdf")) == {"colour"}


def test_pdf_image_needs_alt_text() -> None:
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
        "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    with_alt = _html_pdf(f'<p><img src="{pixel}" alt="Chart of re-referrals"></p>')
    without = _html_pdf(f'<p><img src="{pixel}"></p>')
    assert audit_pdf(with_alt, "alt.pdf") == []
    assert _rules(audit_pdf(without, "noalt.pdf")) == {"figures"}


# ----------------------------------------------------------------- .docx breakages


def _edit_docx(data: bytes, change: Any) -> bytes:
    document = docx.Document(io.BytesIO(data))
    change(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_no_language(document: Any) -> None:
    lang = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    lang.getparent().remove(lang)


def _docx_skip_heading(document: Any) -> None:
    heading = next(p for p in document.paragraphs if p.style.name == "Heading 2")
    heading.style = document.styles["Heading 4"]


def _docx_typed_bullet(document: Any) -> None:
    document.add_paragraph("• a bullet typed by hand")


def _docx_no_repeat(document: Any) -> None:
    row = document.tables[0].rows[0]._tr
    header = row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}")
    header.getparent().remove(header)


def _docx_layout_table(document: Any) -> None:
    table = document.add_table(rows=1, cols=1)
    row = table.rows[0]._tr
    row.get_or_add_trPr().append(docx.oxml.OxmlElement("w:tblHeader"))
    table.cell(0, 0).text = "Meeting: Cabinet"


def _png() -> io.BytesIO:
    from base64 import b64decode

    return io.BytesIO(
        b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
            "RU5ErkJggg=="
        )
    )


def _docx_picture_without_alt(document: Any) -> None:
    document.add_picture(_png())
    doc_pr = next(
        document.element.body.iter(
            "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
        )
    )
    if "descr" in doc_pr.attrib:
        del doc_pr.attrib["descr"]


def _docx_coloured_cell(document: Any) -> None:
    cell = document.tables[0].rows[1].cells[2]
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.text = ""
    shading = docx.oxml.OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), "F4CCCC")
    cell._tc.get_or_add_tcPr().append(shading)


def _docx_generic_link(document: Any) -> None:
    link = next(document.element.body.iter(qn("w:hyperlink")), None)
    if link is None:
        paragraph = document.add_paragraph()
        rel = document.part.relate_to(
            "https://example.org", docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK, True
        )
        link = docx.oxml.OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rel)
        run = docx.oxml.OxmlElement("w:r")
        text = docx.oxml.OxmlElement("w:t")
        run.append(text)
        link.append(run)
        paragraph._p.append(link)
    for text in link.iter(qn("w:t")):
        text.text = ""
    next(link.iter(qn("w:t"))).text = "Click here"


DOCX_BREAKAGES = {
    "title": lambda d: setattr(d.core_properties, "title", ""),
    "language": _docx_no_language,
    "headings": _docx_skip_heading,
    "lists": _docx_typed_bullet,
    "tables": _docx_no_repeat,
    "tables-layout": _docx_layout_table,
    "figures": _docx_picture_without_alt,
    "colour": _docx_coloured_cell,
    "links": _docx_generic_link,
}


@pytest.mark.parametrize("breakage", sorted(DOCX_BREAKAGES))
def test_each_docx_rule_fails_on_a_broken_docx(
    breakage: str, seed_outputs: dict[str, bytes]
) -> None:
    broken = _edit_docx(seed_outputs["docx"], DOCX_BREAKAGES[breakage])
    problems = audit_docx(broken, "broken.docx")
    rule = breakage.split("-")[0]
    assert _rules(problems) == {rule}, [str(p) for p in problems]
    assert all(str(p).startswith(f"broken.docx: {rule}: ") for p in problems)


def test_docx_picture_with_alt_text_passes(seed_outputs: dict[str, bytes]) -> None:
    def add(document: Any) -> None:
        document.add_picture(_png())
        doc_pr = next(
            document.element.body.iter(
                "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
            )
        )
        doc_pr.set("descr", "Chart of re-referrals by month")

    assert audit_docx(_edit_docx(seed_outputs["docx"], add), "ok.docx") == []


def test_docx_list_styled_paragraph_with_dash_is_not_a_typed_bullet(
    seed_outputs: dict[str, bytes],
) -> None:
    def add(document: Any) -> None:
        document.add_paragraph("- a dash inside a real list item", style="List Bullet")

    assert audit_docx(_edit_docx(seed_outputs["docx"], add), "ok.docx") == []


def test_audit_docx_reports_an_unreadable_file() -> None:
    assert [p.key for p in audit_docx(b"PK not a docx", "x.docx")] == ["structure"]


def test_sample_list_is_not_empty() -> None:
    assert SAMPLES and all(isinstance(p, Path) for p in SAMPLES)


# ------------------------------------------------------- language from the template


def _template_copy(tmp_path: Path, language_line: str | None) -> TemplateLibrary:

    folder = tmp_path / "council-standard"
    copy_template("council-standard", folder)
    manifest = folder / "template.yaml"
    lines = [
        line
        for line in manifest.read_text(encoding="utf-8").splitlines()
        if not line.startswith("language:")
    ]
    if language_line is not None:
        lines.insert(1, language_line)
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return TemplateLibrary([tmp_path])


def test_language_defaults_to_en_gb_when_the_template_names_none(tmp_path: Path) -> None:
    report = load_report(SEED_YAML, _template_copy(tmp_path, None))
    assert report.template.language == "en-GB"
    assert report.paper.language == "en-GB"


def test_template_language_reaches_pdf_and_word(tmp_path: Path) -> None:
    report = load_report(SEED_YAML, _template_copy(tmp_path, "language: cy-GB"))
    outputs = render(report)
    with pikepdf.open(io.BytesIO(outputs["pdf"])) as pdf:
        assert str(pdf.Root.Lang) == "cy-GB"
    document = docx.Document(io.BytesIO(outputs["docx"]))
    lang = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    assert lang.get(qn("w:val")) == "cy-GB"
    assert audit_pdf(outputs["pdf"], "cy.pdf") == []
    assert audit_docx(outputs["docx"], "cy.docx") == []


# ------------------------------------------------ elements crossing a page break


def _model_tables(node: Any) -> list[Any]:
    """Every model.Table inside a Paper (or any part of it), in order."""
    import dataclasses

    from boardpaper.content.model import Table

    if isinstance(node, Table):
        return [node]
    if isinstance(node, (list, tuple)):
        return [t for item in node for t in _model_tables(item)]
    if dataclasses.is_dataclass(node):
        return [t for f in dataclasses.fields(node) for t in _model_tables(getattr(node, f.name))]
    return []


def test_seed_table_crossing_a_page_is_one_table_with_one_header_row(
    seed_report: Any,
    seed_pdf: Any,
    seed_tree: list[Any],
    seed_outputs: dict[str, bytes],
) -> None:
    (model_table,) = _model_tables(seed_report.paper)
    pages = {page.objgen: index for index, page in enumerate(seed_pdf.pages)}
    (table,) = [e for e in seed_tree if e.S == "/Table"]
    parts = [str(k.S) for k in _kids(table) if isinstance(k, pikepdf.Dictionary)]
    assert parts == ["/THead", "/TBody"]
    body = _kids(table)[1]
    rows = [r for r in _kids(body) if isinstance(r, pikepdf.Dictionary)]
    assert len(rows) == len(model_table.rows)
    assert len({pages[r.Pg.objgen] for r in rows}) == 2  # it does cross a page break
    ids = {bytes(e.ID) for e in _elements(table) if "/ID" in e}
    for cell in (e for e in _elements(table) if e.S == "/TD"):
        assert {bytes(h) for h in cell.A.Headers} <= ids
    # The header row WeasyPrint repeats at the top of the next page is an artifact.
    with pdfplumber.open(io.BytesIO(seed_outputs["pdf"])) as pdf:
        page = pdf.pages[max(pages[r.Pg.objgen] for r in rows)]
        # The first line below the running header is the repeated header row ("Area ...").
        first_line = min(c["top"] for c in page.chars if c["top"] > 25 / 25.4 * 72 - 5)
        area = [c for c in page.chars if c["text"] == "A" and abs(c["top"] - first_line) < 3]
        assert area and all(c.get("tag") == "Artifact" for c in area)


def test_a_section_crossing_pages_is_one_section(
    seed_pdf: Any, seed_tree: list[Any], seed_mcid_text: dict[tuple[int, int], str]
) -> None:
    pages = {page.objgen: index for index, page in enumerate(seed_pdf.pages)}
    introduction = next(
        e
        for e in seed_tree
        if e.S == "/Sect"
        and any(
            _element_text(k, seed_pdf, seed_mcid_text) == "1. Introduction"
            for k in _kids(e)
            if isinstance(k, pikepdf.Dictionary)
        )
    )
    spread = {pages[e.Pg.objgen] for e in _elements(introduction) if "/Pg" in e}
    assert len(spread) >= 3
    headings = [
        _element_text(k, seed_pdf, seed_mcid_text)
        for e in seed_tree
        if e.S == "/Sect"
        for k in _kids(e)
        if isinstance(k, pikepdf.Dictionary) and k.get("/S") in ("/H2", "/H3")
    ]
    # Every section is one Sect: none is left without its heading by a page break.
    assert len(headings) == sum(1 for e in seed_tree if e.S == "/Sect") - 1  # front sheet
    assert all("/BoardpaperOrigin" not in e for e in seed_tree)


def test_paragraph_link_and_list_crossing_pages_stay_whole() -> None:
    from boardpaper.render.pdf import html_to_pdf

    words = " ".join(["improvement plan progress"] * 30)
    items = "".join(f"<li>item {i}</li>" for i in range(40))
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Split</title>'
        "<style>@page { size: A6; margin: 10mm } p, ul { orphans: 1; widows: 1 }</style>"
        '</head><body><h1>Split</h1><p style="margin-top: 80mm">Read <a '
        f'href="https://example.org/plan">the {words}</a> now.</p><ul>{items}</ul></body></html>'
    )
    data = html_to_pdf(html, base_folder())
    assert audit_pdf(data, "split.pdf") == []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        texts: dict[tuple[int, int], str] = {}
        with pdfplumber.open(io.BytesIO(data)) as plumber:
            for index, page in enumerate(plumber.pages):
                assert not [c for c in page.chars if c.get("tag") == "Artifact"]
                for char in page.chars:
                    key = (index, int(char["mcid"]))
                    texts[key] = texts.get(key, "") + char["text"]
        roles = [str(e.S) for e in _kids(pdf.Root.StructTreeRoot.K[0])]
        assert roles == ["/H1", "/P", "/L"]
        paragraph, items_list = _kids(pdf.Root.StructTreeRoot.K[0])[1:]
        (link,) = [e for e in _elements(paragraph) if e.S == "/Link"]
        link_pages = {
            pages[k.Pg.objgen]
            for k in _kids(link)
            if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/MCR"
        }
        assert len(link_pages | {pages[link.Pg.objgen]}) >= 2
        text = "".join(texts.values()).replace(" ", "")
        assert text.count("improvementplanprogress") == 30
        assert len([k for k in _kids(items_list) if k.S == "/LI"]) == 40
        assert len({pages[k.Pg.objgen] for k in _kids(items_list)}) >= 2


def test_seed_artifacts_are_only_page_furniture(seed_outputs: dict[str, bytes]) -> None:
    """Running header, page numbers and the repeated table header row; no body text."""
    repeated_header = "AreaSeptember2019November2020"
    repeats = 0
    with pdfplumber.open(io.BytesIO(seed_outputs["pdf"])) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            words = "".join(
                c["text"] for c in page.chars if c.get("tag") == "Artifact" and c["text"].strip()
            )
            furniture = "Children and Young People's Overview and Scrutiny Board".replace(" ", "")
            furniture += f"Page{number}of{len(pdf.pages)}"
            # On the page the table continues on, its repeated header row comes first
            # (page bodies are drawn before their margin boxes).
            if words.startswith(repeated_header):
                repeats += 1
                words = words.removeprefix(repeated_header)
            assert words == furniture
    assert repeats == 1  # the table crosses one page break


@pytest.mark.libreoffice
def test_libreoffice_reads_the_word_structure_as_accessible(
    seed_outputs: dict[str, bytes], tmp_path: Path
) -> None:
    """LibreOffice (a real Word client) exports the .docx as a PDF/UA that passes the audit.

    Its Heading styles become H1-H3 and its repeating header row becomes TH cells.
    """
    export = (
        'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
        '"PDFUACompliance":{"type":"boolean","value":"true"}}'
    )
    data = convert_with_libreoffice(seed_outputs["docx"], tmp_path, export)
    problems = [str(p) for p in audit_pdf(data, "libreoffice.pdf")]
    # LibreOffice 7.4's exporter never writes /Tabs /S on a page with links (the front
    # sheet's email links): a property of its PDF writer, not of the Word document.
    # Nor does it set the Print flag on link annotations (ours do, since issue 19).
    tab_order = "has links but its tab order does not follow the structure"
    print_flag = "lacks the Print flag"
    assert [p for p in problems if tab_order not in p and print_flag not in p] == []
    document = docx.Document(io.BytesIO(seed_outputs["docx"]))
    word_levels = [
        int(p.style.name.split()[-1]) for p in document.paragraphs if p.style.name[:8] == "Heading "
    ]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        roles = [str(e.S) for e in _elements(pdf.Root.StructTreeRoot)]
        assert str(pdf.Root.Lang) == "en-GB"
    pdf_levels = [int(role[2]) for role in roles if re.fullmatch(r"/H[1-6]", role)]
    assert pdf_levels == word_levels
    assert roles.count("/TH") == len(document.tables[0].columns)


@pytest.mark.parametrize("cut", [0.2, 0.5, 0.9])
def test_audits_report_damaged_files_without_crashing(
    cut: float, small_pdf: bytes, seed_outputs: dict[str, bytes]
) -> None:
    """A truncated or scribbled-on file gives problem lines, never a traceback."""
    for data, audit, name in (
        (small_pdf, audit_pdf, "x.pdf"),
        (seed_outputs["docx"], audit_docx, "x.docx"),
    ):
        truncated = data[: int(len(data) * cut)]
        middle = int(len(data) * cut)
        scribbled = data[:middle] + bytes(64) + data[middle + 64 :]
        for damaged in (truncated, scribbled):
            problems = audit(damaged, name)
            assert all(str(p).startswith(f"{name}: {p.key}: ") for p in problems)


def test_every_rule_has_a_failing_example() -> None:
    """Each rule the audits name is shown failing by a test above."""
    pdf_covered = {name.split("-")[0] for name in PDF_BREAKAGES} | {"colour"}
    docx_covered = {name.split("-")[0] for name in DOCX_BREAKAGES} | {"structure"}
    assert pdf_covered == set(PDF_RULES)
    assert docx_covered == set(DOCX_RULES)


def test_word_template_without_a_language_still_gives_one(tmp_path: Path) -> None:
    library = _template_copy(tmp_path, "language: en-GB")
    word = tmp_path / "council-standard" / "paper.docx"
    document = docx.Document(str(word))
    defaults = document.styles.element.find(qn("w:docDefaults"))
    defaults.getparent().remove(defaults)
    document.save(str(word))
    outputs = render(load_report(SEED_YAML, library), ("docx",))
    assert audit_docx(outputs["docx"], "x.docx") == []
    rendered = docx.Document(io.BytesIO(outputs["docx"]))
    lang = rendered.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    assert lang.get(qn("w:val")) == "en-GB"


def test_every_link_is_printed(seed_outputs: dict[str, bytes]) -> None:
    """An independent PDF/UA checker (outloud LNK-004) found links without the Print flag."""
    with pikepdf.open(io.BytesIO(seed_outputs["pdf"])) as pdf:
        links = [a for page in pdf.pages for a in page.get("/Annots", [])]
        assert links
        assert all(int(a.get("/F", 0)) & 4 for a in links)
