"""Figures as councils write them: typed text or spreadsheet cells in, exact numbers out.

``parse_figure`` reads "44.1%", "£1,234.50", "9.4" or "-3" into an ``Amount``:
a ``Decimal`` (never a float, so no float noise) and the ``NumberFormat`` it
was written in. ``from_cell`` does the same for a spreadsheet cell's value and
its Excel number format ("0.0%", "#,##0", "£#,##0.00"). ``format_figure``
writes a figure back in its format, so a paper prints what the author typed
or what Excel showed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CURRENCIES = ("£", "$", "€")

_TYPED = re.compile(
    r"(?P<sign>[-−])?\s*(?P<currency>[£$€])?\s*"
    r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?\s*(?P<percent>%)?"
)
_SIGNIFICANT = 10
"""Digits kept from a spreadsheet cell shown as General: what Excel itself shows."""


@dataclass(frozen=True)
class NumberFormat:
    """How a figure is written: a plain number, a percentage or money; decimals; separators."""

    kind: str = "number"  # number, percent or money
    decimals: int = 0
    thousands: bool = False
    currency: str = "£"


@dataclass(frozen=True)
class Amount:
    """An exact number and the format it is printed in (percentages in points: 44.1 for 44.1%)."""

    value: Decimal
    format: NumberFormat

    @property
    def text(self) -> str:
        return format_figure(self.value, self.format)


def parse_figure(text: str) -> Amount | None:
    """Read a typed figure ("44.1%", "£1,200", "9.4"); None if the text is not one."""
    match = _TYPED.fullmatch(text.strip())
    if match is None:
        return None
    whole = match["whole"]
    fraction = match["fraction"] or ""
    value = Decimal(whole.replace(",", "") + ("." + fraction if fraction else ""))
    if match["sign"]:
        value = -value
    if match["percent"] and match["currency"]:
        return None
    kind = "percent" if match["percent"] else "money" if match["currency"] else "number"
    return Amount(
        value,
        NumberFormat(kind, len(fraction), "," in whole, match["currency"] or "£"),
    )


def parse_format(code: str) -> NumberFormat | None:
    """Read a number format: Excel's codes ("0.0%", "#,##0", "£#,##0.00") or a word.

    Words are ``number``, ``percent`` and ``money``, optionally with decimals:
    "percent 1". None if the code is neither.
    """
    code = code.strip()
    words = code.split()
    if words and words[0] in ("number", "percent", "money"):
        if len(words) == 1:
            return NumberFormat(words[0], 2 if words[0] == "money" else 0, words[0] == "money")
        if len(words) == 2 and words[1].isdigit() and int(words[1]) <= 10:
            return NumberFormat(words[0], int(words[1]), words[0] == "money")
        return None
    section = code.split(";")[0]  # Excel: positive;negative;zero;text: the first rules
    section = re.sub(r'\[[^\]]*\]|"[^"]*"|\\.|_.|\*.', _currency_only, section)
    if not re.fullmatch(r"[£$€]?\s*[#0,]*0?[#0]*(\.[0#]*)?\s*%?", section) or "0" not in section:
        return None
    decimals = len(section.split(".", 1)[1].rstrip("% ")) if "." in section else 0
    currency = next((c for c in CURRENCIES if c in section), None)
    kind = "percent" if "%" in section else "money" if currency else "number"
    return NumberFormat(kind, decimals, "," in section, currency or "£")


def _currency_only(match: re.Match[str]) -> str:
    """Keep a currency symbol out of Excel's quoted or bracketed parts ([$£-809]); drop the rest."""
    part = match.group()
    return next((c for c in CURRENCIES if c in part), "")


def from_cell(value: int | float | Decimal, number_format: str | None) -> Amount:
    """A spreadsheet cell's number and Excel format as an ``Amount`` (percentages scaled to points).

    Floats go through their shortest text (``repr``), then at most ten
    significant digits, as Excel shows them: 0.1 + 0.2 is 0.3, not
    0.30000000000000004.
    """
    exact = _tidy(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
    fmt = parse_format(number_format or "") if number_format not in (None, "General") else None
    if fmt is None:
        decimals = max(0, -exact.as_tuple().exponent)  # type: ignore[operator]
        return Amount(exact, NumberFormat("number", decimals))
    if fmt.kind == "percent":
        exact = _tidy(exact * 100)
    return Amount(exact, fmt)


def _tidy(value: Decimal) -> Decimal:
    """At most ``_SIGNIFICANT`` significant digits, trailing zeros dropped (never 1E+1 form)."""
    if value == 0:
        return Decimal(0)
    digits = value.adjusted() + 1
    places = max(_SIGNIFICANT - digits, 0)
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(rounded, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Decimal(text)


def format_figure(value: Decimal, fmt: NumberFormat) -> str:
    """Write ``value`` in ``fmt``: rounded half up to its decimals, never in exponent form."""
    try:
        rounded = value.quantize(Decimal(1).scaleb(-fmt.decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the context holds: print what we have
        rounded = value
    negative = rounded < 0
    text = format(abs(rounded), ",f" if fmt.thousands else "f")
    if fmt.kind == "percent":
        text += "%"
    elif fmt.kind == "money":
        text = fmt.currency + text
    return "-" + text if negative else text


def percent_difference(value: Decimal, target: Decimal) -> Decimal | None:
    """How far ``value`` is from ``target``, as a percentage of the target; None for a 0 target."""
    if target == 0:
        return None
    return (value - target) / abs(target) * 100
