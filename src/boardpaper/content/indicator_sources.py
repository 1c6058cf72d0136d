"""Where indicators come from: YAML items or data file rows in, located ``Slot``s out.

Each value an author wrote, in the report or in a CSV/XLSX cell, becomes a
``Slot``: the value as stored and where it is, in the file's own terms, so
``content.indicators`` can check every figure and say exactly where a wrong
one is. Also the readers that turn a slot into a figure, a word or yes/no.

Longer than 400 lines on purpose: the two sources (YAML items, data-file rows)
and the slot readers are one vocabulary; split, each half would import the other's
private helpers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from boardpaper.errors import Problem
from boardpaper.load.numbers import Amount, from_cell, parse_figure, parse_format
from boardpaper.load.validators import (
    INVALID,
    Context,
    Kind,
    ListOf,
    Record,
    Text,
    did_you_mean,
)
from boardpaper.load.yaml_nodes import Node
from boardpaper.template.manifest import SectionSpec

MEASURE_FIELDS = {
    "name": "The indicator, e.g. Re-referral rate",
    "value": "This period's figure, e.g. 44.1%",
    "target": "The target; leave out for a data-only indicator",
    "polarity": "higher or lower: which way is better (status and direction are then computed)",
    "tolerance": "How far from target is still Amber: 5% of the target, or 2 in its own unit",
    "previous": "One figure per previous period (empty for none)",
    "unit": "The unit, printed after the name, e.g. days",
    "format": "How figures print: percent 1, money, number 2, or an Excel code like #,##0",
    "provisional": "yes if this period's figure may change",
    "estimate": "yes if this period's figure is an estimate",
    "status": "Only to override the computed status (then give status_reason)",
    "status_reason": "Why the status differs from the rule; printed under the table",
    "direction": "Only where it cannot be computed (no polarity)",
    "group": "The priority or service: one table per group",
}
POLARITIES = {"higher": "higher", "lower": "lower", "up": "higher", "down": "lower"}
YES_NO = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}


@dataclass
class Slot:
    """One value as the author wrote it, in YAML or in a data file cell, and where."""

    value: Any
    number_format: str | None
    path: str
    line: int | None
    column: int | None
    key: str

    @property
    def is_empty(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())

    def problem(self, message: str) -> Problem:
        return Problem(self.path, self.line, self.column, self.key, message)


@dataclass
class Raw:
    """One indicator's slots, before checking."""

    fields: dict[str, Slot] = field(default_factory=dict)
    previous: list[Slot | None] = field(default_factory=list)
    where: Problem | None = None  # where the indicator starts, for problems about it as a whole
    formats: dict[str, str] = field(default_factory=dict)  # a data file's column formats


def text_of(slot: Slot | None) -> str | None:
    if slot is None or slot.is_empty:
        return None
    value = slot.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def amount_of(
    slot: Slot | None, problems: list[Problem], code: str | None, fallback: str | None = None
) -> Any:
    """The slot's figure; None when empty; INVALID (problem recorded) when not a number.

    ``code`` (a format word or Excel code) is how to print it: a spreadsheet
    number is shown as Excel would show it in that format (0.441 in ``0.0%`` is
    44.1%); a typed figure keeps its value and takes the format's decimals.
    ``fallback`` (the template's format for the unit) applies when there is no
    ``code``: to a spreadsheet cell without a format of its own, and to a typed
    figure unless the author typed another kind (a % or £ stays).
    """
    if slot is None or slot.is_empty:
        return None
    value = slot.value
    amount: Amount | None
    if isinstance(value, bool):
        amount = None
    elif isinstance(value, int | float | Decimal):
        own = slot.number_format if slot.number_format not in (None, "General") else None
        amount = from_cell(value, code or own or fallback)
    elif isinstance(value, str):
        amount = parse_figure(value)
        if amount is not None and code is not None:
            amount = Amount(amount.value, parse_format(code) or amount.format)
        elif amount is not None and fallback is not None:
            default = parse_format(fallback)
            # a % or £ the author typed stays; the template only formats plain figures
            if default is not None and amount.format.kind in ("number", default.kind):
                amount = Amount(amount.value, default)
    else:
        amount = None
    if amount is None:
        shown = value if isinstance(value, str) else str(value)
        problems.append(slot.problem(f"expected a number, found {shown!r}"))
        return INVALID
    return amount


def choice_of(slot: Slot | None, options: dict[str, str], problems: list[Problem]) -> Any:
    if slot is None or slot.is_empty:
        return None
    word = str(slot.value).strip().lower()
    if word in options:
        return options[word]
    names = list(dict.fromkeys(options.values()))
    problems.append(
        slot.problem(
            f"expected one of {', '.join(names)}, found {str(slot.value)!r}"
            + did_you_mean(word, names)
        )
    )
    return INVALID


def yesno_of(slot: Slot | None, problems: list[Problem]) -> Any:
    if slot is None or slot.is_empty:
        return False
    if isinstance(slot.value, bool):
        return slot.value
    word = str(slot.value).strip().lower()
    if word in YES_NO:
        return YES_NO[word]
    problems.append(slot.problem(f"expected yes or no, found {str(slot.value)!r}"))
    return INVALID


class OneOrMore(Kind):
    """One mapping, or a list of them (several data files feed one indicator set)."""

    def __init__(self, item: Record) -> None:
        self.item = item
        self.expected = "a data file (file: ...) or a list of them"

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind == "seq":
            return ListOf(self.item).check(node, ctx, key)
        value = self.item.check(node, ctx, key)
        return INVALID if value is INVALID else [value]

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [self.item.json_schema(), ListOf(self.item).json_schema()]}


FORMATTED_FIELDS = ("value", "target", "previous")


class FormatMap(Kind):
    """``field: format`` pairs: how a data file's value, target and previous columns print."""

    expected = "a mapping of value, target or previous to a format"

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind != "map":
            return self.mismatch(node, ctx, key)
        assert isinstance(node.value, dict)
        result = {}
        for name, child in node.value.items():
            child_key = f"{key}.{name}"
            if name not in FORMATTED_FIELDS:
                line, column = node.key_places[name]
                ctx.problems.append(
                    Problem(
                        ctx.path,
                        line,
                        column,
                        child_key,
                        "expected one of "
                        + ", ".join(FORMATTED_FIELDS)
                        + did_you_mean(name, list(FORMATTED_FIELDS)),
                    )
                )
                continue
            code = Text().check(child, ctx, child_key)
            if code is INVALID:
                continue
            if parse_format(str(code)) is None:
                ctx.error(child, child_key, f"{FORMAT_HINT}, found {str(code)!r}")
                continue
            result[name] = str(code)
        return result

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {name: {"type": "string"} for name in FORMATTED_FIELDS},
            "additionalProperties": False,
        }


FORMAT_HINT = "expected a format like percent 1, money, number 2 or #,##0.0"


class HeaderMap(Kind):
    """``field: header`` pairs naming the data file's columns where they differ from the fields."""

    expected = "a mapping of fields to column headers"

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind != "map":
            return self.mismatch(node, ctx, key)
        assert isinstance(node.value, dict)
        result = {}
        for name, child in node.value.items():
            if name not in MEASURE_FIELDS or name == "previous":
                line, column = node.key_places[name]
                ctx.problems.append(
                    Problem(
                        ctx.path,
                        line,
                        column,
                        f"{key}.{name}",
                        "unknown field" + did_you_mean(name, list(MEASURE_FIELDS)),
                    )
                )
                continue
            header = Text().check(child, ctx, f"{key}.{name}")
            if header is not INVALID:
                result[name] = str(header)
        return result

    def json_schema(self) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": {"type": "string"}}


class MeasuresKind(Kind):
    """Inline indicators: a list of mappings whose values are kept as slots to check later."""

    expected = "a list (one '- ' line per indicator)"

    def __init__(self, spec: SectionSpec) -> None:
        self.spec = spec

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind != "seq":
            return self.mismatch(node, ctx, key)
        assert isinstance(node.value, list)
        if len(node.value) > ctx.limits.max_table_rows:
            return ctx.error(
                node, key, f"{len(node.value):,} rows; the limit is {ctx.limits.max_table_rows:,}"
            )
        raws = []
        ok = True
        for index, item in enumerate(node.value):
            item_key = f"{key}[{index}]"
            if item.kind != "map":
                ctx.error(item, item_key, "expected a mapping (name:, value: ... lines)")
                ok = False
                continue
            raw = Raw(where=Problem(ctx.path, item.line, item.column, item_key, ""))
            assert isinstance(item.value, dict)
            for name, child in item.value.items():
                child_key = f"{item_key}.{name}"
                if name not in MEASURE_FIELDS:
                    line, column = item.key_places[name]
                    ctx.problems.append(
                        Problem(
                            ctx.path,
                            line,
                            column,
                            child_key,
                            "unknown key" + did_you_mean(name, list(MEASURE_FIELDS)),
                        )
                    )
                    ok = False
                elif name == "previous":
                    if child.kind != "seq":
                        ctx.error(child, child_key, "expected a list, one figure per period")
                        ok = False
                        continue
                    assert isinstance(child.value, list)
                    raw.previous = [
                        _yaml_slot(part, ctx, f"{child_key}[{i}]")
                        for i, part in enumerate(child.value)
                    ]
                    if any(slot is None for slot in raw.previous):
                        ok = False
                else:
                    slot = _yaml_slot(child, ctx, child_key)
                    ok = ok and slot is not None
                    raw.fields[name] = slot  # type: ignore[assignment]
            raws.append(raw)
        return raws if ok else INVALID

    def json_schema(self) -> dict[str, Any]:
        properties: dict[str, Any] = {
            name: {"type": ["string", "number", "boolean", "null"], "description": text}
            for name, text in MEASURE_FIELDS.items()
        }
        for name, words in (
            ("status", [c.value for c in self.spec.statuses]),
            ("direction", [c.value for c in self.spec.directions]),
            ("polarity", ["higher", "lower"]),
        ):
            properties[name] = {"enum": words, "description": MEASURE_FIELDS[name]}
        properties["previous"] = {
            "type": "array",
            "items": {"type": ["string", "number", "null"]},
            "description": MEASURE_FIELDS["previous"],
        }
        return {
            "type": "array",
            "items": {
                "type": "object",
                "properties": properties,
                "required": ["name", "value"],
                "additionalProperties": False,
            },
        }


def _yaml_slot(node: Node, ctx: Context, key: str) -> Slot | None:
    if node.kind != "scalar":
        ctx.error(node, key, "expected a single value")
        return None
    value = None if node.is_null else str(node.value)
    return Slot(value, None, ctx.path, node.line, node.column, key)


def display_near(report_display: str, name: str) -> str:
    """The data file's name as the author sees it: beside the report's own display path."""
    folder = report_display.rsplit("/", 1)[0] if "/" in report_display else ""
    return f"{folder}/{name}" if folder else name


def rows_to_raws(
    table: Any,
    columns: dict[str, str],
    formats: dict[str, str],
    period: str,
    periods: list[str],
    spec_node: Node,
    ctx: Context,
    key: str,
) -> list[Raw]:
    """Map a data table's rows to indicators by header (case and spacing ignored)."""
    headers = {_normal(cell.value): index for index, cell in enumerate(table.header)}
    wanted: dict[str, list[str]] = {
        name: [columns[name]]
        if name in columns
        else list(dict.fromkeys([name, name.replace("_", " ")]))
        for name in MEASURE_FIELDS
        if name != "previous"
    }
    if "name" not in columns:
        wanted["name"].append("indicator")
    if "value" not in columns:
        wanted["value"].insert(0, period)
    found: dict[str, int] = {}
    for name, options in wanted.items():
        for option in options:
            if option and _normal(option) in headers:
                found[name] = headers[_normal(option)]
                break
    previous_columns: list[int | None] = []
    for period in periods:
        previous_columns.append(headers.get(_normal(period)))
    shown = ", ".join(repr(str(c.value)) for c in table.header if not c.is_empty)
    missing = [name for name in ("name", "value") if name not in found]
    for name in missing:
        choices = " or ".join(repr(o) for o in wanted[name] if o)
        ctx.error(
            spec_node,
            f"{key}.data",
            f"{table.display} has no column headed {choices}; its headers are {shown}",
        )
    for period, column in zip(periods, previous_columns, strict=True):
        if column is None:
            ctx.error(
                spec_node,
                f"{key}.data",
                f"{table.display} has no column headed {period!r} (a previous period); "
                f"its headers are {shown}",
            )
    present = [column for column in previous_columns if column is not None]
    if missing or len(present) != len(previous_columns):
        return []
    raws = []
    for row in table.rows:
        raw = Raw(formats=formats)
        for name, index in found.items():
            raw.fields[name] = _cell_slot(row, index, name)
        raw.previous = [_cell_slot(row, index, "previous") for index in present]
        first = raw.fields["name"]
        raw.where = Problem(first.path, first.line, first.column, "", "")
        raws.append(raw)
    return raws


def _cell_slot(row: tuple[Any, ...], index: int, name: str) -> Slot:
    cell = row[index]  # rows are as wide as the header (load.datafiles pads them)
    return Slot(cell.value, cell.number_format, cell.path, cell.line, cell.column, name)


def _normal(value: Any) -> str:
    return " ".join(str(value or "").split()).lower()
