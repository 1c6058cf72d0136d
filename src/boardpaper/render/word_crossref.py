"""Cross-references in Word: a numbered paragraph's id in, a bookmark and REF fields out.

An author writes ``[](#consultation)``; the model prints the paragraph's number
("4.2"). In the .docx the numbered paragraph carries a bookmark around its text
and each reference is a REF field to it (``REF _Ref_... \\w \\h``: the number
in full context, as a link), showing the computed number as its result. When an
officer inserts a paragraph during clearance and updates fields (F9 in Word,
Tools > Update in LibreOffice), every reference shows the paragraph's new
number, as Word's own Insert > Cross-reference does.
"""

from __future__ import annotations

import hashlib
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from boardpaper.render.bidi import isolate


def bookmark_name(paragraph_id: str) -> str:
    """The bookmark of the paragraph ``paragraph_id``: ``_Ref_`` and 16 hex digits.

    Word's own cross-reference bookmarks start ``_Ref`` (hidden from the bookmark
    list); a name holds letters, digits and underscores, 40 at most, so the author's
    id (which may hold ``-``) is hashed rather than copied.
    """
    return "_Ref_" + hashlib.sha256(paragraph_id.encode()).hexdigest()[:16]


class CrossReferences:
    """Adds bookmarks and REF fields to one document, numbering the bookmarks in order.

    A paragraph in Word's list numbering is bookmarked whole and referred to by its
    number (``\\w``); one whose number is typed (a level Word's list cannot show,
    such as 2.1.1) has only its typed number bookmarked, and is referred to by that
    text. References may come before their paragraph, so ``finish`` writes each
    field's instruction once every paragraph is known.
    """

    def __init__(self) -> None:
        self._next_id = 1
        self._typed: set[str] = set()
        self._fields: list[tuple[Any, str]] = []

    def bookmark(self, paragraph: Any, paragraph_id: str, typed_number: Any = None) -> None:
        """Bookmark ``paragraph`` (or only its ``typed_number`` run) as ``paragraph_id``."""
        number = str(self._next_id)
        self._next_id += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), number)
        start.set(qn("w:name"), bookmark_name(paragraph_id))
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), number)
        if typed_number is not None:
            self._typed.add(paragraph_id)
            typed_number._r.addprevious(start)
            typed_number._r.addnext(end)
            return
        p = paragraph._p
        p.insert(1 if p.find(qn("w:pPr")) is not None else 0, start)
        p.append(end)

    def field(
        self, paragraph: Any, paragraph_id: str, shown: str, bold: bool, italic: bool
    ) -> None:
        """A REF field to the paragraph ``paragraph_id``, showing ``shown`` (its number)."""

        def run(child: Any) -> None:
            r = OxmlElement("w:r")
            if bold or italic:
                rpr = OxmlElement("w:rPr")
                for flag, tag in ((bold, "w:b"), (italic, "w:i")):
                    if flag:
                        rpr.append(OxmlElement(tag))
                r.append(rpr)
            r.append(child)
            paragraph._p.append(r)

        def char(kind: str) -> Any:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            return element

        instruction = OxmlElement("w:instrText")
        instruction.set(qn("xml:space"), "preserve")
        self._fields.append((instruction, paragraph_id))
        text = OxmlElement("w:t")
        text.set(qn("xml:space"), "preserve")
        text.text = isolate(shown)
        for child in (char("begin"), instruction, char("separate"), text, char("end")):
            run(child)

    def finish(self) -> None:
        """Write each field's instruction: the list number, or the typed number's text."""
        for instruction, paragraph_id in self._fields:
            switches = "\\h" if paragraph_id in self._typed else "\\w \\h"
            instruction.text = f" REF {bookmark_name(paragraph_id)} {switches} "
