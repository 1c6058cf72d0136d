"""Indicator sets: a report's ``indicators:`` block (inline or from a data file) in, checked out.

Each indicator's figures are read exactly (``content.numbers``); its status
(RAG) is computed from the template's rule and its direction of travel from
its previous values and polarity (``content.rules``). A typed status that
disagrees with the rule is an error unless it carries ``status_reason``.
Problems are located where the author wrote the figure: the report's line and
column, or the data file's own cell (``kpis.xlsx:Q2!D14``, ``kpis.csv:4:3``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from boardpaper.content.numbers import Amount, from_cell, parse_figure, parse_format
from boardpaper.content.rules import (
    NOT_APPLICABLE,
    Indicator,
    IndicatorSet,
    compute_direction,
    compute_status,
    explain_status,
)
from boardpaper.errors import ContentError, Problem
from boardpaper.load.datafiles import DataFileError, read_data_file, resolve_data_file
from boardpaper.load.validators import (
    INVALID,
    Context,
    Field,
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
class _Raw:
    """One indicator's slots, before checking."""

    fields: dict[str, Slot] = field(default_factory=dict)
    previous: list[Slot | None] = field(default_factory=list)
    where: Problem | None = None  # where the indicator starts, for problems about it as a whole


class IndicatorsKind(Kind):
    """An indicator set: period, previous periods, rows inline or from a data file, charts."""

    expected = "a mapping with period, previous_periods and measures (or data)"

    def __init__(self, spec: SectionSpec) -> None:
        self.spec = spec
        data = Record(
            {
                "file": Field(Text(), description="A .csv or .xlsx file next to the report"),
                "sheet": Field(Text(), required=False, description="The sheet (XLSX only)"),
                "range": Field(Text(), required=False, description="Cells, e.g. A1:K13"),
                "columns": Field(
                    _HeaderMap(), required=False, description="field: header, where they differ"
                ),
            }
        )
        from boardpaper.content.charts_spec import CHART

        self.record = Record(
            {
                "period": Field(Text(), description="This period, e.g. Quarter 2 2025/26"),
                "previous_periods": Field(
                    ListOf(Text(), min_items=0),
                    required=False,
                    description="Earlier periods, oldest first",
                ),
                "last_year": Field(
                    Text(), required=False, description="Which previous period is a year ago"
                ),
                "last_period": Field(
                    Text(), required=False, description="Which previous period is the last one"
                ),
                "measures": Field(_MeasuresKind(), required=False),
                "data": Field(
                    _OneOrMore(data),
                    required=False,
                    description="Rows from a CSV or XLSX file (or a list of files)",
                ),
                "charts": Field(ListOf(CHART), required=False, description="Charts to draw"),
            }
        )

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        problems_before = len(ctx.problems)
        data = self.record.check(node, ctx, key)
        if data is INVALID:
            return INVALID
        assert isinstance(node.value, dict)
        periods = [str(p) for p in data.get("previous_periods", [])]
        raws: list[_Raw] = []
        if "measures" in data:
            raws.extend(data["measures"])
        if "data" in data:
            sources = node.value["data"]
            source_nodes = sources.value if sources.kind == "seq" else [sources]
            for source, source_node in zip(data["data"], source_nodes, strict=True):
                raws.extend(
                    self._from_file(source, source_node, str(data["period"]), periods, ctx, key)
                )
        if "measures" not in data and "data" not in data:
            return ctx.error(node, f"{key}.measures", "required but missing (or give data:)")
        compare: dict[str, int | None] = {}
        for which, default in (("last_year", 0), ("last_period", len(periods) - 1)):
            if which in data:
                if data[which] not in periods:
                    ctx.error(
                        node.value[which],
                        f"{key}.{which}",
                        f"expected one of previous_periods, found {data[which]!r}"
                        + did_you_mean(str(data[which]), periods),
                    )
                    return INVALID
                compare[which] = periods.index(data[which])
            else:
                compare[which] = default if periods else None
        indicators = [
            self._indicator(raw, periods, compare, ctx, index) for index, raw in enumerate(raws)
        ]
        if len(ctx.problems) > problems_before or any(i is None for i in indicators):
            return INVALID
        result = IndicatorSet(
            period=str(data["period"]),
            previous_periods=tuple(periods),
            compare=compare,
            indicators=tuple(i for i in indicators if i is not None),
        )
        if "charts" in data:
            from boardpaper.content.charts_spec import check_charts

            charts = check_charts(data["charts"], node.value["charts"], result, ctx, key)
            if charts is INVALID:
                return INVALID
            result = result.with_charts(charts)
        return result

    def _from_file(
        self,
        spec: dict[str, Any],
        spec_node: Node,
        period: str,
        periods: list[str],
        ctx: Context,
        key: str,
    ) -> list[_Raw]:
        assert isinstance(spec_node.value, dict)
        file_node = spec_node.value["file"]
        if ctx.folder is None:
            ctx.error(
                file_node,
                f"{key}.data.file",
                "data files are read only when building from a folder; give measures: inline",
            )
            return []
        try:
            path = resolve_data_file(ctx.folder, str(spec["file"]))
            display = _display_near(ctx.path, str(spec["file"]))
            table = read_data_file(
                path,
                display,
                ctx.limits,
                str(spec["sheet"]) if "sheet" in spec else None,
                str(spec["range"]) if "range" in spec else None,
                name=str(spec["file"]),
            )
        except DataFileError as error:
            ctx.error(file_node, f"{key}.data.file", str(error))
            return []
        except ContentError as error:
            ctx.problems.extend(error.problems)
            return []
        ctx.data_files[display] = table
        columns = spec.get("columns", {})
        return _rows_to_raws(table, columns, period, periods, spec_node, ctx, key)

    def _indicator(
        self,
        raw: _Raw,
        periods: list[str],
        compare: dict[str, int | None],
        ctx: Context,
        index: int,
    ) -> Indicator | None:
        problems = ctx.problems
        fields = raw.fields
        name_slot = fields.get("name")
        name = _text(name_slot)
        if name is None:
            problems.append(_missing(raw, name_slot, "name", "expected the indicator's name"))
            return None
        fmt = None
        if "format" in fields and not fields["format"].is_empty:
            fmt = parse_format(str(fields["format"].value))
            if fmt is None:
                problems.append(
                    fields["format"].problem(
                        "expected a format like percent 1, money, number 2 or #,##0.0, found "
                        f"{fields['format'].value!r}"
                    )
                )
                return None
        value = _amount(fields.get("value"), problems, fmt)
        if value is None and "value" in fields:
            problems.append(fields["value"].problem("expected a number, found nothing"))
        elif value is None:
            problems.append(_missing(raw, None, "value", "required but missing"))
        target = _amount(fields.get("target"), problems, fmt)
        previous = [_amount(slot, problems, fmt) for slot in raw.previous]
        if len(raw.previous) != len(periods) and raw.where is not None:
            problems.append(
                Problem(
                    raw.where.path,
                    raw.where.line,
                    raw.where.column,
                    raw.where.key + ".previous",
                    f"expected {len(periods)} previous value(s), one per previous_periods, "
                    f"found {len(raw.previous)}",
                )
            )
        polarity = _choice(fields.get("polarity"), POLARITIES, problems)
        tolerance = _amount(fields.get("tolerance"), problems, None)
        if (
            any(v is INVALID for v in (value, target, polarity, tolerance, *previous))
            or value is None
        ):
            return None
        status_words = {choice.value: choice.value for choice in self.spec.statuses}
        direction_words = {choice.value: choice.value for choice in self.spec.directions}
        typed_status = _choice(fields.get("status"), status_words, problems)
        typed_direction = _choice(fields.get("direction"), direction_words, problems)
        reason = _text(fields.get("status_reason"))
        flags = {flag: _yesno(fields.get(flag), problems) for flag in ("provisional", "estimate")}
        if INVALID in (typed_status, typed_direction, *flags.values()):
            return None
        amber = self.spec.amber_within
        computed = compute_status(value, target, polarity, amber, tolerance)
        status_slot = fields.get("status")
        if computed is None:
            if target is None and typed_status:
                assert status_slot is not None
                problems.append(
                    status_slot.problem("a data-only indicator (no target) has no status")
                )
                return None
            if target is not None and not typed_status:
                where = status_slot or fields.get("target")
                problems.append(
                    _missing(
                        raw,
                        where,
                        "polarity",
                        "give polarity: higher or lower, so the status can be computed",
                    )
                )
                return None
            status = typed_status or NOT_APPLICABLE
        elif typed_status and typed_status != computed and not reason:
            assert status_slot is not None
            problems.append(
                status_slot.problem(
                    f"the template's rule gives {computed}: "
                    f"{explain_status(value, target, polarity, amber, tolerance)}; "
                    f"write {computed}, or give status_reason: to override it"
                )
            )
            return None
        elif reason and (not typed_status or typed_status == computed):
            slot = fields["status_reason"]
            problems.append(
                slot.problem("status_reason explains an override: give the status it explains")
            )
            return None
        else:
            status = typed_status or computed
        directions = []
        for against in self.spec.direction_columns:
            position = compare.get(against)
            before = previous[position] if position is not None and previous else None
            directions.append(compute_direction(value, before, polarity))
        if typed_direction:
            first = directions[0] if directions else NOT_APPLICABLE
            if first not in (NOT_APPLICABLE, typed_direction):
                slot = fields["direction"]
                problems.append(
                    slot.problem(
                        f"the figures say {first} ({value.text} against "
                        f"{_before_text(previous, compare, self.spec)}); write {first} "
                        "or leave direction out"
                    )
                )
                return None
            if directions and first == NOT_APPLICABLE:
                directions[0] = typed_direction
        return Indicator(
            name=name,
            value=value,
            target=target,
            previous=tuple(previous),
            polarity=polarity,
            unit=_text(fields.get("unit")) or "",
            provisional=bool(flags["provisional"]),
            estimate=bool(flags["estimate"]),
            status=status,
            computed_status=computed,
            override_reason=reason if computed is not None and status != computed else None,
            directions=tuple(directions),
            group=_text(fields.get("group")),
        )


def _before_text(previous: list[Any], compare: dict[str, int | None], spec: SectionSpec) -> str:
    against = spec.direction_columns[0] if spec.direction_columns else "last_year"
    position = compare.get(against)
    if position is None or position >= len(previous) or previous[position] is None:
        return "nothing to compare"
    return previous[position].text


def _missing(raw: _Raw, slot: Slot | None, name: str, message: str) -> Problem:
    if slot is not None:
        return Problem(
            slot.path,
            slot.line,
            slot.column,
            slot.key.rsplit(".", 1)[0] + "." + name if "." in slot.key else name,
            message,
        )
    assert raw.where is not None
    where = raw.where
    return Problem(where.path, where.line, where.column, f"{where.key}.{name}".lstrip("."), message)


def _text(slot: Slot | None) -> str | None:
    if slot is None or slot.is_empty:
        return None
    value = slot.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _amount(slot: Slot | None, problems: list[Problem], fmt: Any) -> Any:
    """The slot's figure; None when empty; INVALID (problem recorded) when not a number."""
    if slot is None or slot.is_empty:
        return None
    value = slot.value
    amount: Amount | None
    if isinstance(value, bool):
        amount = None
    elif isinstance(value, int | float | Decimal):
        amount = from_cell(value, slot.number_format)
    elif isinstance(value, str):
        amount = parse_figure(value)
    else:
        amount = None
    if amount is None:
        shown = value if isinstance(value, str) else str(value)
        problems.append(slot.problem(f"expected a number, found {shown!r}"))
        return INVALID
    return Amount(amount.value, fmt) if fmt is not None else amount


def _choice(slot: Slot | None, options: dict[str, str], problems: list[Problem]) -> Any:
    if slot is None or slot.is_empty:
        return None
    word = str(slot.value).strip().lower()
    if word in options:
        return options[word]
    names = sorted(set(options))
    problems.append(
        slot.problem(
            f"expected one of {', '.join(names)}, found {str(slot.value)!r}"
            + did_you_mean(word, names)
        )
    )
    return INVALID


def _yesno(slot: Slot | None, problems: list[Problem]) -> Any:
    if slot is None or slot.is_empty:
        return False
    if isinstance(slot.value, bool):
        return slot.value
    word = str(slot.value).strip().lower()
    if word in YES_NO:
        return YES_NO[word]
    problems.append(slot.problem(f"expected yes or no, found {str(slot.value)!r}"))
    return INVALID


class _OneOrMore(Kind):
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


class _HeaderMap(Kind):
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


class _MeasuresKind(Kind):
    """Inline indicators: a list of mappings whose values are kept as slots to check later."""

    expected = "a list (one '- ' line per indicator)"

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
            raw = _Raw(where=Problem(ctx.path, item.line, item.column, item_key, ""))
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


def _display_near(report_display: str, name: str) -> str:
    """The data file's name as the author sees it: beside the report's own display path."""
    folder = report_display.rsplit("/", 1)[0] if "/" in report_display else ""
    return f"{folder}/{name}" if folder else name


def _rows_to_raws(
    table: Any,
    columns: dict[str, str],
    period: str,
    periods: list[str],
    spec_node: Node,
    ctx: Context,
    key: str,
) -> list[_Raw]:
    """Map a data table's rows to indicators by header (case and spacing ignored)."""
    headers = {_normal(cell.value): index for index, cell in enumerate(table.header)}
    wanted: dict[str, list[str]] = {
        name: [columns[name]] if name in columns else [name, name.replace("_", " ")]
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
    previous_columns = []
    for period in periods:
        previous_columns.append(headers.get(_normal(period)))
    shown = ", ".join(repr(str(c.value)) for c in table.header if not c.is_empty)
    missing = [name for name in ("name", "value") if name not in found]
    for name in missing:
        options = " or ".join(repr(o) for o in wanted[name] if o)
        ctx.error(
            spec_node,
            f"{key}.data",
            f"{table.display} has no column headed {options}; its headers are {shown}",
        )
    for period, column in zip(periods, previous_columns, strict=True):
        if column is None:
            ctx.error(
                spec_node,
                f"{key}.data",
                f"{table.display} has no column headed {period!r} (a previous period); "
                f"its headers are {shown}",
            )
    if missing or None in previous_columns:
        return []
    raws = []
    for row in table.rows:
        raw = _Raw()
        for name, index in found.items():
            raw.fields[name] = _cell_slot(row, index, name)
        raw.previous = [_cell_slot(row, index, "previous") for index in previous_columns]
        first = raw.fields["name"]
        raw.where = Problem(first.path, first.line, first.column, "", "")
        raws.append(raw)
    return raws


def _cell_slot(row: tuple[Any, ...], index: int, name: str) -> Slot:
    cell = row[index]  # rows are as wide as the header (load.datafiles pads them)
    return Slot(cell.value, cell.number_format, cell.path, cell.line, cell.column, name)


def _normal(value: Any) -> str:
    return " ".join(str(value or "").split()).lower()
