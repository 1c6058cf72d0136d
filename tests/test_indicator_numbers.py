"""Figures, data files and rules: what authors type or keep in spreadsheets, read exactly."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from boardpaper.content.rules import compute_direction, compute_status, explain_status
from boardpaper.errors import ContentError
from boardpaper.load.datafiles import DataFileError, read_data_file, resolve_data_file
from boardpaper.load.numbers import from_cell, parse_figure, parse_format
from boardpaper.load.yaml_nodes import Limits


@pytest.mark.parametrize(
    ("typed", "printed"),
    [("44.1%", "44.1%"), ("£1,234.50", "£1,234.50"), ("0.50", "0.50"), ("-3", "-3"), ("9", "9")],
)
def test_typed_figures_print_as_typed(typed: str, printed: str) -> None:
    amount = parse_figure(typed)
    assert amount is not None
    assert amount.text == printed


@pytest.mark.parametrize("typed", ["forty-four", "lots", "3869 (YTD)", "£5%", "1,00"])
def test_words_are_not_figures(typed: str) -> None:
    assert parse_figure(typed) is None


def test_spreadsheet_cells_print_as_excel_shows_them_without_float_noise() -> None:
    assert from_cell(0.441, "0.0%").text == "44.1%"
    assert from_cell(0.1 + 0.2, "General").text == "0.3"
    assert from_cell(1234567.891, "#,##0.00").text == "1,234,567.89"
    assert from_cell(2500, '"£"#,##0').text == "£2,500"
    assert from_cell(0.125, "0%").text == "13%"  # half up, as Excel rounds
    assert from_cell(9.4, None).text == "9.4"


def test_format_words_and_codes() -> None:
    assert parse_format("percent 1") == parse_format("0.0%")
    assert parse_format("money").decimals == 2  # type: ignore[union-attr]
    assert parse_format("@") is None
    assert parse_format("lots") is None


def _amount(text: str):  # type: ignore[no-untyped-def]
    amount = parse_figure(text)
    assert amount is not None
    return amount


def test_rag_follows_the_rule_and_polarity() -> None:
    ten = Decimal(10)
    # The shipped sample's sickness figure: 9.4 days against 8.5, lower is better: 10.6% worse.
    assert compute_status(_amount("9.4"), _amount("8.5"), "lower", ten, None) == "red"
    assert compute_status(_amount("9.3"), _amount("8.5"), "lower", ten, None) == "amber"
    assert compute_status(_amount("8.5"), _amount("8.5"), "lower", ten, None) == "green"
    assert compute_status(_amount("55.8%"), _amount("57%"), "higher", ten, None) == "amber"
    assert compute_status(_amount("61%"), _amount("80%"), "higher", ten, None) == "red"
    # An indicator's own tolerance replaces the template's band.
    assert compute_status(_amount("76%"), _amount("80%"), "higher", ten, _amount("2")) == "red"
    assert compute_status(_amount("79%"), _amount("80%"), "higher", ten, _amount("2")) == "amber"
    # Nothing to compare: no status.
    assert compute_status(_amount("5"), None, "higher", ten, None) is None
    assert compute_status(_amount("5"), _amount("4"), None, ten, None) is None
    reason = explain_status(_amount("9.4"), _amount("8.5"), "lower", ten, None)
    assert reason.startswith("9.4 is 10.6% worse than the target 8.5")


def test_direction_follows_polarity() -> None:
    assert compute_direction(_amount("17"), _amount("23"), "lower") == "better"
    assert compute_direction(_amount("17"), _amount("23"), "higher") == "worse"
    assert compute_direction(_amount("9.4"), _amount("9.40"), "lower") == "same"
    assert compute_direction(_amount("9.4"), None, "lower") == "not_applicable"
    assert compute_direction(_amount("9.4"), _amount("9"), None) == "not_applicable"


# --- data files --------------------------------------------------------------------------------


def _workbook(path: Path, rows: list[list[object]], sheet: str = "Q3") -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_cells_are_named_in_the_workbook_own_terms(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "kpis.xlsx", [["Indicator", "Value"], ["Sickness", 9.4]])
    table = read_data_file(path, "kpis.xlsx", Limits(), sheet="Q3")
    assert [c.value for c in table.header] == ["Indicator", "Value"]
    assert table.rows[0][1].path == "kpis.xlsx:Q3!B2"
    assert table.rows[0][1].value == 9.4


def test_xlsx_formulas_are_not_calculated(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "kpis.xlsx", [["Indicator", "Value"], ["Sum", "=1+1"]])
    table = read_data_file(path, "kpis.xlsx", Limits())
    assert table.rows[0][1].value is None  # no cached value saved: nothing, never 2


def test_xlsx_unknown_sheet_says_which_there_are(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "kpis.xlsx", [["Indicator"]])
    with pytest.raises(DataFileError, match=r"no sheet called 'Q4'.*sheets: Q3"):
        read_data_file(path, "kpis.xlsx", Limits(), sheet="Q4")


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 60_000_000)
    assert path.stat().st_size < 200_000
    with pytest.raises(DataFileError, match="unpacks to 60,000,000 bytes"):
        read_data_file(path, "bomb.xlsx", Limits())


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "kpis.xlsx"
    path.write_bytes(b"Indicator,Value\n")
    with pytest.raises(DataFileError, match="not an Excel workbook"):
        read_data_file(path, "kpis.xlsx", Limits())


def test_row_limit(tmp_path: Path) -> None:
    path = tmp_path / "kpis.csv"
    path.write_text("Indicator,Value\n" + "x,1\n" * 30, encoding="utf-8")
    with pytest.raises(ContentError, match="more than 20 rows"):
        read_data_file(path, "kpis.csv", Limits(max_table_rows=20))


def test_csv_cells_have_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "kpis.csv"
    path.write_text('Indicator,Value\n"Calls, answered",61%\n\nSickness,tbc\n', encoding="utf-8")
    table = read_data_file(path, "kpis.csv", Limits())
    assert [(c.line, c.column, c.value) for c in table.rows[1]] == [
        (4, 1, "Sickness"),
        (4, 2, "tbc"),
    ]


def test_data_files_stay_in_the_report_folder(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (tmp_path / "secret.csv").write_text("a,b\n", encoding="utf-8")
    (content / "link.csv").symlink_to(tmp_path / "secret.csv")
    for name in ("../secret.csv", "link.csv", "/etc/passwd.csv"):
        with pytest.raises(DataFileError, match=r"outside|leads out"):
            resolve_data_file(content, name)
    with pytest.raises(DataFileError, match=r"expected a \.csv or \.xlsx"):
        resolve_data_file(content, "kpis.ods")
    with pytest.raises(DataFileError, match="not found"):
        resolve_data_file(content, "missing.csv")


def test_large_data_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "kpis.csv"
    path.write_bytes(b"Indicator,Value\n" + b"x,1\n" * 1000)
    with pytest.raises(DataFileError, match="the limit is 100"):
        read_data_file(path, "kpis.csv", Limits(max_data_file_bytes=100))
