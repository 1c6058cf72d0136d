"""A Word template's look (``WordLook``) in, the CSS that makes the PDF look the same out.

``word_stylesheet`` writes the look as a user stylesheet of ``!important``
declarations, added after the template's own paper.css, so what the Word file
says wins; paper.css keeps only what Word cannot say (pagination, the front
sheet's layout). It also defines ``--table-border`` and ``--number-width`` from
the Word file, for CSS rules of a template's own (a front-sheet table).
"""

from __future__ import annotations

from boardpaper.render.word_look import SAFE_FONT_NAME, TextLook, WordLook, font_line_factor


def _family(font: str) -> str | None:
    return f'"{font}"' if SAFE_FONT_NAME.fullmatch(font) else None


def declarations(look: TextLook, *, spacing: bool = True, line_factor: float = 1.0) -> str:
    parts = []
    if look.font and _family(look.font):
        parts.append(f"font-family: {_family(look.font)}")
    if look.size_pt:
        parts.append(f"font-size: {look.size_pt:g}pt")
    if look.bold is not None:
        parts.append(f"font-weight: {'bold' if look.bold else 'normal'}")
    if look.italic is not None:
        parts.append(f"font-style: {'italic' if look.italic else 'normal'}")
    if look.colour:
        parts.append(f"color: {look.colour}")
    if spacing and look.space_before_pt is not None:
        parts.append(f"margin-top: {look.space_before_pt:g}pt")
    if spacing and look.space_after_pt is not None:
        parts.append(f"margin-bottom: {look.space_after_pt:g}pt")
    if spacing and look.line:
        parts.append(f"line-height: {look.line * line_factor:.3g}")
    return "; ".join(f"{part} !important" for part in parts)


PAPER_SELECTORS = {
    "paragraphs": "section.section > p, .numbered > p",
    "Heading 1": "h1.title",
    "Heading 2": "h2, h2.part",
    "Heading 3": "h3",
}
"""Where a paper's HTML (paper.html) puts each Word style; ``paragraphs``: Normal's spacing."""


def word_stylesheet(look: WordLook, selectors: dict[str, str] | None = None) -> str:
    """CSS for the PDF from a Word template's look: ``!important`` so Word wins.

    ``selectors`` says where the HTML puts each heading style and Normal's paragraphs
    (``PAPER_SELECTORS`` unless given).
    """
    selectors = PAPER_SELECTORS if selectors is None else selectors
    width, height = look.page_mm
    top, right, bottom, left = look.margins_mm
    styles = look.styles
    normal = styles.get("Normal", TextLook())
    factor = font_line_factor(normal.font) if normal.font else 1.15
    rules = [
        "@page {",
        f"  size: {width:g}mm {height:g}mm !important;",
        f"  margin: {top:g}mm {right:g}mm {bottom:g}mm {left:g}mm !important;",
        "}",
    ]
    if "Normal" in styles:
        rules.append(f"html {{ {declarations(normal, spacing=False)} }}")
        if normal.line:
            rules.append(f"html {{ line-height: {normal.line * factor:.3g} !important }}")
        if normal.space_after_pt is not None and "paragraphs" in selectors:
            rules.append(
                f"{selectors['paragraphs']}"
                f" {{ margin-bottom: {normal.space_after_pt:g}pt !important }}"
            )
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        if name in styles and name in selectors:
            rules.append(
                f"{selectors[name]} {{ {declarations(styles[name], line_factor=factor)} }}"
            )
    if "Table Text" in styles:
        table = styles["Table Text"]
        rules.append(f"table.data {{ {declarations(table, spacing=False)} }}")
        if table.line:
            rules.append(f"table.data {{ line-height: {table.line * factor:.3g} !important }}")
    if look.table_cell_padding_pt:
        padding = " ".join(f"{side:g}pt" for side in look.table_cell_padding_pt)
        rules.append(f"table.data th, table.data td {{ padding: {padding} !important }}")
    border = look.table_border or "none"
    rules.append(f"table.data th, table.data td {{ border: {border} !important }}")
    rules.append(
        f"table.data thead th {{ background: {look.table_header_fill or 'transparent'} !important;"
        f" font-weight: {'bold' if look.table_header_bold else 'normal'} !important }}"
    )
    rules.append(f"a {{ color: {look.link_colour or 'inherit'} !important }}")
    variables = [f"--table-border: {border} !important"]
    if look.number_indent_pt:
        variables.append(f"--number-width: {look.number_indent_pt:g}pt !important")
    rules.append(f"html {{ {'; '.join(variables)} }}")
    return "\n".join(rules) + "\n"
