"""Report validation: a located node tree and its template in, checked data out.

``report_schema`` turns a template's manifest into the schema a report must
follow; ``validate_report`` checks a report against it, collecting every problem.
"""

from __future__ import annotations

from typing import Any

from boardpaper.content.attachments import AttachmentsKind
from boardpaper.content.kinds import FRONT_SHEET_KINDS, SECTION_KINDS
from boardpaper.content.tables import TableKind
from boardpaper.errors import ContentError, Problem
from boardpaper.load.validators import (
    INVALID,
    PROPERTY_CHARS,
    Context,
    Field,
    Kind,
    Record,
    Text,
    did_you_mean,
)
from boardpaper.load.yaml_nodes import Node
from boardpaper.template.manifest import ChoiceSpec, Template


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
                Text(spec.description, max_chars=PROPERTY_CHARS)
                if spec.type == "text" and spec.field in ("title", "meeting")
                else front_kind(spec),
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
        _TablesKind(template.statuses),
        required=False,
        description="Tables, by name; place one with '- table: name'",
    )
    if "attachments" not in root:  # a template's own field of that name wins
        root["attachments"] = Field(
            AttachmentsKind(),
            required=False,
            description="Appendices as PDF or Word (.docx) files, added after the report "
            "in its PDF and the meeting's pack",
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

    def __init__(self, statuses: tuple[ChoiceSpec, ...] = ()) -> None:
        self.statuses = statuses  # the template's: a cell may show one of them

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind != "map":
            return self.mismatch(node, ctx, key)
        assert isinstance(node.value, dict)
        tables = {
            name: TableKind(self.statuses).check(child, ctx, f"{key}.{name}")
            for name, child in node.value.items()
        }
        return INVALID if any(t is INVALID for t in tables.values()) else tables

    def json_schema(self) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": TableKind(self.statuses).json_schema()}


def validate_report(node: Node, template: Template, ctx: Context) -> dict[str, Any]:
    """Check a report against its template's schema. Raises ContentError with every problem."""
    data = report_schema(template).check(node, ctx, "")
    defined: set[str] = set()
    if (
        isinstance(node.value, dict)
        and "tables" in node.value
        and node.value["tables"].kind == "map"
    ):
        defined = set(node.value["tables"].value)
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
    for identifier, ref_node, key in ctx.paragraph_refs:
        if identifier not in ctx.paragraph_ids:
            ctx.error(
                ref_node,
                key,
                f"[](#{identifier}) refers to no paragraph: give the paragraph 'id: {identifier}'"
                + did_you_mean(identifier, sorted(ctx.paragraph_ids)),
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
    return dict(data)
