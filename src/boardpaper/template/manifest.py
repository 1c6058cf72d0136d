"""The template manifest format: what ``template.yaml`` may say, and the ``Template`` it becomes.

Constants (field and section types, numbering styles), the validators of a
report template's and an agenda template's manifest, and the frozen specs
(front-sheet fields, sections, parts, logo) that content validation and the
renderers read.

Longer than 400 lines on purpose: each manifest key's validator and the frozen
spec field it fills stand in one file, so adding a key is one edit in one place.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from boardpaper.errors import Problem
from boardpaper.load.numbers import parse_format
from boardpaper.load.validators import (
    INVALID,
    Choice,
    Context,
    Field,
    Kind,
    ListOf,
    Record,
    Text,
    YesNo,
)
from boardpaper.load.yaml_nodes import Node
from boardpaper.template.inherit import (
    ChainLink,
    chain_hash,
    find_file,
    stylesheets,
)
from boardpaper.template.inherit import (
    template_files as template_files,
)
from boardpaper.template.pdf_look import pdf_look_schema
from boardpaper.template.wording import Wording, WordingKind

TEMPLATE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


FRONT_SHEET_TYPES = [
    "text",
    "date",
    "wards",
    "contact",
    "contacts",
    "yesno",
    "yesno_reason",
    "signoffs",
]


CONTACT_DETAILS = ["name", "role", "email", "phone"]
"""What a contact may give; a ``contact``/``contacts`` field's ``requires:`` picks from these."""


DEFAULT_CONTACT_REQUIRES = ("name", "role", "email")


SIGNOFF_DETAILS = ["name", "role", "date", "phone", "email"]
"""What a sign-off may give, in the order it is printed; a section's ``requires:`` picks."""


DEFAULT_SIGNOFF_REQUIRES = ("name", "role", "date")


FOOTER_FIELD = re.compile(r"\{([a-z_][a-z0-9_.]*)\}")
"""A ``{field}`` in a template's footer text: replaced by that front-sheet field's value."""


SECTION_TYPES = [
    "paragraphs",
    "recommendations",
    "headed_sections",
    "options",
    "signed_paragraphs",
    "rows",
    "indicators",
]


LABELS = [
    "option",
    "preferred",
    "reasons",
    "signed_off_by",
    "provisional",
    "provisional_note",
    "estimate",
    "estimate_note",
    "not_applicable",
    "override",
    "override_note",
]
"""Words a template may set for its sections (``labels:``); see docs/templates.md."""


REQUIRED_LABELS = {
    "options": ("option", "preferred", "reasons"),
    "signed_paragraphs": ("signed_off_by",),
    "indicators": ("provisional", "provisional_note"),
}


INDICATOR_COLUMNS = ["indicator", "previous", "value", "target", "status", "direction"]


COMPARISONS = ["last_year", "last_period"]
"""What a direction column compares this period with (``against:``)."""


RULE_WORDS = {"statuses": ("green", "amber", "red"), "directions": ("better", "same", "worse")}
"""The status and direction values an indicators section with ``rules:`` must offer."""


COLOUR = r"#[0-9a-fA-F]{6}"


CHART_COLOURS = ("line_colour", "target_colour")
"""What an indicators section's ``chart:`` may colour (status fills come from ``statuses``)."""


NUMBERING_STYLES = ["roman", "decimal", "bracketed", "section"]


SECTION_NUMBERING = ["per_part", "continuous"]
"""Whether each part numbers its sections from 1, or numbers run on across the paper."""


HEADING_NUMBER_STYLES = ["1.", "1.0"]


DEFAULT_LANGUAGE = "en-GB"
"""Document language (PDF /Lang, Word w:lang) when a template names none."""


FIELD_NAME = r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*"


FRONT_FIELD_CHANGES = ("label", "required", "description", "requires")
"""What ``overrides:`` may change of an inherited front-sheet field."""


SECTION_CHANGES = (
    "heading",
    "required",
    "numbered",
    "description",
    "standard_wording",
    "preambles",
    "requires",
    "when_absent",
    "labels",
    "statuses",
    "directions",
    "rules",
    "number_formats",
    "chart",
)
"""What ``overrides:`` may change of an inherited section (its type and columns stay)."""


class FieldChanges(Kind):
    """``overrides:``: a mapping of field names to the changes made to that field or section."""

    expected = "a mapping of field names to changes"

    def __init__(self, changes: Record):
        self.changes = changes

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind != "map":
            return self.mismatch(node, ctx, key)
        assert isinstance(node.value, dict)
        result: dict[str, Any] = {}
        for name, child in node.value.items():
            line, column = node.key_places[name]
            if not re.fullmatch(FIELD_NAME, name):
                message = f"{name!r} is not a field name"
                ctx.problems.append(Problem(ctx.path, line, column, key, message))
                continue
            value = self.changes.check(child, ctx, f"{key}.{name}")
            if value is not INVALID:
                result[name] = value
        return result

    def json_schema(self) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": self.changes.json_schema()}


def manifest_schema(partial: bool = False) -> Record:
    """The schema of ``template.yaml``. ``partial``: every key optional (a manifest that
    ``extends`` another gets the rest from it; completeness is checked after merging)."""
    front_field = Record(
        {
            "field": Field(
                Text(pattern=r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*", hint="a field name")
            ),
            "label": Field(Text()),
            "type": Field(Choice(FRONT_SHEET_TYPES), required=False),
            "required": Field(YesNo(), required=False),
            "description": Field(Text(), required=False),
            "columns": Field(ListOf(Text()), required=False),
            "requires": Field(
                ListOf(Choice(CONTACT_DETAILS)),
                required=False,
                description="The details a contact must give (name is always needed)",
            ),
        }
    )
    column = Record(
        {
            "field": Field(Text(pattern=r"[a-z_][a-z0-9_]*")),
            "heading": Field(Text()),
            "against": Field(
                Choice(COMPARISONS),
                required=False,
                description="A direction column: compare with last_year or last_period",
            ),
        }
    )
    rules = Record(
        {
            "amber_within": Field(
                Text(pattern=r"\d{1,3}(\.\d+)?%", hint="a percentage like 10%"),
                description="Missed by no more than this share of the target: Amber",
            )
        },
        description="How status is computed from value and target",
    )
    choice = Record(
        {
            "value": Field(Text(pattern=r"[a-z_][a-z0-9_]*", hint="a lower-case word")),
            "label": Field(Text()),
            "colour": Field(Text(pattern=COLOUR, hint="a colour like #f4cccc"), required=False),
        }
    )
    labels = Record({name: Field(Text(), required=False) for name in LABELS})
    section_fields = {
        "field": Field(Text(pattern=FIELD_NAME, hint="a field name")),
        "heading": Field(Text(), required=False),
        "type": Field(Choice(SECTION_TYPES), required=False),
        "required": Field(YesNo(), required=False),
        "numbered": Field(YesNo(), required=False),
        "standard_wording": Field(ListOf(WordingKind()), required=False),
        "preambles": Field(
            ListOf(Text()),
            required=False,
            description="Words before the recommendations; the first unless a report picks",
        ),
        "requires": Field(
            ListOf(Choice(SIGNOFF_DETAILS)),
            required=False,
            description="What a sign-off must give (name is always needed)",
        ),
        "when_absent": Field(
            Text(), required=False, description="Printed when a report leaves the section out"
        ),
        "description": Field(Text(), required=False),
        "columns": Field(ListOf(column), required=False),
        "statuses": Field(ListOf(choice), required=False),
        "directions": Field(ListOf(choice), required=False),
        "labels": Field(labels, required=False),
        "rules": Field(rules, required=False),
        "number_formats": Field(
            UnitFormats(),
            required=False,
            description="How indicators' figures print, by unit, when the report's data says "
            "no format",
        ),
        "chart": Field(
            Record(
                {
                    name: Field(Text(pattern=COLOUR, hint="a colour like #1f4e79"))
                    for name in CHART_COLOURS
                }
            ),
            required=False,
            description="Colours of charts: the value line and the target line",
        ),
    }
    section = Record(section_fields)
    changes = {**section_fields, **front_field.fields}
    change = Record(
        {
            name: replace(changes[name], required=False)
            for name in (*SECTION_CHANGES, *FRONT_FIELD_CHANGES)
        }
    )
    part = Record(
        {
            "heading": Field(Text(), required=False),
            "sections": Field(ListOf(section)),
        }
    )
    top = Record(
        {
            "name": Field(Text(pattern=TEMPLATE_NAME.pattern, hint="a lower-case name")),
            "extends": Field(
                Text(pattern=TEMPLATE_NAME.pattern, hint="a template name"),
                required=False,
                description="The template this one changes ('base': the built-in base)",
            ),
            "overrides": Field(
                FieldChanges(change),
                required=False,
                description="Changes to inherited front-sheet fields and sections, by field name",
            ),
            "description": Field(Text()),
            "language": Field(
                Text(pattern=r"[a-z]{2,3}(-[A-Z]{2})?", hint="a language tag like en-GB"),
                required=False,
            ),
            "font": Field(Text(), required=False),
            "statuses": Field(
                ListOf(choice),
                required=False,
                description="Statuses any table's cells may show ({status: red}): word and colour",
            ),
            "footer": Field(
                Text(),
                required=False,
                description="Footer text on every page; {field} is a front-sheet value",
            ),
            "recommendation_numbering": Field(Choice(NUMBERING_STYLES)),
            "heading_number_style": Field(
                Choice(HEADING_NUMBER_STYLES),
                required=False,
                description='How section headings are numbered: "1." (the default) or "1.0"',
            ),
            "section_numbering": Field(
                Choice(SECTION_NUMBERING),
                required=False,
                description="per_part (the default): each part numbers from 1; "
                "continuous: numbers run on, so every paragraph number is unique",
            ),
            "word_template": Field(Text()),
            "html_template": Field(Text()),
            "front_sheet": Field(ListOf(front_field)),
            "parts": Field(ListOf(part)),
            "logo": Field(
                Record(
                    {
                        "file": Field(Text(), description="An image file in the template folder"),
                        "alt": Field(Text(), description="What the logo says, for screen readers"),
                    }
                ),
                required=False,
            ),
            "agenda": Field(agenda_manifest_schema(), required=False),
            "pdf_look": Field(pdf_look_schema(), required=False),
        }
    )
    if partial:
        top.fields = {
            name: spec if name == "name" else replace(spec, required=False)
            for name, spec in top.fields.items()
        }
        # The agenda block merges key by key: a child may set one of its keys.
        agenda = agenda_manifest_schema()
        agenda.fields = {
            name: replace(spec, required=False) for name, spec in agenda.fields.items()
        }
        top.fields["agenda"] = replace(top.fields["agenda"], kind=agenda)
    return top


AGENDA_FILES = ("html_template", "notice_template", "stamp_template", "word_template", "stylesheet")


FRONT_MATTER_PAGES = ["continuous", "roman"]
"""How a pack numbers the agenda's pages (``agenda: front_matter_pages``)."""


PROCEDURAL_ITEMS = ["apologies", "declarations_of_interest", "minutes", "public_questions"]


def agenda_manifest_schema() -> Record:
    """The optional ``agenda:`` block: the files and wording of agendas and packs."""
    wording = Record(
        {
            "heading": Field(Text()),
            "text": Field(Text(), required=False),
        }
    )
    return Record(
        {
            "html_template": Field(Text(), description="Agenda front sheet (Jinja HTML)"),
            "notice_template": Field(Text(), description="Page replacing an exempt report"),
            "stamp_template": Field(Text(), description="Page-number layer of a pack"),
            "word_template": Field(Text(), description="Agenda front sheet (Word, docxtpl)"),
            "stylesheet": Field(Text(), description="CSS added to every document in a pack"),
            "front_matter_pages": Field(
                Choice(FRONT_MATTER_PAGES),
                required=False,
                description="How a pack numbers the agenda's own pages: continuous (the "
                "default: 1, 2 ... and the reports go on) or roman (i, ii ...; the reports "
                "start at page 1)",
            ),
            "member_title": Field(
                Text(),
                required=False,
                description="How members are named unless the meeting file says, e.g. Councillor",
            ),
            "procedural_items": Field(
                Record({name: Field(wording, required=False) for name in PROCEDURAL_ITEMS}),
                required=False,
            ),
            "summons": Field(
                summons_manifest_schema(),
                required=False,
                description="The letter summoning members before the agenda (a meeting's "
                "summons:); its wording, with {committee}, {day}, {date}, {time}, {venue}",
            ),
        },
        description="How this template lays out agendas and document packs",
    )


SUMMONS_PLACEHOLDERS = ("committee", "day", "date", "time", "venue")
"""What a summons's wording may name in braces, filled from the meeting file."""


class SummonsWording(Text):
    """Standard wording with ``{name}`` places the meeting fills (``SUMMONS_PLACEHOLDERS``)."""

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        text = super().check(node, ctx, key)
        if text is INVALID:
            return INVALID
        unknown = [
            name for name in re.findall(r"\{([^{}]*)\}", text) if name not in SUMMONS_PLACEHOLDERS
        ]
        if unknown:
            return ctx.error(
                node,
                key,
                f"unknown place {{{unknown[0]}}}; the wording may use "
                + ", ".join(f"{{{name}}}" for name in SUMMONS_PLACEHOLDERS),
            )
        return text


def summons_manifest_schema() -> Record:
    """``agenda: summons:``: the summons letter's standard wording (each key optional)."""
    return Record(
        {
            "heading": Field(
                SummonsWording(), required=False, description="e.g. Summons to attend"
            ),
            "to": Field(
                SummonsWording(),
                required=False,
                description="Whom it is addressed to (a meeting may say)",
            ),
            "text": Field(
                ListOf(SummonsWording()),
                required=False,
                description="The letter's paragraphs, e.g. You are hereby summoned to attend ...",
            ),
            "closing": Field(
                SummonsWording(),
                required=False,
                description="Before the signature, e.g. Yours faithfully",
            ),
        }
    )


class UnitFormats(Kind):
    """``unit: format`` pairs (``"%": percent 1``, ``default: number 1``): a template's default
    number format for an indicator's figures, chosen by the indicator's unit."""

    expected = "a mapping of a unit (or default) to a format like percent 1, money or #,##0"

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind != "map":
            return self.mismatch(node, ctx, key)
        assert isinstance(node.value, dict)
        result: dict[str, str] = {}
        for unit, child in node.value.items():
            code = Text().check(child, ctx, f"{key}.{unit}")
            if code is INVALID:
                continue
            if parse_format(str(code)) is None:
                ctx.error(
                    child,
                    f"{key}.{unit}",
                    "expected a format like percent 1, money, number 2 or #,##0.0, "
                    f"found {str(code)!r}",
                )
                continue
            result[str(unit).strip()] = str(code)
        return result

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": self.expected,
        }


@dataclass(frozen=True)
class FrontSheetSpec:
    field: str
    label: str
    type: str = "text"
    required: bool = True
    description: str = ""
    columns: tuple[str, ...] = ()
    requires: tuple[str, ...] = DEFAULT_CONTACT_REQUIRES


@dataclass(frozen=True)
class ChoiceSpec:
    """One allowed value of a status or direction, with the words (and colour) it shows as."""

    value: str
    label: str
    colour: str | None = None


@dataclass(frozen=True)
class Column:
    """A table column of a ``rows`` or ``indicators`` section: the key and its heading."""

    field: str
    heading: str
    against: str | None = None


@dataclass(frozen=True)
class SectionSpec:
    field: str
    heading: str | None
    type: str = "paragraphs"
    required: bool = True
    numbered: bool = True
    standard_wording: tuple[Wording, ...] = ()
    description: str = ""
    columns: tuple[Column, ...] = ()
    statuses: tuple[ChoiceSpec, ...] = ()
    directions: tuple[ChoiceSpec, ...] = ()
    labels: dict[str, str] = dataclasses.field(default_factory=dict, hash=False, compare=False)
    chart_colours: dict[str, str] = dataclasses.field(
        default_factory=dict, hash=False, compare=False
    )
    preambles: tuple[str, ...] = ()
    when_absent: str = ""
    requires: tuple[str, ...] = DEFAULT_SIGNOFF_REQUIRES
    amber_within: Decimal | None = None
    """``rules: amber_within`` in percent of the target (an indicators section computes status)."""
    unit_formats: dict[str, str] = dataclasses.field(
        default_factory=dict, hash=False, compare=False
    )
    """``number_formats``: the template's number format per indicator unit (``default``: any)."""

    def default_format(self, unit: str) -> str | None:
        """The template's format for figures in ``unit`` (or its ``default``); None if neither."""
        return self.unit_formats.get(unit.strip()) or self.unit_formats.get("default")

    @property
    def direction_columns(self) -> tuple[str, ...]:
        """What each direction column compares with, in column order."""
        return tuple(c.against or "last_year" for c in self.columns if c.field == "direction")


@dataclass(frozen=True)
class PartSpec:
    heading: str | None
    sections: tuple[SectionSpec, ...]


@dataclass(frozen=True)
class Logo:
    """The logo of the PDF paper: a file in the template folder and its alt text."""

    file: str
    alt: str


@dataclass(frozen=True)
class Template:
    """A loaded template folder."""

    name: str
    folder: Path
    description: str
    language: str
    font: str
    recommendation_numbering: str
    word_template: Path
    html_template: Path
    front_sheet: tuple[FrontSheetSpec, ...]
    parts: tuple[PartSpec, ...]
    raw: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    logo: Logo | None = None
    footer: str = ""
    statuses: tuple[ChoiceSpec, ...] = ()
    section_numbering: str = "per_part"
    heading_number_style: str = "1."
    chain: tuple[ChainLink, ...] = ()
    """The lookup order of its files: this template, the one it extends, ..., the base
    (``template.inherit``); just this one for a template without ``extends``."""
    parent: Template | None = field(default=None, hash=False, compare=False)

    @property
    def sections(self) -> tuple[SectionSpec, ...]:
        return tuple(section for part in self.parts for section in part.sections)

    @cached_property
    def files_hash(self) -> str:
        """sha256 over the files of every template of the chain (``inherit.chain_hash``)."""
        return chain_hash(self.chain)

    @property
    def stylesheets(self) -> tuple[Path, ...]:
        """Every ``paper.css`` of the chain, base first."""
        return stylesheets(self.chain)

    def find(self, relative: str) -> Path | None:
        """A file of this template by the lookup order (own folder, parents', base)."""
        return find_file(self.chain, relative)


SIGNOFF_COLUMNS = "a 'signoffs' field needs four column headings: implication, officer, role, date"
