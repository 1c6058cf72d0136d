"""Indicators as users see them: figures from CSV/XLSX, computed RAG and direction, charts."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pikepdf
import pytest

from boardpaper.audit.docx import audit_docx
from boardpaper.audit.pdf import audit_pdf
from boardpaper.cli.main import cli
from boardpaper.errors import ContentError
from boardpaper.pipeline import load_report, parse_report, render
from boardpaper.template.library import TemplateLibrary
from tests.helpers import ROOT, SAMPLES, copy_template, pdf_text

HEAD = """template: performance-report
meeting: Overview and Scrutiny Committee
date: 2025-11-20
title: Indicators test report
reporting_period: Quarter 3 2025/26
wards: All
contacts:
  lead_member: {name: Cllr A Member, role: Cabinet Member, email: a.member@council.example}
  lead_officer: {name: A Director, role: Director, email: a.director@council.example}
summary: [A test report.]
recommendations: [note the indicators.]
performance_overview: [Figures.]
next_steps: [None.]
indicators:
  period: Q3 2025/26
  previous_periods: [Q3 2024/25, Q2 2025/26]
"""


def _flat(text: str) -> str:
    return " ".join(text.split())


def _docx_rows(data: bytes) -> dict[str, list[str]]:
    document = docx.Document(io.BytesIO(data))
    rows = {}
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text for cell in row.cells]
            rows[cells[0]] = cells
    return rows


def _write_workbook(path: Path, rows: list[list[object]], sheet: str = "Q3") -> None:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(["Indicator", "Polarity", "Q3 2024/25", "Q2 2025/26", "Q3 2025/26", "Target"])
    for row in rows:
        worksheet.append(row)
        for column in (3, 4, 5, 6):
            if isinstance(worksheet.cell(worksheet.max_row, column).value, float):
                worksheet.cell(worksheet.max_row, column).number_format = "0.0%"
    workbook.save(path)


def _report(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


# --- the shipped sample -----------------------------------------------------------------------


def test_sample_reads_its_workbook_and_csv_and_computes_status(
    sample_outputs: dict[str, dict[str, bytes]],
) -> None:
    outputs = sample_outputs["performance-report"]
    text = _flat(pdf_text(outputs["pdf"]))
    for group in ("Environment", "Finance", "Planning", "Housing", "Customers and staff"):
        assert group in text
    rows = _docx_rows(outputs["docx"])
    # From the XLSX: 0.441 formatted 0.0% prints 44.1%; 112 formatted #,##0 prints 112.
    assert rows["Household waste recycled or composted"][1:6] == [
        "40.3%",
        "42.8%",
        "44.1% (P)",
        "43%",
        "Green",
    ]
    assert rows["Business rates collected"][5:] == ["Amber", "↓ Worse", "↑ Better"]
    # From the CSV: computed Red (0.1 said Amber), with its unit.
    sickness = rows["Working days lost to sickness per employee in the last 12 months (days)"]
    assert sickness[3:] == ["9.4", "8.5", "Red", "→ Same", "↓ Worse"]


def test_sample_charts_are_figures_with_generated_alt_text(
    sample_outputs: dict[str, dict[str, bytes]],
) -> None:
    outputs = sample_outputs["performance-report"]
    with pikepdf.open(io.BytesIO(outputs["pdf"])) as pdf:
        alts = [str(element.Alt) for element in _figures(pdf.Root.StructTreeRoot)]
    assert len(alts) == 3
    assert alts[0] == (
        "Line chart of Household waste recycled or composted from Q2 2024/25 to Q2 2025/26. "
        "Values range from 40.3% to 44.1%. Q2 2025/26: 44.1% against a target of 43% (Green)."
    )
    assert alts[1].startswith("Bar chart comparing 2 indicators in Q2 2025/26: ")
    assert (
        "Minor planning applications decided in 8 weeks 76% against a target of 80% (Amber)"
        in (alts[1])
    )
    document = docx.Document(io.BytesIO(outputs["docx"]))
    descriptions = [
        element.get("descr")
        for element in document.element.body.iter(
            "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
        )
    ]
    assert descriptions == alts
    # The trend chart's data follows it as a table, and its caption is printed.
    text = _flat(pdf_text(outputs["pdf"]))
    assert "Household waste recycled or composted, by quarter" in text
    assert _docx_rows(outputs["docx"])["Q1 2025/26"] == ["Q1 2025/26", "42.8%"]
    assert audit_pdf(outputs["pdf"], "q2.pdf") == []
    assert audit_docx(outputs["docx"], "q2.docx") == []


def _figures(element: pikepdf.Object) -> list[pikepdf.Object]:
    found = []
    if element.get("/S") == "/Figure":
        found.append(element)
    kids = element.get("/K")
    if isinstance(kids, pikepdf.Dictionary):
        kids = [kids]
    if isinstance(kids, pikepdf.Array | list):
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary):
                found.extend(_figures(kid))
    return found


def test_two_builds_of_the_sample_are_byte_identical(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    for name in ("quarterly-performance-q2.yaml", "kpis-q2.xlsx", "customer-and-staff-q2.csv"):
        shutil.copy(ROOT / "content" / name, folder / name)
    outputs = []
    for attempt in ("a", "b"):
        subprocess.run(
            [sys.executable, "-m", "boardpaper", "build", "content", "-o", f"out-{attempt}"],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )
        outputs.append(
            {p.name: p.read_bytes() for p in sorted((tmp_path / f"out-{attempt}").iterdir())}
        )
    assert outputs[0] == outputs[1]
    assert set(outputs[0]) == {
        "manifest.json",
        "quarterly-performance-q2.docx",
        "quarterly-performance-q2.pdf",
    }


# --- data files: located problems, all at once --------------------------------------------------


def test_bad_cells_are_named_in_the_files_own_terms(tmp_path: Path, runner) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    _write_workbook(
        folder / "kpis.xlsx",
        [
            ["Recycling", "higher", 0.40, 0.42, 0.44, 0.43],
            ["Sickness", "lower", 9.1, 8.9, "tbc", 8.5],
        ],
    )
    (folder / "kpis.csv").write_text(
        "Indicator,Polarity,Q3 2024/25,Q2 2025/26,Q3 2025/26,Target\n"
        "Calls,higher,58%,72%,61%,80%\n"
        "FOI,sideways,86%,93%,95%,90%\n"
        "Complaints,lower,12,lots,10,9\n",
        encoding="utf-8",
    )
    _report(folder, "  data:\n    - {file: kpis.xlsx, sheet: Q3}\n    - {file: kpis.csv}\n")
    result = runner.invoke(cli, ["validate", str(folder / "report.yaml")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ": " in line]
    assert any(
        line.endswith("kpis.xlsx:Q3!E3: value: expected a number, found 'tbc'") for line in lines
    ), lines
    assert any(
        line.endswith("kpis.csv:3:2: polarity: expected one of higher, lower, found 'sideways'")
        for line in lines
    ), lines
    assert any(
        line.endswith("kpis.csv:4:4: previous: expected a number, found 'lots'") for line in lines
    ), lines
    build = runner.invoke(cli, ["build", str(folder), "-o", str(tmp_path / "out")])
    assert build.exit_code == 1
    assert not (tmp_path / "out").exists()


def test_missing_header_names_what_the_file_has(tmp_path: Path, library: TemplateLibrary) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "kpis.csv").write_text("KPI,Now\nCalls,61%\n", encoding="utf-8")
    path = _report(folder, "  data: {file: kpis.csv}\n")
    with pytest.raises(ContentError) as caught:
        load_report(path, library)
    messages = [problem.message for problem in caught.value.problems]
    assert any(
        "no column headed 'name' or 'indicator'" in m and "'KPI', 'Now'" in m for m in messages
    )


def test_column_mapping_by_header(tmp_path: Path, library: TemplateLibrary) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "kpis.csv").write_text(
        "KPI,Better when,Q3 2024/25,Q2 2025/26,This quarter,Aim\n"
        "Calls answered,higher,58%,72%,75%,80%\n",
        encoding="utf-8",
    )
    body = (
        "  data:\n    file: kpis.csv\n    columns: {name: KPI, polarity: Better when, "
        "value: This quarter, target: Aim}\n"
    )
    report = load_report(_report(folder, body), library)
    rows = _docx_rows(render(report, ("docx",))["docx"])
    assert rows["Calls answered"][1:6] == ["58%", "72%", "75%", "80%", "Amber"]


def test_data_file_outside_the_report_folder_is_refused(
    tmp_path: Path, library: TemplateLibrary
) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    (tmp_path / "elsewhere.csv").write_text("Indicator,Q3 2025/26\nx,1\n", encoding="utf-8")
    (folder / "link.csv").symlink_to(tmp_path / "elsewhere.csv")
    for name in ("link.csv", "../elsewhere.csv"):
        path = _report(folder, f"  data: {{file: {name}}}\n")
        with pytest.raises(ContentError) as caught:
            load_report(path, library)
        (problem,) = caught.value.problems
        assert problem.key == "indicators.data.file"
        assert problem.line == HEAD.count("\n") + 1
        assert "content folder" in problem.message or "outside" in problem.message


def test_reports_sent_as_text_must_give_figures_inline(library: TemplateLibrary) -> None:
    with pytest.raises(ContentError, match="data files are read only when building from a folder"):
        parse_report(HEAD + "  data: {file: kpis.csv}\n", "upload.yaml", library)


# --- rules: typed status, overrides, data-only, estimates ---------------------------------------

INLINE = """  measures:
    - name: Sickness days
      polarity: lower
      previous: [9.1, 8.9]
      value: 9.4
      target: 8.5
"""


def test_typed_status_that_disagrees_is_an_error(library: TemplateLibrary) -> None:
    text = HEAD + INLINE + "      status: amber\n"
    with pytest.raises(ContentError) as caught:
        parse_report(text, "q3.yaml", library)
    (problem,) = caught.value.problems
    assert problem.key == "indicators.measures[0].status"
    assert problem.line == text.count("\n")
    assert problem.message.startswith(
        "the template's rule gives red: 9.4 is 10.6% worse than the target 8.5"
    )


def test_override_with_a_reason_is_printed(library: TemplateLibrary) -> None:
    reason = "two long-term absences ended in October; the rolling figure lags"
    text = HEAD + INLINE + f"      status: amber\n      status_reason: {reason}\n"
    outputs = render(parse_report(text, "q3.yaml", library))
    pdf = _flat(pdf_text(outputs["pdf"]))
    assert f"Sickness days: shown as Amber (the rule gives Red) because {reason}" in pdf
    assert _docx_rows(outputs["docx"])["Sickness days"][5] == "Amber (see note)"


def test_data_only_estimate_and_no_previous(library: TemplateLibrary) -> None:
    body = """  measures:
    - name: Population estimate
      previous: ["141,200", "142,050"]
      value: 143,900
      estimate: yes
    - name: New measure
      polarity: higher
      previous: [~, ~]
      value: "£1,250.50"
      target: "£1,000"
      tolerance: 5%
"""
    outputs = render(parse_report(HEAD + body, "q3.yaml", library), ("docx",))
    rows = _docx_rows(outputs["docx"])
    assert rows["Population estimate"][1:] == [
        "141,200",
        "142,050",
        "143,900 (E)",
        "N/A",
        "N/A",
        "N/A",
        "N/A",
    ]
    assert rows["New measure"][1:] == ["", "", "£1,250.50", "£1,000", "Green", "N/A", "N/A"]
    texts = [p.text for p in docx.Document(io.BytesIO(outputs["docx"])).paragraphs]
    assert "(E) marks an estimate." in texts


def test_words_are_not_figures(library: TemplateLibrary) -> None:
    text = HEAD + INLINE.replace("value: 9.4", "value: forty-four").replace("8.5", "lots")
    with pytest.raises(ContentError) as caught:
        parse_report(text, "q3.yaml", library)
    assert [(p.key, p.message) for p in caught.value.problems] == [
        ("indicators.measures[0].value", "expected a number, found 'forty-four'"),
        ("indicators.measures[0].target", "expected a number, found 'lots'"),
    ]


def test_legacy_inline_content_still_validates(library: TemplateLibrary) -> None:
    report = load_report(ROOT / "tests" / "data" / "performance-inline-0.1.yaml", library)
    rows = _docx_rows(render(report, ("docx",))["docx"])
    # No polarity: the typed status and direction stand, as in 0.1.
    assert rows["Working days lost to sickness per employee (rolling 12 months)"][5:7] == [
        "Amber",
        "→ Same",
    ]


# --- charts ------------------------------------------------------------------------------------


def test_author_alt_text_replaces_the_generated_one(library: TemplateLibrary) -> None:
    alt = "Sickness days rose from 8.9 to 9.4 this quarter, above the target of 8.5."
    chart = f"    - {{type: trend, indicator: Sickness days, alt: '{alt}'}}\n"
    text = HEAD + INLINE + "  charts:\n" + chart
    outputs = render(parse_report(text, "q3.yaml", library))
    with pikepdf.open(io.BytesIO(outputs["pdf"])) as pdf:
        assert [str(f.Alt) for f in _figures(pdf.Root.StructTreeRoot)] == [alt]
    assert f'descr="{alt}"'.encode() in _document_xml(outputs["docx"])


def _document_xml(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml")


@pytest.mark.parametrize("alt", ["chart-1.png", "Picture 2", "short"])
def test_file_name_alt_text_is_refused(library: TemplateLibrary, alt: str) -> None:
    text = (
        HEAD + INLINE + f"  charts:\n    - {{type: trend, indicator: Sickness days, alt: {alt}}}\n"
    )
    with pytest.raises(ContentError) as caught:
        parse_report(text, "q3.yaml", library)
    (problem,) = caught.value.problems
    assert problem.key == "indicators.charts[0].alt"


def test_chart_names_an_unknown_indicator(library: TemplateLibrary) -> None:
    text = HEAD + INLINE + "  charts:\n    - {type: trend, indicator: Sickness dayz}\n"
    with pytest.raises(ContentError, match="no indicator called 'Sickness dayz' \\(did you mean"):
        parse_report(text, "q3.yaml", library)


# --- audits: figures ---------------------------------------------------------------------------


def _with_alt(outputs: dict[str, bytes], alt: str) -> dict[str, bytes]:
    """The same paper with its chart's alt text replaced (as a careless edit would)."""
    with pikepdf.open(io.BytesIO(outputs["pdf"])) as pdf:
        for figure in _figures(pdf.Root.StructTreeRoot):
            figure.Alt = pikepdf.String(alt)
        buffer = io.BytesIO()
        pdf.save(buffer)
    document = docx.Document(io.BytesIO(outputs["docx"]))
    for doc_pr in document.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
    ):
        doc_pr.set("descr", alt)
    word = io.BytesIO()
    document.save(word)
    return {"pdf": buffer.getvalue(), "docx": word.getvalue()}


@pytest.mark.parametrize("alt", ["", "  ", "chart-1.png", "C:\\charts\\waste.svg", "Picture 4"])
def test_audits_refuse_empty_or_file_name_alt_text(library: TemplateLibrary, alt: str) -> None:
    text = HEAD + INLINE + "  charts:\n    - {type: trend, indicator: Sickness days}\n"
    outputs = render(parse_report(text, "q3.yaml", library))
    assert audit_pdf(outputs["pdf"], "q3.pdf") == []
    assert audit_docx(outputs["docx"], "q3.docx") == []
    broken = _with_alt(outputs, alt)
    pdf_problems = [p for p in audit_pdf(broken["pdf"], "q3.pdf") if p.key == "figures"]
    docx_problems = [p for p in audit_docx(broken["docx"], "q3.docx") if p.key == "figures"]
    assert len(pdf_problems) == 1 and "Figure" in pdf_problems[0].message
    assert len(docx_problems) == 1 and "descr" in docx_problems[0].message


# --- provenance and verify ---------------------------------------------------------------------


def test_verify_names_a_changed_data_file(tmp_path: Path, runner, monkeypatch) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    for name in ("quarterly-performance-q2.yaml", "kpis-q2.xlsx", "customer-and-staff-q2.csv"):
        shutil.copy(SAMPLES["performance-report"].parent / name, folder / name)
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["build", "content", "-o", "out"]).exit_code == 0
    inspect = runner.invoke(cli, ["inspect", "out/quarterly-performance-q2.pdf"])
    assert "kpis-q2.xlsx=" in inspect.output and "customer-and-staff-q2.csv=" in inspect.output
    assert runner.invoke(cli, ["verify", "out"]).exit_code == 0
    csv = folder / "customer-and-staff-q2.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",61%,", ",62%,"), encoding="utf-8")
    result = runner.invoke(cli, ["verify", "out"])
    assert result.exit_code == 1
    assert "content/customer-and-staff-q2.csv" in result.output
    lines = result.output.splitlines()
    changed = [line for line in lines if "customer-and-staff" in line]
    assert changed and "changed" in changed[0]
    pdf = next(line for line in lines if "quarterly-performance-q2.pdf" in line)
    assert "inputs changed since the build: content/customer-and-staff-q2.csv" in pdf


def test_template_sets_chart_font_and_colours(tmp_path: Path) -> None:
    from boardpaper.content.model import Figure
    from boardpaper.render.charts import render_svg

    folder = tmp_path / "templates" / "performance-report"
    shutil.copytree(ROOT / "templates" / "performance-report", folder)
    manifest = folder / "template.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            'line_colour: "#1f4e79"', 'line_colour: "#aa0000"'
        ),
        encoding="utf-8",
    )
    library = TemplateLibrary([tmp_path / "templates"])
    text = HEAD + INLINE + "  charts:\n    - {type: trend, indicator: Sickness days}\n"
    report = parse_report(text, "q3.yaml", library)
    (figure,) = [
        block
        for part in report.paper.parts
        for section in part.sections
        for block in section.blocks
        if isinstance(block, Figure)
    ]
    assert figure.chart.style.font == "Arial"
    svg = render_svg(figure.chart)
    assert b"#aa0000" in svg and b"#1f4e79" not in svg
    assert b"#404040" in svg  # the target line


def test_bar_status_is_a_pattern_as_well_as_a_colour() -> None:
    from boardpaper.content.model import ChartSeries, ChartStyle
    from boardpaper.render.charts import render_png, render_svg

    style = ChartStyle(
        status_fills=(("green", "#c6efce"), ("amber", "#ffeb9c"), ("red", "#ffc7ce"))
    )
    chart = ChartSeries(
        kind="bar",
        title="Planning",
        labels=("Major", "Minor", "Calls"),
        values=(92.0, 76.0, 61.0),
        value_texts=("92%", "76%", "61%"),
        targets=(90.0, 80.0, 80.0),
        target_texts=("90%", "80%", "80%"),
        statuses=("green", "amber", "red"),
        status_labels=("Green", "Amber", "Red"),
        percent=True,
        style=style,
    )
    svg = render_svg(chart)
    # Amber and red bars (and their legend keys) are hatched, each its own pattern.
    assert svg.count(b"<pattern ") == 2
    assert render_svg(chart) == svg and render_png(chart) == render_png(chart)


def test_chart_words_are_text_as_typed_never_markup_or_mathtext() -> None:
    from boardpaper.content.model import ChartSeries, ChartStyle
    from boardpaper.render.charts import render_svg

    chart = ChartSeries(
        kind="bar",
        title="Costs",
        labels=("Cost $5 to $10 a day", "<script>alert(1)</script>"),
        values=(5.0, 7.0),
        value_texts=("5", "7"),
        percent=False,
        style=ChartStyle(),
    )
    svg = render_svg(chart)
    # Words are <text> (searchable in the PDF), dollars are not read as mathematics...
    assert b">Cost $5 to $10 a day</text>" in svg
    # ...and a label that looks like markup is escaped, not obeyed.
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in svg and b"<script" not in svg


def test_sample_chart_words_can_be_found_in_the_pdf(
    sample_outputs: dict[str, dict[str, bytes]],
) -> None:
    # WeasyPrint places each glyph of SVG text on its own, so the spaces between words are
    # gaps, not characters: pdfplumber joins the words, other readers (pdftotext) do not.
    text = pdf_text(sample_outputs["performance-report"]["pdf"]).replace(" ", "")
    assert "Target43%" in text and "44.1%(Green)" in text and "76%(Amber)" in text


def test_column_formats_print_figures_as_the_council_wants(
    tmp_path: Path, library: TemplateLibrary
) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Q3"
    header = ["Indicator", "Polarity", "Q3 2024/25", "Q2 2025/26", "Q3 2025/26", "Target"]
    sheet.append([*header, "Format"])
    sheet.append(["Recycling", "higher", 0.4, 0.42, 0.441, 0.43])  # General cells
    sheet.append(["Spend", "lower", 1234567.891, 1200000, 1100000.5, 1150000, "£#,##0"])
    workbook.save(folder / "kpis.xlsx")
    body = """  data:
    file: kpis.xlsx
    formats: {value: "0.0%", previous: "0.0%", target: "0%"}
  measures:
    - {name: Typed, polarity: higher, previous: ["1", "2"], value: "3", target: "2",
       format: money}
"""
    report = load_report(_report(folder, body), library)
    rows = _docx_rows(render(report, ("docx",))["docx"])
    assert rows["Recycling"][1:6] == ["40.0%", "42.0%", "44.1%", "43%", "Green"]
    assert rows["Spend"][1:6] == ["£1,234,568", "£1,200,000", "£1,100,001", "£1,150,000", "Green"]
    assert rows["Typed"][1:6] == ["£1.00", "£2.00", "£3.00", "£2.00", "Green"]
    bad = _report(folder, body.replace('target: "0%"', 'target: "lots"'))
    with pytest.raises(ContentError) as caught:
        load_report(bad, library)
    assert [p.key for p in caught.value.problems] == ["indicators.data.formats.target"]


def test_pack_manifests_record_data_files_and_verify_names_them(
    tmp_path: Path, runner, monkeypatch
) -> None:
    content = tmp_path / "content"
    (content / "meetings").mkdir(parents=True)
    for name in ("quarterly-performance-q2.yaml", "kpis-q2.xlsx", "customer-and-staff-q2.csv"):
        shutil.copy(ROOT / "content" / name, content / name)
    (content / "meetings" / "scrutiny.yaml").write_text(
        """committee: Overview and Scrutiny Committee
agenda_template: council-standard
date: 2025-11-20
time: 6.00 pm
venue: Council Chamber, Civic Centre
nation: england
published: 2025-11-10
membership: {chair: Cllr A Chair, members: [Cllr B Member]}
clerk: {name: A Clerk, role: Democratic Services Officer, email: clerk@council.example}
contact: Civic Centre.
items:
  - apologies
  - report: ../quarterly-performance-q2.yaml
    presenter: Performance and Insight Manager
""",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["pack", "content/meetings/scrutiny.yaml", "-o", "out"])
    assert result.exit_code == 0, result.output
    csv = content / "customer-and-staff-q2.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",61%,", ",62%,"), encoding="utf-8")
    verified = runner.invoke(cli, ["verify", "out"])
    assert verified.exit_code == 1
    public = next(line for line in verified.output.splitlines() if "public-pack.pdf" in line)
    assert "inputs changed since the build: content/customer-and-staff-q2.csv" in public


def test_template_number_formats_by_unit_print_figures_no_report_formats(
    tmp_path: Path,
) -> None:
    templates = tmp_path / "templates"
    folder = copy_template("performance-report", templates / "performance-report")
    manifest = folder / "template.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert text.count("    rules:\n") == 1
    manifest.write_text(
        text.replace(
            "    rules:\n",
            '    number_formats: {"%": percent 1, "£": "£#,##0", default: number 1}\n    rules:\n',
        ),
        encoding="utf-8",
    )
    library = TemplateLibrary([templates])
    content = tmp_path / "content"
    content.mkdir()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Q3"
    header = ["Indicator", "Polarity", "Unit", "Q3 2024/25", "Q2 2025/26", "Q3 2025/26", "Target"]
    sheet.append(header)
    sheet.append(["Recycling", "higher", "%", 0.4, 0.42, 0.441, 0.43])  # General cells
    sheet.append(["Spend", "lower", "£", 1234567.891, 1200000, 1100000.5, 1150000])
    sheet.append(["Own format", "higher", "%", 0.5, 0.5, 0.5, 0.5])
    sheet.cell(4, 6).number_format = "0%"  # the cell's own format beats the template's
    workbook.save(content / "kpis.xlsx")
    body = """  data: {file: kpis.xlsx}
  measures:
    - {name: Typed days, polarity: lower, previous: ["9", "8"], value: "8", target: "8.5"}
    - {name: Typed percent, polarity: higher, unit: days, previous: ["1%", "2%"],
       value: "3%", target: "2%"}
"""
    report = load_report(_report(content, body), library)
    outputs = render(report, ("docx", "pdf"))
    rows = _docx_rows(outputs["docx"])
    assert rows["Recycling (%)"][1:5] == ["40.0%", "42.0%", "44.1%", "43.0%"]
    assert rows["Spend (£)"][1:5] == ["£1,234,568", "£1,200,000", "£1,100,001", "£1,150,000"]
    assert rows["Own format (%)"][1:5] == ["50.0%", "50.0%", "50%", "50.0%"]
    assert rows["Typed days"][1:5] == ["9.0", "8.0", "8.0", "8.5"]  # default: number 1
    # a % the author typed stays as typed (the default format is for plain figures)
    assert rows["Typed percent (days)"][1:5] == ["1%", "2%", "3%", "2%"]
    assert "44.1%" in _flat(pdf_text(outputs["pdf"]))
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("default: number 1", "default: lots"),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as caught:
        TemplateLibrary([templates]).get("performance-report")
    (problem,) = caught.value.problems
    assert problem.key.endswith("number_formats.default")
    assert "expected a format like percent 1" in problem.message
