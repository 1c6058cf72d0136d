"""A Word template's running header and footer in, the PDF's margin boxes and logo out.

``running_for`` fills the Jinja tags of the header and footer read by
``word_running`` with the same data as the Word file; ``running_css`` writes
them as ``@page`` margin boxes for WeasyPrint (in the header's font, size,
colour and place, "header from top" as padding), and ``first_page_html``
writes the first page's pictures as real, tagged images with their alt text,
placed where Word puts the header: margin boxes are pagination artifacts, so a
logo there would have no alt text (on later pages the repeated logo is such an
artifact, as it should be).
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import FunctionLoader, StrictUndefined

from boardpaper.errors import display_path
from boardpaper.render.bidi import isolate_value
from boardpaper.render.template_data import (
    TEMPLATE_ERRORS,
    PlainDataSandbox,
    located_template_error,
)
from boardpaper.render.word_css import declarations
from boardpaper.render.word_running import (
    PLACES,
    REGIONS,
    Box,
    PageField,
    Picture,
    Piece,
    Running,
    Spacer,
)


@cache
def _environment() -> PlainDataSandbox:
    # No autoescaping: the text goes into CSS strings and HTML, each escaped below.
    return PlainDataSandbox(
        undefined=StrictUndefined,
        autoescape=False,
        loader=FunctionLoader(lambda name: None),
        finalize=isolate_value,
    )


_MARK = re.compile("\x00([0-9]+)\x00")
"""Stands for a field or picture while Jinja fills the text (Word XML holds no NUL)."""


def fill(boxes: tuple[Box, ...], context: dict[str, Any], word_file: Path) -> tuple[Box, ...]:
    """The boxes with their Jinja tags filled from ``context`` (the Word file's variables)."""
    filled = []
    for box in boxes:
        others = [piece for piece in box.pieces if not isinstance(piece, str)]
        source, number = [], 0
        for piece in box.pieces:
            if isinstance(piece, str):
                source.append(piece)
            else:
                source.append(f"\x00{number}\x00")
                number += 1
        try:
            text = _environment().from_string("".join(source)).render(context)
        except TEMPLATE_ERRORS as error:
            raise located_template_error(error, word_file, display_path(word_file)) from None
        pieces: list[Piece] = []
        for index, chunk in enumerate(_MARK.split(text)):
            if index % 2 == 0:
                if chunk:
                    pieces.append(chunk.replace("\x00", ""))
            elif int(chunk) < len(others):
                pieces.append(others[int(chunk)])
        filled.append(replace(box, pieces=tuple(pieces)))
    return tuple(filled)


def _css_string(text: str) -> str:
    """``text`` as a CSS string inside an HTML ``<style>``: quotes, backslashes, newlines and
    ``<``, ``>``, ``&`` escaped (``</style>`` in content must not end the stylesheet)."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)
    return '"' + re.sub(r'[\\"\n<>&]', lambda m: f"\\{ord(m.group()):x} ", text) + '"'


def picture_url(picture: Picture) -> str:
    """The picture at its size in Word, as an SVG ``data:`` URL (a margin box cannot size it)."""
    inner = f"data:{picture.content_type};base64,{base64.b64encode(picture.data).decode()}"
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' width="{picture.width_mm:g}mm" height="{picture.height_mm:g}mm"'
        f' viewBox="0 0 {picture.width_mm:g} {picture.height_mm:g}">'
        f'<image width="{picture.width_mm:g}" height="{picture.height_mm:g}"'
        f' preserveAspectRatio="none" xlink:href="{inner}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _spacer_url(spacer: Spacer) -> str:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="0.01mm"'
        f' height="{spacer.height_mm:.2f}mm"/>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _content(pieces: tuple[Piece, ...]) -> str:
    if pieces and isinstance(pieces[-1], str) and pieces[-1].endswith("\n"):
        pieces = (*pieces, "\u200b")  # a last empty line still takes its place (level lines)
    parts = []
    for piece in pieces:
        if isinstance(piece, str):
            parts.append(_css_string(piece))
        elif isinstance(piece, PageField):
            parts.append(f"counter({piece.name})")
        elif isinstance(piece, Spacer):
            parts.append(f'url("{_spacer_url(piece)}")')
        else:
            parts.append(f'url("{picture_url(piece)}")')
    return " ".join(parts) or "none"


def _margin_rules(boxes: tuple[Box, ...], running: Running, skip: set[str]) -> list[str]:
    rules = []
    by_name = {f"{box.region}-{box.place}": box for box in boxes}
    for region in REGIONS:
        for place in PLACES:
            name = f"{region}-{place}"
            box = by_name.get(name)
            if box is None or name in skip:
                rules.append(f"  @{name} {{ content: none !important; }}")
                continue
            edge = (
                f"vertical-align: top !important; padding-top: {running.header_mm:g}mm !important"
                if region == "top"
                else "vertical-align: bottom !important; "
                f"padding-bottom: {running.footer_mm:g}mm !important"
            )
            style = declarations(box.look, spacing=False)
            rules.append(
                f"  @{name} {{ content: {_content(box.pieces)} !important; "
                f"white-space: pre-wrap !important; text-align: {place} !important; {edge}"
                f"{'; ' + style if style else ''} }}"
            )
    return rules


def first_page_pictures(running: Running, boxes: tuple[Box, ...]) -> tuple[Box, ...]:
    """The first page's boxes drawn as tagged HTML: those with a picture and no page count."""
    return tuple(
        box
        for box in boxes
        if box.has_picture
        and not any(isinstance(p, PageField) and p.name == "pages" for p in box.pieces)
    )


def running_css(
    running: Running,
    other: tuple[Box, ...],
    first: tuple[Box, ...],
    margins_mm: tuple[float, float, float, float],
) -> str:
    """``@page`` rules for filled boxes: ``other`` on every page, ``first`` on the first.

    As in Word, a header or footer taller than its margin pushes the text away.
    """
    tagged = {f"{box.region}-{box.place}" for box in first_page_pictures(running, first)}
    rules = ["@page {", *_margin_rules(other, running, set())]
    top, _, bottom, _ = margins_mm
    needed_top = round(running.header_mm + running.header_height_mm, 1)
    needed_bottom = round(running.footer_mm + running.footer_height_mm, 1)
    if needed_top > top:
        rules.append(f"  margin-top: {needed_top:g}mm !important;")
    if needed_bottom > bottom:
        rules.append(f"  margin-bottom: {needed_bottom:g}mm !important;")
    rules.append("}")
    if running.first is not None or tagged:
        rules += ["@page :first {", *_margin_rules(first, running, tagged), "}"]
    return "\n".join(rules) + "\n"


def first_page_html(
    running: Running, first: tuple[Box, ...], margins_mm: tuple[float, float, float, float]
) -> str:
    """The first page's header and footer boxes that hold pictures, as positioned HTML."""
    top = max(margins_mm[0], round(running.header_mm + running.header_height_mm, 1))
    bottom = max(margins_mm[2], round(running.footer_mm + running.footer_height_mm, 1))
    out = []
    for box in first_page_pictures(running, first):
        if box.region == "top":
            where = f"top: {running.header_mm - top:g}mm"
        else:
            where = f"bottom: {running.footer_mm - bottom:g}mm"
        style = html.escape(declarations(box.look, spacing=False).replace(" !important", ""))
        inner = []
        for piece in box.pieces:
            if isinstance(piece, str):
                inner.append(html.escape(piece).replace("\n", "<br>&#8203;"))
            elif isinstance(piece, PageField):
                inner.append("1")
            elif isinstance(piece, Spacer):
                inner.append(
                    '<span style="display: inline-block; width: 0;'
                    f' height: {piece.height_mm:.2f}mm; vertical-align: bottom"></span>'
                )
            else:
                inner.append(
                    f'<img src="data:{piece.content_type};base64,'
                    f'{base64.b64encode(piece.data).decode()}" alt="{html.escape(piece.alt)}"'
                    f' style="width: {piece.width_mm:g}mm; height: {piece.height_mm:g}mm;'
                    ' vertical-align: bottom">'
                )
        out.append(
            f'<div class="word-{box.region} word-{box.region}-{box.place}" style="position:'
            f" absolute; {where}; left: 0; right: 0; margin: 0; text-align: {box.place};"
            f' white-space: pre-wrap; {style}">{"".join(inner)}</div>'
        )
    return "\n".join(out)


def running_for(
    running: Running,
    context: dict[str, Any],
    word_file: Path,
    keep_pictures: bool = True,
    page_numbers: bool = True,
) -> tuple[tuple[Box, ...], tuple[Box, ...]]:
    """The running header and footer filled from ``context``: (every page, first page).

    Without ``keep_pictures`` (a template whose manifest gives a ``logo``, which the
    HTML places) the Word file's pictures are left out, so the PDF never shows two logos.
    Without ``page_numbers`` (inside a pack, which prints its own) a place that shows
    the page number is left out whole ("Page 3 of 5" is one place).
    """
    other = fill(running.other, context, word_file)
    first = other if running.first is None else fill(running.first, context, word_file)
    if not keep_pictures:
        other, first = _without_pictures(other), _without_pictures(first)
    if not page_numbers:
        other, first = _without_page_numbers(other), _without_page_numbers(first)
    return other, first


def _without_page_numbers(boxes: tuple[Box, ...]) -> tuple[Box, ...]:
    return tuple(b for b in boxes if not any(isinstance(p, PageField) for p in b.pieces))


def _without_pictures(boxes: tuple[Box, ...]) -> tuple[Box, ...]:
    return tuple(
        replace(box, pieces=tuple(p for p in box.pieces if not isinstance(p, Picture)))
        for box in boxes
    )
