"""Progress of long work: units of work announced and finished in, nothing out.

Builds, packs and checks call ``add`` when they know how many units (papers,
parts of a pack) are coming, ``working`` when they wait on one, and ``done`` as
each finishes. This base class
only counts; the command line shows it (``cli.progress``), the service and
tests pass nothing and see nothing.
"""

from __future__ import annotations


class Progress:
    """Counts units of work; shows nothing."""

    def __init__(self) -> None:
        self.total = 0
        self.finished = 0

    def add(self, units: int, stage: str = "") -> None:
        """``units`` more units are coming (``stage`` says what they are, e.g. "rendering")."""
        self.total += units

    def working(self, item: str) -> None:
        """The work now waits on ``item`` (being rendered, or next in line for a worker)."""

    def done(self, item: str) -> None:
        """One unit finished; ``item`` names it (a report path, a pack part)."""
        self.finished += 1

    def close(self) -> None:
        """The work is over (finished or not): tidy the display."""
