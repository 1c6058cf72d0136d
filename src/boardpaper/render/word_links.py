"""Email addresses as links in Word: a rendered document and addresses in, mailto: hyperlinks out.

The front sheet of a Word template prints contacts with ``{{ item.text }}``,
plain text; the PDF links each email address. This turns every occurrence of
the paper's email addresses in the document's paragraphs and table cells into
a ``w:hyperlink`` in the Hyperlink style, keeping the run's formatting (links
the body already has are left alone).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.run import Run


def link_emails(document: Any, emails: Iterable[str]) -> None:
    """Make each address in ``emails`` a mailto: link wherever a paragraph run holds it."""
    wanted = sorted({email for email in emails if email}, key=len, reverse=True)
    if not wanted:
        return
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        paragraphs.extend(p for row in table.rows for cell in row.cells for p in cell.paragraphs)
    for paragraph in paragraphs:
        for run in list(paragraph.runs):
            _link_run(document, paragraph, run, wanted)


def _link_run(document: Any, paragraph: Any, run: Any, emails: list[str]) -> None:
    text = run.text
    hits = [(text.find(email), email) for email in emails if email in text]
    if not hits:
        return
    start, email = min(hits)
    before, after = text[:start], text[start + len(email) :]
    linked = _copy(run, paragraph, email)
    linked.style = document.styles["Hyperlink"]
    rel_id = document.part.relate_to(
        f"mailto:{email}", RELATIONSHIP_TYPE.HYPERLINK, is_external=True
    )
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), rel_id)
    hyperlink.append(linked._r)
    rest = _copy(run, paragraph, after) if after else None
    run.text = before
    run._r.addnext(hyperlink)
    if rest is not None:
        hyperlink.addnext(rest._r)
        _link_run(document, paragraph, rest, emails)
    if not before:
        run._r.getparent().remove(run._r)


def _copy(run: Any, paragraph: Any, text: str) -> Run:
    element = copy.deepcopy(run._r)
    copied = Run(element, paragraph)
    copied.text = text
    return copied
