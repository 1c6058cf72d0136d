"""What a rebuild skips must not change what it gives: data files read once per process,
workbooks read without numpy, one changed paper split across two processes, the glyph
check's shortcut for plain text, and the service worker's memory release."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from boardpaper.build import load_reports
from boardpaper.load.datafiles import read_data_file
from boardpaper.load.yaml_nodes import Limits
from boardpaper.render.glyphs import glyph_warnings

ROOT = Path(__file__).resolve().parents[1]


def _workbook(path: Path, value: float) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Q3"
    sheet.append(["Indicator", "Value"])
    sheet.append(["Visits", value])
    workbook.save(path)


def test_a_workbook_changed_between_two_reads_in_one_process_is_read_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kpis.xlsx"
    _workbook(path, 12)
    first = read_data_file(path, "kpis.xlsx", Limits())
    assert [cell.value for cell in first.rows[0]] == ["Visits", 12]
    _workbook(path, 13)
    second = read_data_file(path, "kpis.xlsx", Limits())
    assert [cell.value for cell in second.rows[0]] == ["Visits", 13]
    assert second.sha256 != first.sha256
    # The same bytes read under another name keep that name, and their own places.
    again = read_data_file(path, "other/kpis.xlsx", Limits(), name="other/kpis.xlsx")
    assert again.name == "other/kpis.xlsx"
    assert again.rows[0][1].path == "other/kpis.xlsx:Q3!B2"


def test_reading_a_workbook_does_not_load_numpy_and_numpy_still_loads_after(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kpis.xlsx"
    _workbook(path, 12.5)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from boardpaper.load.datafiles import read_data_file\n"
        "from boardpaper.load.yaml_nodes import Limits\n"
        f"table = read_data_file(Path({str(path)!r}), 'kpis.xlsx', Limits())\n"
        "print(table.rows[0][1].value, 'numpy' in sys.modules)\n"
        "import numpy\n"
        "print(numpy.float64(1.5) + 1)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["12.5", "False", "2.5"]


def test_the_sample_content_reads_the_same_workbook_for_each_report_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from boardpaper.load import datafiles

    reads: list[str] = []
    real = datafiles._read_xlsx

    def counting(data, display, limits, sheet, cell_range):  # type: ignore[no-untyped-def]
        reads.append(display)
        return real(data, display, limits, sheet, cell_range)

    monkeypatch.setattr(datafiles, "_read_xlsx", counting)
    monkeypatch.setattr(datafiles, "_READ", {})
    content = tmp_path / "content"
    content.mkdir()
    for name in ("quarterly-performance-q2.yaml", "customer-and-staff-q2.csv", "kpis-q2.xlsx"):
        (content / name).write_bytes((ROOT / "content" / name).read_bytes())
    text = (content / "quarterly-performance-q2.yaml").read_text(encoding="utf-8")
    (content / "second.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    built = load_reports([Path("content")])
    assert len(built.reports) == 2
    assert len(reads) == 1
    first, second = (report.paper.data_files for report in built.reports)
    assert first == second and any(name == "kpis-q2.xlsx" for name, _ in first)


def test_glyph_warnings_for_plain_and_accented_text() -> None:
    assert glyph_warnings("title: Plain text\n", "r.yaml") == []
    assert glyph_warnings("title: Café – £5\n", "r.yaml") == []
    # U+1FAE0 (melting face) is in no installed font (test_untrusted_render relies on it too);
    # one warning, at its first place, however often it is used.
    text = "title: Café\nsummary: a \U0001fae0 b \U0001fae0\n"
    warnings = glyph_warnings(text, "r.yaml")
    assert [(w.line, w.column) for w in warnings] == [(2, 12)]
    assert "U+1FAE0" in warnings[0].message


def test_a_service_worker_releases_memory_only_once_it_has_grown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from boardpaper.service import pool

    resident = [100 << 20]
    monkeypatch.setattr(pool, "_resident_bytes", lambda: resident[0])
    release = pool._release_memory()
    assert release() is True  # after warm-up: the level to compare with
    resident[0] += 1 << 20
    assert release() is False
    resident[0] += pool.RELEASE_ABOVE_BYTES
    assert release() is True
    assert release() is False
