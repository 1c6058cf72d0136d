"""The summons letter: a meeting's ``summons:`` and its agenda template's wording in, a
``Summons`` out; and the views of it that ``agenda.html`` and ``agenda.docx`` print.

A full Council agenda opens with a letter summoning the members "to transact the
business set out below", dated and signed by the Chief Executive. Its words are
the agenda template's (``agenda: summons:`` in ``template.yaml``, else
``DEFAULT_SUMMONS``) with the meeting's details put in their ``{places}``; the
meeting file says only who signs it, when, and (optionally) gives a picture of the
signature with its alt text. Only an agenda template that declares a summons
prints one, so a meeting asking for it elsewhere is told so at its line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from boardpaper.content.model import format_date
from boardpaper.errors import TemplateError
from boardpaper.load.validators import INVALID, Context, Date
from boardpaper.load.yaml_nodes import Node
from boardpaper.meeting.schema import SignaturePicture, Summons
from boardpaper.template.library import TemplateLibrary
from boardpaper.template.manifest import Template

DEFAULT_SUMMONS: dict[str, Any] = {
    "heading": "Summons",
    "to": "To all Members of the {committee}",
    "text": [
        "You are hereby summoned to attend a meeting of the {committee}, to be held at "
        "{venue} on {day} {date} at {time}, to transact the business set out below."
    ],
    "closing": "",
}
"""The wording of a template whose ``agenda: summons:`` leaves a key out."""

SIGNATURE_HEIGHT_MM = 15
"""How tall a signature picture prints, in Word; the PDF's is agenda CSS's (``img.signature``)."""


def load_summons(
    data: dict[str, Any],
    node: Node,
    template: Template | None,
    error: Callable[[Node, str, str], None],
) -> Summons | None:
    """The meeting's summons (``data`` is the validated meeting file, ``node`` its root; the
    signature picture was checked with it); None when it has none. Problems go to ``error``
    at their line: a letter dated after the meeting, an agenda template that prints no
    summons (``template`` None: its problem is reported already)."""
    given = data.get("summons")
    if given is None:
        return None
    assert isinstance(node.value, dict)
    at = node.value["summons"]
    assert isinstance(at.value, dict)
    day: dt.date = given.get("date") or data["published"]
    _check_date(day, data["date"], at.value.get("date"), error)
    if template is None or not _prints_summons(template, _key(node, "summons"), error):
        return None
    wording = {**DEFAULT_SUMMONS, **(template.raw["agenda"]["summons"] or {})}
    places = {
        "committee": str(data["committee"]),
        "day": f"{data['date']:%A}",
        "date": format_date(data["date"]),
        "time": str(data["time"]),
        "venue": str(data["venue"]),
    }
    return Summons(
        heading=fill(str(wording["heading"]), places),
        to=str(given["to"]) if given.get("to") else fill(str(wording["to"]), places),
        paragraphs=tuple(fill(str(text), places) for text in wording["text"]),
        date=day,
        signed_by=str(given["signed_by"]),
        role=str(given["role"]),
        closing=fill(str(wording["closing"] or ""), places),
        signature=given.get("signature"),
    )


def summons_problems_beside(
    node: Node, library: TemplateLibrary, error: Callable[[Node, str, str], None]
) -> None:
    """The checks of ``load_summons`` that can still be made when the meeting file has other
    mistakes (so its values are not all known): the letter's date against the meeting's,
    and whether a named ``agenda_template`` prints a summons. Every problem shows at once."""
    if node.kind != "map" or not isinstance(node.value, dict):
        return
    at = node.value.get("summons")
    if at is None or at.kind != "map" or not isinstance(at.value, dict):
        return
    scratch = Context("")
    if "date" in at.value and "date" in node.value:
        day = Date().check(at.value["date"], scratch, "")
        meeting_day = Date().check(node.value["date"], scratch, "")
        if day is not INVALID and meeting_day is not INVALID:
            _check_date(day, meeting_day, at.value["date"], error)
    name = node.value.get("agenda_template")
    if name is not None and name.kind == "scalar" and not name.is_null:
        try:
            template = library.get(str(name.value))
        except (KeyError, TemplateError):
            return  # reported once the rest of the meeting file is right
        if template.raw.get("agenda"):
            _prints_summons(template, _key(node, "summons"), error)


def _key(node: Node, name: str) -> Node:
    """Where ``name:`` is written in the mapping ``node`` (its key, not its value)."""
    line, column = node.key_places[name]
    return Node("scalar", name, "str", line, column)


def _check_date(
    day: dt.date, meeting_day: dt.date, at: Node | None, error: Callable[[Node, str, str], None]
) -> None:
    if day > meeting_day and at is not None:
        error(at, "summons.date", "the letter is dated after the meeting")


def _prints_summons(template: Template, at: Node, error: Callable[[Node, str, str], None]) -> bool:
    """Whether the agenda template has a summons letter (``agenda: summons:``); if not, says so."""
    if "summons" in template.raw["agenda"]:
        return True
    error(
        at,
        "summons",
        f"the agenda template {template.name!r} prints no summons letter (its "
        "template.yaml has no 'agenda: summons:'); name an agenda_template that does, "
        "such as full-council",
    )
    return False


def fill(wording: str, places: dict[str, str]) -> str:
    """The template's wording with each ``{place}`` it names replaced by the meeting's value.

    Only the template's wording is filled: text from the meeting file prints as written.
    """
    return re.sub(r"\{(\w+)\}", lambda match: places.get(match[1], match[0]), wording)


def summons_view(summons: Summons | None, picture: Callable[[SignaturePicture], Any]) -> Any:
    """The summons as agenda templates see it: plain text, and ``signature`` made by
    ``picture`` (an ``<img>`` for HTML, an inline picture for Word); None without one."""
    if summons is None:
        return None
    return {
        "heading": summons.heading,
        "to": summons.to,
        "paragraphs": list(summons.paragraphs),
        "date": summons.date,
        "date_text": summons.date_text,
        "closing": summons.closing,
        "signed_by": summons.signed_by,
        "role": summons.role,
        "signature": picture(summons.signature) if summons.signature else None,
        "signature_alt": summons.signature.alt if summons.signature else "",
    }


def html_picture(signature: SignaturePicture) -> Markup:
    """The signature as an ``<img>`` with its alt text (a data: URL: no file is fetched)."""
    return Markup('<img class="signature" src="{}" alt="{}">').format(
        signature.data_url, escape(signature.alt)
    )


def word_picture(document: Any) -> Callable[[SignaturePicture], Markup]:
    """For a docxtpl document: the signature as an inline picture in the body, with the alt
    text Word reads out (``wp:docPr/@descr``), as the run XML docxtpl puts in place of the
    tag. Plain text, not docxtpl's ``InlineImage``, which would hand the template the
    document object (and its ``save``)."""
    import io

    from docx.oxml.ns import qn
    from docx.shared import Mm

    document.init_docx()  # docxtpl opens the Word file lazily; render keeps this one

    def picture(signature: SignaturePicture) -> Markup:
        inline = document.docx.part.new_pic_inline(
            io.BytesIO(signature.picture.data), None, Mm(SIGNATURE_HEIGHT_MM)
        )
        inline.find(qn("wp:docPr")).set("descr", signature.alt)
        return Markup(
            '</w:t></w:r><w:r><w:drawing>{}</w:drawing></w:r><w:r><w:t xml:space="preserve">'
        ).format(Markup(inline.xml))

    return picture
