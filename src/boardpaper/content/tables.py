"""Tables an author writes: a located ``tables:`` entry in, checked columns and rows out.

A table has column headings and rows of cells, each row as long as the
headings; optionally a caption, each column's alignment and a header row that
groups the columns. Cells are kept as typed; one holding a link is checked
like a paragraph's links.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boardpaper.content.hints import row_width_message
from boardpaper.content.narrative import parse_narrative
from boardpaper.load.validators import (
    INVALID,
    Choice,
    Context,
    Field,
    Kind,
    ListOf,
    Record,
    Text,
)
from boardpaper.load.yaml_nodes import Limits, Node
from boardpaper.template.manifest import ChoiceSpec

ALIGNMENTS = ["left", "right", "centre"]


@dataclass(frozen=True)
class StatusCell:
    """A cell that shows a status: the template's word for it (and colour), and any text."""

    status: str
    text: str = ""


class CellKind(Kind):
    """A table cell: any text or number as typed; empty for nothing.

    With ``statuses`` (the template's), a cell may also be ``{status: red}`` or
    ``{status: red, text: ...}``: printed in the template's word for the status,
    with its colour, so colour is never the only sign.
    """

    expected = "a cell value"

    def __init__(self, statuses: tuple[ChoiceSpec, ...] = ()) -> None:
        self.statuses = statuses

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind == "map" and "status" in node.value:  # type: ignore[operator]
            return self._status(node, ctx, key)
        if node.kind != "scalar":
            return self.mismatch(node, ctx, key)
        text = "" if node.is_null else str(node.value)
        if "](" in text:
            # A link in a cell: [words](https://...). Checked like a paragraph's links.
            _, problems = parse_narrative(text)
            for problem in problems:
                ctx.error(node, key, problem.message)
            if problems:
                return INVALID
        return text

    def _status(self, node: Node, ctx: Context, key: str) -> Any:
        if not self.statuses:
            return ctx.error(
                node, key, "this template has no statuses for table cells; write the cell as text"
            )
        record = Record(
            {
                "status": Field(Choice([choice.value for choice in self.statuses])),
                "text": Field(Text(), required=False, description="Words after the status"),
            }
        )
        data = record.check(node, ctx, key)
        if data is INVALID:
            return INVALID
        return StatusCell(str(data["status"]), str(data.get("text", "")))

    def json_schema(self) -> dict[str, Any]:
        return {"type": ["string", "number", "null", "object"]}


class TableKind(Kind):
    """A table: column headings and rows of cells, each row as long as the headings."""

    expected = "a table (columns: and rows:)"

    def __init__(self, statuses: tuple[ChoiceSpec, ...] = ()) -> None:
        self.record = Record(
            {
                "caption": Field(
                    Text(),
                    required=False,
                    description="What the table shows, read out by screen readers",
                ),
                "columns": Field(ListOf(Text()), description="The column headings"),
                "rows": Field(
                    ListOf(ListOf(CellKind(statuses)), min_items=1),
                    description="One list of cells per row, one cell per column",
                ),
                "align": Field(
                    ListOf(Choice(ALIGNMENTS)),
                    required=False,
                    description="Each column's alignment: left, right (figures) or centre",
                ),
                "column_groups": Field(
                    ListOf(
                        Record(
                            {
                                "heading": Field(CellKind(), description="Empty for none"),
                                "columns": Field(
                                    Text(pattern=r"[1-9][0-9]?", hint="a number of columns"),
                                    description="How many columns it spans",
                                ),
                            }
                        )
                    ),
                    required=False,
                    description="A header row above the column headings, grouping them",
                ),
            }
        )

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        data = self.record.check(node, ctx, key)
        if node.kind != "map":
            return INVALID
        assert isinstance(node.value, dict)
        columns_node, rows_node = node.value.get("columns"), node.value.get("rows")
        if not (columns_node and rows_node and columns_node.kind == rows_node.kind == "seq"):
            return INVALID
        assert isinstance(columns_node.value, list) and isinstance(rows_node.value, list)
        limits = ctx.limits
        if len(rows_node.value) > limits.max_table_rows:
            return ctx.error(
                rows_node,
                f"{key}.rows",
                f"{len(rows_node.value):,} rows; the limit is {limits.max_table_rows:,}",
            )
        if len(columns_node.value) > limits.max_table_columns:
            return ctx.error(
                columns_node,
                f"{key}.columns",
                f"{len(columns_node.value)} columns; the limit is {limits.max_table_columns}",
            )
        # Counted from the nodes, so a wrong cell elsewhere does not hide a short row.
        ok = data is not INVALID
        width = len(columns_node.value)
        if ok and "align" in data and len(data["align"]) != width:
            ctx.error(
                node.value["align"],
                f"{key}.align",
                f"expected {width} alignments (one per column), found {len(data['align'])}",
            )
            ok = False
        if ok and "column_groups" in data:
            spanned = sum(int(group["columns"]) for group in data["column_groups"])
            if spanned != width:
                ctx.error(
                    node.value["column_groups"],
                    f"{key}.column_groups",
                    f"the groups span {spanned} columns; the table has {width}",
                )
                ok = False
        for index, row_node in enumerate(rows_node.value):
            if isinstance(row_node.value, list) and len(row_node.value) != width:
                ctx.error(row_node, f"{key}.rows[{index}]", row_width_message(row_node, width))
                ok = False
        return data if ok else INVALID

    def json_schema(self) -> dict[str, Any]:
        """The record's schema, with the default size limits as maxItems, and rows as long
        as the columns.

        JSON Schema cannot compare one array's length with another's, but it can
        say it for each possible width: "if there are 3 columns, every row has 3
        cells", once per width up to the column limit. An editor then marks a row
        with a cell missing; ``check`` says the same, with the row's line.
        """
        limits = Limits()
        schema = self.record.json_schema()
        properties = schema["properties"]
        properties["columns"]["maxItems"] = limits.max_table_columns
        properties["rows"]["maxItems"] = limits.max_table_rows
        properties["rows"]["items"]["maxItems"] = limits.max_table_columns
        schema["allOf"] = [
            {
                "if": {
                    "properties": {"columns": {"minItems": width, "maxItems": width}},
                    "required": ["columns"],
                },
                "then": {"properties": {"rows": {"items": {"minItems": width, "maxItems": width}}}},
            }
            for width in range(1, limits.max_table_columns + 1)
        ]
        return schema
