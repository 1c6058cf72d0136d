"""The PDF's running header, footer and logo come from the Word file's header and footer.

Democratic services put the header text, "Page N of M" and the council's logo
(with its alt text) in paper.docx; the PDF shows what the Word output shows,
in the same font, size, colour and place.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pdfplumber
import pikepdf
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from PIL import Image

from boardpaper.cli.main import cli
from boardpaper.pipeline import load_report, render
from boardpaper.template.library import TemplateLibrary
from tests.helpers import MINIMAL_MEETING, SEED_YAML, copy_template, make_content

MM = 72 / 25.4


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    copy_template("council-standard", folder / "council-standard")
    return folder


def _edit_word(templates: Path, edit) -> Path:
    path = templates / "council-standard" / "paper.docx"
    document = docx.Document(str(path))
    edit(document)
    document.save(str(path))
    return path


def _render(templates: Path, source: Path = SEED_YAML, formats=("pdf",)) -> dict[str, bytes]:
    report = load_report(source, TemplateLibrary([templates]))
    return render(report, formats=formats)


def _logo(tmp_path: Path) -> Path:
    path = tmp_path / "crest.png"
    Image.new("RGB", (300, 100), (0, 75, 135)).save(path)
    return path


def _band(page, top_mm: float, bottom_mm: float) -> list[dict]:
    return [c for c in page.chars if top_mm * MM <= c["top"] <= bottom_mm * MM]


def _structure(pdf: pikepdf.Pdf):
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(k for k in kids if isinstance(k, pikepdf.Dictionary))
        elif isinstance(kids, pikepdf.Dictionary):
            stack.append(kids)
        yield node


def test_header_and_footer_text_places_and_look_come_from_word(templates: Path) -> None:
    def edit(document) -> None:
        section = document.sections[0]
        header = section.header.paragraphs[0]
        header.text = ""
        run = header.add_run("{{ paper.meeting }}\tDraft\t{{ paper.date_text }}")
        run.font.size = Pt(11)
        run.font.color.rgb = RGBColor(0x00, 0x4B, 0x87)
        footer = section.footer.paragraphs[-1]  # "Page N of M"
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        document.styles["Footer"].font.size = Pt(8)

    _edit_word(templates, edit)
    pdf = _render(templates)["pdf"]
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[1]
        width = page.width
        header = _band(page, 10, 20)
        text = "".join(c["text"] for c in header)
        assert "Children and Young People's Overview and Scrutiny Board" in text
        assert "Draft" in text and "1 March 2021" in text
        assert {round(c["size"], 1) for c in header} == {11.0}
        assert {tuple(round(v, 2) for v in c["non_stroking_color"]) for c in header} == {
            (0.0, 0.29, 0.53)
        }
        # Word's Header style has a centre tab and a right tab: left, centre, right.
        words = {w["text"]: w for w in page.extract_words() if w["top"] < 20 * MM}
        assert words["Draft"]["x0"] < width / 2 < words["Draft"]["x1"]
        assert words["2021"]["x1"] == pytest.approx(width - 20 * MM, abs=2)
        assert words["Children"]["x0"] == pytest.approx(20 * MM, abs=2)
        # Header text starts where Word puts it: 12.7 mm ("header from top").
        assert min(c["top"] for c in header) == pytest.approx(12.7 * MM, abs=2)
        footer = _band(page, 270, 297)
        assert "".join(c["text"] for c in footer) == f"Page 2 of {len(document.pages)}"
        assert {round(c["size"], 1) for c in footer} == {8.0}
        assert max(c["x1"] for c in footer) == pytest.approx(width - 20 * MM, abs=2)


def test_the_logo_and_its_alt_text_come_from_the_word_header(templates: Path, tmp_path) -> None:
    logo = _logo(tmp_path)

    def edit(document) -> None:
        header = document.sections[0].header
        paragraph = header.paragraphs[0]
        paragraph.insert_paragraph_before().add_run().add_picture(str(logo), width=Mm(24))
        docpr = next(header._element.iter(qn("wp:docPr")))
        docpr.set("descr", "Harrowmere Borough Council")

    _edit_word(templates, edit)
    out = _render(templates, formats=("pdf", "docx"))
    with pdfplumber.open(io.BytesIO(out["pdf"])) as document:
        for page in document.pages:
            (image,) = page.images
            assert image["x1"] - image["x0"] == pytest.approx(24 * MM, abs=1)
            assert image["top"] == pytest.approx(12.7 * MM, abs=1.5)
        # The text follows the logo, on the next line, as in Word.
        header = _band(document.pages[1], 12, 24)
        assert "Overview and Scrutiny Board" in "".join(c["text"] for c in header)
        assert min(c["top"] for c in header) > document.pages[1].images[0]["bottom"] - 1
    with pikepdf.open(io.BytesIO(out["pdf"])) as pdf:
        figures = [n for n in _structure(pdf) if n.get("/S") == "/Figure"]
        # One tagged logo (the first page's) with Word's alt text; later ones are artifacts.
        assert [str(f.get("/Alt")) for f in figures] == ["Harrowmere Borough Council"]
    # The Word output shows the same logo with the same alt text in its header.
    word = docx.Document(io.BytesIO(out["docx"]))
    descr = [d.get("descr") for d in word.sections[0].header._element.iter(qn("wp:docPr"))]
    assert descr == ["Harrowmere Borough Council"]


def test_a_different_first_page_is_followed(templates: Path, tmp_path) -> None:
    logo = _logo(tmp_path)

    def edit(document) -> None:
        section = document.sections[0]
        section.different_first_page_header_footer = True
        first = section.first_page_header.paragraphs[0]
        first.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        first.add_run().add_picture(str(logo), width=Mm(30))
        next(section.first_page_header._element.iter(qn("wp:docPr"))).set("descr", "Crest")
        section.first_page_footer.paragraphs[0].text = "OFFICIAL"

    _edit_word(templates, edit)
    pdf = _render(templates)["pdf"]
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        first, second = document.pages[0], document.pages[1]
        (image,) = first.images
        assert image["x1"] == pytest.approx(first.width - 20 * MM, abs=1)
        assert not _band(first, 0, 20)  # no running text on the first page
        assert "".join(c["text"] for c in _band(first, 270, 297)) == "OFFICIAL"
        assert not second.images
        assert "Overview and Scrutiny Board" in "".join(c["text"] for c in _band(second, 0, 20))
        assert "".join(c["text"] for c in _band(second, 270, 297)).startswith("Page 2 of")


def test_header_text_is_data_even_when_it_looks_like_css(templates: Path, tmp_path) -> None:
    hostile = 'Board "A" \\ } @import url(x); </style><script>1</script>'
    text = SEED_YAML.read_text(encoding="utf-8")
    seed_meeting = "meeting: Children and Young People's Overview and Scrutiny Board"
    source = tmp_path / SEED_YAML.name
    quoted = hostile.replace("'", "''")
    source.write_text(text.replace(seed_meeting, f"meeting: '{quoted}'"), encoding="utf-8")
    pdf = _render(templates, source)["pdf"]
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[1]
        header = " ".join(w["text"] for w in page.extract_words() if w["top"] < 20 * MM)
    assert header == hostile


def test_a_manifest_logo_replaces_the_word_header_pictures(templates: Path, tmp_path) -> None:
    logo = _logo(tmp_path)
    _edit_word(
        templates,
        lambda d: d.sections[0].header.paragraphs[0].add_run().add_picture(str(logo), width=Mm(20)),
    )
    folder = templates / "council-standard"
    (folder / "logo.png").write_bytes(logo.read_bytes())
    manifest = folder / "template.yaml"
    manifest.write_text(
        manifest.read_text() + "logo:\n  file: logo.png\n  alt: Our council\n", encoding="utf-8"
    )
    pdf = _render(templates)["pdf"]
    with pikepdf.open(io.BytesIO(pdf)) as document:
        alts = [str(n.get("/Alt")) for n in _structure(document) if n.get("/S") == "/Figure"]
    assert alts == ["Our council"]
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert not document.pages[1].images


def test_a_jinja_mistake_in_the_header_is_located(templates: Path, runner) -> None:
    def edit(document) -> None:
        document.sections[0].header.paragraphs[0].text = "{{ paper.nonsense }}"

    path = _edit_word(templates, edit)
    result = runner.invoke(
        cli, ["build", str(SEED_YAML), "--templates", str(templates), "-f", "pdf", "-o", "out"]
    )
    assert result.exit_code == 1
    assert str(path) in result.output and "nonsense" in result.output
    assert "Traceback" not in result.output


def test_text_only_headers_stay_out_of_the_structure_tree(templates: Path) -> None:
    pdf = _render(templates)["pdf"]
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert not [n for n in _structure(document) if n.get("/S") == "/Figure"]
        operators = pikepdf.parse_content_stream(document.pages[0])
        artifacts = [operands for operands, operator in operators if str(operator) == "BDC"]
    assert any(str(operands[0]) == "/Artifact" for operands in artifacts)


def test_the_agenda_takes_its_look_and_header_from_agenda_docx(templates: Path, tmp_path) -> None:
    from boardpaper.meeting.load import load_meeting
    from boardpaper.meeting.pack import build_pack

    path = templates / "council-standard" / "agenda.docx"
    document = docx.Document(str(path))
    document.styles["Heading 1"].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    document.styles["Heading 2"].font.size = Pt(15)
    document.sections[0].header.paragraphs[0].text = "Agenda of {{ meeting.committee }}"
    document.save(str(path))
    source = make_content(tmp_path, header=MINIMAL_MEETING + "agenda_template: council-standard\n")
    meeting = load_meeting(source, TemplateLibrary([templates]))
    agenda = build_pack(meeting)["agenda.pdf"]
    with pdfplumber.open(io.BytesIO(agenda)) as pdf:
        page = pdf.pages[0]
        header = " ".join(w["text"] for w in page.extract_words() if w["top"] < 20 * MM)
        assert header == "Agenda of Children and Young People's Overview and Scrutiny Board"
        words = page.extract_words(extra_attrs=["non_stroking_color", "size"])
    words = [w for w in words if w["top"] > 25 * MM]  # below the running header
    colours = {w["text"]: tuple(round(v, 2) for v in w["non_stroking_color"]) for w in words}
    assert colours["Agenda"] == (0.75, 0.0, 0.0)  # the title: Heading 1 in agenda.docx
    assert {round(w["size"]) for w in words if w["text"] == "Membership"} == {15}


def test_inside_a_pack_a_paper_prints_its_footer_text_but_not_its_page_numbers() -> None:
    """The pack numbers its pages; executive-report's Word footer puts "Page N of M" at
    the right, where pack.css's old rule (bottom centre only) did not reach."""
    from boardpaper.render.html import render_html
    from boardpaper.render.pdf import html_to_pdf
    from tests.helpers import ROOT, TEMPLATES

    report = load_report(
        ROOT / "content" / "housing-allocations-policy.yaml", TemplateLibrary([TEMPLATES])
    )
    alone = render_html(report.paper, report.template)
    in_pack = render_html(report.paper, report.template, page_numbers=False)
    assert "counter(page)" in alone and "counter(page)" not in in_pack
    folders = [link.folder for link in report.template.chain]
    pdf = html_to_pdf(in_pack, folders[0], fallbacks=tuple(folders[1:]))
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        footer = " ".join(
            w["text"] for w in document.pages[0].extract_words() if w["top"] > 270 * MM
        )
    assert footer == "Public | Exevale District Council | Report to the Executive"
