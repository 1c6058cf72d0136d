"""Report content: a YAML file and its template in, a validated, numbered ``Paper`` out.

``report_schema`` turns a template's manifest into the schema a report must
follow; ``validate_report`` checks a located node tree against it, collecting
every problem; ``assemble`` builds the document model, doing all numbering and
placing the template's standard wording, so renderers never decide words or
numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from boardpaper.content.model import (
    Cell,
    FrontField,
    NumberedParagraph,
    Paper,
    Paragraph,
    Part,
    Run,
    Section,
    Table,
    format_date,
)
from boardpaper.content.narrative import parse_narrative
from boardpaper.content.validators import (
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
    scalar_text,
)
from boardpaper.content.validators import Choice as ChoiceKind
from boardpaper.errors import ContentError, Problem
from boardpaper.load.yaml_nodes import Node, describe
from boardpaper.template.library import FrontSheetSpec, SectionSpec, Template


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


FRONT_SHEET_KINDS: dict[str, type[Kind] | None] = {
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


class IndicatorsKind(Kind):
    """A table of performance indicators: values, targets, RAG status, direction of travel."""

    expected = "a mapping with period, previous_periods and measures"

    def __init__(self, spec: SectionSpec) -> None:
        measure = Record(
            {
                "name": Field(Text(), description="The indicator, e.g. Re-referral rate"),
                "value": Field(CellKind(), description="This period's value"),
                "target": Field(CellKind(), required=False),
                "status": Field(ChoiceKind([c.value for c in spec.statuses])),
                "direction": Field(
                    ChoiceKind([c.value for c in spec.directions]),
                    description="Against the same period last year",
                ),
                "previous": Field(ListOf(CellKind(), min_items=0), required=False),
                "provisional": Field(YesNo(), required=False, description="yes if provisional"),
            }
        )
        self.record = Record(
            {
                "period": Field(Text(), description="This period, e.g. Quarter 2 2025/26"),
                "previous_periods": Field(
                    ListOf(Text(), min_items=0), required=False, description="Earlier periods"
                ),
                "measures": Field(ListOf(measure)),
            }
        )

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        data = self.record.check(node, ctx, key)
        if data is INVALID:
            return INVALID
        width = len(data.get("previous_periods", []))
        measures_node = node.value["measures"]  # type: ignore[index]
        ok = True
        for index, (measure, item) in enumerate(
            zip(data["measures"], measures_node.value, strict=True)
        ):
            given = len(measure.get("previous", []))
            if given != width:
                ctx.error(
                    item,
                    f"{key}.measures[{index}].previous",
                    f"expected {width} previous value(s), one per previous_periods, found {given}",
                )
                ok = False
        return data if ok else INVALID

    def json_schema(self) -> dict[str, Any]:
        return self.record.json_schema()


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


def report_schema(template: Template) -> Record:
    """The schema of a report written for ``template``: its fields nest by dotted name."""
    root: dict[str, Field] = {
        "template": Field(Text(), description="The template this report uses"),
    }
    for spec in template.front_sheet:
        front_kind = FRONT_SHEET_KINDS[spec.type]
        if front_kind is None:
            continue
        _place(
            root,
            spec.field,
            Field(
                front_kind(spec.description),
                spec.required,
                spec.description or spec.label,
            ),
        )
    for section in template.sections:
        _place(
            root,
            section.field,
            Field(
                SECTION_KINDS[section.type](section),
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
            items = _section_blocks(spec, value, tables, template, number)
            sections.append(Section(spec.heading or "", number, level, wording + items, spec.field))
        parts.append(Part(part_spec.heading, tuple(sections), 2))
    front = tuple(
        _front_field(spec, _lookup(data, spec.field), template, data)
        for spec in template.front_sheet
    )
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


def _section_blocks(
    spec: SectionSpec,
    value: Any,
    tables: dict[str, Table],
    template: Template,
    number: str | None,
) -> tuple[Any, ...]:
    """The blocks of one section, by its type; all words beyond the content come from ``spec``."""
    if value is None:
        return ()
    if spec.type == "recommendations":
        return _numbered(value, tables, _numberer(template.recommendation_numbering, number))
    if spec.type == "options":
        return _options(spec, value, tables, _decimal(number))
    if spec.type == "signed_paragraphs":
        officer = value["signed_off_by"]
        signature = Paragraph(
            (
                Run(spec.labels["signed_off_by"] + " ", bold=True),
                Run(f"{officer['name']}, {officer['role']}, {format_date(officer['date'])}"),
            )
        )
        return (*_numbered(value["paragraphs"], tables, _decimal(number)), signature)
    if spec.type == "rows":
        rows = tuple(tuple(Cell(str(row[c.field])) for c in spec.columns) for row in value)
        columns = tuple(c.heading for c in spec.columns)
        return (Table(spec.field, columns, rows, spec.heading),)
    if spec.type == "indicators":
        return _indicators(spec, value)
    return _numbered(value, tables, _decimal(number))


def _blocks(narrative: Any, tables: dict[str, Table]) -> tuple[Any, ...]:
    return (tables[narrative.name],) if isinstance(narrative, TableRef) else tuple(narrative)


def _options(
    spec: SectionSpec, options: list[dict[str, Any]], tables: dict[str, Table], numberer: Any
) -> tuple[NumberedParagraph, ...]:
    """One numbered paragraph per option: its title (marked if preferred), text and reasons."""
    result = []
    for count, option in enumerate(options, start=1):
        title = spec.labels["option"].replace("{number}", str(count))
        title = title.replace("{title}", str(option["title"]))
        runs = [Run(title, bold=True)]
        if option.get("preferred"):
            runs.append(Run(" " + spec.labels["preferred"], bold=True))
        blocks: list[Any] = [Paragraph(tuple(runs)), *_blocks(option["description"], tables)]
        if "reasons" in option:
            blocks.append(Paragraph((Run(spec.labels["reasons"], bold=True),)))
            blocks.extend(_blocks(option["reasons"], tables))
        result.append(NumberedParagraph(numberer(count), tuple(blocks)))
    return tuple(result)


def _indicators(spec: SectionSpec, value: dict[str, Any]) -> tuple[Any, ...]:
    """The indicator table (status and direction in the template's words) and its notes."""
    statuses = {choice.value: choice for choice in spec.statuses}
    directions = {choice.value: choice for choice in spec.directions}
    period = str(value["period"])
    previous_periods = [str(p) for p in value.get("previous_periods", [])]
    columns: list[str] = []
    for column in spec.columns:
        if column.field == "previous":
            columns.extend(column.heading.replace("{period}", p) for p in previous_periods)
        else:
            columns.append(column.heading.replace("{period}", period))
    mark = spec.labels["provisional"]
    rows = []
    any_provisional = False
    for measure in value["measures"]:
        row: list[Cell] = []
        for column in spec.columns:
            if column.field == "indicator":
                row.append(Cell(str(measure["name"])))
            elif column.field == "previous":
                row.extend(Cell(str(v)) for v in measure.get("previous", []))
            elif column.field == "value":
                text = str(measure["value"])
                if measure.get("provisional"):
                    any_provisional = True
                    text = f"{text} {mark}"
                row.append(Cell(text))
            elif column.field == "target":
                row.append(Cell(str(measure.get("target", ""))))
            elif column.field == "status":
                choice = statuses[measure["status"]]
                row.append(Cell(choice.label, status=choice.value, fill=choice.colour))
            elif column.field == "direction":
                row.append(Cell(directions[measure["direction"]].label))
        rows.append(tuple(row))
    blocks: list[Any] = [Table(spec.field, tuple(columns), tuple(rows), spec.heading)]
    if any_provisional:
        blocks.append(Paragraph((Run(spec.labels["provisional_note"]),)))
    return tuple(blocks)


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


def _front_field(
    spec: FrontSheetSpec, value: Any, template: Template, data: dict[str, Any]
) -> FrontField | None:
    if spec.type == "signoffs":
        return _signoffs(spec, template, data)
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
    if spec.type == "yesno_reason":
        answer = "Yes" if value["answer"] else "No"
        return FrontField(spec.field, spec.label, f"{answer}: {value['reason']}")
    return FrontField(spec.field, spec.label, str(value))


def _signoffs(spec: FrontSheetSpec, template: Template, data: dict[str, Any]) -> FrontField | None:
    """The sign-off table: one row per signed_paragraphs section the report fills in."""
    rows = []
    for section in template.sections:
        value = _lookup(data, section.field)
        if section.type != "signed_paragraphs" or value is None:
            continue
        officer = value["signed_off_by"]
        rows.append(
            (
                Cell(section.heading or section.field),
                Cell(str(officer["name"])),
                Cell(str(officer["role"])),
                Cell(format_date(officer["date"])),
            )
        )
    if not rows:
        return None
    table = Table(spec.field, spec.columns, tuple(rows), spec.label)
    summary = "; ".join(f"{row[0].text}: {row[1].text}" for row in rows)
    return FrontField(spec.field, spec.label, summary, table=table)


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
