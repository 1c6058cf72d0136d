"""What was read from a workbook, kept between builds: cells in, JSON on disk, cells out.

Reading an .xlsx needs openpyxl, whose import alone is about 65 ms: a seventh of a
rebuild with nothing to render. A build with the render cache keeps each workbook's
cells (values, Excel number formats, places) in the cache folder, under a key made of
the file's sha256, everything else the cells depend on (the sheet, range, name shown
and limits asked for) and the versions of boardpaper and openpyxl; the next build
reading the same bytes takes them from there. Only plain values are kept (text,
numbers, yes/no, dates and times, as tagged JSON); a workbook holding anything else
is read again each time. Nothing is executed or unpickled. A file that cannot be read
or does not parse is ignored (the workbook is read again), and writing is best effort.
At most ``KEPT`` reads are kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from boardpaper import __version__
from boardpaper.fingerprints import package_digest
from boardpaper.output import replace_file

MEMO_FORMAT = 1
KEPT = 500
"""Workbook reads kept at most; the oldest written go first."""

_folder: Path | None = None


def keep_in(folder: Path | None) -> Path | None:
    """Keep workbooks' cells in ``folder`` from now on (None: nowhere); returns the previous."""
    global _folder
    previous, _folder = _folder, folder
    return previous


def memo_key(*parts: object) -> str | None:
    """The key for a read described by ``parts`` (its sha256 and parameters), or None when
    nothing is kept."""
    if _folder is None:
        return None
    text = json.dumps(
        [MEMO_FORMAT, __version__, package_digest(), _openpyxl_version(), [repr(p) for p in parts]]
    )
    return hashlib.sha256(text.encode()).hexdigest()


@cache
def _openpyxl_version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version("openpyxl")
    except metadata.PackageNotFoundError:
        return None


def recall(key: str | None) -> list[list[list[Any]]] | None:
    """The rows kept under ``key`` as [value, number format, place] cells, or None."""
    if key is None or _folder is None:
        return None
    try:
        rows = json.loads(_path(_folder, key).read_text(encoding="utf-8"))
        return [[[_value(cell[0]), cell[1], cell[2]] for cell in row] for row in rows]
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return None


def remember(key: str | None, rows: list[list[tuple[Any, str | None, str]]]) -> None:
    """Keep ``rows`` of (value, number format, place) cells under ``key`` (best effort)."""
    if key is None or _folder is None:
        return
    try:
        text = json.dumps([[[_tagged(v), fmt, place] for v, fmt, place in row] for row in rows])
    except _NotPlain:
        return
    path = _path(_folder, key)
    with contextlib.suppress(OSError):
        replace_file(path, text.encode("utf-8"))
        _prune(_folder)


def _prune(folder: Path) -> None:
    kept = sorted(
        (entry.stat().st_mtime_ns, entry) for entry in folder.glob("??/*.json") if entry.is_file()
    )
    for _, entry in kept[: max(0, len(kept) - KEPT)]:
        with contextlib.suppress(OSError):
            entry.unlink()


def _path(folder: Path, key: str) -> Path:
    return folder / key[:2] / f"{key}.json"


class _NotPlain(Exception):
    """A cell value the memo does not keep."""


def _tagged(value: Any) -> Any:
    """A cell value as JSON that gives back the same value, type and all."""
    if value is None:
        return None
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", value]
    if isinstance(value, float):
        return ["f", repr(value)]
    if isinstance(value, str):
        return ["s", value]
    if isinstance(value, dt.datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    if isinstance(value, dt.time):
        return ["t", value.isoformat()]
    if isinstance(value, dt.timedelta):
        return ["td", value.days, value.seconds, value.microseconds]
    raise _NotPlain(type(value).__name__)


def _value(tagged: Any) -> Any:
    if tagged is None:
        return None
    kind, *rest = tagged
    if kind == "b":
        return bool(rest[0])
    if kind == "i":
        return int(rest[0])
    if kind == "f":
        return float(rest[0])
    if kind == "s":
        return str(rest[0])
    if kind == "dt":
        return dt.datetime.fromisoformat(rest[0])
    if kind == "d":
        return dt.date.fromisoformat(rest[0])
    if kind == "t":
        return dt.time.fromisoformat(rest[0])
    if kind == "td":
        return dt.timedelta(days=rest[0], seconds=rest[1], microseconds=rest[2])
    raise ValueError(f"unknown value kind {kind!r}")
