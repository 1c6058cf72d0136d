"""Indicator sets: a report's ``indicators:`` block (inline or from a data file) in, checked out.

Each indicator's figures are read exactly (``load.numbers``); its status
(RAG) is computed from the template's rule and its direction of travel from
its previous values and polarity (``content.rules``). A typed status that
disagrees with the rule is an error unless it carries ``status_reason``.
Problems are located where the author wrote the figure: the report's line and
column, or the data file's own cell (``kpis.xlsx:Q2!D14``, ``kpis.csv:4:3``).
"""

from __future__ import annotations

from typing import Any

from boardpaper.content.indicator_sources import (
    FORMAT_HINT,
    POLARITIES,
    FormatMap,
    HeaderMap,
    MeasuresKind,
    OneOrMore,
    Raw,
    Slot,
    amount_of,
    choice_of,
    display_near,
    rows_to_raws,
    text_of,
    yesno_of,
)
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
from boardpaper.load.numbers import parse_format
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
                    HeaderMap(), required=False, description="field: header, where they differ"
                ),
                "formats": Field(
                    FormatMap(),
                    required=False,
                    description="How columns print: value, target, previous: e.g. 0.0%",
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
                "measures": Field(MeasuresKind(spec), required=False),
                "data": Field(
                    OneOrMore(data),
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
        raws: list[Raw] = []
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

    def json_schema(self) -> dict[str, Any]:
        return self.record.json_schema()

    def _from_file(
        self,
        spec: dict[str, Any],
        spec_node: Node,
        period: str,
        periods: list[str],
        ctx: Context,
        key: str,
    ) -> list[Raw]:
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
            display = display_near(ctx.path, str(spec["file"]))
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
        columns, formats = spec.get("columns", {}), spec.get("formats", {})
        return rows_to_raws(table, columns, formats, period, periods, spec_node, ctx, key)

    def _indicator(
        self,
        raw: Raw,
        periods: list[str],
        compare: dict[str, int | None],
        ctx: Context,
        index: int,
    ) -> Indicator | None:
        problems = ctx.problems
        fields = raw.fields
        name_slot = fields.get("name")
        name = text_of(name_slot)
        if name is None:
            problems.append(_missing(raw, name_slot, "name", "expected the indicator's name"))
            return None
        own = None  # the indicator's own format (YAML key or a Format column) wins
        if "format" in fields and not fields["format"].is_empty:
            own = str(fields["format"].value).strip()
            if parse_format(own) is None:
                problems.append(fields["format"].problem(f"{FORMAT_HINT}, found {own!r}"))
                return None

        def fmt(name: str) -> str | None:
            return own or raw.formats.get(name)

        fallback = self.spec.default_format(text_of(fields.get("unit")) or "")
        value = amount_of(fields.get("value"), problems, fmt("value"), fallback)
        if value is None and "value" in fields:
            problems.append(fields["value"].problem("expected a number, found nothing"))
        elif value is None:
            problems.append(_missing(raw, None, "value", "required but missing"))
        target = amount_of(fields.get("target"), problems, fmt("target"), fallback)
        previous = [amount_of(slot, problems, fmt("previous"), fallback) for slot in raw.previous]
        if len(raw.previous) != len(periods):
            assert raw.where is not None
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
            return None
        polarity = choice_of(fields.get("polarity"), POLARITIES, problems)
        tolerance = amount_of(fields.get("tolerance"), problems, None)
        if (
            any(v is INVALID for v in (value, target, polarity, tolerance, *previous))
            or value is None
        ):
            return None
        status_words = {choice.value: choice.value for choice in self.spec.statuses}
        direction_words = {choice.value: choice.value for choice in self.spec.directions}
        typed_status = choice_of(fields.get("status"), status_words, problems)
        typed_direction = choice_of(fields.get("direction"), direction_words, problems)
        reason = text_of(fields.get("status_reason"))
        flags = {flag: yesno_of(fields.get(flag), problems) for flag in ("provisional", "estimate")}
        if INVALID in (typed_status, typed_direction, *flags.values()):
            return None
        amber = self.spec.amber_within
        computed = compute_status(value, target, polarity, amber, tolerance)
        status_slot = fields.get("status")
        if computed is None:
            if target is None and typed_status and polarity is not None:
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
                        "polarity" if polarity is None else "status",
                        "give polarity: higher or lower, so the status can be computed"
                        if polarity is None
                        else "this template has no rule to compute status: write the status",
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
            before = previous[position] if position is not None else None
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
            unit=text_of(fields.get("unit")) or "",
            provisional=bool(flags["provisional"]),
            estimate=bool(flags["estimate"]),
            status=status,
            computed_status=computed,
            override_reason=reason if computed is not None and status != computed else None,
            directions=tuple(directions),
            group=text_of(fields.get("group")),
        )


def _before_text(previous: list[Any], compare: dict[str, int | None], spec: SectionSpec) -> str:
    against = spec.direction_columns[0] if spec.direction_columns else "last_year"
    position = compare.get(against)
    if position is None or position >= len(previous) or previous[position] is None:
        return "nothing to compare"
    return str(previous[position].text)


def _missing(raw: Raw, slot: Slot | None, name: str, message: str) -> Problem:
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
