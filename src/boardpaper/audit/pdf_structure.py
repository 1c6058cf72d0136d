"""A built PDF's logical structure for the audits: pikepdf objects in, a plain tree out.

``read_structure`` walks the structure tree into ``Element`` nodes; ``scan_pages``
reads each page's marked content (pdfplumber) so an element's text can be compared
with what is drawn.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# --------------------------------------------------------------------------- PDF


@dataclass
class Element:
    """One structure element, with its role resolved through the RoleMap."""

    role: str
    raw: Any
    page: int | None
    kids: list[Element] = field(default_factory=list)
    content: list[tuple[int, int]] = field(default_factory=list)  # its own (page, mcid)
    order: list[Element | tuple[int, int]] = field(default_factory=list)  # both, as in /K

    def walk(self) -> Iterator[Element]:
        yield self
        for kid in self.kids:
            yield from kid.walk()

    def marked(self) -> Iterator[tuple[int, int]]:
        """Every (page, MCID) of the element and its descendants, in reading order."""
        for item in self.order:
            if isinstance(item, Element):
                yield from item.marked()
            else:
                yield item

    def add(self, item: Element | tuple[int, int]) -> None:
        if isinstance(item, Element):
            self.kids.append(item)
        else:
            self.content.append(item)
        self.order.append(item)


def read_structure(tree: Any, role_map: Any, pages: dict[tuple[int, int], int]) -> Element:
    """The structure tree as ``Element`` objects; standard roles through the RoleMap."""
    import pikepdf

    seen: set[tuple[int, int]] = set()

    def resolve(role: str) -> str:
        hops = 0
        while isinstance(role_map, pikepdf.Dictionary) and role in role_map and hops < 10:
            role = str(role_map[role])
            hops += 1
        return role

    def build(node: Any, page: int | None) -> Element:
        if "/Pg" in node and node.Pg.objgen in pages:
            page = pages[node.Pg.objgen]
        element = Element(resolve(str(node.get("/S", "/StructTreeRoot"))), node, page)
        kids = node.get("/K")
        items = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
        for kid in items:
            if isinstance(kid, int) or (isinstance(kid, pikepdf.Object) and _is_int(kid)):
                if page is not None:
                    element.add((page, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary):
                kind = kid.get("/Type")
                if kind == "/MCR":
                    kid_page = pages.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                    if kid_page is not None:
                        element.add((kid_page, int(kid.MCID)))
                elif kind == "/OBJR":
                    continue
                else:
                    if kid.is_indirect:
                        if kid.objgen in seen:
                            continue
                        seen.add(kid.objgen)
                    element.add(build(kid, page))
        return element

    return build(tree, None)


def _is_int(value: Any) -> bool:
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True


@dataclass
class _Marked:
    """The text of one marked-content sequence and where its first and last lines sit."""

    text: str
    first_top: float
    last_top: float


Texts = dict[tuple[int, int], _Marked]


def scan_pages(data: bytes) -> tuple[Texts, list[str]]:
    """One pdfplumber pass over the pages.

    Returns the text of every marked-content sequence, {(page index, MCID): text},
    and a message for every coloured box with no text in it (a RAG cell that
    shows its status by colour alone).
    """
    import pdfplumber

    texts: Texts = {}
    colour_only: list[str] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index, page in enumerate(pdf.pages):
            chars = page.chars
            for char in chars:
                mcid = char.get("mcid")
                if mcid is None:
                    continue
                key = (index, int(mcid))
                marked = texts.setdefault(key, _Marked("", char["top"], char["top"]))
                if abs(char["top"] - marked.last_top) > 2:
                    marked.text += " "  # a new line: the space at the break is not drawn
                marked.text += char["text"]
                marked.last_top = char["top"]
            for rect in page.rects:
                if not rect.get("fill") or rect["width"] < 6 or rect["height"] < 6:
                    continue
                if rect.get("tag") == "Figure":
                    # Drawn inside a figure (a chart): its alt text, which the figures
                    # rule requires, says what the colours mean.
                    continue
                if _is_plain(rect.get("non_stroking_color")):
                    continue
                if not any(
                    rect["x0"] <= (c["x0"] + c["x1"]) / 2 <= rect["x1"]
                    and rect["top"] <= (c["top"] + c["bottom"]) / 2 <= rect["bottom"]
                    and c["text"].strip()
                    for c in chars
                ):
                    colour_only.append(
                        f"page {index + 1} has a coloured box with no text in it at"
                        f" ({rect['x0']:.0f}, {rect['top']:.0f}) pt; status must not be shown"
                        " by colour alone"
                    )
    return texts, colour_only


def element_text(element: Element, texts: Texts) -> str:
    """The words of an element, a space where a line (or page) breaks between them."""
    pieces: list[str] = []
    previous: tuple[int, float] | None = None
    for key in element.marked():
        marked = texts.get(key)
        if marked is None:
            continue
        if previous is not None and (
            previous[0] != key[0] or abs(previous[1] - marked.first_top) > 2
        ):
            pieces.append(" ")
        pieces.append(marked.text)
        previous = (key[0], marked.last_top)
    return " ".join("".join(pieces).split())


def structure_attributes(raw: Any) -> list[Any]:
    import pikepdf

    attributes = raw.get("/A")
    if isinstance(attributes, pikepdf.Array):
        return [a for a in attributes if isinstance(a, pikepdf.Dictionary)]
    return [attributes] if isinstance(attributes, pikepdf.Dictionary) else []


def _is_plain(colour: Any) -> bool:
    """White, black or grey: a fill that carries no colour meaning."""
    if colour is None:
        return True
    given = list(colour) if isinstance(colour, (list, tuple)) else [colour]
    values = [float(v) for v in given if isinstance(v, (int, float))]
    if len(values) == 1:
        return True
    if len(values) == 3:
        return max(values) - min(values) < 0.05
    if len(values) == 4:  # CMYK
        return max(values[:3]) - min(values[:3]) < 0.05
    return True
