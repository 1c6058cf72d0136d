"""Progress on the command line: units of work in, a live line or plain lines on stderr out.

On a terminal, work that has taken more than ``DELAY`` seconds shows one line,
redrawn in place by ``click.progressbar``: the stage, n of N, the item last
finished and the time so far (a ticker redraws it while one long paper
renders). When stderr is not a terminal (CI logs, pipes) nothing is drawn, so
logs hold only the located problems and the files written; ``--verbose``
prints one plain line per finished unit instead, on a terminal or not, and
``--quiet`` drops everything but problems.
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import click

from boardpaper.progress import Progress

DELAY = 1.0
"""Seconds of work before the live line appears: quick builds stay silent."""

TICK = 0.25


def verbosity_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``-q/--quiet`` and ``-v/--verbose``; the command receives ``verbosity`` (-1, 0, 1)."""

    @functools.wraps(command)
    def wrapper(*args: Any, quiet: bool, verbose: bool, **kwargs: Any) -> Any:
        if quiet and verbose:
            raise click.UsageError("--quiet and --verbose cannot be used together")
        return command(*args, verbosity=1 if verbose else -1 if quiet else 0, **kwargs)

    wrapper = click.option(
        "-v", "--verbose", is_flag=True, help="Say what is done, one line per paper or part."
    )(wrapper)
    return click.option(
        "-q", "--quiet", is_flag=True, help="Print nothing but problems: no progress, no file list."
    )(wrapper)


def progress_for(verbosity: int) -> Progress:
    """The progress display for a command run at ``verbosity`` (-1 quiet, 0 normal, 1 verbose)."""
    if verbosity > 0:
        return LineProgress()
    if verbosity == 0 and sys.stderr.isatty():
        return TerminalProgress()
    return Progress()


class LineProgress(Progress):
    """One plain line per finished unit: ``[3/12] rendered content/x.yaml (4.2 s)``."""

    def __init__(self) -> None:
        super().__init__()
        self.started = time.perf_counter()
        self.stage = ""

    def add(self, units: int, stage: str = "") -> None:
        super().add(units, stage)
        self.stage = stage or self.stage

    def done(self, item: str) -> None:
        super().done(item)
        elapsed = time.perf_counter() - self.started
        what = f"{self.stage} {item}".strip()
        click.echo(f"[{self.finished}/{self.total}] {what} ({elapsed:.1f} s)", err=True)


ACTIVE = {
    "rendered": "rendering",
    "laid out": "laying out",
    "joined": "joining",
    "checked": "checking",
}
"""A stage's name while its work is going on (the line keeps the finished name at the end)."""


class TerminalProgress(Progress):
    """A live line on a terminal, drawn by click.progressbar once the work takes over DELAY s.

    While a unit is being worked on the line names it (``rendering 1/5 content/b.yaml``);
    between units it names the last one finished.
    """

    def __init__(self) -> None:
        super().__init__()
        self.started = time.perf_counter()
        self.stage = ""
        self.last = ""
        self.current = ""
        self.bar: Any = None
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.ticker = threading.Thread(target=self._tick, name="progress", daemon=True)
        self.ticker.start()

    def add(self, units: int, stage: str = "") -> None:
        with self.lock:
            super().add(units, stage)
            self.stage = stage or self.stage
            if self.bar is not None:
                self.bar.length = self.total
                self.bar.label = self._label()
                self.bar.finished = self.finished >= self.total

    def working(self, item: str) -> None:
        with self.lock:
            self.current = item
            if self.bar is not None:
                self.bar.label = self._label()

    def done(self, item: str) -> None:
        with self.lock:
            super().done(item)
            self.last = item
            self.current = ""
            if self.bar is not None:
                self.bar.label = self._label()
                self.bar.update(1, item)

    def close(self) -> None:
        self.stopped.set()
        self.ticker.join()
        with self.lock:
            if self.bar is not None:
                self.current = ""
                self.bar.label = self._label()
                self.bar.render_progress()
                self.bar.render_finish()
                self.bar = None

    def _label(self) -> str:
        return ACTIVE.get(self.stage, self.stage) if self.current else self.stage

    def _describe(self, _item: object) -> str:
        elapsed = time.perf_counter() - self.started
        item = self.current or self.last
        return f"{item}  {elapsed:.0f} s" if item else f"{elapsed:.0f} s"

    def _tick(self) -> None:
        while not self.stopped.wait(TICK):
            with self.lock:
                if self.bar is None:
                    if time.perf_counter() - self.started < DELAY or not self.total:
                        continue
                    self.bar = click.progressbar(
                        length=self.total,
                        label=self._label(),
                        show_pos=True,
                        show_eta=False,
                        item_show_func=self._describe,
                        file=sys.stderr,
                        width=20,
                    )
                    self.bar.entered = True
                    self.bar.pos = self.finished
                self.bar.render_progress()
