"""The agenda: a ``Meeting`` and the page plan of a pack in, agenda entries, HTML and .docx out.

Also the pages that stand in for exempt items (the notice naming the Schedule 12A
paragraph) and the page-number stamp laid over a joined pack.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from boardpaper import __version__
from boardpaper.content.model import format_date, lower_roman
from boardpaper.meeting.schema import AgendaItem, Meeting, SignaturePicture
from boardpaper.meeting.summons import html_picture, summons_view, word_picture

EXEMPT_DESCRIPTIONS = {
    1: "Information relating to any individual.",
    2: "Information which is likely to reveal the identity of an individual.",
    3: "Information relating to the financial or business affairs of any particular person "
    "(including the authority holding that information).",
    4: "Information relating to any consultations or negotiations, or contemplated "
    "consultations or negotiations, in connection with any labour relations matter arising "
    "between the authority or a Minister of the Crown and employees of, or office holders "
    "under, the authority.",
    5: "Information in respect of which a claim to legal professional privilege could be "
    "maintained in legal proceedings.",
    6: "Information which reveals that the authority proposes (a) to give under any enactment "
    "a notice under or by virtue of which requirements are imposed on a person; or (b) to make "
    "an order or direction under any enactment.",
    7: "Information relating to any action taken or to be taken in connection with the "
    "prevention, investigation or prosecution of crime.",
}
"""Schedule 12A Part 1 (England); Wales numbers the same descriptions 12-18."""


def exempt_description(item: AgendaItem, meeting: Meeting) -> str:
    """What the item's exempt paragraph covers, where boardpaper knows it ("" otherwise)."""
    paragraph = item.exempt_paragraph
    if paragraph is None:
        return ""
    if meeting.nation.name == "wales":
        paragraph -= 11
    if meeting.nation.name in ("england", "wales"):
        return EXEMPT_DESCRIPTIONS.get(paragraph, "")
    return ""


def exempt_statement(item: AgendaItem, meeting: Meeting) -> str:
    """The sentence saying why an item is exempt, for the agenda and the notice page."""
    nation = meeting.nation
    law = (
        "the Local Government Act 1972"
        if nation.name in ("england", "wales")
        else nation.notice_law.split(" s")[0]
    )
    text = (
        f"Not for publication: this report contains exempt information as described in "
        f"paragraph {item.exempt_paragraph} of {nation.exempt_schedule} to {law}"
    )
    description = exempt_description(item, meeting)
    return f"{text} ({description.rstrip('.')})." if description else f"{text}."


def exempt_appendix_statement(
    item: AgendaItem, title: str, paragraph: int, meeting: Meeting
) -> str:
    """ "Appendix B: ...: Not for publication: it contains exempt information as described in
    paragraph 3 ...": what the agenda and the published site say of an exempt appendix."""
    appendix = replace(item, exempt_paragraph=paragraph)
    return f"{title}: {exempt_statement(appendix, meeting).replace('this report', 'it')}"


@dataclass(frozen=True)
class AgendaEntry:
    """One item as an agenda shows it; every word and number is decided here, not in templates."""

    item: AgendaItem
    number: str
    heading: str
    text: str
    presenter: str | None
    first_page: int | None
    last_page: int | None
    notes: tuple[str, ...]
    anchor: str
    exempt: bool
    late: bool
    label: str = ""
    """Printed before the heading: "5." for an item, "(a)" for a lettered sub-item."""
    sub_item: bool = False

    @property
    def pages_text(self) -> str:
        """ "(Pages 3 - 9)", "(Page 10)" for a single page, or "" when the item has no pages."""
        if self.first_page is None or self.last_page is None:
            return ""
        if self.first_page == self.last_page:
            return f"(Page {self.first_page})"
        return f"(Pages {self.first_page} - {self.last_page})"


@dataclass
class PackPlan:
    """One PDF pack: which agenda it opens with and which items' documents follow it."""

    name: str
    title: str
    supplement: bool
    members: bool
    listed: tuple[AgendaItem, ...]
    bodies: tuple[AgendaItem, ...]
    agenda_pages: int = 1
    agenda_pdf: bytes = b""
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)


def pack_plans(meeting: Meeting) -> list[PackPlan]:
    """The packs of a meeting: public and members', and their supplements when items are late."""
    on_time = tuple(item for item in meeting.items if not item.late)
    late = meeting.late_items
    on_time_bodies = tuple(item for item in on_time if item.has_pages)
    base = f"{meeting.committee}, {format_date(meeting.date)}"
    plans = [
        PackPlan(
            "public-pack",
            f"Public document pack: {base}",
            False,
            False,
            meeting.items,
            on_time_bodies,
        ),
        PackPlan(
            "members-pack",
            f"Members' document pack: {base}",
            False,
            True,
            meeting.items,
            on_time_bodies,
        ),
    ]
    if late:
        plans.append(
            PackPlan("supplement-pack", f"Supplementary agenda: {base}", True, False, late, late)
        )
        if any(item.exempt for item in late):
            plans.append(
                PackPlan(
                    "members-supplement-pack",
                    f"Members' supplementary agenda: {base}",
                    True,
                    True,
                    late,
                    late,
                )
            )
    return plans


def agenda_entries(meeting: Meeting, plan: PackPlan) -> list[AgendaEntry]:
    """The agenda's items with their page ranges and notes, as both formats show them."""
    entries = []
    for item in plan.listed:
        notes: list[str] = []
        if item.exempt:
            notes.append(exempt_statement(item, meeting))
        for document in item.documents if not item.exempt else ():
            if document.exempt_paragraph is not None:
                notes.append(
                    exempt_appendix_statement(
                        item, document.title, document.exempt_paragraph, meeting
                    )
                )
        if item.late and not plan.supplement:
            notes.append("To follow in a supplementary agenda.")
        if item.late and plan.supplement:
            notes.append(f"Late item. Reason for urgency: {item.reason_for_urgency}")
        first, last = plan.ranges.get(item.number, (None, None))
        entries.append(
            AgendaEntry(
                item=item,
                number=item.number,
                heading=item.heading,
                text=item.text,
                presenter=item.presenter,
                first_page=first,
                last_page=last,
                notes=tuple(notes),
                anchor=item.anchor,
                exempt=item.exempt,
                late=item.late,
                label=item.label or f"{item.number}.",
                sub_item=item.sub_item,
            )
        )
    return entries


def front_matter_roman(meeting: Meeting) -> bool:
    """Whether the agenda template numbers a pack's agenda pages i, ii ... (reports from 1)."""
    return bool(meeting.template.raw["agenda"].get("front_matter_pages") == "roman")


def agenda_title(plan: PackPlan) -> str:
    return "Supplementary Agenda" if plan.supplement else "Agenda"


def _agenda_context(
    meeting: Meeting,
    plan: PackPlan,
    in_pack: bool,
    picture: Callable[[SignaturePicture], Any] = html_picture,
) -> dict[str, Any]:
    """What agenda.html and agenda.docx see; ``picture`` makes the summons's signature."""
    published = meeting.supplement_date if plan.supplement else meeting.published
    # The summons opens the agenda, not a supplementary agenda.
    summons = None if plan.supplement else meeting.summons
    return {
        "meeting": meeting,
        "summons": summons_view(summons, picture),
        "entries": agenda_entries(meeting, plan),
        "title": agenda_title(plan),
        "supplement": plan.supplement,
        "members_copy": plan.members,
        "in_pack": in_pack,
        "language": meeting.template.language,
        "published_text": format_date(published),
        "date_iso": meeting.date.isoformat(),
        "document_title": f"{'Supplementary agenda' if plan.supplement else 'Agenda'}: "
        f"{meeting.committee}, {meeting.date_text}",
    }


def agenda_html(meeting: Meeting, plan: PackPlan, in_pack: bool) -> str:
    from boardpaper.render.html import render_template_file

    spec = meeting.template.raw["agenda"]
    context = _agenda_context(meeting, plan, in_pack)
    html = render_template_file(meeting.template, spec["html_template"], context)
    return _with_agenda_look(html, meeting, context, page_numbers=not in_pack)


AGENDA_SELECTORS = {
    "paragraphs": "p",
    "Heading 1": "h1, .committee",
    "Heading 2": "h2",
    "Heading 3": "h3",
}
"""Where the agenda's HTML puts each style of its Word file (agenda.docx)."""


def _agenda_word_file(meeting: Meeting) -> Path | None:
    name = meeting.template.raw["agenda"].get("word_template")
    return meeting.template.find(str(name)) if name else None


def _with_agenda_look(
    html: str, meeting: Meeting, context: dict[str, Any], page_numbers: bool = True
) -> str:
    """The agenda's HTML with the look, running header, footer and logo of agenda.docx.

    As for papers (``render.html.add_word_look``): page size and margins, Normal and
    the headings, links, and the Word file's header and footer; agenda.css keeps the
    rest (the details list, item numbers, rules under headings).
    """
    from boardpaper.render.html import add_word_look
    from boardpaper.render.word_look import word_look
    from boardpaper.render.word_running import read_running

    word_file = _agenda_word_file(meeting)
    if word_file is None:
        return html
    return add_word_look(
        html,
        word_look(word_file),
        read_running(word_file),
        {**context, "boardpaper_version": __version__},
        word_file,
        AGENDA_SELECTORS,
        page_numbers=page_numbers,
    )


def notice_html(meeting: Meeting, item: AgendaItem) -> str:
    from boardpaper.render.html import render_template_file

    spec = meeting.template.raw["agenda"]
    context = {
        "meeting": meeting,
        "item": item,
        "statement": exempt_statement(item, meeting),
        "language": meeting.template.language,
        "date_iso": meeting.date.isoformat(),
        "document_title": f"Item {item.number}: {item.heading} (exempt)",
    }
    html = render_template_file(meeting.template, spec["notice_template"], context)
    # The notice stands in the pack among agenda pages: agenda.docx's look and header,
    # whose tags see the agenda's variables (no entries on a notice page).
    word_context = {
        **context,
        "entries": [],
        "summons": None,
        "title": "Agenda",
        "supplement": False,
        "members_copy": False,
        "in_pack": True,
        "published_text": format_date(meeting.published),
    }
    return _with_agenda_look(html, meeting, word_context, page_numbers=False)  # in packs only


def stamp_html(meeting: Meeting, plan: PackPlan, body: Callable[[AgendaItem, bool], Any]) -> str:
    """The page-number layer: one empty page per pack page, exempt pages marked.

    Each page has its ``label``, the number printed on it: with the template's
    ``front_matter_pages: roman`` the agenda's pages are i, ii ... and the reports
    start at 1; otherwise the pack's pages count on from the agenda's 1.
    """
    from boardpaper.render.html import render_template_file

    spec = meeting.template.raw["agenda"]
    roman = front_matter_roman(meeting)
    pages: list[dict[str, Any]] = [
        {"exempt": False, "label": lower_roman(number) if roman else str(number)}
        for number in range(1, plan.agenda_pages + 1)
    ]
    for item in plan.bodies:
        for segment in body(item, plan.members):
            for _ in range(segment.pages):
                number = len(pages) + 1 - (plan.agenda_pages if roman else 0)
                pages.append({"exempt": segment.marked, "label": str(number)})
    return render_template_file(
        meeting.template,
        spec["stamp_template"],
        {
            "meeting": meeting,
            "pages": pages,
            "numbering": "roman" if roman else "continuous",
            "language": meeting.template.language,
            "date_iso": meeting.date.isoformat(),
            "document_title": plan.title,
        },
    )


def render_agenda_docx(
    meeting: Meeting, plan: PackPlan, properties: dict[str, str] | None = None
) -> bytes:
    """The agenda front sheet as Word, from the template's agenda Word file."""
    from docxtpl import DocxTemplate

    from boardpaper.errors import display_path
    from boardpaper.render.docx import render_word_template, set_core_properties
    from boardpaper.render.reproducible import normalise_docx
    from boardpaper.render.stamp import set_docx_custom_properties
    from boardpaper.render.word_file import check_word_file

    spec = meeting.template.raw["agenda"]
    word_file = meeting.template.find(spec["word_template"]) or (
        meeting.template.folder / spec["word_template"]
    )  # load_template checked it exists
    display = display_path(word_file)
    check_word_file(word_file, display)
    document = DocxTemplate(str(word_file))
    context = _agenda_context(meeting, plan, in_pack=False, picture=word_picture(document))
    render_word_template(document, context, word_file, display)
    set_core_properties(
        document.docx,
        title=context["document_title"],
        subject=meeting.committee,
        language=meeting.template.language,
        day=meeting.date,
        comments=f"Generated by boardpaper {__version__}",
        category="Committee agenda",
    )
    if properties:
        set_docx_custom_properties(document.docx, properties)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_docx(buffer.getvalue())
