"""Write content/kpis-q2.xlsx, the sample performance report's workbook (an input, committed).

Run from the repository root: ``.venv/bin/python scripts/make_sample_kpis.py``. The
figures are invented (Harrowmere Borough Council). Percentages are stored as Excel
stores them (0.441 shown as 44.1% by the cell's number format), as a council's own
spreadsheet would hold them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

HEADER = [
    "Indicator",
    "Group",
    "Polarity",
    "Q2 2024/25",
    "Q1 2025/26",
    "Q2 2025/26",
    "Target",
    "Provisional",
    "Notes",
]
PERCENT = "0.0%"
WHOLE_PERCENT = "0%"
ROWS = [
    ("Household waste recycled or composted", "Environment", "higher",
     (0.403, 0.428, 0.441), PERCENT, 0.43, WHOLE_PERCENT, "yes"),
    ("Residual waste per household (kg)", "Environment", "lower",
     (98, 101, 96), "0", 100, "0", "yes"),
    ("Council tax collected", "Finance", "higher",
     (0.559, 0.287, 0.564), PERCENT, 0.56, WHOLE_PERCENT, ""),
    ("Business rates collected", "Finance", "higher",
     (0.572, 0.301, 0.558), PERCENT, 0.57, WHOLE_PERCENT, ""),
    ("Average days to process new benefit claims", "Finance", "lower",
     (23, 19, 17), "0", 20, "0", ""),
    ("Major planning applications decided in 13 weeks", "Planning", "higher",
     (0.88, 0.91, 0.92), WHOLE_PERCENT, 0.90, WHOLE_PERCENT, ""),
    ("Minor planning applications decided in 8 weeks", "Planning", "higher",
     (0.79, 0.74, 0.76), WHOLE_PERCENT, 0.80, WHOLE_PERCENT, ""),
    ("Average days to re-let council homes", "Housing", "lower",
     (35, 38, 41), "0", 28, "0", ""),
    ("Households in temporary accommodation", "Housing", "lower",
     (112, 104, 99), "#,##0", 100, "#,##0", ""),
]


def main() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Q2"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for name, group, polarity, values, fmt, target, target_fmt, provisional in ROWS:
        sheet.append([name, group, polarity, *values, target, provisional, ""])
        row = sheet.max_row
        for column in (4, 5, 6):
            sheet.cell(row, column).number_format = fmt
        sheet.cell(row, 7).number_format = target_fmt
    sheet.column_dimensions["A"].width = 48
    notes = workbook.create_sheet("Notes")
    notes.append(["Figures from service returns; Q2 2025/26 waste figures are provisional."])
    moment = dt.datetime(2025, 11, 1)
    workbook.properties.created = moment
    workbook.properties.modified = moment
    workbook.properties.creator = "Harrowmere Borough Council (sample)"
    target = Path(__file__).resolve().parents[1] / "content" / "kpis-q2.xlsx"
    workbook.save(target)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
