"""A Word template's header and footer in, what they show (text, fields, pictures, places) out.

Democratic services set the running header ("Children and Young People's
Overview and Scrutiny Board"), the footer ("Page 2 of 5") and the council's
logo in Word. ``read_running`` reads the first section's header and footer as
the Word output shows them: each paragraph's text (Jinja tags included, filled
later with the same data as the Word file), its PAGE and NUMPAGES fields, its
pictures with their alt text, where it sits (left, centre or right: the
paragraph's alignment, then one place per tab stop; or a table's cells, left
to right), its font, size and colour (the paragraph style, then the first
run's own formatting), and Word's "different first page".

``boardpaper.render.running_pdf`` fills the text and draws it in the PDF.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn

from boardpaper.errors import display_path
from boardpaper.render.word_file import check_word_file
from boardpaper.render.word_look import TextLook, run_text_look, style_text_look

PICTURE_TYPES = ("image/png", "image/jpeg", "image/gif")
"""Pictures the PDF draws; a Word SVG logo also carries one of these as its fallback."""

PLACES = ("left", "center", "right")
REGIONS = ("top", "bottom")
_EMU_PER_MM = 36000


@dataclass(frozen=True)
class Picture:
    """A picture in the header or footer: its bytes, size in Word, and alt text."""

    data: bytes
    content_type: str
    width_mm: float
    height_mm: float
    alt: str  # "" when marked decorative


@dataclass(frozen=True)
class PageField:
    """A PAGE ("page") or NUMPAGES ("pages") field."""

    name: str


@dataclass(frozen=True)
class Spacer:
    """An empty place on a line another box fills with a picture: keeps the lines level."""

    height_mm: float


Piece = str | PageField | Picture | Spacer


@dataclass(frozen=True)
class Box:
    """What one margin box holds (text may hold Jinja tags) and how its text looks."""

    region: str  # top, bottom
    place: str  # left, center, right
    pieces: tuple[Piece, ...]
    look: TextLook = field(default_factory=TextLook)

    @property
    def has_picture(self) -> bool:
        return any(isinstance(piece, Picture) for piece in self.pieces)


@dataclass(frozen=True)
class Running:
    """The running header and footer of a Word template's first section."""

    header_mm: float  # Word's "header from top"
    footer_mm: float  # Word's "footer from bottom"
    other: tuple[Box, ...]  # every page (every page but the first when first differs)
    first: tuple[Box, ...] | None = None  # the first page, when Word says it differs
    header_height_mm: float = 0.0  # how tall Word draws the header (unwrapped lines)
    footer_height_mm: float = 0.0


def _mm(twips_or_emu: Any, per_mm: float) -> float:
    return round(int(twips_or_emu) / per_mm, 1)


def _alignment(paragraph: Any, style: Any) -> str:
    found = paragraph.find(f"{qn('w:pPr')}/{qn('w:jc')}")
    while found is None and style is not None:
        ppr = style.element.pPr
        found = ppr.find(qn("w:jc")) if ppr is not None else None
        style = style.base_style
    value = found.get(qn("w:val")) if found is not None else "left"
    return {"center": "center", "right": "right", "end": "right"}.get(value, "left")


def _tab_places(paragraph: Any, style: Any) -> list[str]:
    """The places (center, right, left) of the paragraph's tab stops, left to right."""
    stops: dict[int, str] = {}
    chain = []
    while style is not None and style not in chain:
        chain.append(style)
        style = style.base_style
    sources = [s.element.pPr for s in reversed(chain)] + [paragraph.find(qn("w:pPr"))]
    for ppr in sources:
        tabs = ppr.find(qn("w:tabs")) if ppr is not None else None
        for tab in tabs if tabs is not None else ():
            position = int(tab.get(qn("w:pos"), "0"))
            kind = tab.get(qn("w:val"), "left")
            if kind == "clear":
                stops.pop(position, None)
            else:
                stops[position] = {"center": "center", "right": "right", "end": "right"}.get(
                    kind, "left"
                )
    return [stops[position] for position in sorted(stops)]


def _picture(drawing: Any, part: Any) -> Picture | None:
    properties = next(drawing.iter(qn("wp:docPr")), None)
    blip = next(drawing.iter(qn("a:blip")), None)
    extent = next(drawing.iter(qn("wp:extent")), None)
    if properties is None or blip is None or extent is None:
        return None
    image = part.related_parts.get(blip.get(qn("r:embed")))
    if image is None or image.content_type not in PICTURE_TYPES:
        return None
    decorative = any(child.tag.endswith("}decorative") for child in properties.iter())
    return Picture(
        data=image.blob,
        content_type=image.content_type,
        width_mm=_mm(extent.get("cx", "0"), _EMU_PER_MM),
        height_mm=_mm(extent.get("cy", "0"), _EMU_PER_MM),
        alt="" if decorative else (properties.get("descr") or "").strip(),
    )


def _field(instruction: str) -> PageField | None:
    word = instruction.split()[0].upper() if instruction.split() else ""
    if word == "PAGE":
        return PageField("page")
    if word in ("NUMPAGES", "SECTIONPAGES"):
        return PageField("pages")
    return None  # another field: its result, as Word last showed it, stays as text


def _runs(element: Any) -> Iterator[Any]:
    """The runs and simple fields of a paragraph, in order (inside links and content controls)."""
    for child in element:
        if child.tag in (qn("w:r"), qn("w:fldSimple")):
            yield child
        elif child.tag in (qn("w:hyperlink"), qn("w:smartTag"), qn("w:sdt"), qn("w:sdtContent")):
            yield from _runs(child)


def _segments(paragraph: Any, part: Any) -> list[list[Piece]]:
    """The paragraph's pieces, split at each tab."""
    segments: list[list[Piece]] = [[]]
    instruction: str | None = None  # inside a complex field's instruction
    result_hidden = False  # inside the shown result of a PAGE/NUMPAGES field
    for run in _runs(paragraph):
        if run.tag == qn("w:fldSimple"):
            simple = _field(run.get(qn("w:instr"), ""))
            if simple:
                segments[-1].append(simple)
            else:
                segments[-1].append("".join(t.text or "" for t in run.iter(qn("w:t"))))
            continue
        for item in run:
            if item.tag == qn("w:fldChar"):
                kind = item.get(qn("w:fldCharType"))
                if kind == "begin":
                    instruction = ""
                elif kind == "separate" and instruction is not None:
                    complex_field = _field(instruction)
                    if complex_field:
                        segments[-1].append(complex_field)
                        result_hidden = True
                    instruction = None
                elif kind == "end":
                    instruction, result_hidden = None, False
            elif item.tag == qn("w:instrText") and instruction is not None:
                instruction += item.text or ""
            elif instruction is not None or result_hidden:
                continue
            elif item.tag == qn("w:t"):
                segments[-1].append(item.text or "")
            elif item.tag == qn("w:tab"):
                segments.append([])
            elif item.tag in (qn("w:br"), qn("w:cr")):
                segments[-1].append("\n")
            elif item.tag == qn("w:drawing"):
                picture = _picture(item, part)
                if picture:
                    segments[-1].append(picture)
    return segments


def _paragraph_look(document: Any, paragraph: Any) -> tuple[Any, TextLook]:
    style_id = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    style = None
    if style_id is not None:
        style = next((s for s in document.styles if s.style_id == style_id.get(qn("w:val"))), None)
    if style is None:
        style = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    look = style_text_look(document, style) if style is not None else TextLook()
    first_run = next(
        (r for r in _runs(paragraph) if r.tag == qn("w:r") and (r.findtext(qn("w:t")) or "")),
        None,
    )
    if first_run is not None:
        look = run_text_look(first_run, look)
    return style, look


def _docxtpl_tags(text: str) -> str:
    """docxtpl's paragraph, run and cell tags (``{%p if x %}``) as plain Jinja."""
    return re.sub(r"(\{%|\{\{)(?:p|r|tr|tc) ", r"\1 ", text)


_WHOLE_PARAGRAPH_TAG = re.compile(r"\s*\{%(?:p|tr|tc) .*%\}\s*")


def _paragraph_boxes(
    document: Any, part: Any, paragraph: Any, region: str, place: str | None
) -> list[Box]:
    style, look = _paragraph_look(document, paragraph)
    segments = _segments(paragraph, part)
    if place is not None:  # a table cell: one place, tabs are spaces
        merged: list[Piece] = []
        for number, segment in enumerate(segments):
            merged += ([" "] if number else []) + segment
        return [Box(region, place, tuple(merged), look)]
    places = [_alignment(paragraph, style), *_tab_places(paragraph, style)]
    boxes: list[Box] = []
    for number, segment in enumerate(segments):
        where = places[number] if number < len(places) else places[-1]
        if boxes and boxes[-1].place == where:
            boxes[-1] = replace(boxes[-1], pieces=(*boxes[-1].pieces, " ", *segment))
        else:
            boxes.append(Box(region, where, tuple(segment), look))
    return boxes


def _line_mm(boxes: list[Box]) -> float:
    """How tall Word draws a header line: its tallest picture or text (single spacing)."""
    tallest = 0.0
    for box in boxes:
        size = box.look.size_pt or 10.0
        after = box.look.space_after_pt or 0.0
        text = (size * 1.15 * (box.look.line or 1.0) + after) * 25.4 / 72
        pictures = [p.height_mm + after * 25.4 / 72 for p in box.pieces if isinstance(p, Picture)]
        tallest = max(tallest, text, *pictures)
    return tallest


def _rows(document: Any, header_footer: Any, region: str) -> list[list[Box] | str]:
    """One entry per line of the header or footer: its boxes, or a docxtpl paragraph tag."""
    part = header_footer.part
    rows: list[list[Box] | str] = []
    for child in header_footer._element:
        lines: list[list[tuple[Any, str | None]]]
        if child.tag == qn("w:p"):
            lines = [[(child, None)]]
        elif child.tag == qn("w:tbl"):  # a table's first row, cell by cell, left to right
            row = child.find(qn("w:tr"))
            cells = row.findall(qn("w:tc")) if row is not None else []
            places = {1: ["left"], 2: ["left", "right"]}.get(len(cells), list(PLACES))
            depth = max((len(cell.findall(qn("w:p"))) for cell in cells), default=0)
            lines = [
                [
                    (cell.findall(qn("w:p"))[line], places[min(number, len(places) - 1)])
                    for number, cell in enumerate(cells)
                    if line < len(cell.findall(qn("w:p")))
                ]
                for line in range(depth)
            ]
        else:
            continue
        for line in lines:
            text = "".join(t.text or "" for paragraph, _ in line for t in paragraph.iter(qn("w:t")))
            if len(line) == 1 and _WHOLE_PARAGRAPH_TAG.fullmatch(text):
                rows.append(_docxtpl_tags(text.strip()))  # docxtpl removes the paragraph
                continue
            rows.append(
                [
                    box
                    for paragraph, place in line
                    for box in _paragraph_boxes(document, part, paragraph, region, place)
                ]
            )
    return rows


def _part_boxes(document: Any, header_footer: Any, region: str) -> tuple[tuple[Box, ...], float]:
    """The boxes of one header or footer, lines aligned across boxes; and its height in mm."""
    if header_footer is None or header_footer.is_linked_to_previous:
        return (), 0.0
    rows = _rows(document, header_footer, region)
    lines = [row for row in rows if not isinstance(row, str)]
    height = sum(_line_mm(row) for row in lines)
    used = [place for place in PLACES if any(box.place == place for row in lines for box in row)]
    last = max((number for number, row in enumerate(rows) if not isinstance(row, str)), default=0)
    boxes = []
    for place in used:
        pieces: list[Piece] = []
        look: TextLook | None = None
        for number, row in enumerate(rows):
            if isinstance(row, str):
                pieces.append(row)
                continue
            here = [box for box in row if box.place == place]
            for box in here:
                if look is None and any(isinstance(p, str) and p.strip() for p in box.pieces):
                    look = box.look  # the box's font: its first line of text
                pieces.extend(_docxtpl_tags(p) if isinstance(p, str) else p for p in box.pieces)
            if not here and any(box.has_picture for box in row):
                pieces.append(Spacer(_line_mm(row)))
            if number != last:  # the line's end, inside a {%p if %} that holds the line
                pieces.append("\n")
        if any(not isinstance(p, str) or p.strip() for p in pieces):
            first_look = next(box.look for row in lines for box in row if box.place == place)
            boxes.append(Box(region, place, tuple(pieces), look or first_look))
    return tuple(boxes), height


@cache
def _read_running(path: Path, mtime_ns: int) -> Running:
    check_word_file(path, display_path(path))
    document = docx.Document(str(path))
    section = document.sections[0]
    margins = section._sectPr.find(qn("w:pgMar"))
    header_mm = _mm(margins.get(qn("w:header"), "720") if margins is not None else 720, 56.7)
    footer_mm = _mm(margins.get(qn("w:footer"), "720") if margins is not None else 720, 56.7)
    header, header_height = _part_boxes(document, section.header, "top")
    footer, footer_height = _part_boxes(document, section.footer, "bottom")
    heights = [header_height, footer_height]
    first = None
    if section.different_first_page_header_footer:
        first_header, first_header_height = _part_boxes(document, section.first_page_header, "top")
        first_footer, first_footer_height = _part_boxes(
            document, section.first_page_footer, "bottom"
        )
        first = first_header + first_footer
        heights = [max(header_height, first_header_height), max(footer_height, first_footer_height)]
    return Running(header_mm, footer_mm, header + footer, first, *heights)


def read_running(path: Path) -> Running:
    """The running header and footer of the Word file at ``path`` (re-read when it changes)."""
    return _read_running(path, path.stat().st_mtime_ns)


def unsupported_pictures(path: Path) -> list[tuple[str, str, str]]:
    """(part, picture name, type) of each header or footer picture the PDF cannot draw."""
    check_word_file(path, display_path(path))
    document = docx.Document(str(path))
    found = []
    seen: set[str] = set()
    for section in document.sections[:1]:
        for header_footer in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
        ):
            if header_footer.is_linked_to_previous:
                continue
            part = header_footer.part
            name = str(part.partname).lstrip("/")
            if name in seen:
                continue
            seen.add(name)
            for drawing in header_footer._element.iter(qn("w:drawing")):
                properties = next(drawing.iter(qn("wp:docPr")), None)
                blip = next(drawing.iter(qn("a:blip")), None)
                image = (
                    part.related_parts.get(blip.get(qn("r:embed"))) if blip is not None else None
                )
                if image is not None and image.content_type not in PICTURE_TYPES:
                    title = properties.get("name", "") if properties is not None else ""
                    found.append((name, title, image.content_type))
    return found
