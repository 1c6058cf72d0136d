"""Make a starting Word template for a boardpaper template folder.

The .docx this writes is the real source from then on: democratic services
open it in Word and change fonts, spacing, header and front sheet there. This
script only exists so a new template can start from a clean file that holds
every style of the style contract (docs/templates.md), A4 pages, en-GB
proofing language, the front sheet, running header and "Page N of M" footer.

    python scripts/make_word_template.py templates/NAME/paper.docx [--font Arial]
        [--front-table-columns 4]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HEADINGS = {"Heading 1": 16, "Heading 2": 13, "Heading 3": 12, "Heading 4": 12}


def _set_font(style, font: str, size: float | None = None, bold: bool | None = None) -> None:
    style.font.name = font
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)


def _field(paragraph, instruction: str) -> None:
    """Append a Word field (PAGE, NUMPAGES) to a paragraph."""
    for kind, text in (
        ("begin", None),
        ("instr", instruction),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind == "instr":
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = f" {text} "
        elif kind == "text":
            node = OxmlElement("w:t")
            node.text = text
        else:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        run._r.append(node)


def _front_table(doc, columns: int) -> None:
    """A table for a front-sheet field shown as a table (officer sign-offs).

    Header row (repeated on each page), one docxtpl ``{%tr %}`` loop over the rows.
    """
    table = doc.add_table(rows=4, cols=columns)
    table.style = doc.styles["Table Grid"]
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for index, cell in enumerate(header.cells):
        cell.paragraphs[0].style = doc.styles["Table Text"]
        cell.paragraphs[0].add_run(f"{{{{ item.table.columns[{index}] }}}}").bold = True
    table.rows[1].cells[0].paragraphs[0].text = "{%tr for row in item.table.rows %}"
    for index, cell in enumerate(table.rows[2].cells):
        cell.paragraphs[0].style = doc.styles["Table Text"]
        cell.paragraphs[0].add_run(f"{{{{ row[{index}].text }}}}")
    table.rows[3].cells[0].paragraphs[0].text = "{%tr endfor %}"


def house_look(doc) -> None:
    """The running header, footer and table header look that the PDF takes from Word.

    Header 9pt grey, footer 10pt, and the first row of every Table Grid table
    shaded light blue and bold (the table style's firstRow conditional format).
    Applied by ``make_template``; run this script with ``--house-look FILE`` to
    apply it to an existing Word template.
    """
    styles = doc.styles
    styles["Header"].font.size = Pt(9)
    styles["Header"].font.color.rgb = RGBColor(0x33, 0x33, 0x33)
    styles["Footer"].font.size = Pt(10)
    grid = styles["Table Grid"].element
    for old in grid.findall(qn("w:tblStylePr")):
        if old.get(qn("w:type")) == "firstRow":
            grid.remove(old)
    first_row = OxmlElement("w:tblStylePr")
    first_row.set(qn("w:type"), "firstRow")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b"))
    first_row.append(rpr)
    tcpr = OxmlElement("w:tcPr")
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), "D9E2F3")
    tcpr.append(shading)
    first_row.append(tcpr)
    grid.append(first_row)


def make_template(out: Path, font: str, language: str, front_tables: int = 0) -> None:
    doc = Document()
    styles = doc.styles

    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rpr.find(qn("w:lang")).set(qn("w:val"), language)
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), language)
    rpr.find(qn("w:sz")).set(qn("w:val"), "24")
    rpr.find(qn("w:szCs")).set(qn("w:val"), "24")
    fonts = rpr.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "160")
    spacing.set(qn("w:line"), "264")

    _set_font(styles["Normal"], font, 12)
    for name, size in HEADINGS.items():
        style = styles[name]
        _set_font(style, font, size, bold=True)
        style.font.italic = False
        style.paragraph_format.space_before = Pt(14 if name != "Heading 1" else 0)
        style.paragraph_format.space_after = Pt(8)
        style.paragraph_format.keep_with_next = True
    for name in (
        "List Bullet",
        "List Bullet 2",
        "List Bullet 3",
        "List Number",
        "List Number 2",
        "List Number 3",
    ):
        styles[name].paragraph_format.space_after = Pt(4)

    numbered = styles.add_style("Numbered Paragraph", WD_STYLE_TYPE.PARAGRAPH)
    numbered.base_style = styles["Normal"]
    numbered.paragraph_format.left_indent = Cm(1.27)
    numbered.paragraph_format.first_line_indent = Cm(-1.27)
    numbered.paragraph_format.tab_stops.add_tab_stop(Cm(1.27))
    numbered.quick_style = True

    continuation = styles.add_style("Continuation", WD_STYLE_TYPE.PARAGRAPH)
    continuation.base_style = styles["Normal"]
    continuation.paragraph_format.left_indent = Cm(1.27)
    continuation.quick_style = True

    table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = styles["Normal"]
    table_text.font.size = Pt(10.5)
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0

    front = styles.add_style("Front Sheet Field", WD_STYLE_TYPE.PARAGRAPH)
    front.base_style = styles["Normal"]
    front.paragraph_format.space_after = Pt(10)

    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor(0x0B, 0x0C, 0x80)
    link.font.underline = True

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)

    header = section.header.paragraphs[0]
    header.text = "{{ paper.meeting }}"
    header.style = styles["Header"]
    footer = section.footer.paragraphs[0]
    footer.style = styles["Footer"]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")

    body = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    body.text = "{%p for item in paper.front_sheet %}"
    if front_tables:
        doc.add_paragraph("{%p if item.table %}")
        label = doc.add_paragraph(style="Front Sheet Field")
        label.add_run("{{ item.label }}").bold = True
        _front_table(doc, front_tables)
        doc.add_paragraph("{%p else %}")
    field = doc.add_paragraph(style="Front Sheet Field")
    field.add_run("{{ item.label }}:").bold = True
    field.add_run(" {{ item.text }}")
    if front_tables:
        doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{{ paper.title }}", style="Heading 1")
    doc.add_paragraph("{{p body }}")

    house_look(doc)
    props = doc.core_properties
    props.author = "Democratic Services"
    props.title = "boardpaper Word template"
    props.language = language
    props.revision = 1
    doc.save(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument(
        "--house-look",
        action="store_true",
        help="Apply the header, footer and table header look to the existing file OUT.",
    )
    parser.add_argument("--font", default="Arial")
    parser.add_argument("--language", default="en-GB")
    parser.add_argument(
        "--front-table-columns",
        type=int,
        default=0,
        help="Show front-sheet fields that are tables (sign-offs) as a table of N columns.",
    )
    args = parser.parse_args()
    if args.house_look:
        doc = Document(str(args.out))
        house_look(doc)
        doc.save(str(args.out))
        return
    make_template(args.out, args.font, args.language, args.front_table_columns)


if __name__ == "__main__":
    main()
