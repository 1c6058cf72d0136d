"""Indicator blocks: a checked ``IndicatorSet`` and its section's manifest in, model blocks out.

One table per group (priority or service), each row in the template's words
(status and direction labels, the provisional and estimate marks), the notes
those marks and any status overrides need, then the charts asked for, each a
``Figure`` with alt text generated from its data (or the author's own) and,
if asked, its figures as a table after it.
"""

from __future__ import annotations

from typing import Any

from boardpaper.content.charts_spec import ChartRequest
from boardpaper.content.model import (
    Cell,
    ChartSeries,
    ChartStyle,
    Figure,
    Paragraph,
    Run,
    Table,
)
from boardpaper.content.rules import NOT_APPLICABLE, Indicator, IndicatorSet
from boardpaper.template.manifest import SectionSpec

DEFAULT_LABELS = {
    "estimate": "(E)",
    "estimate_note": "(E) marks an estimate.",
    "not_applicable": "N/A",
    "override": "(see note)",
    "override_note": "{indicator}: shown as {status} (the rule gives {rule}) because {reason}",
}
"""Words an indicators section uses when its template does not set them (``labels:``)."""


def label(spec: SectionSpec, name: str) -> str:
    return spec.labels.get(name) or DEFAULT_LABELS[name]


def indicator_blocks(spec: SectionSpec, value: IndicatorSet, font: str) -> tuple[Any, ...]:
    """The section's tables, notes and figures, in that order; charts use the template's font."""
    columns = _headings(spec, value)
    groups: dict[str | None, list[Indicator]] = {}
    for indicator in value.indicators:
        groups.setdefault(indicator.group, []).append(indicator)
    blocks: list[Any] = []
    for group, members in groups.items():
        rows = tuple(_row(spec, value, indicator) for indicator in members)
        caption = f"{spec.heading}: {group}" if group and spec.heading else group or spec.heading
        name = spec.field if len(groups) == 1 else f"{spec.field}-{len(blocks) + 1}"
        blocks.append(Table(name, columns, rows, caption, group))
    if any(i.provisional for i in value.indicators):
        blocks.append(Paragraph((Run(spec.labels["provisional_note"]),)))
    if any(i.estimate for i in value.indicators):
        blocks.append(Paragraph((Run(label(spec, "estimate_note")),)))
    statuses = {choice.value: choice.label for choice in spec.statuses}
    for indicator in value.indicators:
        if indicator.override_reason:
            note = label(spec, "override_note")
            for word, text in (
                ("{indicator}", indicator.name),
                ("{status}", statuses.get(indicator.status, indicator.status)),
                ("{rule}", statuses.get(indicator.computed_status or "", "")),
                ("{reason}", indicator.override_reason),
            ):
                note = note.replace(word, text)
            blocks.append(Paragraph((Run(note),)))
    style = ChartStyle(
        font=font,
        status_fills=tuple((c.value, c.colour) for c in spec.statuses if c.colour),
        **spec.chart_colours,
    )
    for index, request in enumerate(value.charts, start=1):
        figure = chart_figure(spec, value, request, f"{spec.field}-chart-{index}", style)
        blocks.append(figure)
        if figure.data_table is not None:
            blocks.append(figure.data_table)
    return tuple(blocks)


def _headings(spec: SectionSpec, value: IndicatorSet) -> tuple[str, ...]:
    columns: list[str] = []
    for column in spec.columns:
        if column.field == "previous":
            columns.extend(column.heading.replace("{period}", p) for p in value.previous_periods)
        else:
            columns.append(column.heading.replace("{period}", value.period))
    return tuple(columns)


def _marked(spec: SectionSpec, indicator: Indicator) -> str:
    text = indicator.value.text
    if indicator.provisional:
        text = f"{text} {spec.labels['provisional']}"
    if indicator.estimate:
        text = f"{text} {label(spec, 'estimate')}"
    return text


def _row(spec: SectionSpec, value: IndicatorSet, indicator: Indicator) -> tuple[Cell, ...]:
    statuses = {choice.value: choice for choice in spec.statuses}
    directions = {choice.value: choice.label for choice in spec.directions}
    not_applicable = label(spec, "not_applicable")
    row: list[Cell] = []
    direction_index = 0
    for column in spec.columns:
        if column.field == "indicator":
            unit = f" ({indicator.unit})" if indicator.unit else ""
            row.append(Cell(indicator.name + unit))
        elif column.field == "previous":
            row.extend(Cell(p.text if p else "") for p in indicator.previous)
            row.extend(
                Cell("") for _ in range(len(value.previous_periods) - len(indicator.previous))
            )
        elif column.field == "value":
            row.append(Cell(_marked(spec, indicator)))
        elif column.field == "target":
            row.append(Cell(indicator.target.text if indicator.target else not_applicable))
        elif column.field == "status":
            choice = statuses.get(indicator.status)
            if choice is None:
                row.append(Cell(not_applicable))
            else:
                text = choice.label
                if indicator.override_reason:
                    text = f"{text} {label(spec, 'override')}"
                row.append(Cell(text, status=choice.value, fill=choice.colour))
        elif column.field == "direction":
            word = (
                indicator.directions[direction_index]
                if direction_index < len(indicator.directions)
                else NOT_APPLICABLE
            )
            direction_index += 1
            row.append(Cell(directions.get(word, not_applicable)))
    return tuple(row)


def chart_figure(
    spec: SectionSpec, value: IndicatorSet, request: ChartRequest, name: str, style: ChartStyle
) -> Figure:
    """A ``Figure``: the chart's data, its alt text and caption, and its data table if asked."""
    statuses = {choice.value: choice.label for choice in spec.statuses}
    chosen = [value.indicators[i] for i in request.indicators]
    if request.kind == "trend":
        indicator = chosen[0]
        amounts = (*indicator.previous, indicator.value)
        periods = (*value.previous_periods, value.period)
        target = indicator.target
        series = ChartSeries(
            kind="trend",
            title=request.title or f"{indicator.name}: {periods[0]} to {periods[-1]}",
            labels=periods,
            values=tuple(float(a.value) if a else None for a in amounts),
            value_texts=tuple(a.text if a else "" for a in amounts),
            targets=(float(target.value),) if target else (),
            target_texts=(target.text,) if target else (),
            statuses=(indicator.status,),
            status_labels=(statuses.get(indicator.status, ""),),
            percent=indicator.value.format.kind == "percent",
            style=style,
        )
        alt = request.alt or _trend_alt(indicator, periods, amounts, statuses)
        table = None
        if request.data_table:
            rows = tuple(
                (Cell(period), Cell(amount.text if amount else ""))
                for period, amount in zip(periods, amounts, strict=True)
            )
            table = Table(f"{name}-data", ("Period", indicator.name), rows, series.title)
    else:
        series = ChartSeries(
            kind="bar",
            title=request.title or f"Indicators compared with their targets, {value.period}",
            labels=tuple(i.name for i in chosen),
            values=tuple(float(i.value.value) for i in chosen),
            value_texts=tuple(i.value.text for i in chosen),
            targets=tuple(float(i.target.value) if i.target else None for i in chosen),
            target_texts=tuple(i.target.text if i.target else "" for i in chosen),
            statuses=tuple(i.status for i in chosen),
            status_labels=tuple(statuses.get(i.status, "") for i in chosen),
            percent=chosen[0].value.format.kind == "percent",
            style=style,
        )
        alt = request.alt or _bar_alt(value.period, chosen, statuses)
        table = None
        if request.data_table:
            bar_rows = tuple(
                (
                    Cell(i.name),
                    Cell(i.value.text),
                    Cell(i.target.text if i.target else ""),
                    Cell(statuses.get(i.status, label(spec, "not_applicable"))),
                )
                for i in chosen
            )
            table = Table(
                f"{name}-data",
                ("Indicator", value.period, "Target", "Status"),
                bar_rows,
                series.title,
            )
    return Figure(name, series, alt, series.title, table)


def _trend_alt(
    indicator: Indicator,
    periods: tuple[str, ...],
    amounts: tuple[Any, ...],
    statuses: dict[str, str],
) -> str:
    known = [a for a in amounts if a is not None]
    low = min(known, key=lambda a: a.value)
    high = max(known, key=lambda a: a.value)
    latest = f"{periods[-1]}: {indicator.value.text}"
    if indicator.target is not None:
        latest += f" against a target of {indicator.target.text}"
    status = statuses.get(indicator.status)
    if status:
        latest += f" ({status})"
    return (
        f"Line chart of {indicator.name} from {periods[0]} to {periods[-1]}. "
        f"Values range from {low.text} to {high.text}. {latest}."
    )


def _bar_alt(period: str, chosen: list[Indicator], statuses: dict[str, str]) -> str:
    parts = []
    for indicator in chosen:
        part = f"{indicator.name} {indicator.value.text}"
        if indicator.target is not None:
            part += f" against a target of {indicator.target.text}"
        status = statuses.get(indicator.status)
        if status:
            part += f" ({status})"
        parts.append(part)
    return f"Bar chart comparing {len(chosen)} indicators in {period}: " + "; ".join(parts) + "."
