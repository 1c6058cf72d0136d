"""The PDF takes its look from the template's Word file; check reports what the PDF cannot honour.

Democratic services change fonts and colours in Word (paper.docx) and the PDF
follows, without touching the CSS.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pdfplumber
import pikepdf
import pytest
from docx.shared import RGBColor

from boardpaper.cli.main import cli
from boardpaper.pipeline import load_report, render
from boardpaper.render.word_css import word_stylesheet
from boardpaper.render.word_look import word_look
from boardpaper.template.library import TemplateLibrary
from tests.helpers import SEED_YAML, TEMPLATES, copy_template


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """A templates folder holding a copy of council-standard (it replaces the built-in one)."""
    folder = tmp_path / "templates"
    copy_template("council-standard", folder / "council-standard")  # self-contained
    return folder


def _edit_word(templates: Path, edit) -> Path:
    path = templates / "council-standard" / "paper.docx"
    document = docx.Document(str(path))
    edit(document)
    document.save(str(path))
    return path


def _pdf_of_seed(templates: Path) -> bytes:
    report = load_report(SEED_YAML, TemplateLibrary([templates]))
    return render(report, formats=("pdf",))["pdf"]


def _font_names(pdf_bytes: bytes) -> set[str]:
    names = set()
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            for font in page.resources.get("/Font", {}).values():
                names.add(str(font.get("/BaseFont", "")).split("+")[-1].replace("-", ""))
    return names


def _colour_of(pdf_bytes: bytes, text: str) -> tuple[float, ...]:
    """The fill colour of the last ``text`` on page 1 (the title follows the front sheet)."""
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        page = pdf.pages[0]
        chars = page.chars
        joined = "".join(char["text"] for char in chars)
        start = joined.rindex(text)
        return tuple(round(value, 2) for value in chars[start]["non_stroking_color"])


def test_normal_font_and_heading_colour_changed_in_word_reach_the_pdf(templates: Path) -> None:
    before = _pdf_of_seed(templates)
    assert any(name.startswith("LiberationSans") for name in _font_names(before))
    assert not any(name.startswith("LiberationSerif") for name in _font_names(before))
    assert _colour_of(before, "Children's Improvement Plan Update") == (0, 0, 0)

    def restyle(document) -> None:
        normal = document.styles["Normal"]
        normal.font.name = "Liberation Serif"
        heading = document.styles["Heading 1"]
        heading.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)

    _edit_word(templates, restyle)
    after = _pdf_of_seed(templates)
    assert any(name.startswith("LiberationSerif") for name in _font_names(after))
    # Heading 1 is the paper's title; #C00000 is (0.75, 0, 0) in the PDF.
    assert _colour_of(after, "Children's Improvement Plan Update") == (0.75, 0.0, 0.0)
    # Body text is in the new font: the first paragraph's characters.
    with pdfplumber.open(io.BytesIO(after)) as pdf:
        words = pdf.pages[0].extract_words(extra_attrs=["fontname"])
    body = [w for w in words if w["text"] == "prepared"]
    assert body and "LiberationSerif" in body[0]["fontname"].replace("-", "")


def test_page_size_margins_header_and_table_look_come_from_word(templates: Path) -> None:
    def reshape(document) -> None:
        section = document.sections[0]
        section.page_width, section.page_height = docx.shared.Mm(216), docx.shared.Mm(279)
        section.left_margin = docx.shared.Mm(30)
        document.styles["Header"].font.color.rgb = RGBColor(0x00, 0x4B, 0x87)

    path = _edit_word(templates, reshape)
    css = word_stylesheet(word_look(path))
    assert "size: 216mm 279mm" in css
    assert "margin: 25mm 20mm 22mm 30mm" in css
    assert "table.data thead th { background: #d9e2f3" in css
    pdf = _pdf_of_seed(templates)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        assert (round(page.width / 72 * 25.4), round(page.height / 72 * 25.4)) == (216, 279)
        header = [c for c in page.chars if c["top"] < 25 / 25.4 * 72]
        assert header and all(
            tuple(round(v, 2) for v in c["non_stroking_color"]) == (0.0, 0.29, 0.53) for c in header
        )
        body = [c for c in page.chars if c["top"] > 30 / 25.4 * 72]
        assert min(c["x0"] for c in body) == pytest.approx(30 / 25.4 * 72, abs=1)


def test_check_reports_a_font_the_pdf_cannot_use(templates: Path, runner) -> None:
    path = _edit_word(templates, lambda d: setattr(d.styles["Normal"].font, "name", "Georgia"))
    result = runner.invoke(cli, ["check", str(SEED_YAML), "--templates", str(templates)])
    assert result.exit_code == 1
    assert (
        f"{path}: style 'Normal': font 'Georgia' is not installed on this machine, so the PDF "
        "cannot use it"
    ) in result.output


def test_a_font_name_that_could_break_out_of_css_is_refused(templates: Path, runner) -> None:
    hostile = "X</style><script>alert(1)</script>"
    path = _edit_word(templates, lambda d: setattr(d.styles["Normal"].font, "name", hostile))
    css = word_stylesheet(word_look(path))
    assert "<" not in css and "script" not in css
    result = runner.invoke(cli, ["check", str(SEED_YAML), "--templates", str(templates)])
    assert result.exit_code == 1
    assert "style 'Normal': font name" in result.output and "cannot be used in the PDF" in (
        result.output
    )


def test_the_shipped_templates_ask_for_nothing_the_pdf_cannot_honour() -> None:
    from boardpaper.render.word_look import font_problems

    for folder in sorted(TEMPLATES.iterdir()):
        if (folder / "paper.docx").exists():
            assert font_problems(word_look(folder / "paper.docx")) == [], folder.name


def _set_manifest(templates: Path, text: str) -> Path:
    manifest = templates / "council-standard" / "template.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + text, encoding="utf-8")
    return manifest


def test_the_manifest_overrides_what_the_pdf_takes_from_word(templates: Path) -> None:
    _set_manifest(
        templates,
        "pdf_look:\n"
        "  page_size: 216mm 279mm\n"
        "  margins: 20mm 25mm 20mm 25mm\n"
        '  table_header_fill: "#ffe699"\n'
        "  styles:\n"
        '    Heading 1: {colour: "#00704a", size: 20pt}\n'
        "    Normal: {font: Liberation Serif}\n"
        "    Footer: {size: 8pt}\n",
    )
    pdf = _pdf_of_seed(templates)
    assert _colour_of(pdf, "Children's Improvement Plan Update") == (0.0, 0.44, 0.29)
    assert any(name.startswith("LiberationSerif") for name in _font_names(pdf))
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        assert (round(page.width / 72 * 25.4), round(page.height / 72 * 25.4)) == (216, 279)
        sizes = {round(w["size"]) for w in page.extract_words(extra_attrs=["size"])}
        assert 20 in sizes  # the title (Heading 1)
        footer = [c for c in page.chars if c["top"] > 260 / 25.4 * 72]
        assert footer and {round(c["size"]) for c in footer} == {8}
        body = [c for c in page.chars if 30 / 25.4 * 72 < c["top"] < 250 / 25.4 * 72]
        assert min(c["x0"] for c in body) == pytest.approx(25 / 25.4 * 72, abs=1)
        fills = {
            tuple(round(v, 2) for v in r["non_stroking_color"] or ())
            for p in document.pages
            for r in p.rects
        }
    assert (1.0, 0.9, 0.6) in fills
    # The Word output keeps the Word file's look: Heading 1 as the Word file says.
    report = load_report(SEED_YAML, TemplateLibrary([templates]))
    word = docx.Document(io.BytesIO(render(report, formats=("docx",))["docx"]))
    assert word.styles["Heading 1"].font.color.rgb != RGBColor(0x00, 0x70, 0x4A)


def test_a_wrong_pdf_look_value_is_located(templates: Path, runner) -> None:
    manifest = _set_manifest(templates, "pdf_look:\n  margins: 25mm 20mm\n  styles: {Body: {}}\n")
    result = runner.invoke(cli, ["check", str(SEED_YAML), "--templates", str(templates)])
    assert result.exit_code == 1
    lines = manifest.read_text(encoding="utf-8").splitlines()
    margins = lines.index("  margins: 25mm 20mm") + 1
    assert f"{manifest}:{margins}:12: pdf_look.margins: expected top right bottom left" in (
        result.output
    )
    assert "pdf_look.styles.Body: unknown key" in result.output


def test_check_locates_a_manifest_font_that_is_not_installed(templates: Path, runner) -> None:
    _edit_word(templates, lambda d: setattr(d.styles["Normal"].font, "name", "Georgia"))
    manifest = _set_manifest(templates, "pdf_look:\n  styles:\n    Heading 2: {font: Georgia}\n")
    result = runner.invoke(cli, ["check", str(SEED_YAML), "--templates", str(templates)])
    assert result.exit_code == 1
    line = len(manifest.read_text(encoding="utf-8").splitlines())
    assert (
        f"{manifest}:{line}:23: pdf_look.styles.Heading 2.font: font 'Georgia' is not installed"
    ) in result.output
    # The Word file's Normal font is reported too; a manifest font for Normal would replace it.
    assert "style 'Normal': font 'Georgia'" in result.output
    _set_manifest(templates, "    Normal: {font: Liberation Sans}\n")
    result = runner.invoke(cli, ["check", str(SEED_YAML), "--templates", str(templates)])
    assert "style 'Normal': font 'Georgia'" not in result.output


def test_check_reports_a_header_font_and_a_header_picture_the_pdf_cannot_use(
    templates: Path, runner, tmp_path
) -> None:
    from docx.oxml.ns import qn

    def edit(document) -> None:
        header = document.sections[0].header
        header.paragraphs[0].runs[0].font.name = "Georgia"
        header.paragraphs[0].add_run().add_picture(str(_png(tmp_path)))
        # A Windows metafile logo: the PDF cannot draw it.
        blip = next(header._element.iter(qn("a:blip")))
        header.part.related_parts[blip.get(qn("r:embed"))]._content_type = "image/x-emf"

    path = _edit_word(templates, edit)
    result = runner.invoke(cli, ["check", str(SEED_YAML), "--templates", str(templates)])
    assert result.exit_code == 1
    assert f"{path}: header text: font 'Georgia' is not installed" in result.output
    assert f"{path}: word/header1.xml picture 'Picture 1': is image/x-emf, which the PDF" in (
        result.output
    )


def _png(tmp_path: Path) -> Path:
    from PIL import Image

    path = tmp_path / "logo.png"
    Image.new("RGB", (60, 20), (0, 0, 0)).save(path)
    return path
