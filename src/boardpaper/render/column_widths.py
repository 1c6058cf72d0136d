"""Table column widths for Word: cell texts and the text width in, one width per column out.

Word lays a fixed-width table out as told, so the widths must come from how
wide the text really is in the table's font, not from counting characters:
a column is never narrower than its longest word ("Compared with last year"
must not break mid-word), and the room left over goes to the columns with the
most text, as a browser's automatic table layout (and so the PDF) does.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

AVERAGE_ADVANCE = 0.5
"""Width of a character in ems when the font cannot be measured."""


@cache
def _advances(font_file: str) -> tuple[dict[int, int], int] | None:
    """Advance widths by code point, and units per em, of a font file."""
    try:
        from fontTools.ttLib import TTFont

        with TTFont(font_file, lazy=True, fontNumber=0) as face:
            cmap = face.getBestCmap() or {}
            metrics = face["hmtx"].metrics
            widths = {code: metrics[name][0] for code, name in cmap.items() if name in metrics}
            return widths, face["head"].unitsPerEm
    except Exception:  # any font fontTools cannot read: fall back to an average width
        return None


class TextMeasure:
    """Widths of text in points, in one font file (regular) and another (bold)."""

    def __init__(self, regular: str | None, bold: str | None, size_pt: float) -> None:
        self.regular = _advances(regular) if regular else None
        self.bold = _advances(bold) if bold else self.regular
        self.size_pt = size_pt

    def width(self, text: str, bold: bool = False) -> float:
        table = self.bold if bold else self.regular
        if table is None:
            return len(text) * AVERAGE_ADVANCE * self.size_pt
        widths, units = table
        fallback = units * AVERAGE_ADVANCE
        return sum(widths.get(ord(char), fallback) for char in text) * self.size_pt / units


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
    """
    minimum = []
    preferred = []
    for index, heading in enumerate(header):
        cells = [(heading, True)] + [row[index] for row in rows]
        words = [measure.width(word, bold) for text, bold in cells for word in text.split() or [""]]
        lines = [
            max((measure.width(line, bold) for line in text.splitlines() or [""]), default=0.0)
            for text, bold in cells
        ]
        minimum.append(max(words, default=0.0) + padding + 1)
        preferred.append(max(max(lines, default=0.0) + padding, minimum[-1]))
    if sum(preferred) <= available:
        scale = available / sum(preferred) if sum(preferred) else 1.0
        return [width * scale for width in preferred]
    if sum(minimum) >= available:
        return [available * width / sum(minimum) for width in minimum]
    room = available - sum(minimum)
    wanted = [want - least for want, least in zip(preferred, minimum, strict=True)]
    total = sum(wanted)
    return [least + room * extra / total for least, extra in zip(minimum, wanted, strict=True)]
