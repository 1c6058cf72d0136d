"""Charts: a ``ChartSeries`` and the template's style in, reproducible SVG or PNG bytes out.

Drawn with matplotlib's object API and the Agg and SVG canvases (never
pyplot, so no global backend or state is touched). Output is byte-identical
run to run: the SVG hash salt and metadata are fixed, PNG metadata dropped.
The SVG keeps its words as text in the template's font (Liberation Sans for
Arial, as fontconfig maps it for the PDF), which WeasyPrint sets with the font
the paper already embeds: WeasyPrint drew the sample's charts 2.6x slower when
every glyph was a path, and those words could not be searched or copied.
Labels are plain text, never mathtext (``$x$`` prints as typed). Status is
never shown by colour alone: each bar or latest point also carries its status
word, and each status has its own hatch pattern.
"""

from __future__ import annotations

import io
import textwrap
from functools import cache
from typing import Any

from boardpaper.content.model import ChartSeries, ChartStyle

WIDTH_INCHES = 6.3  # 16 cm: the text width of an A4 paper with 2.5 cm margins
PNG_DPI = 200
HATCHES = {"green": "", "amber": "//", "red": "xx"}
"""A pattern per status, so bars differ in more than colour."""
METRIC_COMPATIBLE = {"arial": "Liberation Sans", "helvetica": "Liberation Sans"}


@cache
def font_family(requested: str) -> str:
    """The installed family to draw ``requested`` with: itself, a metric twin, or Liberation."""
    from matplotlib import font_manager

    for family in (requested, METRIC_COMPATIBLE.get(requested.lower()), "Liberation Sans"):
        if not family:
            continue
        try:
            font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
        return family
    return "DejaVu Sans"  # matplotlib's own font, always there


def _rc(style: ChartStyle) -> dict[str, Any]:
    return {
        "svg.hashsalt": "boardpaper",
        "svg.fonttype": "none",
        "text.parse_math": False,
        "font.family": [font_family(style.font)],
        "font.size": 10,
        "text.color": style.text_colour,
        "axes.labelcolor": style.text_colour,
        "xtick.color": style.text_colour,
        "ytick.color": style.text_colour,
        "hatch.linewidth": 1.0,
        "path.simplify": False,
    }


def render_svg(chart: ChartSeries) -> bytes:
    """The chart as SVG (for the PDF): vector, its words as text, reproducible."""
    return _render(chart, chart.style, "svg")


def render_png(chart: ChartSeries) -> bytes:
    """The chart as PNG (for the .docx), at 200 dpi, with no metadata."""
    return _render(chart, chart.style, "png")


def size_inches(chart: ChartSeries) -> tuple[float, float]:
    """Width and height: trends are 16 x 8 cm; bar charts grow with their bars."""
    if chart.kind == "bar":
        return WIDTH_INCHES, 1.8 + 0.55 * len(chart.labels)
    return WIDTH_INCHES, 3.2


def _render(chart: ChartSeries, style: ChartStyle, fmt: str) -> bytes:
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_rc(style)):  # type: ignore[arg-type]
        figure = Figure(figsize=size_inches(chart), dpi=100, layout="constrained")
        axes = figure.add_subplot()
        if chart.kind == "bar":
            _bars(axes, chart, style)
        else:
            _trend(axes, chart, style)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        buffer = io.BytesIO()
        if fmt == "svg":
            from matplotlib.backends.backend_svg import FigureCanvasSVG

            FigureCanvasSVG(figure).print_figure(
                buffer, format="svg", metadata={"Date": None, "Creator": None}
            )
        else:
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            FigureCanvasAgg(figure).print_figure(
                buffer, format="png", dpi=PNG_DPI, metadata={"Software": None}
            )
    return buffer.getvalue()


def _axis_formatter(chart: ChartSeries) -> Any:
    from matplotlib.ticker import FuncFormatter

    def tick(value: float, _position: int) -> str:
        text = f"{value:,.10g}"
        return f"{text}%" if chart.percent else text

    return FuncFormatter(tick)


def _trend(axes: Any, chart: ChartSeries, style: ChartStyle) -> None:
    positions = list(range(len(chart.labels)))
    points = [(x, y) for x, y in zip(positions, chart.values, strict=True) if y is not None]
    axes.plot(
        [x for x, _ in points],
        [y for _, y in points],
        color=style.line_colour,
        marker="o",
        linewidth=2,
        label="Value",
    )
    for (x, y), text in zip(
        points,
        [t for t, v in zip(chart.value_texts, chart.values, strict=True) if v is not None],
        strict=True,
    ):
        label = text
        if x == positions[-1] and chart.status_labels and chart.status_labels[-1]:
            label = f"{text} ({chart.status_labels[-1]})"
        axes.annotate(
            label, (x, y), textcoords="offset points", xytext=(0, 8), ha="center", fontsize=9
        )
    target = chart.targets[-1] if chart.targets else None
    if target is not None:
        axes.axhline(target, color=style.target_colour, linestyle="--", linewidth=1.5)
        axes.annotate(
            f"Target {chart.target_texts[-1]}",
            (positions[-1], target),
            textcoords="offset points",
            xytext=(6, -12),
            ha="left",
            fontsize=9,
            color=style.target_colour,
        )
    values = [y for _, y in points] + ([target] if target is not None else [])
    low, high = min(values), max(values)
    spread = (high - low) or abs(high) or 1.0
    axes.set_ylim(low - spread * 0.35, high + spread * 0.35)
    axes.set_xticks(positions, [textwrap.fill(label, 14) for label in chart.labels])
    axes.set_xlim(-0.4, positions[-1] + 0.9)
    axes.yaxis.set_major_formatter(_axis_formatter(chart))
    axes.grid(axis="y", color="#d9d9d9", linewidth=0.5)
    axes.set_axisbelow(True)


def _bars(axes: Any, chart: ChartSeries, style: ChartStyle) -> None:
    from matplotlib.patches import Patch

    count = len(chart.labels)
    positions = list(range(count))[::-1]  # first indicator at the top
    values = [value or 0.0 for value in chart.values]
    statuses = list(chart.statuses) or [None] * count
    bars = axes.barh(
        positions,
        values,
        height=0.6,
        color=[style.fill(status) for status in statuses],
        edgecolor=style.text_colour,
        linewidth=0.8,
    )
    for bar, status in zip(bars, statuses, strict=True):
        bar.set_hatch(HATCHES.get(status or "", ""))
    status_labels = list(chart.status_labels) or [""] * count
    targets = list(chart.targets) or [None] * count
    for y, value, text, status, target in zip(
        positions, values, chart.value_texts, status_labels, targets, strict=True
    ):
        label = f"{text} ({status})" if status else text
        right = max(value, target if target is not None else value)
        axes.annotate(
            label, (right, y), textcoords="offset points", xytext=(6, 0), va="center", fontsize=9
        )
    for y, target in zip(positions, targets, strict=True):
        if target is not None:
            axes.plot(
                [target, target], [y - 0.4, y + 0.4], color=style.target_colour, linewidth=2.5
            )
    axes.set_yticks(positions, [textwrap.fill(label, 28) for label in chart.labels])
    highest = max(values + [t for t in targets if t is not None] + [0.0])
    axes.set_xlim(0, highest * 1.35 or 1.0)
    axes.xaxis.set_major_formatter(_axis_formatter(chart))
    handles: list[Any] = [
        Patch(
            facecolor=style.fill(value),
            edgecolor=style.text_colour,
            hatch=HATCHES.get(value, ""),
            label=label,
        )
        for value, label in _legend_statuses(chart)
    ]
    if any(t is not None for t in targets):
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color=style.target_colour, linewidth=2.5, label="Target"))
    if handles:
        axes.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            ncol=len(handles),
            fontsize=9,
            frameon=False,
        )


def _legend_statuses(chart: ChartSeries) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for value, label in zip(chart.statuses, chart.status_labels, strict=True):
        if value and value in HATCHES and value not in seen:
            seen[value] = label
    return sorted(seen.items(), key=lambda item: list(HATCHES).index(item[0]))
