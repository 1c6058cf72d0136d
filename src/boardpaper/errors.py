"""Problems found in content or templates, located so an author can fix them.

A ``Problem`` is one line of output: ``path:line:col: key.path: message``.
Validation collects every problem before anything is rendered, then raises one
``ContentError`` holding them all.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One located mistake in an input file.

    ``line`` and ``column`` are 1-based and ``None`` when the place is not known
    (for example a whole-file problem). ``key`` is the dotted path of the value
    in the YAML (``supporting_information[0].heading``), empty for the file itself.
    """

    path: str
    line: int | None
    column: int | None
    key: str
    message: str

    def __str__(self) -> str:
        place = printable(self.path)
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        key = f" {self.key}:" if self.key else ""
        return f"{place}:{key} {self.message}"

    def as_dict(self) -> dict[str, object]:
        """Return the problem as JSON-ready data (for the service and --json)."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "key": self.key,
            "message": self.message,
        }


def printable(text: str) -> str:
    """``text`` with control characters escaped (``\\x1b``), safe to print on a terminal.

    File names can hold ESC sequences that retitle, recolour or clear the terminal.
    """
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


class ContentError(Exception):
    """Raised when input files hold one or more problems; carries all of them."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems), key=_sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


class TemplateError(ContentError):
    """A template folder (manifest, Word or HTML template) is broken."""


def _sort_key(problem: Problem) -> tuple[str, int, int, str, str]:
    return (problem.path, problem.line or 0, problem.column or 0, problem.key, problem.message)


def display_path(path: Path) -> str:
    """The path as the author knows it: relative to the working folder, symlinks not followed.

    Every message names a file this one way (absolute when outside the working folder).
    """
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
