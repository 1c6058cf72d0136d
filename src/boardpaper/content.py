"""Report content: a YAML file and its template in, a validated, numbered ``Paper`` out.

``report_schema`` turns a template's manifest into the schema a report must
follow; ``validate_report`` checks a located node tree against it, collecting
every problem; ``assemble`` builds the document model, doing all numbering and
placing the template's standard wording, so renderers never decide words or
numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boardpaper.errors import ContentError, Problem
from boardpaper.loader import Node, describe
from boardpaper.model import (
    Cell,
    FrontField,
    NumberedParagraph,
    Paper,
    Part,
    Section,
    Table,
    format_date,
)
from boardpaper.narrative import parse_narrative
from boardpaper.schema import (
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
    did_you_mean,
)
from boardpaper.templates import FrontSheetSpec, Template


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
        if node.kind != "scalar" or node.is_null:
            return self.mismatch(node, ctx, key)
        text = str(node.value)
        if not text.strip():
            return ctx.error(node, key, "expected text, found an empty value")
        if len(text) > ctx.limits.max_text_chars:
            return ctx.error(
                node,
                key,
                f"text is {len(text):,} characters; the limit is {ctx.limits.max_text_chars:,}",
            )
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
                    ListOf(ListOf(CellKind()), min_items=1), description="One list of cells per row"
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
                node,
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
        return self.record.json_schema()


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


FRONT_SHEET_KINDS: dict[str, type[Kind]] = {
    "text": Text,
    "date": Date,
    "wards": TextOrList,
    "contact": Contact,
    "yesno": YesNo,
}

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
SECTION_KINDS: dict[str, Kind] = {
    "paragraphs": PARAGRAPHS,
    "recommendations": ListOf(Narrative(), description="One item per recommendation"),
    "headed_sections": HEADED_SECTIONS,
}


def report_schema(template: Template) -> Record:
    """The schema of a report written for ``template``: its fields nest by dotted name."""
    root: dict[str, Field] = {
        "template": Field(Text(), description="The template this report uses"),
    }
    for spec in template.front_sheet:
        _place(
            root,
            spec.field,
            Field(
                FRONT_SHEET_KINDS[spec.type](spec.description),
                spec.required,
                spec.description or spec.label,
            ),
        )
    for section in template.sections:
        _place(
            root,
            section.field,
            Field(
                SECTION_KINDS[section.type],
                section.required,
                section.description or section.heading or "",
            ),
        )
    root["tables"] = Field(
        _TablesKind(), required=False, description="Tables, by name; place one with '- table: name'"
    )
    return Record(
        root, description=f"A report for the {template.name!r} template: {template.description}"
    )


def _place(fields: dict[str, Field], dotted: str, spec: Field) -> None:
    head, _, rest = dotted.partition(".")
    if not rest:
        fields[head] = spec
        return
    group = fields.get(head)
    if group is None:
        group = fields[head] = Field(Record({}), required=False)
    assert isinstance(group.kind, Record)
    _place(group.kind.fields, rest, spec)
    group.required = group.required or spec.required


class _TablesKind(Kind):
    expected = "a mapping of table names to tables"

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind != "map":
            return self.mismatch(node, ctx, key)
        assert isinstance(node.value, dict)
        tables = {
            name: TableKind().check(child, ctx, f"{key}.{name}")
            for name, child in node.value.items()
        }
        return INVALID if any(t is INVALID for t in tables.values()) else tables

    def json_schema(self) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": TableKind().json_schema()}


def validate_report(node: Node, template: Template, ctx: Context) -> dict[str, Any]:
    """Check a report against its template's schema. Raises ContentError with every problem."""
    data = report_schema(template).check(node, ctx, "")
    tables = data.get("tables") if data is not INVALID else None
    defined: set[str] = set()
    if (
        isinstance(node.value, dict)
        and "tables" in node.value
        and node.value["tables"].kind == "map"
    ):
        defined = set(node.value["tables"].value)  # type: ignore[arg-type]
    used = set()
    for name, ref_node, key in ctx.table_refs:
        used.add(name)
        if name not in defined:
            ctx.error(
                ref_node,
                key,
                f"table {name!r} is not defined under 'tables:'"
                + did_you_mean(name, sorted(defined)),
            )
    for name in sorted(defined - used):
        tables_node = node.value["tables"]  # type: ignore[index]
        line, column = tables_node.key_places[name]
        ctx.problems.append(
            Problem(
                ctx.path,
                line,
                column,
                f"tables.{name}",
                "table is defined but never placed; add '- table: " + name + "' where it belongs",
            )
        )
    if ctx.problems:
        raise ContentError(ctx.problems)
    assert tables is None or isinstance(tables, dict)
    return data


def assemble(data: dict[str, Any], template: Template, source: str = "") -> Paper:
    """Build the numbered ``Paper`` from validated report data and its template."""
    tables = {
        name: Table(
            name=name,
            columns=tuple(str(c) for c in spec["columns"]),
            rows=tuple(tuple(Cell(str(cell)) for cell in row) for row in spec["rows"]),
            caption=str(spec["caption"]) if spec.get("caption") else None,
        )
        for name, spec in (data.get("tables") or {}).items()
    }
    parts: list[Part] = []
    for part_spec in template.parts:
        level = 3 if part_spec.heading else 2
        sections: list[Section] = []
        counter = 0
        for spec in part_spec.sections:
            value = _lookup(data, spec.field)
            if value is None and not spec.standard_wording:
                continue
            if spec.type == "headed_sections":
                for item in value or []:
                    counter += 1
                    number = str(counter) if spec.numbered else None
                    blocks = _numbered(item["paragraphs"], tables, _decimal(number))
                    sections.append(
                        Section(str(item["heading"]), number, level, blocks, spec.field)
                    )
                continue
            counter += 1 if spec.numbered else 0
            number = str(counter) if spec.numbered else None
            wording = tuple(
                block for text in spec.standard_wording for block in parse_narrative(text)[0]
            )
            style = (
                template.recommendation_numbering if spec.type == "recommendations" else "section"
            )
            items = _numbered(value or [], tables, _numberer(style, number))
            sections.append(Section(spec.heading or "", number, level, wording + items, spec.field))
        parts.append(Part(part_spec.heading, tuple(sections), 2))
    front = tuple(_front_field(spec, _lookup(data, spec.field)) for spec in template.front_sheet)
    return Paper(
        template=template.name,
        title=str(_lookup(data, "title")),
        meeting=str(_lookup(data, "meeting")),
        date=_lookup(data, "date"),
        language=template.language,
        front_sheet=tuple(f for f in front if f is not None),
        parts=tuple(parts),
        fields=_plain(data),
        source=source,
    )


def _numbered(
    items: list[Any], tables: dict[str, Table], numberer: Any
) -> tuple[NumberedParagraph, ...]:
    """Number narrative items in order; a placed table takes no number."""
    blocks: list[NumberedParagraph] = []
    count = 0
    for item in items:
        if isinstance(item, TableRef):
            blocks.append(NumberedParagraph(None, (tables[item.name],)))
            continue
        count += 1
        blocks.append(NumberedParagraph(numberer(count), tuple(item)))
    return tuple(blocks)


def _no_number(count: int) -> None:
    return None


def _decimal(section_number: str | None) -> Any:
    if section_number is None:
        return _no_number
    return lambda count: f"{section_number}.{count}"


def _numberer(style: str, section_number: str | None) -> Any:
    if style == "roman":
        return lambda count: f"({_roman(count)})"
    if style == "decimal":
        return lambda count: f"{count}."
    if style == "bracketed":
        return lambda count: f"({count})"
    return _decimal(section_number)


def _roman(number: int) -> str:
    numerals = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ]
    result = ""
    for value, letters in numerals:
        while number >= value:
            result += letters
            number -= value
    return result


def _front_field(spec: FrontSheetSpec, value: Any) -> FrontField | None:
    if value is None:
        return None
    if spec.type == "date":
        return FrontField(spec.field, spec.label, format_date(value))
    if spec.type == "wards":
        return FrontField(
            spec.field, spec.label, ", ".join(value) if isinstance(value, list) else str(value)
        )
    if spec.type == "contact":
        parts = [value["name"], value["role"], value["email"]]
        if value.get("phone"):
            parts.append(value["phone"])
        return FrontField(
            spec.field, spec.label, ", ".join(str(p) for p in parts), email=str(value["email"])
        )
    if spec.type == "yesno":
        return FrontField(spec.field, spec.label, "Yes" if value else "No")
    return FrontField(spec.field, spec.label, str(value))


def _lookup(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for name in dotted.split("."):
        if not isinstance(value, dict) or name not in value:
            return None
        value = value[name]
    return value


def _plain(value: Any) -> Any:
    """Validated data as plain values for templates (Located text becomes str)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


__all__ = ["Narrative", "TableRef", "assemble", "describe", "report_schema", "validate_report"]
