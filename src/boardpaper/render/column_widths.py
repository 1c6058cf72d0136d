"""Table column widths: cell texts and the text width in, one width per column out.

Worked out once per table from the document model and used by both outputs: Word
sets them as the table's fixed grid, and the PDF lays the table out with the same
proportions (``table-layout: fixed``), so WeasyPrint does not measure every cell of
a long table again on every page. The widths come from how wide the text really is
(Arial's metrics), not from counting characters: a column is never narrower than its
longest word ("Compared with last year" must not break mid-word), and the room left
over goes to the columns with the most text, as CSS's automatic table layout does.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from boardpaper.content.model import Table
from boardpaper.render.arial_widths import BOLD, REGULAR, UNITS_PER_EM

LONG_WORD = 20
"""Letters beyond which the PDF lets a word break anywhere (paper.html's class long-word)."""

AVERAGE_ADVANCE = 0.5
"""Width in ems of a character the width table does not hold (a wide one counts double)."""


class TextMeasure:
    """Widths of text in points, by Arial's metrics (``arial_widths``), at ``size_pt``.

    Fixed metrics rather than the machine's fonts: the .docx must be the same
    bytes wherever it is built (it embeds no font), and Arial's proportions
    are close enough to share a table's width among its columns in any
    ordinary council font.
    """

    def __init__(self, size_pt: float) -> None:
        self.size_pt = size_pt

    def width(self, text: str, bold: bool = False) -> float:
        widths = BOLD if bold else REGULAR
        fallback = UNITS_PER_EM * AVERAGE_ADVANCE
        units = 0.0
        for char in text:
            known = widths.get(char)
            if known is None:
                wide = unicodedata.east_asian_width(char) in ("W", "F")
                units += fallback * (2 if wide else 1)
            else:
                units += known
        return units * self.size_pt / UNITS_PER_EM


def column_widths(
    header: Sequence[str],
    rows: Sequence[Sequence[tuple[str, bool]]],
    available: float,
    measure: TextMeasure,
    padding: float,
) -> list[float]:
    """Widths (in the unit of ``available``, points) that share ``available`` among the columns.

    ``rows`` holds (text, bold) per cell; the header is bold. Minimum: the
    widest word of the column, plus a point for the client's rounding; preferred:
    its widest cell on one line. Each column gets its minimum, then the rest
    in proportion to how much more it would like, as CSS automatic layout.
    When the minimums do not fit, a word of over ``LONG_WORD`` letters counts only
    its first ``LONG_WORD`` (the PDF lets such a word break anywhere, and Word
    breaks a word wider than its cell), so one very long word cannot squeeze the
    other columns below their own words.
    """
    columns = [
        [(heading, True)] + [row[index] for row in rows] for index, heading in enumerate(header)
    ]

    def minimums(cut: bool) -> list[float]:
        return [
            max(
                (
                    measure.width(word[:LONG_WORD] if cut else word, bold)
                    for text, bold in cells
                    for word in text.split() or [""]
                ),
                default=0.0,
            )
            + padding
            + 1
            for cells in columns
        ]

    minimum = minimums(cut=False)
    if sum(minimum) > available:
        minimum = minimums(cut=True)
    preferred = []
    for cells, least in zip(columns, minimum, strict=True):
        lines = [
            max((measure.width(line, bold) for line in text.splitlines() or [""]), default=0.0)
            for text, bold in cells
        ]
        preferred.append(max(max(lines, default=0.0) + padding, least))
    if sum(preferred) <= available:
        scale = available / sum(preferred) if sum(preferred) else 1.0
        return [width * scale for width in preferred]
    if sum(minimum) >= available:
        return [available * width / sum(minimum) for width in minimum]
    room = available - sum(minimum)
    wanted = [want - least for want, least in zip(preferred, minimum, strict=True)]
    total = sum(wanted)
    return [least + room * extra / total for least, extra in zip(minimum, wanted, strict=True)]


@dataclass(frozen=True)
class TableLayout:
    """What sizes a template's tables: the Table Text measure, a cell's left+right
    padding and the text width between the page margins (both in points)."""

    measure: TextMeasure
    padding: float
    available: float


def table_widths(table: Table, layout: TableLayout) -> list[float]:
    """Each column's width in points (``column_widths``), status cells measured in bold."""
    return column_widths(
        table.columns,
        [[(cell.text, bool(cell.status)) for cell in row] for row in table.rows],
        layout.available,
        layout.measure,
        layout.padding,
    )


def width_percentages(widths: Sequence[float]) -> list[float]:
    """``widths`` as percentages of their sum, rounded down to 0.001 (so they never add
    up to more than the whole table)."""
    total = sum(widths)
    if total <= 0:
        return []
    return [math.floor(width * 100_000 / total) / 1000 for width in widths]
