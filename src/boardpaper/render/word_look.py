"""The look of a Word template: its paper.docx in, CSS that makes the PDF look the same out.

Democratic services change the look of their papers in Word. The PDF takes
from the Word file: page size and margins; font, size, colour, weight and
spacing of Normal, Heading 1-3, Header, Footer and Table Text; the line
spacing; the Hyperlink colour; the Numbered Paragraph indent; and the border
and header-row shading of the Table Grid table style. ``word_stylesheet``
writes them as CSS that wins over the template's own paper.css (a user
stylesheet of ``!important`` declarations), so the CSS keeps only what Word
cannot say: pagination, the layout of the front sheet, status colours.

``unhonoured_fonts`` lists fonts the Word file asks for that this machine
cannot draw (``boardpaper check`` reports them).

Longer than 400 lines on purpose: the style chains (basedOn, docDefaults, theme
fonts), the table style and the font checks all read one parsed Word file, cached
once per file; ``render.word_css`` writes the CSS from what they return.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn
from docx.shared import Emu, Length

from boardpaper.errors import display_path
from boardpaper.render.column_widths import TableLayout, TextMeasure
from boardpaper.render.word_file import check_word_file
from boardpaper.template.pdf_look import LOOK_STYLES as LOOK_STYLES

# Fonts that fontconfig replaces by a metric-compatible one: the same line breaks.
METRIC_COMPATIBLE = {
    "arial": "liberation sans",
    "helvetica": "liberation sans",
    "arial narrow": "liberation sans narrow",
    "times new roman": "liberation serif",
    "times": "liberation serif",
    "courier new": "liberation mono",
    "calibri": "carlito",
    "cambria": "caladea",
}


@dataclass(frozen=True)
class TextLook:
    """How a paragraph style's text looks; None where the Word file says nothing."""

    font: str | None = None
    size_pt: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    colour: str | None = None
    space_before_pt: float | None = None
    space_after_pt: float | None = None
    line: float | None = None  # Word's "multiple" line spacing (1.1 = 264/240)


@dataclass(frozen=True)
class WordLook:
    """What the PDF takes from a Word template."""

    page_mm: tuple[float, float]
    margins_mm: tuple[float, float, float, float]  # top, right, bottom, left
    styles: dict[str, TextLook] = field(default_factory=dict)
    link_colour: str | None = None
    number_indent_pt: float | None = None
    table_border: str | None = None  # a CSS border
    table_header_fill: str | None = None
    table_cell_padding_pt: tuple[float, float, float, float] | None = None  # top right bottom left
    table_header_bold: bool = False
    text_width_pt: float | None = None  # between the first section's left and right margins


def _pt(length: Length | None) -> float | None:
    return None if length is None else round(length.pt, 2)


def _mm(length: Length | None) -> float:
    return round((length or 0) / 36000, 1)


def _colour(value: str | None) -> str | None:
    """A Word colour ("C00000") as CSS; None for "auto" or anything else."""
    if not value or not re.fullmatch(r"[0-9A-Fa-f]{6}", value):
        return None
    return "#" + value.lower()


def _run_properties(style: Any) -> Any:
    return style.element.rPr


def _style_chain(style: Any) -> list[Any]:
    chain = []
    while style is not None and style not in chain:
        chain.append(style)
        style = style.base_style
    return chain


def _first(chain: list[Any], read: Any) -> Any:
    for style in chain:
        value = read(style)
        if value is not None:
            return value
    return None


def _font_name(style: Any) -> str | None:
    rpr = style.element.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:ascii")) if fonts is not None else None


def _line(style: Any) -> float | None:
    ppr = style.element.pPr
    spacing = ppr.find(qn("w:spacing")) if ppr is not None else None
    if spacing is None or spacing.get(qn("w:line")) is None:
        return None
    if spacing.get(qn("w:lineRule"), "auto") != "auto":
        return None
    return int(spacing.get(qn("w:line"))) / 240


WORD_DEFAULT_FONT = "Times New Roman"
"""What Word draws when neither a style nor the document's defaults name a font."""


def _text_look(document: Any, style: Any, defaults: dict[str, Any]) -> TextLook:
    """A style's look; where the Word file is silent, what Word itself then shows."""
    chain = _style_chain(style)
    return TextLook(
        font=_first(chain, _font_name) or defaults.get("font") or WORD_DEFAULT_FONT,
        size_pt=_first(chain, lambda s: _pt(s.font.size)) or defaults.get("size_pt") or 10.0,
        bold=_or(_first(chain, lambda s: s.font.bold), False),
        italic=_or(_first(chain, lambda s: s.font.italic), False),
        colour=_first(chain, lambda s: _colour(_rgb(s))) or "#000000",  # "auto": black
        space_before_pt=_or(_first(chain, lambda s: _pt(s.paragraph_format.space_before)), 0.0),
        space_after_pt=_or(
            _first(chain, lambda s: _pt(s.paragraph_format.space_after)),
            defaults.get("space_after_pt", 0.0),
        ),
        line=_first(chain, _line) or defaults.get("line") or 1.0,
    )


def style_text_look(document: Any, style: Any) -> TextLook:
    """How text in the paragraph style ``style`` of ``document`` looks (its chain, docDefaults)."""
    return _text_look(document, style, _defaults(document))


def run_text_look(run: Any, base: TextLook) -> TextLook:
    """``base`` with a run's own formatting (``w:r``'s font, size, bold, italic, colour) on top."""
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        return base
    changes: dict[str, Any] = {}
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None and fonts.get(qn("w:ascii")):
        changes["font"] = fonts.get(qn("w:ascii"))
    size = rpr.find(qn("w:sz"))
    if size is not None and (size.get(qn("w:val")) or "").isdigit():
        changes["size_pt"] = int(size.get(qn("w:val"))) / 2
    for key, tag in (("bold", "w:b"), ("italic", "w:i")):
        flag = rpr.find(qn(tag))
        if flag is not None:
            changes[key] = flag.get(qn("w:val"), "true") not in ("0", "false", "off")
    colour = rpr.find(qn("w:color"))
    if colour is not None and _colour(colour.get(qn("w:val"))):
        changes["colour"] = _colour(colour.get(qn("w:val")))
    return replace(base, **changes)


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


def _rgb(style: Any) -> str | None:
    rpr = style.element.rPr
    colour = rpr.find(qn("w:color")) if rpr is not None else None
    return colour.get(qn("w:val")) if colour is not None else None


def _defaults(document: Any) -> dict[str, Any]:
    """docDefaults: the font, size, space after and line spacing every style starts from."""
    found: dict[str, Any] = {}
    root = document.styles.element.find(qn("w:docDefaults"))
    if root is None:
        return found
    rpr = root.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is not None:
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is not None and fonts.get(qn("w:ascii")):
            found["font"] = fonts.get(qn("w:ascii"))
        elif fonts is not None and fonts.get(qn("w:asciiTheme")):
            found["font"] = _theme_font(document, fonts.get(qn("w:asciiTheme")))
        size = rpr.find(qn("w:sz"))
        if size is not None:
            found["size_pt"] = int(size.get(qn("w:val"))) / 2
    spacing = root.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None:
        if spacing.get(qn("w:after")) is not None:
            found["space_after_pt"] = int(spacing.get(qn("w:after"))) / 20
        if spacing.get(qn("w:line")) and spacing.get(qn("w:lineRule"), "auto") == "auto":
            found["line"] = int(spacing.get(qn("w:line"))) / 240
    return found


def _theme_font(document: Any, which: str) -> str | None:
    """The typeface of a theme font ("minorHAnsi": the theme's body font, "major...": headings)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from lxml import etree

    try:
        theme = document.part.part_related_by(RELATIONSHIP_TYPE.THEME)
        root = etree.fromstring(theme.blob, parser=etree.XMLParser(resolve_entities=False))
    except (KeyError, ValueError, etree.XMLSyntaxError):
        return None
    kind = "a:majorFont" if which.startswith("major") else "a:minorFont"
    name = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    latin = root.find(f".//{name}{kind[2:]}/{name}latin")
    typeface = latin.get("typeface") if latin is not None else None
    return str(typeface) if typeface else None


WORD_CELL_MARGINS = (0.0, 5.4, 0.0, 5.4)
"""Word's cell margins (points: top right bottom left) when a table style gives none."""


def _table_look(document: Any) -> tuple[str | None, str | None, Any, bool]:
    """The Table Grid style's inside border (CSS), header-row fill, cell margins, header bold."""
    try:
        style = document.styles["Table Grid"].element
    except KeyError:
        return None, None, WORD_CELL_MARGINS, False
    border = None
    borders = style.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
    edge = borders.find(qn("w:insideH")) if borders is not None else None
    if edge is not None and edge.get(qn("w:val")) not in (None, "nil", "none"):
        width = int(edge.get(qn("w:sz"), "4")) / 8
        colour = _colour(edge.get(qn("w:color"))) or "#000"
        border = f"{width:g}pt solid {colour}"
    fill, bold = None, False
    for conditional in style.findall(qn("w:tblStylePr")):
        if conditional.get(qn("w:type")) == "firstRow":
            shading = conditional.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
            if shading is not None:
                fill = _colour(shading.get(qn("w:fill")))
            flag = conditional.find(f"{qn('w:rPr')}/{qn('w:b')}")
            bold = flag is not None and flag.get(qn("w:val"), "true") not in ("0", "false", "off")
    padding = WORD_CELL_MARGINS
    margins = style.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
    if margins is not None:
        sides = []
        for side in ("top", "right", "bottom", "left"):
            edge = margins.find(qn(f"w:{side}"))
            if edge is None and side in ("right", "left"):
                edge = margins.find(qn("w:end" if side == "right" else "w:start"))
            twips = edge.get(qn("w:w")) if edge is not None else None
            sides.append(int(twips) / 20 if twips and twips.isdigit() else 0.0)
        padding = (sides[0], sides[1], sides[2], sides[3])
    return border, fill, padding, bold


@cache
def read_word_look(path: Path, mtime_ns: int = 0) -> WordLook:
    """Read a Word template's look (``mtime_ns`` only keys the cache).

    Raises TemplateError, located at the file, when it would unpack past the limits.
    """
    check_word_file(path, display_path(path))
    document = docx.Document(str(path))
    section = document.sections[0]
    defaults = _defaults(document)
    styles = {}
    for name in LOOK_STYLES:
        try:
            styles[name] = _text_look(document, document.styles[name], defaults)
        except KeyError:
            continue
    link = indent = None
    with contextlib.suppress(KeyError):
        link = _colour(_rgb(document.styles["Hyperlink"]))
    with contextlib.suppress(KeyError):
        indent = _pt(document.styles["Numbered Paragraph"].paragraph_format.left_indent)
    border, fill, padding, header_bold = _table_look(document)
    return WordLook(
        page_mm=(_mm(section.page_width), _mm(section.page_height)),
        margins_mm=(
            _mm(section.top_margin),
            _mm(section.right_margin),
            _mm(section.bottom_margin),
            _mm(section.left_margin),
        ),
        styles=styles,
        link_colour=link,
        number_indent_pt=indent,
        table_border=border,
        table_header_fill=fill,
        table_cell_padding_pt=padding,
        table_header_bold=header_bold,
        text_width_pt=Emu(section.page_width - section.left_margin - section.right_margin).pt
        if section.page_width is not None
        and section.left_margin is not None
        and section.right_margin is not None
        else None,
    )


def word_look(path: Path) -> WordLook:
    """The look of the Word file at ``path`` (re-read when the file changes)."""
    return read_word_look(path, path.stat().st_mtime_ns)


SAFE_FONT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}")
"""Font names put into CSS: a Word file is untrusted, so nothing that could end a rule."""


@cache
def _match(font: str) -> tuple[str, str] | None:
    """fontconfig's choice for ``font``: (family, file), or None without fontconfig."""
    fc_match = shutil.which("fc-match")
    if not fc_match:
        return None
    try:
        out = subprocess.run(
            [fc_match, "-f", "%{family}\\n%{file}", font],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    family, _, file = out.partition("\n")
    return family.split(",")[0].strip(), file.strip()


def font_is_installed(font: str) -> bool:
    """True when fontconfig draws ``font`` itself or a metric-compatible stand-in."""
    found = _match(font)
    if found is None:
        return True  # no fontconfig to ask: say nothing rather than guess
    family = found[0].lower()
    return family == font.lower() or METRIC_COMPATIBLE.get(font.lower()) == family


@cache
def font_line_factor(font: str) -> float:
    """Word's single line height for ``font`` in ems (winAscent + winDescent over the em)."""
    found = _match(font)
    if found is None or not found[1]:
        return 1.15
    try:
        from fontTools.ttLib import TTFont

        with TTFont(found[1], lazy=True, fontNumber=0) as face:
            os2 = face["OS/2"]
            return float((os2.usWinAscent + os2.usWinDescent) / face["head"].unitsPerEm)
    except Exception:  # a font fontTools cannot read: Word's usual figure
        return 1.15


def font_problems(look: WordLook) -> list[tuple[str, str]]:
    """(style name, message) for each font of the Word file the PDF cannot honour."""
    problems = []
    for name, text in look.styles.items():
        if not text.font:
            continue
        if not SAFE_FONT_NAME.fullmatch(text.font):
            problems.append((name, f"font name {text.font!r} cannot be used in the PDF"))
        elif not font_is_installed(text.font):
            found = _match(text.font)
            instead = f" (it would use {found[0]!r} instead)" if found else ""
            problems.append(
                (
                    name,
                    f"font {text.font!r} is not installed on this machine, so the PDF cannot "
                    f"use it{instead}; install it or choose an installed font in Word",
                )
            )
    return problems


def table_text_measure(path: Path) -> tuple[TextMeasure, float]:
    """How wide text is in the Word file's Table Text size, and a cell's left+right margin."""
    look = word_look(path)
    size = look.styles.get("Table Text", TextLook()).size_pt or 10.5
    padding = look.table_cell_padding_pt or (0.0, 5.4, 0.0, 5.4)
    return TextMeasure(size), padding[1] + padding[3]


def table_layout(path: Path) -> TableLayout | None:
    """How the Word file at ``path`` sizes table columns (``column_widths.table_widths``);
    None when its first section gives no text width."""
    look = word_look(path)
    if not look.text_width_pt:
        return None
    measure, padding = table_text_measure(path)
    return TableLayout(measure, padding, look.text_width_pt)
