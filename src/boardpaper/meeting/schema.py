"""The meeting file format: validators for a meeting YAML and the ``Meeting`` data they produce.

``meeting_schema`` lists every key a meeting file may hold (committee, date,
venue, membership, clerk, publication, ordered agenda items); the frozen
dataclasses are what ``load_meeting`` returns and the pack renders.

Longer than 400 lines on purpose: the whole meeting file format (every key's validator
and the data it produces) sits in one module, so ``boardpaper schema meeting``, the
editor's completion and docs/meetings.md are read against one place.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from boardpaper.content.model import format_date
from boardpaper.load.attached import (
    ATTACHABLE,
    AttachedFileError,
    AttachedPicture,
    read_attached_picture,
)
from boardpaper.load.validators import (
    INVALID,
    PROPERTY_CHARS,
    Choice,
    Context,
    Date,
    Email,
    Field,
    Kind,
    ListOf,
    Record,
    Text,
    YesNo,
)
from boardpaper.load.yaml_nodes import Node
from boardpaper.meeting.deadlines import (
    NATIONS,
    Nation,
)
from boardpaper.pipeline import LoadedReport
from boardpaper.template.manifest import PROCEDURAL_ITEMS, Template

DEFAULT_WORDING: dict[str, tuple[str, str]] = {
    "apologies": ("Apologies", "To receive apologies for absence."),
    "declarations_of_interest": (
        "Declarations of Interest",
        "To receive declarations of interests in respect of items on this agenda.",
    ),
    "minutes": (
        "Minutes",
        "To confirm as a correct record the minutes of the last meeting.",
    ),
    "public_questions": ("Public Question Time", "To hear questions from members of the public."),
}
"""Used when the agenda template's manifest gives no wording for a procedural item."""


@dataclass(frozen=True)
class Member:
    """A member of the committee as the agenda names them: "Councillor Nicole Amil".

    ``title`` comes from the meeting file (an elected mayor, a co-opted member
    with none) or else from the agenda template's ``member_title``.
    """

    name: str
    title: str = ""

    def __str__(self) -> str:
        return f"{self.title} {self.name}" if self.title else self.name


@dataclass(frozen=True)
class Membership:
    chair: Member
    vice_chair: Member | None
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Clerk:
    name: str
    email: str
    phone: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class SignaturePicture:
    """A checked signature picture and what it shows, for screen readers."""

    picture: AttachedPicture
    alt: str

    @property
    def data_url(self) -> str:
        encoded = base64.b64encode(self.picture.data).decode("ascii")
        return f"data:{self.picture.media_type};base64,{encoded}"


@dataclass(frozen=True)
class Summons:
    """The letter summoning members to the meeting, printed before the agenda.

    Its words are the agenda template's wording (``agenda: summons:``) with the
    meeting's details filled in; the meeting file gives the date, who signs it,
    and optionally a picture of the signature (``meeting.summons.SignaturePicture``).
    """

    heading: str
    to: str
    paragraphs: tuple[str, ...]
    date: dt.date
    signed_by: str
    role: str
    closing: str = ""
    signature: SignaturePicture | None = None

    @property
    def date_text(self) -> str:
        return format_date(self.date)


@dataclass(frozen=True)
class EarlierVersion:
    """A version of an item's paper that was published, then replaced by a later one.

    ``replaced`` is the day the next version was published; ``reason`` says why.
    """

    report: LoadedReport
    published: dt.date
    replaced: dt.date
    reason: str


@dataclass(frozen=True)
class AgendaItem:
    """One numbered item of the agenda.

    ``kind`` is ``procedural`` (apologies, declarations of interest, minutes,
    public questions) or ``report`` (``report`` holds the loaded report).
    ``published`` is the day the item's papers are published; ``earlier_versions``
    (oldest first) are the versions published before the current one.
    """

    number: str
    kind: str
    heading: str
    text: str
    procedure: str | None = None
    report: LoadedReport | None = None
    presenter: str | None = None
    exempt_paragraph: int | None = None
    late: bool = False
    reason_for_urgency: str | None = None
    published: dt.date | None = None
    label: str = ""
    """What the agenda prints before the heading: "5." for an item, "(a)" for a sub-item."""
    earlier_versions: tuple[EarlierVersion, ...] = ()
    documents: tuple[Any, ...] = ()
    """PDFs that follow the item in a pack (``meeting.documents.ItemDocument``): a report's
    appendices, or a procedural item's ``document:`` (the minutes)."""

    @property
    def exempt(self) -> bool:
        return self.exempt_paragraph is not None

    @property
    def has_pages(self) -> bool:
        """Whether the item brings pages to a pack: a report, or documents of its own."""
        return self.report is not None or bool(self.documents)

    @property
    def sub_item(self) -> bool:
        """Whether this is a lettered sub-item ("5(a)") of the item before it."""
        return not self.number.isdigit()

    @property
    def anchor(self) -> str:
        """The id of the item: its entry on the agenda and its named destination in a pack."""
        return "item-" + re.sub(r"[^0-9a-z]", "", self.number)


@dataclass(frozen=True)
class Meeting:
    """A validated meeting, its reports loaded and its deadlines checked."""

    committee: str
    date: dt.date
    time: str
    venue: str
    nation: Nation
    published: dt.date
    supplement_published: dt.date | None
    membership: Membership
    clerk: Clerk
    contact: str | None
    items: tuple[AgendaItem, ...]
    template: Template
    source_path: str
    source: str = ""
    summons: Summons | None = None

    @property
    def date_text(self) -> str:
        return format_date(self.date)

    @property
    def published_text(self) -> str:
        return format_date(self.published)

    @property
    def late_items(self) -> tuple[AgendaItem, ...]:
        return tuple(item for item in self.items if item.late)

    @property
    def supplement_date(self) -> dt.date:
        """When the supplementary agenda is published: its own date, else the latest late item."""
        if self.supplement_published:
            return self.supplement_published
        dates = [item.published for item in self.late_items if item.published]
        return max(dates, default=self.published)


class ProceduralKind(Kind):
    """A procedural item: one of the known words, or ``{procedure: word, heading, text}``."""

    expected = "a procedural item (" + ", ".join(PROCEDURAL_ITEMS) + ") or 'report: file.yaml'"

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        return Choice(PROCEDURAL_ITEMS).check(node, ctx, key)

    def json_schema(self) -> dict[str, Any]:
        return {"enum": PROCEDURAL_ITEMS}


PROCEDURAL_RECORD = Record(
    {
        "procedure": Field(ProceduralKind(), description="Which procedural item"),
        "heading": Field(Text(), required=False, description="Heading, if not the template's"),
        "text": Field(Text(), required=False, description="What the item is for"),
        "document": Field(
            Text(pattern=ATTACHABLE, hint="a file name ending .pdf or .docx"),
            required=False,
            description="A PDF (or Word .docx, converted) that follows the item in the pack, "
            "e.g. the last meeting's minutes (relative to this file)",
        ),
    }
)


SUB_ITEM_RECORD = Record(
    {
        "heading": Field(Text(), description="The sub-item's heading"),
        "text": Field(Text(), required=False, description="What it is about"),
    }
)


FREE_RECORD = Record(
    {
        "heading": Field(Text(), description="The item's heading, e.g. Announcements"),
        "text": Field(Text(), required=False, description="What the item is for"),
        "items": Field(
            ListOf(SUB_ITEM_RECORD),
            required=False,
            description="Sub-items, lettered (a), (b) ... under this item",
        ),
    },
    description="An item of the council's own: opening, communications, petitions ...",
)


REPORT_RECORD = Record(
    {
        "report": Field(
            Text(pattern=r"[^\n]+\.ya?ml", hint="a report file name ending .yaml"),
            description="The report file, relative to this meeting file",
        ),
        "presenter": Field(Text(), required=False, description="Who presents the report"),
        "description": Field(
            Text(), required=False, description="Agenda wording (default: the report's purpose)"
        ),
        "exempt": Field(YesNo(), required=False, description="Exempt from publication (Part II)"),
        "exempt_paragraph": Field(
            Text(pattern=r"\d{1,2}", hint="a paragraph number"),
            required=False,
            description="Schedule 12A paragraph making it exempt (England 1-7, Wales 12-18)",
        ),
        "late": Field(YesNo(), required=False, description="Published late: supplementary agenda"),
        "reason_for_urgency": Field(
            Text(), required=False, description="Why a late item cannot wait for the next meeting"
        ),
        "published": Field(
            Date(),
            required=False,
            description="When this item is published, if not with the agenda",
        ),
        "earlier_versions": Field(
            ListOf(
                Record(
                    {
                        "report": Field(
                            Text(pattern=r"[^\n]+\.ya?ml", hint="a report file name ending .yaml"),
                            description="The earlier version's report file, kept as published",
                        ),
                        "published": Field(Date(), description="When that version was published"),
                        "reason": Field(Text(), description="Why it was replaced"),
                    }
                )
            ),
            required=False,
            description="Versions published before this one, oldest first (kept on the site)",
        ),
    }
)


class ItemKind(Kind):
    """An agenda item: a procedural word, ``{procedure: ...}`` or ``{report: ...}``."""

    expected = ProceduralKind.expected

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind == "scalar":
            word = ProceduralKind().check(node, ctx, key)
            return INVALID if word is INVALID else {"procedure": word}
        if node.kind == "map":
            assert isinstance(node.value, dict)
            if "report" in node.value:
                return REPORT_RECORD.check(node, ctx, key)
            if "procedure" in node.value:
                return PROCEDURAL_RECORD.check(node, ctx, key)
            if "heading" in node.value:
                return FREE_RECORD.check(node, ctx, key)
            return ctx.error(
                node,
                key,
                "an item needs 'report: file.yaml', 'procedure: "
                + "|".join(PROCEDURAL_ITEMS)
                + "' or a 'heading:' of its own",
            )
        return self.mismatch(node, ctx, key)

    def json_schema(self) -> dict[str, Any]:
        return {
            "anyOf": [
                ProceduralKind().json_schema(),
                PROCEDURAL_RECORD.json_schema(),
                REPORT_RECORD.json_schema(),
                FREE_RECORD.json_schema(),
            ]
        }


class MemberKind(Kind):
    """A member: a name, or ``{name: ..., title: ...}`` (``title: ""`` for none)."""

    expected = "a name, or name: and title:"

    def __init__(self) -> None:
        self.record = Record(
            {
                "name": Field(Text(), description="The member's name"),
                "title": Field(
                    _TitleKind(),
                    required=False,
                    description='How the agenda names them, e.g. Mayor; "" for no title',
                ),
            }
        )

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind == "map":
            return self.record.check(node, ctx, key)
        name = Text().check(node, ctx, key)
        return INVALID if name is INVALID else {"name": name}

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [Text().json_schema(), self.record.json_schema()]}


class _TitleKind(Kind):
    """A member's title: text, or empty for none."""

    expected = 'a title such as Mayor, or "" for none'

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind != "scalar":
            return self.mismatch(node, ctx, key)
        return "" if node.is_null else str(node.value).strip()

    def json_schema(self) -> dict[str, Any]:
        return {"type": ["string", "null"]}


class SignatureKind(Kind):
    """A signature picture: ``{file: NAME.png, alt: ...}``; the alt text is required."""

    expected = "file: and alt:"

    def __init__(self) -> None:
        file = Field(
            Text(
                pattern=r"[^\n]+\.([pP][nN][gG]|[jJ][pP][eE]?[gG])",
                hint="a PNG or JPEG file name ending .png or .jpg",
            ),
            description="A PNG or JPEG file, relative to this meeting file",
        )
        self.file_only = Record({"file": file})
        self.record = Record(
            {
                "file": file,
                "alt": Field(
                    Text(),
                    description="What the picture shows, for screen readers: whose signature",
                ),
            }
        )

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind == "map":
            assert isinstance(node.value, dict)
            has_alt = "alt" in node.value
            if not has_alt:
                ctx.error(
                    node,
                    f"{key}.alt",
                    "a signature picture needs alt text for screen readers, e.g. "
                    "alt: Signature of the Chief Executive",
                )
            # Without alt text the file is still checked, so both problems show at once.
            given = (self.record if has_alt else self.file_only).check(node, ctx, key)
            if given is INVALID:
                return INVALID
            picture = self._picture(node.value["file"], str(given["file"]), ctx, f"{key}.file")
            if picture is None or not has_alt:
                return INVALID
            return SignaturePicture(picture, str(given["alt"]))
        if node.kind == "scalar" and not node.is_null:
            return ctx.error(
                node,
                key,
                "a signature picture needs alt text for screen readers: write "
                f"'{key.rsplit('.', 1)[-1]}: {{file: {node.value}, alt: Signature of ...}}'",
            )
        return self.mismatch(node, ctx, key)

    @staticmethod
    def _picture(node: Node, name: str, ctx: Context, key: str) -> AttachedPicture | None:
        """The picture file next to the meeting file, checked; None (reported) if unusable."""
        if ctx.folder is None:
            ctx.error(node, key, "pictures are read only when the meeting is read from a folder")
            return None
        folder_display = ctx.path.rsplit("/", 1)[0] if "/" in ctx.path else ""
        display = f"{folder_display}/{name}" if folder_display else name
        try:
            return read_attached_picture(ctx.folder, name, display, ctx.limits)
        except AttachedFileError as error:
            ctx.error(node, key, str(error))
            return None

    def json_schema(self) -> dict[str, Any]:
        return self.record.json_schema()


SUMMONS_RECORD = Record(
    {
        "date": Field(
            Date(), required=False, description="The date of the letter (default: published)"
        ),
        "to": Field(
            Text(), required=False, description="Whom it is addressed to, if not the template's"
        ),
        "signed_by": Field(Text(), description="Who signs it, e.g. the Chief Executive's name"),
        "role": Field(Text(), description="Their title, e.g. Chief Executive"),
        "signature": Field(
            SignatureKind(),
            required=False,
            description="A picture of the signature, with alt text",
        ),
    },
    description="The letter summoning members, printed before the agenda",
)


def meeting_schema() -> Record:
    """The schema of a meeting file."""
    return Record(
        {
            "committee": Field(
                Text(max_chars=PROPERTY_CHARS), description="The committee or board that meets"
            ),
            "date": Field(Date(), description="The date of the meeting"),
            "time": Field(Text(), description="The start time, e.g. 5.30 pm"),
            "venue": Field(Text(), description="Where the meeting is held"),
            "nation": Field(
                Choice(list(NATIONS)),
                required=False,
                description="Whose law and bank holidays apply (default england)",
            ),
            "published": Field(Date(), description="The day the agenda and reports are published"),
            "supplement_published": Field(
                Date(), required=False, description="The day the supplementary agenda is published"
            ),
            "agenda_template": Field(
                Text(),
                required=False,
                description="Template whose agenda layout is used (default: the first report's)",
            ),
            "membership": Field(
                Record(
                    {
                        "chair": Field(MemberKind()),
                        "vice_chair": Field(MemberKind(), required=False),
                        "members": Field(ListOf(MemberKind(), min_items=0)),
                    }
                )
            ),
            "clerk": Field(
                Record(
                    {
                        "name": Field(Text()),
                        "role": Field(Text(), required=False),
                        "email": Field(Email()),
                        "phone": Field(Text(), required=False),
                    }
                ),
                description="The clerk to contact about the meeting",
            ),
            "contact": Field(
                Text(), required=False, description="Other ways to get in touch or ask for formats"
            ),
            "summons": Field(
                SUMMONS_RECORD,
                required=False,
                description="A letter summoning members, printed before the agenda (the "
                "agenda template's wording)",
            ),
            "items": Field(ListOf(ItemKind()), description="The agenda, in order"),
        },
        description="A committee meeting: its agenda and document pack",
    )
