"""Workbooks' cells kept between builds: the same cells back, openpyxl not imported."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from boardpaper.load import datafiles, workbook_memo
from boardpaper.load.datafiles import read_data_file
from boardpaper.load.yaml_nodes import Limits

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def memo(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "memo"
    before = workbook_memo.keep_in(folder)
    datafiles._READ.clear()  # this process's own reads would answer first
    yield folder
    workbook_memo.keep_in(before)
    datafiles._READ.clear()


def _cells(table: datafiles.DataTable) -> list[tuple[object, ...]]:
    return [
        (type(cell.value), cell.value, cell.number_format, cell.path, cell.line, cell.column)
        for row in (table.header, *table.rows)
        for cell in row
    ]


def _workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Q3"
    sheet.append(["Indicator", "Value", "When", "Done", "Time", "Took"])
    sheet.append(["Sickness", 9.4, dt.datetime(2026, 9, 30, 17, 5, 1), True, dt.time(9, 30), 3])
    sheet.append(["Calls", 0.1 + 0.2, dt.date(2026, 10, 1), False, None, -2])
    sheet["B2"].number_format = "0.0"
    sheet["B3"].number_format = "0.00%"
    workbook.save(path)
    return path


def test_cells_from_the_memo_are_the_cells_read_from_the_workbook(
    memo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = (_workbook(tmp_path / "kpis.xlsx"), ROOT / "content" / "kpis-q2.xlsx")
    fresh = [read_data_file(path, path.name, Limits()) for path in paths]
    assert len(list(memo.glob("??/*.json"))) == 2, "each read was kept"
    datafiles._READ.clear()

    def not_opened(*_args: object) -> None:
        raise AssertionError("the workbook was opened again")

    monkeypatch.setattr(datafiles, "_read_xlsx", not_opened)
    for path, first in zip(paths, fresh, strict=True):
        assert _cells(read_data_file(path, path.name, Limits())) == _cells(first)


def test_a_damaged_or_foreign_memo_is_read_again(memo: Path, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "kpis.xlsx")
    fresh = read_data_file(path, "kpis.xlsx", Limits())
    (kept,) = memo.glob("??/*.json")
    for damage in ("not json", json.dumps([[["x", "unknown kind"]]]), "[]"):
        kept.write_text(damage)
        datafiles._READ.clear()
        assert _cells(read_data_file(path, "kpis.xlsx", Limits())) == _cells(fresh)


def test_other_limits_or_sheets_are_other_reads(memo: Path, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "kpis.xlsx")
    read_data_file(path, "kpis.xlsx", Limits())
    read_data_file(path, "kpis.xlsx", Limits(max_table_rows=10))
    read_data_file(path, "kpis.xlsx", Limits(), cell_range="A1:B3")
    assert len(list(memo.glob("??/*.json"))) == 3


def test_a_rebuild_reading_a_kept_workbook_does_not_import_openpyxl(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for name in ("quarterly-performance-q2.yaml", "customer-and-staff-q2.csv", "kpis-q2.xlsx"):
        shutil.copy(ROOT / "content" / name, content / name)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from boardpaper.build import build\n"
        "from boardpaper.render.cache import RenderCache\n"
        "result = build([Path('content')], Path('out'), ('docx',), jobs=1,\n"
        "               cache=RenderCache(Path('cache')))\n"
        "print(len(result.files), 'openpyxl' in sys.modules)\n"
    )

    def run() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert run() == ["2", "True"]  # read, and kept in the cache folder
    assert list((tmp_path / "cache" / "workbooks").glob("??/*.json"))
    assert run() == ["2", "False"]
