"""Report field kinds: a template's section specs in, the validators of report content out.

Each kind (narrative paragraphs, tables, options, indicators, contacts...) checks
one located node and returns plain data, collecting every problem; ``validate``
composes them into a report's schema.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from boardpaper.content.indicators import IndicatorsKind
from boardpaper.content.narrative import parse_narrative
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
from boardpaper.load.yaml_nodes import Limits, Node
from boardpaper.template.manifest import SectionSpec


@dataclass(frozen=True)
class TableRef:
    """A narrative item that places a table defined under ``tables:``."""

    name: str


class Narrative(Kind):
    """One numbered paragraph: Markdown text, or ``{table: name}``.

    The value is a tuple of blocks (paragraphs and lists) or a ``TableRef``.
    """

    expected = "text, or 'table: <name>'"

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind == "map":
            value = node.value
            assert isinstance(value, dict)
            if set(value) != {"table"}:
                return ctx.error(node, key, "expected text, or 'table: <name>' on its own")
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
        return INVALID if problems else blocks

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
            ]
        }


class CellKind(Kind):
    """A table cell: any text or number as typed; empty for nothing."""

    expected = "a cell value"

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind != "scalar":
            return self.mismatch(node, ctx, key)
        return "" if node.is_null else str(node.value)

    def json_schema(self) -> dict[str, Any]:
        return {"type": ["string", "number", "null"]}


class TableKind(Kind):
    """A table: column headings and rows of cells, each row as long as the headings."""

    expected = "a table (columns: and rows:)"

    def __init__(self) -> None:
        self.record = Record(
            {
                "caption": Field(
                    Text(),
                    required=False,
                    description="What the table shows, read out by screen readers",
                ),
                "columns": Field(ListOf(Text()), description="The column headings"),
                "rows": Field(
                    ListOf(ListOf(CellKind()), min_items=1),
                    description="One list of cells per row, one cell per column",
                ),
            }
        )

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        data = self.record.check(node, ctx, key)
        if data is INVALID:
            return INVALID
        assert isinstance(node.value, dict)
        rows_node = node.value["rows"]
        assert isinstance(rows_node.value, list)
        limits = ctx.limits
        if len(data["rows"]) > limits.max_table_rows:
            return ctx.error(
                rows_node,
                f"{key}.rows",
                f"{len(data['rows']):,} rows; the limit is {limits.max_table_rows:,}",
            )
        if len(data["columns"]) > limits.max_table_columns:
            return ctx.error(
                node.value["columns"],
                f"{key}.columns",
                f"{len(data['columns'])} columns; the limit is {limits.max_table_columns}",
            )
        ok = True
        width = len(data["columns"])
        for index, (row, row_node) in enumerate(zip(data["rows"], rows_node.value, strict=True)):
            if len(row) != width:
                ctx.error(
                    row_node,
                    f"{key}.rows[{index}]",
                    f"expected {width} cells (one per column), found {len(row)}",
                )
                ok = False
        return data if ok else INVALID

    def json_schema(self) -> dict[str, Any]:
        """The record's schema, with the default size limits as maxItems.

        JSON Schema cannot say "each row as long as columns" (one array's length
        against another's); ``check`` says that, with the row's line.
        """
        limits = Limits()
        schema = self.record.json_schema()
        properties = schema["properties"]
        properties["columns"]["maxItems"] = limits.max_table_columns
        properties["rows"]["maxItems"] = limits.max_table_rows
        properties["rows"]["items"]["maxItems"] = limits.max_table_columns
        return schema


class Contact(Record):
    """A named contact: name, role and email."""

    def __init__(self, description: str = "") -> None:
        super().__init__(
            {
                "name": Field(Text(), description="Full name, e.g. Cllr Cordelia Law"),
                "role": Field(Text(), description="Role or portfolio"),
                "email": Field(Email()),
                "phone": Field(Text(), required=False),
            },
            description,
        )


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


FRONT_SHEET_KINDS: dict[str, Callable[..., Kind] | None] = {
    "text": Text,
    "date": Date,
    "wards": TextOrList,
    "contact": Contact,
    "yesno": YesNo,
    "yesno_reason": YesNoReason,
    "signoffs": None,  # not written by the author: gathered from signed_paragraphs sections
}
"""Front-sheet field types: the kind of value the report gives (None: derived)."""


PARAGRAPHS = ListOf(Narrative(), description="One item per numbered paragraph")


HEADED_SECTIONS = ListOf(
    Record(
        {
            "heading": Field(Text(), description="The section heading, without its number"),
            "paragraphs": Field(PARAGRAPHS),
        }
    ),
    description="Sections of your own, each with a heading and numbered paragraphs",
)


class OptionsKind(ListOf):
    """Options considered: each with a title and description; exactly one is preferred."""

    def __init__(self) -> None:
        super().__init__(
            Record(
                {
                    "title": Field(Text(), description="A short name, e.g. Do nothing"),
                    "description": Field(Narrative(), description="What the option means"),
                    "preferred": Field(
                        YesNo(), required=False, description="yes for the preferred option"
                    ),
                    "reasons": Field(
                        Narrative(),
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
            return INVALID
        preferred = [i for i, option in enumerate(options) if option.get("preferred")]
        if len(preferred) != 1:
            return ctx.error(
                node,
                key,
                f"expected exactly one option with 'preferred: yes', found {len(preferred)}",
            )
        if "reasons" not in options[preferred[0]]:
            item = node.value[preferred[0]]  # type: ignore[index]
            return ctx.error(
                item, f"{key}[{preferred[0]}].reasons", "the preferred option needs reasons"
            )
        return options


SIGNED_PARAGRAPHS = Record(
    {
        "paragraphs": Field(PARAGRAPHS),
        "signed_off_by": Field(
            Record(
                {
                    "name": Field(Text(), description="The officer who signed this off"),
                    "role": Field(Text(), description="Their role, e.g. Chief Finance Officer"),
                    "date": Field(Date(), description="When they signed it off"),
                }
            )
        ),
    },
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
    "recommendations": lambda spec: ListOf(Narrative(), description="One item per recommendation"),
    "headed_sections": lambda spec: HEADED_SECTIONS,
    "options": lambda spec: OptionsKind(),
    "signed_paragraphs": lambda spec: SIGNED_PARAGRAPHS,
    "rows": _rows_kind,
    "indicators": IndicatorsKind,
}
"""Section types: the kind of value a report gives, made from the section's manifest entry."""
