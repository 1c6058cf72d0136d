"""Read a CSV or XLSX data file next to a report: a name in, a header and located cells out.

Data files are untrusted like reports: the file must stay inside the report's
folder (no ``..``, no symlink leading out), be within the size limits, and an
XLSX is read as data only: read-only mode, cached values (no formula is ever
calculated), external links not loaded, and its zip's unpacked size bounded
before openpyxl sees it. Every cell keeps its place in the file's own terms
(``kpis.xlsx:Q3!D14``, ``kpis.csv:4:3``) so problems can name it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from boardpaper.errors import ContentError, Problem
from boardpaper.load.yaml_nodes import Limits, decode_text

SUFFIXES = (".csv", ".xlsx")
MAX_ZIP_ENTRIES = 2_000


class DataFileError(Exception):
    """The data file as a whole cannot be used; the message says why (for the YAML key)."""


@dataclass(frozen=True)
class DataCell:
    """One cell's value as stored (text, number, yes/no, date or None) and where it is."""

    value: Any
    number_format: str | None
    path: str
    line: int | None = None
    column: int | None = None

    @property
    def is_empty(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())

    def problem(self, key: str, message: str) -> Problem:
        return Problem(self.path, self.line, self.column, key, message)


@dataclass(frozen=True)
class DataTable:
    """A data file's header row and the rows under it (blank rows skipped)."""

    display: str
    name: str
    """The file's name as the report gives it (relative to the report's folder)."""
    header: tuple[DataCell, ...]
    rows: tuple[tuple[DataCell, ...], ...]
    sha256: str
    data: bytes


def resolve_data_file(folder: Path, name: str) -> Path:
    """The file ``name`` inside ``folder``; raises DataFileError if it leaves it or is missing."""
    if not name.lower().endswith(SUFFIXES):
        raise DataFileError(f"expected a .csv or .xlsx file, found {name!r}")
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise DataFileError(f"{name!r} is outside the report's folder; put the file next to it")
    root = folder.resolve()
    target = (folder / relative).resolve()
    if root not in target.parents:
        raise DataFileError(
            f"{name!r} leads out of the report's folder (a symlink?); "
            "boardpaper only reads files inside the content folder"
        )
    if not target.is_file():
        raise DataFileError(f"file {name!r} not found next to the report")
    return target


def read_data_file(
    path: Path,
    display: str,
    limits: Limits,
    sheet: str | None = None,
    cell_range: str | None = None,
    name: str = "",
) -> DataTable:
    """Read a CSV or XLSX file. Raises DataFileError (whole file) or ContentError (cells)."""
    try:
        size = path.stat().st_size
        if size > limits.max_data_file_bytes:
            raise DataFileError(
                f"{display} is {size:,} bytes; the limit is {limits.max_data_file_bytes:,}"
            )
        with path.open("rb") as stream:
            data = stream.read(limits.max_data_file_bytes + 1)
    except OSError as error:
        raise DataFileError(f"cannot read {display}: {error.strerror}") from None
    if len(data) > limits.max_data_file_bytes:
        raise DataFileError(f"{display} is over the limit of {limits.max_data_file_bytes:,} bytes")
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    read_before = (digest, suffix, display, sheet, cell_range, limits)
    found = _READ.get(read_before)
    if found is not None:  # several reports of one build reading the same sheet
        header, rows = found
    elif suffix == ".csv":
        if sheet is not None or cell_range is not None:
            raise DataFileError("a CSV file has no sheets or ranges; remove 'sheet:' and 'range:'")
        header, rows = _read_csv(data, display, limits)
    else:
        header, rows = _read_workbook(read_before, data, display, limits, sheet, cell_range)
    if found is None:
        if len(_READ) >= _READ_KEPT:
            _READ.pop(next(iter(_READ)))
        _READ[read_before] = (header, rows)
    return DataTable(display, name or path.name, header, rows, digest, data)


Rows = tuple[tuple[DataCell, ...], tuple[tuple[DataCell, ...], ...]]

_READ: dict[tuple[object, ...], Rows] = {}
"""Files read in this process, by (sha256, suffix, display, sheet, range, limits): the cells
depend on nothing else, and DataCell is immutable, so one read serves every report."""
_READ_KEPT = 16


def _read_csv(data: bytes, display: str, limits: Limits) -> Rows:
    try:
        text = decode_text(
            data, display, replace(limits, max_file_bytes=limits.max_data_file_bytes)
        )
    except ContentError as error:
        raise DataFileError(error.problems[0].message) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    found: list[tuple[DataCell, ...]] = []
    line = 1
    try:
        for values in reader:
            if any(value.strip() for value in values):
                if len(values) > limits.max_table_columns:
                    raise ContentError(
                        [
                            Problem(
                                display,
                                line,
                                None,
                                "",
                                f"{len(values)} columns; the limit is {limits.max_table_columns}",
                            )
                        ]
                    )
                found.append(
                    tuple(
                        DataCell(value, None, display, line, index)
                        for index, value in enumerate(values, start=1)
                    )
                )
                if len(found) > limits.max_table_rows + 1:
                    raise ContentError([_too_many_rows(display, line, limits)])
            line = reader.line_num + 1
    except csv.Error as error:
        raise ContentError([Problem(display, line, None, "", f"not valid CSV: {error}")]) from None
    if not found:
        raise DataFileError(f"{display} is empty: expected a header row and rows under it")
    header = _trim(found[0])
    return header, tuple(
        row[: len(header)]
        + tuple(
            DataCell(None, None, display, row[0].line, index)
            for index in range(len(row) + 1, len(header) + 1)
        )
        for row in found[1:]
    )


def _too_many_rows(display: str, line: int | None, limits: Limits) -> Problem:
    return Problem(
        display, line, None, "", f"more than {limits.max_table_rows:,} rows; that is the limit"
    )


def _check_zip(data: bytes, display: str, limits: Limits) -> None:
    """Refuse a zip that is not one, or that would unpack beyond the limit (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DataFileError(f"{display} is not an Excel workbook (.xlsx)") from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise DataFileError(f"{display} holds {len(entries):,} parts; not a plain workbook")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.max_unpacked_bytes:
        raise DataFileError(
            f"{display} unpacks to {unpacked:,} bytes; the limit is {limits.max_unpacked_bytes:,}"
        )


def _import_openpyxl() -> Any:
    """openpyxl, imported without numpy unless something already loaded numpy.

    openpyxl imports numpy (about 0.1 s, a third of a no-op build's imports) only to accept
    numpy numbers as cell values when writing; cells read from a file are plain Python values.
    ``None`` in ``sys.modules`` makes that ``import numpy`` fail as if it were not installed;
    the import lock (held, as import hooks do) keeps another thread's numpy import out of
    that moment.
    """
    import sys

    if "openpyxl" in sys.modules or "numpy" in sys.modules:
        import openpyxl

        return openpyxl
    import _imp

    _imp.acquire_lock()
    try:
        sys.modules["numpy"] = None  # type: ignore[assignment]
        try:
            import openpyxl
        finally:
            del sys.modules["numpy"]
    finally:
        _imp.release_lock()
    return openpyxl


def _read_workbook(
    read_before: tuple[object, ...],
    data: bytes,
    display: str,
    limits: Limits,
    sheet: str | None,
    cell_range: str | None,
) -> Rows:
    """``_read_xlsx``, or the cells an earlier build read from the same bytes
    (``workbook_memo``, when the build keeps them)."""
    from boardpaper.load import workbook_memo

    key = workbook_memo.memo_key(*read_before)
    kept = workbook_memo.recall(key)
    if kept:
        cells = [tuple(DataCell(value, fmt, place) for value, fmt, place in row) for row in kept]
        return cells[0], tuple(cells[1:])
    header, rows = _read_xlsx(data, display, limits, sheet, cell_range)
    every_row = (header, *rows)
    workbook_memo.remember(
        key, [[(cell.value, cell.number_format, cell.path) for cell in row] for row in every_row]
    )
    return header, rows


def _read_xlsx(
    data: bytes, display: str, limits: Limits, sheet: str | None, cell_range: str | None
) -> Rows:
    _check_zip(data, display, limits)
    openpyxl = _import_openpyxl()
    from openpyxl.utils.cell import get_column_letter, range_boundaries

    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except Exception:  # openpyxl raises many kinds for a broken workbook
        raise DataFileError(f"{display} is not a readable Excel workbook (.xlsx)") from None
    try:
        names = workbook.sheetnames
        if sheet is None:
            sheet = names[0]
        elif sheet not in names:
            from boardpaper.load.validators import did_you_mean

            raise DataFileError(
                f"no sheet called {sheet!r} in {display}{did_you_mean(sheet, names)}; "
                f"sheets: {', '.join(names)}"
            )
        worksheet = workbook[sheet]
        if cell_range is not None:
            try:
                min_col, min_row, max_col, max_row = range_boundaries(cell_range.upper())
            except (ValueError, TypeError):
                raise DataFileError(
                    f"expected a cell range like A1:H13, found {cell_range!r}"
                ) from None
            if None in (min_col, min_row, max_col, max_row):
                raise DataFileError(f"expected a cell range like A1:H13, found {cell_range!r}")
            if max_row - min_row > limits.max_table_rows:
                raise DataFileError(
                    f"range {cell_range} has {max_row - min_row + 1:,} rows; "
                    f"the limit is {limits.max_table_rows:,}"
                )
            if max_col - min_col + 1 > limits.max_table_columns:
                raise DataFileError(
                    f"range {cell_range} has {max_col - min_col + 1} columns; "
                    f"the limit is {limits.max_table_columns}"
                )
        else:
            min_col, min_row, max_row = 1, 1, None
            max_col = limits.max_table_columns + 1  # one more, to notice a wider sheet
        found: list[tuple[DataCell, ...]] = []
        prefix = f"{display}:{sheet}!"
        for row_number, row in enumerate(
            worksheet.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col),
            start=min_row,
        ):
            cells = tuple(
                DataCell(
                    cell.value,
                    getattr(cell, "number_format", None),
                    prefix + get_column_letter(column) + str(row_number),
                )
                for column, cell in enumerate(row, start=min_col)
            )
            if all(cell.is_empty for cell in cells):
                continue
            if cell_range is None and len(cells) > limits.max_table_columns:
                if not cells[-1].is_empty:
                    raise DataFileError(
                        f"sheet {sheet!r} has more than {limits.max_table_columns} columns; "
                        "give a 'range:' for the table"
                    )
                cells = cells[:-1]
            found.append(cells)
            if len(found) > limits.max_table_rows + 1:
                raise ContentError([_too_many_rows(prefix + f"A{row_number}", None, limits)])
    except (DataFileError, ContentError):
        raise
    except Exception:
        raise DataFileError(f"{display} is not a readable Excel workbook (.xlsx)") from None
    finally:
        workbook.close()
    if not found:
        raise DataFileError(f"sheet {sheet!r} of {display} has no rows")
    header = _trim(found[0])
    return header, tuple(row[: len(header)] for row in found[1:])


def _trim(cells: tuple[DataCell, ...]) -> tuple[DataCell, ...]:
    """Drop empty cells at the end of a row (a sheet's used area is often wider than its table)."""
    end = len(cells)
    while end and cells[end - 1].is_empty:
        end -= 1
    return cells[:end]
