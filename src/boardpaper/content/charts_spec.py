"""Chart requests: a report's ``charts:`` entries in, checked ``ChartRequest``s out.

A ``trend`` chart draws one indicator over the previous periods and this one,
with its target as a line; a ``bar`` chart compares this period's value of
several indicators (all in the same kind of unit) with their targets. An
author may write their own ``alt`` text; otherwise it is generated from the
data (``content.indicator_table``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from boardpaper.content.rules import IndicatorSet
from boardpaper.load.validators import (
    INVALID,
    Choice,
    Context,
    Field,
    ListOf,
    Record,
    Text,
    YesNo,
    did_you_mean,
)
from boardpaper.load.yaml_nodes import Node

CHART = Record(
    {
        "type": Field(Choice(["trend", "bar"]), description="trend (over periods) or bar"),
        "indicator": Field(Text(), required=False, description="The indicator (trend)"),
        "indicators": Field(
            ListOf(Text()), required=False, description="The indicators to compare (bar)"
        ),
        "group": Field(Text(), required=False, description="Compare every indicator of a group"),
        "title": Field(Text(), required=False, description="The chart's caption"),
        "alt": Field(
            Text(), required=False, description="Your own alternative text (else generated)"
        ),
        "data_table": Field(
            YesNo(), required=False, description="yes to print the chart's figures as a table"
        ),
    },
    description="A chart of indicators",
)

MIN_ALT_CHARS = 10


FILE_NAME_ALT = re.compile(
    r"(?:[\w\-. :]*[\\/])*[\w\-. ]+\.(?:png|jpe?g|gif|svg|bmp|tiff?|emf|wmf|webp|pdf)"
    r"|(?:picture|image|img|chart|figure|graphic)[ _-]?\d*",
    re.IGNORECASE,
)
"""Alt text that is only a file name ("chart-1.png") or a default name ("Picture 3")."""


def alt_text_problem(alt: str) -> str | None:
    """What is wrong with an image's alternative text, or None: it must say what it shows."""
    text = alt.strip()
    if not text:
        return "has no alternative text"
    if FILE_NAME_ALT.fullmatch(text):
        return f"has a file name for alternative text ({text!r}); say what it shows"
    return None


@dataclass(frozen=True)
class ChartRequest:
    """A checked chart: its kind, the indicators in it (by position) and the author's words."""

    kind: str
    indicators: tuple[int, ...]
    title: str | None
    alt: str | None
    data_table: bool


def check_charts(
    charts: list[dict[str, Any]], node: Node, indicators: IndicatorSet, ctx: Context, key: str
) -> Any:
    """Check chart entries against the indicators they name; INVALID if any is wrong."""
    names = [indicator.name for indicator in indicators.indicators]
    groups = [indicator.group for indicator in indicators.indicators]
    requests = []
    ok = True
    assert isinstance(node.value, list)
    for index, (chart, item) in enumerate(zip(charts, node.value, strict=True)):
        item_key = f"{key}.charts[{index}]"

        def fail(message: str, where: Node = item, suffix: str = "", k: str = item_key) -> None:
            nonlocal ok
            ctx.error(where, k + suffix, message)
            ok = False

        chosen: list[int] = []
        wanted = [chart["indicator"]] if "indicator" in chart else list(chart.get("indicators", []))
        for name in wanted:
            if str(name) in names:
                chosen.append(names.index(str(name)))
            else:
                fail(f"no indicator called {str(name)!r}" + did_you_mean(str(name), names))
        if "group" in chart:
            members = [i for i, group in enumerate(groups) if group == str(chart["group"])]
            if not members:
                known = sorted({g for g in groups if g})
                fail(
                    f"no indicator in group {str(chart['group'])!r}"
                    + did_you_mean(str(chart["group"]), known)
                )
            chosen.extend(members)
        if chart["type"] == "trend" and len(chosen) != 1 and len(wanted) != 1:
            fail("a trend chart shows one indicator: give indicator: NAME")
        if chart["type"] == "bar" and not chosen and ok:
            fail("a bar chart compares indicators: give indicators: [...] or group:")
        kinds = {indicators.indicators[i].value.format.kind == "percent" for i in chosen}
        if chart["type"] == "bar" and len(kinds) > 1:
            fail("a bar chart compares indicators in one unit; these mix percentages and numbers")
        if chart["type"] == "trend" and not indicators.previous_periods:
            fail("a trend chart needs previous_periods to draw a trend")
        alt = chart.get("alt")
        if alt is not None and alt_text_problem(str(alt)):
            fail(f"the chart's alt text {alt_text_problem(str(alt))}", suffix=".alt")
        elif alt is not None and len(str(alt).strip()) < MIN_ALT_CHARS:
            fail(
                "alt text says what the chart shows, its range and the latest value; "
                f"{str(alt)!r} is too short",
                suffix=".alt",
            )
        requests.append(
            ChartRequest(
                kind=chart["type"],
                indicators=tuple(chosen),
                title=str(chart["title"]) if "title" in chart else None,
                alt=str(alt) if alt is not None else None,
                data_table=bool(chart.get("data_table", False)),
            )
        )
    return tuple(requests) if ok else INVALID
