"""Report field kinds: a template's section specs in, the validators of report content out.

Each kind (narrative paragraphs, tables, options, indicators, contacts...) checks
one located node and returns plain data, collecting every problem; ``validate``
composes them into a report's schema.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from boardpaper.content.contacts import ContactKind, ContactListKind
from boardpaper.content.hints import mapping_for_text_message
from boardpaper.content.indicators import IndicatorsKind
from boardpaper.content.model import ListBlock, Paragraph
from boardpaper.content.narrative import PARAGRAPH_ID, parse_narrative
from boardpaper.content.recommendations import RecommendationsKind
from boardpaper.errors import Problem
from boardpaper.load.validators import (
    INVALID,
    Context,
    Date,
    Email,
    Field,
    Kind,
    ListOf,
    Record,
    Text,
    TextOrList,
    YesNo,
    scalar_text,
)
from boardpaper.load.yaml_nodes import Node
from boardpaper.template.manifest import FrontSheetSpec, SectionSpec


@dataclass(frozen=True)
class TableRef:
    """A narrative item that places a table defined under ``tables:``."""

    name: str


ITEM_KEYS = {"text", "id", "paragraphs"}
_ID_HINT = "an id of lower-case letters, digits, '-' and '_'"


def references(blocks: Any) -> list[str]:
    """The paragraph ids that ``[](#id)`` cross-references in these blocks point at."""
    found: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            found.extend(run.ref for run in block.runs if run.ref)
        elif isinstance(block, ListBlock):
            for item in block.items:
                found.extend(references(item.blocks))
    return found


@dataclass(frozen=True)
class NumberedItem:
    """A numbered paragraph written as a mapping: ``text``, an ``id`` others can refer to
    (``[](#id)``), and ``paragraphs`` numbered one level down (2.1.1, 2.1.2)."""

    blocks: tuple[Any, ...]
    id: str | None = None
    children: tuple[Any, ...] = ()


class Narrative(Kind):
    """One numbered paragraph: Markdown text, ``{table: name}``, or ``{text, id, paragraphs}``.

    The value is a tuple of blocks (paragraphs and lists), a ``TableRef`` or a
    ``NumberedItem``. ``structured=False`` (an option's description) allows
    only text and tables.
    """

    expected = "text, or 'table: <name>'"

    def __init__(self, structured: bool = True) -> None:
        self.structured = structured

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind == "map":
            value = node.value
            assert isinstance(value, dict)
            if self.structured and "text" in value and set(value) <= ITEM_KEYS:
                return self._item(node, ctx, key)
            if set(value) != {"table"}:
                message = mapping_for_text_message(node, "a paragraph of text")
                return ctx.error(
                    node, key, message or "expected text, or 'table: <name>' on its own"
                )
            name_node = value["table"]
            name = Text().check(name_node, ctx, f"{key}.table")
            if name is INVALID:
                return INVALID
            ctx.table_refs.append((str(name), name_node, f"{key}.table"))
            return TableRef(str(name))
        text = scalar_text(self, node, ctx, key)
        if text is INVALID:
            return INVALID
        blocks, problems = parse_narrative(text)
        first_line = node.line + (1 if node.style in ("|", ">") else 0)
        for problem in problems:
            line = first_line + problem.line_offset if node.style in ("|", ">") else node.line
            ctx.problems.append(Problem(ctx.path, line, node.column, key, problem.message))
        ctx.paragraph_refs.extend((ref, node, key) for ref in references(blocks))
        return INVALID if problems else blocks

    def _item(self, node: Node, ctx: Context, key: str) -> Any:
        value = node.value
        assert isinstance(value, dict)
        blocks = self.check(value["text"], ctx, f"{key}.text")
        if isinstance(blocks, TableRef | NumberedItem):
            return ctx.error(value["text"], f"{key}.text", "expected a paragraph of text")
        identifier = None
        if "id" in value:
            identifier = Text(pattern=PARAGRAPH_ID.pattern, hint=_ID_HINT).check(
                value["id"], ctx, f"{key}.id"
            )
            if identifier is not INVALID and identifier in ctx.paragraph_ids:
                first = ctx.paragraph_ids[identifier][0]
                identifier = ctx.error(
                    value["id"],
                    f"{key}.id",
                    f"id {identifier!r} is already used on line {first.line}",
                )
            elif identifier is not INVALID:
                ctx.paragraph_ids[str(identifier)] = (value["id"], f"{key}.id")
        children: Any = ()
        if "paragraphs" in value:
            children = ListOf(Narrative(), description="Sub-paragraphs").check(
                value["paragraphs"], ctx, f"{key}.paragraphs"
            )
        if INVALID in (blocks, identifier, children):
            return INVALID
        return NumberedItem(tuple(blocks), identifier and str(identifier), tuple(children))

    def json_schema(self) -> dict[str, Any]:
        return {
            "anyOf": [
                {
                    "type": ["string", "number"],
                    "description": (
                        "A paragraph, in Markdown: **bold**, *italic*, "
                        "[links](https://...), '- ' bullets"
                    ),
                },
                {
                    "type": "object",
                    "properties": {
                        "table": {
                            "type": "string",
                            "description": "The name of a table under 'tables:'",
                        }
                    },
                    "required": ["table"],
                    "additionalProperties": False,
                },
                {
                    "type": "object",
                    "properties": {
                        "text": {"type": ["string", "number"], "description": "The paragraph"},
                        "id": {
                            "type": "string",
                            "description": "A name to refer to it by: [](#id) prints its number",
                        },
                        "paragraphs": {
                            "type": "array",
                            "description": "Sub-paragraphs, numbered one level down (2.1.1)",
                        },
                    },
                    "required": ["text"],
                    "additionalProperties": False,
                },
            ]
        }


class YesNoReason(Record):
    """A yes/no answer with the reason for it (key decision: yes, because ...)."""

    def __init__(self, description: str = "") -> None:
        super().__init__(
            {
                "answer": Field(YesNo(), description="yes or no"),
                "reason": Field(Text(), description="Why"),
            },
            description,
        )


FRONT_SHEET_KINDS: dict[str, Callable[[FrontSheetSpec], Kind] | None] = {
    "text": lambda spec: Text(spec.description),
    "date": lambda spec: Date(spec.description),
    "wards": lambda spec: TextOrList(spec.description),
    "contact": lambda spec: ContactKind(spec.description, spec.requires),
    "contacts": lambda spec: ContactListKind(spec.description, spec.requires),
    "yesno": lambda spec: YesNo(spec.description),
    "yesno_reason": lambda spec: YesNoReason(spec.description),
    "signoffs": None,  # not written by the author: gathered from signed_paragraphs sections
}
"""Front-sheet field types: the kind of value the report gives (None: derived)."""


PARAGRAPHS = ListOf(Narrative(), description="One item per numbered paragraph")


def _headed_sections(spec: SectionSpec) -> Kind:
    """Sections of the report's own; each may be signed off when the template says how."""
    fields = {
        "heading": Field(Text(), description="The section heading, without its number"),
        "paragraphs": Field(PARAGRAPHS),
    }
    if "signed_off_by" in spec.labels:
        fields["signed_off_by"] = Field(
            _officer(spec), required=False, description="The officer who signed it off"
        )
    return ListOf(
        Record(fields),
        description="Sections of your own, each with a heading and numbered paragraphs",
    )


def _officer(spec: SectionSpec) -> Record:
    """Who signed a section off: name, and role, date, phone, email as the template requires."""
    needed = set(spec.requires) | {"name"}
    return Record(
        {
            "name": Field(Text(), description="The officer who signed this off"),
            "role": Field(Text(), "role" in needed, "Their role, e.g. Chief Finance Officer"),
            "date": Field(Date(), "date" in needed, "When they signed it off"),
            "phone": Field(Text(), "phone" in needed, "Their phone number"),
            "email": Field(Email(), "email" in needed, "Their email address"),
        }
    )


class OptionsKind(ListOf):
    """Options considered: each with a title and description; exactly one is preferred."""

    def __init__(self) -> None:
        super().__init__(
            Record(
                {
                    "title": Field(Text(), description="A short name, e.g. Do nothing"),
                    "description": Field(
                        Narrative(structured=False), description="What the option means"
                    ),
                    "preferred": Field(
                        YesNo(), required=False, description="yes for the preferred option"
                    ),
                    "reasons": Field(
                        Narrative(structured=False),
                        required=False,
                        description="Why it is (or is not) preferred; required when preferred",
                    ),
                }
            ),
            description="The options considered, one of them preferred",
        )

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        options = super().check(node, ctx, key)
        if options is INVALID:
            # Count the preferred options anyway, so that mistake is reported in the same pass.
            items = node.value if isinstance(node.value, list) else []
            marked = [_says_yes(item, "preferred") for item in items]
            if items and None not in marked and marked.count(True) != 1:
                ctx.error(node, key, _ONE_PREFERRED.format(marked.count(True)))
            return INVALID
        preferred = [i for i, option in enumerate(options) if option.get("preferred")]
        if len(preferred) != 1:
            return ctx.error(node, key, _ONE_PREFERRED.format(len(preferred)))
        if "reasons" not in options[preferred[0]]:
            item = node.value[preferred[0]]  # type: ignore[index]
            return ctx.error(
                item, f"{key}[{preferred[0]}].reasons", "the preferred option needs reasons"
            )
        return options


_ONE_PREFERRED = "expected exactly one option with 'preferred: yes', found {}"


def _says_yes(item: Node, key: str) -> bool | None:
    """Whether a mapping node's ``key`` is yes (False when absent); None when it cannot tell."""
    if not isinstance(item.value, dict):
        return None
    value = item.value.get(key)
    if value is None:
        return False
    word = str(value.value).strip().lower() if value.kind == "scalar" else ""
    return YesNo.WORDS.get(word)


def _signed_paragraphs(spec: SectionSpec) -> Record:
    return Record(
        {"paragraphs": Field(PARAGRAPHS), "signed_off_by": Field(_officer(spec))},
        description="Numbered paragraphs and the officer who signed them off",
    )


def _rows_kind(spec: SectionSpec) -> Kind:
    return ListOf(
        Record(
            {column.field: Field(Text(), description=column.heading) for column in spec.columns}
        ),
        description="One row per item: " + ", ".join(c.field for c in spec.columns),
    )


SECTION_KINDS: dict[str, Callable[[SectionSpec], Kind]] = {
    "paragraphs": lambda spec: PARAGRAPHS,
    "recommendations": lambda spec: RecommendationsKind(Narrative(), spec.preambles),
    "headed_sections": _headed_sections,
    "options": lambda spec: OptionsKind(),
    "signed_paragraphs": _signed_paragraphs,
    "rows": _rows_kind,
    "indicators": IndicatorsKind,
}
"""Section types: the kind of value a report gives, made from the section's manifest entry."""
