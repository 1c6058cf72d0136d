"""The document model: one frozen tree that every output format is rendered from.

Validated content and a template's manifest go in (see ``assemble``); a
``Paper`` comes out, already numbered and with the template's standard wording
in place, so the Word and PDF renderers only lay it out and cannot disagree on
numbers or words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Run:
    """A stretch of text with one set of formatting; ``href`` makes it a link."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    ref: str | None = None
    """A cross-reference to the paragraph with this id; ``assemble`` replaces the run's text
    with that paragraph's number, so no renderer sees an unresolved one."""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of runs. ``number`` ("1.1", "(i)") is printed before it."""

    runs: tuple[Run, ...]
    number: str | None = None

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class ListItem:
    """One item of a list: its own paragraphs and nested lists."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ListBlock:
    """A bulleted (``ordered=False``) or numbered list."""

    items: tuple[ListItem, ...]
    ordered: bool = False
    start: int = 1


@dataclass(frozen=True)
class Cell:
    """A table cell. ``status`` is a RAG word (Red/Amber/Green) when the cell is one.

    ``fill`` is the background colour the template gives that status ("#f4cccc");
    the cell's ``text`` always says the status in words too, never colour alone.
    """

    text: str
    status: str | None = None
    fill: str | None = None
    runs: tuple[Run, ...] = ()
    """Set when the cell holds a link: its text as runs (``text`` is then their plain text)."""


@dataclass(frozen=True)
class Table:
    """A data table with one header row. ``caption`` names it for screen readers.

    ``group`` is set when the table is one group of a section's rows (indicators
    of one priority or service): renderers print it above the table.
    """

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str | None = None
    group: str | None = None
    align: tuple[str, ...] = ()
    """Each column's alignment (``left``, ``right``, ``centre``); empty: all left."""
    column_groups: tuple[tuple[str, int], ...] = ()
    """A header row above the column headings: (heading, number of columns it spans)."""


@dataclass(frozen=True)
class NumberedParagraph:
    """A numbered paragraph as members quote it ("paragraph 1.1").

    The number belongs to the first block; the rest (continuation paragraphs,
    lists, tables) hang under it without numbers of their own.
    """

    number: str | None
    blocks: tuple[Block, ...]
    id: str | None = None
    """The author's ``id:`` for it, which ``[](#id)`` cross-references print the number of."""


@dataclass(frozen=True)
class ChartStyle:
    """What the template sets for charts: the font, the line and target colours, status fills."""

    font: str = "Arial"
    line_colour: str = "#1f4e79"
    target_colour: str = "#404040"
    text_colour: str = "#000000"
    status_fills: tuple[tuple[str, str], ...] = ()

    def fill(self, status: str | None) -> str:
        return dict(self.status_fills).get(status or "", "#d9d9d9")


@dataclass(frozen=True)
class ChartSeries:
    """The data a chart is drawn from, already checked and formatted.

    ``kind`` is ``trend`` (one indicator over ``labels``, the periods, with its
    target as a line) or ``bar`` (this period's value of each indicator in
    ``labels``, each with its target). ``values`` are numbers in the unit of
    ``value_texts`` (percentages in points); ``statuses`` are the status words
    printed on each bar or last point, so status is never shown by colour alone.
    """

    kind: str
    title: str
    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    value_texts: tuple[str, ...]
    targets: tuple[float | None, ...] = ()
    target_texts: tuple[str, ...] = ()
    statuses: tuple[str | None, ...] = ()
    status_labels: tuple[str, ...] = ()
    percent: bool = False
    style: ChartStyle = field(default_factory=ChartStyle)


@dataclass(frozen=True)
class Figure:
    """A chart with its alternative text, and optionally its data as a table after it.

    ``alt`` says what the chart shows, its range and the latest value against
    target (generated from the data unless the author wrote their own).
    """

    name: str
    chart: ChartSeries
    alt: str
    caption: str
    data_table: Table | None = None


Block = Paragraph | ListBlock | Table | NumberedParagraph | Figure


@dataclass(frozen=True)
class Section:
    """A headed section. ``number`` is "1", "2"...; ``level`` is its heading level."""

    heading: str
    number: str | None
    level: int
    blocks: tuple[Block, ...]
    key: str = ""
    number_suffix: str = "."
    """What follows the number in the heading: "." ("1. Purpose") or ".0" ("1.0 Purpose")."""

    @property
    def title(self) -> str:
        """The heading as printed, number included ("1. Purpose of Report")."""
        return f"{self.number}{self.number_suffix} {self.heading}" if self.number else self.heading


@dataclass(frozen=True)
class Part:
    """A run of sections with its own numbering; ``heading`` may be None."""

    heading: str | None
    sections: tuple[Section, ...]
    level: int = 2


@dataclass(frozen=True)
class FrontField:
    """A labelled line of the front sheet ("Wards Affected: All").

    ``table`` is set for fields shown as a table (officer sign-offs); ``text``
    then summarises it on one line for templates that show text only.
    """

    key: str
    label: str
    text: str
    email: str | None = None
    table: Table | None = None
    emails: tuple[str, ...] = ()

    @property
    def runs(self) -> tuple[Run, ...]:
        """The text as runs, each email address in it a mailto link."""
        runs: list[Run] = []
        rest = self.text
        for address in self.emails or ((self.email,) if self.email else ()):
            before, found, rest = rest.partition(address)
            if not found:
                rest = before
                continue
            if before:
                runs.append(Run(before))
            runs.append(Run(address, href=f"mailto:{address}"))
        if rest:
            runs.append(Run(rest))
        return tuple(runs)


@dataclass(frozen=True)
class Paper:
    """A whole committee paper, ready to render."""

    template: str
    title: str
    meeting: str
    date: dt.date
    language: str
    front_sheet: tuple[FrontField, ...]
    parts: tuple[Part, ...]
    fields: dict[str, object] = field(default_factory=dict, hash=False, compare=False)
    source: str = ""
    footer: str = ""
    """The template's footer text, its {field} names filled in (empty: no footer text)."""
    data_files: tuple[tuple[str, str], ...] = ()
    """The data files (CSV, XLSX) the report read: (path as shown, sha256), sorted."""

    @property
    def date_text(self) -> str:
        """The meeting date in house style: "1 March 2021"."""
        return format_date(self.date)


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(day: dt.date) -> str:
    """Write a date in the house style of UK councils: "1 March 2021".

    Month names are fixed English words, not the process locale's (``%B``),
    so a paper reads the same whatever LANG/LC_TIME the build runs under.
    """
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


_ROMAN_NUMERALS = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def lower_roman(number: int) -> str:
    """A positive number in lower-case roman numerals (Word's lowerRoman): 4 -> "iv"."""
    result = ""
    for value, letters in _ROMAN_NUMERALS:
        while number >= value:
            result += letters
            number -= value
    return result
