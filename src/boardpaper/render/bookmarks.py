"""Bookmarks of a joined PDF: a part's outline read, the pack's outline written.

``read_outline`` turns a part's outline into ``Bookmark``s at the pages where the part
sits in the pack; ``write_outline`` writes bookmarks (every level open) with a
``PdfWriter``, each pointing at a page by its object number.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem

from boardpaper.render.pdf_writer import PdfWriter, literal, pdf_real


@dataclass
class Bookmark:
    """A bookmark: its title, its page (index in the pack), where on it (None: the whole
    page) and the bookmarks beneath it."""

    title: str
    page: int
    top: float | None
    children: list[Bookmark] = field(default_factory=list)


def place(dest: Any, pages: dict[Any, int], first_page: int) -> tuple[int, float | None]:
    """Where an explicit destination ``[page /XYZ left top zoom]`` lands in the pack."""
    if isinstance(dest, Dictionary):
        dest = dest.get("/D")
    if not isinstance(dest, Array) or len(dest) < 1:
        return first_page, None
    page = first_page + pages.get(dest[0].objgen, 0)
    top = None
    if len(dest) >= 4 and dest[1] == Name.XYZ and dest[3] is not None:
        top = float(dest[3])
    return page, top


def read_outline(source: pikepdf.Pdf, pages: dict[Any, int], first_page: int) -> list[Bookmark]:
    """A part's own outline, its destinations moved to where its pages sit in the pack."""

    def convert(items: list[OutlineItem]) -> list[Bookmark]:
        found = []
        for item in items:
            page, top = place(item.destination, pages, first_page)
            mark = Bookmark(item.title, page, top)
            mark.children = convert(item.children)
            found.append(mark)
        return found

    with source.open_outline() as outline:
        return convert(list(outline.root))


def write_outline(writer: PdfWriter, marks: list[Bookmark], pages: array[int]) -> int | None:
    """Write the bookmarks (every level open); returns the number of the /Outlines
    dictionary, or None when there are none."""
    if not marks:
        return None
    root = writer.reserve()
    numbers: dict[int, int] = {}  # id(bookmark) -> its object number

    def number(items: list[Bookmark]) -> None:
        for mark in items:
            numbers[id(mark)] = writer.reserve()
            number(mark.children)

    def visible(items: list[Bookmark]) -> int:
        return sum(1 + visible(mark.children) for mark in items)

    def write(items: list[Bookmark], parent: int) -> None:
        for position, mark in enumerate(items):
            page = pages[mark.page]
            if mark.top is None:
                dest = b"[%d 0 R /Fit]" % page
            else:
                dest = b"[%d 0 R /XYZ 0 %s 0]" % (page, pdf_real(Decimal(repr(mark.top))))
            entries = [
                b"/Title " + literal(mark.title),
                b"/Parent %d 0 R" % parent,
                b"/Dest " + dest,
            ]
            if position > 0:
                entries.append(b"/Prev %d 0 R" % numbers[id(items[position - 1])])
            if position + 1 < len(items):
                entries.append(b"/Next %d 0 R" % numbers[id(items[position + 1])])
            if mark.children:
                entries.append(
                    b"/First %d 0 R /Last %d 0 R /Count %d"
                    % (
                        numbers[id(mark.children[0])],
                        numbers[id(mark.children[-1])],
                        visible(mark.children),
                    )
                )
            writer.write(numbers[id(mark)], b"<< " + b" ".join(entries) + b" >>")
            write(mark.children, numbers[id(mark)])

    number(marks)
    write(marks, root)
    writer.write(
        root,
        b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>"
        % (numbers[id(marks[0])], numbers[id(marks[-1])], visible(marks)),
    )
    return root
