"""Statutory publication deadlines: a meeting date and nation in, clear working days out.

A clear working day is a whole day between publication and the meeting that is
neither a weekend nor a bank holiday: the day of publication and the day of the
meeting never count (Local Government Act 1972 s100B(3) and its equivalents).
Bank holidays come from the maintained ``holidays`` package, not a hand-kept list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True)
class Nation:
    """The rules a meeting in one UK nation works under."""

    name: str
    label: str
    subdivision: str
    clear_days: int
    notice_law: str
    exempt_schedule: str
    exempt_paragraphs: tuple[int, ...]


NATIONS: dict[str, Nation] = {
    nation.name: nation
    for nation in (
        Nation(
            "england",
            "England",
            "ENG",
            5,
            "Local Government Act 1972 s100B",
            "Schedule 12A",
            tuple(range(1, 8)),
        ),
        Nation(
            "wales",
            "Wales",
            "WLS",
            3,
            "Local Government Act 1972 s100B, as amended for Wales",
            "Schedule 12A",
            tuple(range(12, 19)),
        ),
        Nation(
            "scotland",
            "Scotland",
            "SCT",
            3,
            "Local Government (Scotland) Act 1973 s50B",
            "Schedule 7A",
            tuple(range(1, 16)),
        ),
        Nation(
            "northern-ireland",
            "Northern Ireland",
            "NIR",
            3,
            "Local Government Act (Northern Ireland) 2014",
            "Schedule 6",
            tuple(range(1, 8)),
        ),
    )
}
DEFAULT_NATION = "england"


@cache
def _calendar(subdivision: str) -> Any:
    import holidays

    return holidays.country_holidays("GB", subdiv=subdivision)


def is_working_day(day: dt.date, nation: str = DEFAULT_NATION) -> bool:
    """True when ``day`` is a weekday that is not a bank holiday in ``nation``."""
    return day.weekday() < 5 and day not in _calendar(NATIONS[nation].subdivision)


def bank_holiday(day: dt.date, nation: str = DEFAULT_NATION) -> str | None:
    """The name of the bank holiday on ``day`` in ``nation``, or None."""
    name = _calendar(NATIONS[nation].subdivision).get(day)
    return str(name) if name is not None else None


def clear_working_days(published: dt.date, meeting: dt.date, nation: str = DEFAULT_NATION) -> int:
    """Count the working days strictly between ``published`` and ``meeting``."""
    count = 0
    day = published + dt.timedelta(days=1)
    while day < meeting:
        count += is_working_day(day, nation)
        day += dt.timedelta(days=1)
    return count


def last_publication_date(meeting: dt.date, nation: str = DEFAULT_NATION) -> dt.date:
    """The latest day papers can be published and still give the clear days ``nation`` needs."""
    needed = NATIONS[nation].clear_days
    day = meeting
    found = 0
    while found < needed:
        day -= dt.timedelta(days=1)
        found += is_working_day(day, nation)
    # ``day`` is the earliest clear day; publication must be before it (any day, even a Sunday).
    return day - dt.timedelta(days=1)


def holidays_between(
    start: dt.date, end: dt.date, nation: str = DEFAULT_NATION
) -> list[tuple[dt.date, str]]:
    """Bank holidays strictly between ``start`` and ``end``, for explaining a count."""
    found = []
    day = start + dt.timedelta(days=1)
    while day < end:
        name = bank_holiday(day, nation)
        if name:
            found.append((day, name))
        day += dt.timedelta(days=1)
    return found
