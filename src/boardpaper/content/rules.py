"""Status and direction rules: exact figures, a polarity and a template's rule in, words out.

Status (RAG) compares this period's value with the target: Green when the
target is met, Amber when it is missed by no more than the tolerance (the
template's ``amber_within``, e.g. 10% of the target, or the indicator's own
``tolerance``), Red beyond it. Direction of travel compares the value with a
previous one: better, same or worse by the indicator's polarity. Where there
is nothing to compare (no target, no previous value, no polarity) the answer
is ``not_applicable``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from boardpaper.load.numbers import Amount, format_figure, percent_difference

NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Indicator:
    """One checked indicator: its figures, and its status and directions (template words' keys)."""

    name: str
    value: Amount
    target: Amount | None
    previous: tuple[Amount | None, ...]
    polarity: str | None
    unit: str
    provisional: bool
    estimate: bool
    status: str
    computed_status: str | None
    override_reason: str | None
    directions: tuple[str, ...]
    group: str | None = None

    def as_plain(self) -> dict[str, Any]:
        """The indicator as plain text values, for templates (``fields``)."""
        return {
            "name": self.name,
            "value": self.value.text,
            "target": self.target.text if self.target else "",
            "previous": [p.text if p else "" for p in self.previous],
            "polarity": self.polarity or "",
            "unit": self.unit,
            "provisional": self.provisional,
            "estimate": self.estimate,
            "status": self.status,
            "directions": list(self.directions),
            "group": self.group or "",
        }


@dataclass(frozen=True)
class IndicatorSet:
    """A checked ``indicators:`` block: periods, indicators in order, and the charts asked for."""

    period: str
    previous_periods: tuple[str, ...]
    compare: dict[str, int | None] = field(hash=False, compare=False)
    indicators: tuple[Indicator, ...]
    charts: tuple[Any, ...] = ()

    def with_charts(self, charts: tuple[Any, ...]) -> IndicatorSet:
        return replace(self, charts=charts)

    def as_plain(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "previous_periods": list(self.previous_periods),
            "measures": [indicator.as_plain() for indicator in self.indicators],
        }


def band(target: Amount, amber_within: Decimal | None, tolerance: Amount | None) -> Decimal | None:
    """How far below (or above) target is still Amber, in the indicator's own unit."""
    if tolerance is not None:
        if tolerance.format.kind == "percent":  # a share of the target ("5%")
            return abs(target.value) * tolerance.value / 100
        return abs(tolerance.value)  # in the indicator's own unit ("2" days, points)
    if amber_within is None:
        return None
    return abs(target.value) * amber_within / 100


def compute_status(
    value: Amount,
    target: Amount | None,
    polarity: str | None,
    amber_within: Decimal | None,
    tolerance: Amount | None,
) -> str | None:
    """green, amber or red by the rule; None when it cannot be computed (no target or polarity)."""
    if target is None or polarity is None:
        return None
    width = band(target, amber_within, tolerance)
    if width is None:
        return None
    shortfall = target.value - value.value if polarity == "higher" else value.value - target.value
    if shortfall <= 0:
        return "green"
    return "amber" if shortfall <= width else "red"


def explain_status(
    value: Amount,
    target: Amount | None,
    polarity: str | None,
    amber_within: Decimal | None,
    tolerance: Amount | None,
) -> str:
    """Why the rule gives what it gives, in one clause ("9.4 is 10.6% worse than the target")."""
    assert target is not None
    difference = percent_difference(value.value, target.value)
    width = band(target, amber_within, tolerance)
    better = (value.value >= target.value) == (polarity == "higher")
    if value.value == target.value:
        return f"{value.text} meets the target {target.text}"
    share = f"{format_figure(abs(difference), _one_decimal())}% " if difference is not None else ""
    side = "better" if better else "worse"
    allowed = f"; Amber allows {_number(width)}" if width is not None and not better else ""
    return f"{value.text} is {share}{side} than the target {target.text}{allowed}"


def _one_decimal() -> Any:
    from boardpaper.load.numbers import NumberFormat

    return NumberFormat("number", 1)


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def compute_direction(value: Amount, before: Amount | None, polarity: str | None) -> str:
    """better, same or worse than ``before`` by polarity; not_applicable if there is no telling."""
    if before is None or polarity is None:
        return NOT_APPLICABLE
    if value.value == before.value:
        return "same"
    up = value.value > before.value
    return "better" if up == (polarity == "higher") else "worse"
