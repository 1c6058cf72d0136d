"""Word list numbering: the model's numbers in, numbering.xml levels and w:numPr out.

Section headings ("1."), numbered paragraphs ("1.1") and recommendations
("(i)", "1.", "(1)") become levels 0, 1 and 2 of one multi-level Word list,
so an officer who inserts, deletes or moves a paragraph in Word or
LibreOffice sees the numbers follow. Each part of a paper is its own list
instance (``w:num`` with ``w:startOverride``), restarting at 1, as the model
numbers it. The "Numbered Paragraph" style is linked to level 1 (``w:pStyle``
in the level, ``w:numPr`` in the style), so a paragraph given that style in
Word is numbered too.

The writer follows the counters Word will keep and only asks Word for a number
when Word will show exactly the model's; otherwise (never for today's
templates) the number is typed as text, so Word and the PDF never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.parts.numbering import NumberingPart

from boardpaper.content.model import lower_roman

SECTION, PARAGRAPH, RECOMMENDATION = 0, 1, 2

# Recommendation numbering of a template (template.yaml) -> (Word numFmt, level text).
RECOMMENDATION_FORMATS = {
    "roman": ("lowerRoman", "(%3)"),
    "decimal": ("decimal", "%3."),
    "bracketed": ("decimal", "(%3)"),
}


def _twips(length: Any) -> int:
    """A python-docx length (EMU) in twentieths of a point, as numbering.xml wants."""
    return round(int(length) / 635)


@dataclass
class _Counters:
    """The counters Word keeps for one list instance: one per level."""

    values: list[int] = field(default_factory=lambda: [0, 0, 0])

    def step(self, level: int) -> None:
        self.values[level] += 1
        for lower in range(level + 1, len(self.values)):
            self.values[lower] = 0


class PaperNumbering:
    """One multi-level list for a paper's body, written into a python-docx document.

    Call ``start_part()`` at each part, then ``heading()`` / ``paragraph()``
    for each numbered heading or paragraph; each returns True when the
    paragraph now carries Word numbering, False when the caller must type the
    number itself.
    """

    def __init__(self, doc: Any, recommendation_numbering: str) -> None:
        self.doc = doc
        self.numbering = _numbering_element(doc.part)
        self.recommendation_format = RECOMMENDATION_FORMATS.get(recommendation_numbering)
        self._abstract_id = self._add_abstract_num()
        self._base_num_id = self._add_num(restart=False)
        self._link_numbered_paragraph_style()
        self._num_id: int | None = None
        self._counters = _Counters()
        self._parts = 0

    def start_part(self) -> None:
        """A new part: its own list instance, restarting every level at 1."""
        self._num_id = self._base_num_id if self._parts == 0 else self._add_num(restart=True)
        self._counters = _Counters()
        self._parts += 1

    def heading(self, paragraph: Any, number: str) -> bool:
        """Number a section heading ("1.") when Word will count to ``number`` here."""
        return self._number(paragraph, SECTION, number, f"{self._next(SECTION)[0]}")

    def paragraph(self, paragraph: Any, number: str) -> bool:
        """Number a paragraph ("1.1", "(i)", "1.", "(1)") when Word will show ``number``."""
        section, count, _ = self._next(PARAGRAPH)
        if number == f"{section}.{count}":
            return self._number(paragraph, PARAGRAPH, number, number)
        if self.recommendation_format is None:
            return False
        count = self._next(RECOMMENDATION)[2]
        fmt, text = self.recommendation_format
        shown = text.replace("%3", lower_roman(count) if fmt == "lowerRoman" else str(count))
        return self._number(paragraph, RECOMMENDATION, number, shown)

    @staticmethod
    def switch_off(paragraph: Any) -> None:
        """Keep a numbered-style paragraph out of the list (``w:numId`` 0); its number is typed."""
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_numId().val = 0

    def _next(self, level: int) -> list[int]:
        counters = _Counters(list(self._counters.values))
        counters.step(level)
        return counters.values

    def _number(self, paragraph: Any, level: int, wanted: str, shown: str) -> bool:
        if self._num_id is None or wanted != shown:
            return False
        self._counters.step(level)
        ppr = paragraph._p.get_or_add_pPr()
        num_pr = ppr.get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = self._num_id
        return True

    def _add_abstract_num(self) -> int:
        ids = [
            int(a.get(qn("w:abstractNumId"))) for a in self.numbering.findall(qn("w:abstractNum"))
        ]
        abstract_id = max(ids, default=-1) + 1
        style = self.doc.styles["Numbered Paragraph"]
        fmt = style.paragraph_format
        indent = _twips(fmt.left_indent or 0)
        hanging = -_twips(fmt.first_line_indent or 0)
        rec_fmt, rec_text = self.recommendation_format or ("decimal", "%3.")
        levels = (
            ("decimal", "%1.", "space", None, 0, 0),
            ("decimal", "%1.%2", "tab", style.style_id, indent, hanging),
            (rec_fmt, rec_text, "tab", None, indent, hanging),
        )
        lvls = "".join(
            f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{num_fmt}"/>'
            + (f'<w:pStyle w:val="{style_id}"/>' if style_id else "")
            + f'<w:suff w:val="{suffix}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            + f'<w:pPr><w:ind w:left="{left}" w:hanging="{hang}"/></w:pPr></w:lvl>'
            for level, (num_fmt, text, suffix, style_id, left, hang) in enumerate(levels)
        )
        abstract = parse_xml(
            f'<w:abstractNum xmlns:w="{_W}" w:abstractNumId="{abstract_id}">'
            f'<w:nsid w:val="{0xB0A4D000 + abstract_id:08X}"/>'
            '<w:multiLevelType w:val="multilevel"/>'
            f'<w:name w:val="boardpaper paragraph numbering"/>{lvls}</w:abstractNum>'
        )
        first_num = self.numbering.find(qn("w:num"))
        if first_num is None:
            self.numbering.append(abstract)
        else:
            first_num.addprevious(abstract)  # every w:abstractNum before every w:num
        return abstract_id

    def _add_num(self, restart: bool) -> int:
        ids = [int(n.get(qn("w:numId"))) for n in self.numbering.findall(qn("w:num"))]
        num_id = max(ids, default=0) + 1
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), str(num_id))
        abstract = OxmlElement("w:abstractNumId")
        abstract.set(qn("w:val"), str(self._abstract_id))
        num.append(abstract)
        for level in (SECTION, PARAGRAPH, RECOMMENDATION) if restart else ():
            override = OxmlElement("w:lvlOverride")
            override.set(qn("w:ilvl"), str(level))
            start = OxmlElement("w:startOverride")
            start.set(qn("w:val"), "1")
            override.append(start)
            num.append(override)
        self.numbering.append(num)
        return num_id

    def _link_numbered_paragraph_style(self) -> None:
        ppr = self.doc.styles["Numbered Paragraph"].element.get_or_add_pPr()
        num_pr = ppr.get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = PARAGRAPH
        num_pr.get_or_add_numId().val = self._base_num_id


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _numbering_element(document_part: Any) -> Any:
    """The document's ``w:numbering`` element, adding a numbering part if it has none."""
    try:
        return document_part.part_related_by(RELATIONSHIP_TYPE.NUMBERING).element
    except KeyError:
        part = NumberingPart.load(
            PackURI("/word/numbering.xml"),
            CONTENT_TYPE.WML_NUMBERING,
            f'<w:numbering xmlns:w="{_W}"/>'.encode(),
            document_part.package,
        )
        document_part.relate_to(part, RELATIONSHIP_TYPE.NUMBERING)
        return part.element
