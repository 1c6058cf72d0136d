"""The manifest's ``pdf_look:`` block: what it may say, and its lengths in millimetres and points.

The PDF takes its look from the template's Word file (``render.word_look``).
``pdf_look:`` in ``template.yaml`` overrides any value read from it, for the PDF
only (the .docx stays as the Word file says). Lengths are written with a unit
(``12pt``, ``25mm``, ``1.27cm``, ``0.5in``), colours as ``"#rrggbb"``.
"""

from __future__ import annotations

import re

from boardpaper.load.validators import Field, Record, Text, YesNo

LOOK_STYLES = ("Normal", "Heading 1", "Heading 2", "Heading 3", "Header", "Footer", "Table Text")
"""Paragraph styles whose text look the PDF takes from the Word file (and pdf_look may set)."""

LENGTH = r"[0-9]{1,4}(?:\.[0-9]{1,3})?(?:pt|mm|cm|in)"
COLOUR = r"#[0-9a-fA-F]{6}"
_TO_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}


def _length(hint: str = "a length such as 12pt or 25mm") -> Text:
    return Text(pattern=LENGTH, hint=hint)


def _lengths(count: int, hint: str) -> Text:
    return Text(pattern=rf"{LENGTH}(?:\s+{LENGTH}){{{count - 1}}}", hint=hint)


def _colour() -> Text:
    return Text(pattern=COLOUR, hint='a colour like "#1f4e79" (in quotes)')


def pdf_look_schema() -> Record:
    """The optional ``pdf_look:`` block of a template manifest."""
    style = Record(
        {
            "font": Field(
                Text(pattern=r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}", hint="a font name"),
                required=False,
            ),
            "size": Field(_length("a size such as 12pt"), required=False),
            "colour": Field(_colour(), required=False),
            "bold": Field(YesNo(), required=False),
            "italic": Field(YesNo(), required=False),
            "space_before": Field(_length(), required=False),
            "space_after": Field(_length(), required=False),
            "line_spacing": Field(
                Text(pattern=r"[0-9](?:\.[0-9]{1,3})?", hint="a multiple such as 1.15"),
                required=False,
            ),
        }
    )
    return Record(
        {
            "page_size": Field(
                _lengths(2, "width and height, such as 210mm 297mm"), required=False
            ),
            "margins": Field(
                _lengths(4, "top right bottom left, such as 25mm 20mm 22mm 20mm"), required=False
            ),
            "header_from_top": Field(_length(), required=False),
            "footer_from_bottom": Field(_length(), required=False),
            "link_colour": Field(_colour(), required=False),
            "number_indent": Field(_length(), required=False),
            "table_border": Field(
                Text(
                    pattern=rf"none|{LENGTH} solid {COLOUR}",
                    hint="none, or a border such as 0.5pt solid #000000",
                ),
                required=False,
            ),
            "table_header_fill": Field(_colour(), required=False),
            "table_cell_padding": Field(
                _lengths(4, "top right bottom left, such as 0pt 5.4pt 0pt 5.4pt"), required=False
            ),
            "styles": Field(
                Record({name: Field(style, required=False) for name in LOOK_STYLES}),
                required=False,
            ),
        },
        description="Values the PDF uses instead of what the Word file says (docs/templates.md)",
    )


def millimetres(text: str) -> tuple[float, ...]:
    """Each length of ``text`` ("25mm 20mm", "12pt") in millimetres."""
    return tuple(
        round(float(number) * _TO_MM[unit], 2)
        for number, unit in re.findall(r"([0-9.]+)(pt|mm|cm|in)", text)
    )


def points(text: str) -> tuple[float, ...]:
    """Each length of ``text`` in points."""
    return tuple(round(mm * 72 / 25.4, 2) for mm in millimetres(text))
