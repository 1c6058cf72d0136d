"""Templates democratic services own: each sample shows its own template's sections and numbering.

Reads what users see: text and tables from the PDF (pdfplumber) and the .docx
(python-docx), and cell colours from the .docx XML.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn

from boardpaper.cli.main import cli
from boardpaper.content.model import Table
from boardpaper.errors import ContentError, TemplateError
from boardpaper.pipeline import LoadedReport, load_report, parse_report
from boardpaper.template.library import TemplateLibrary, load_template
from tests.helpers import (
    ROOT,
    SAMPLES,
    TEMPLATES,
    convert_with_libreoffice,
    docx_paragraphs,
    pdf_text,
)

LEGACY_PERFORMANCE = ROOT / "tests" / "data" / "performance-inline-0.1.yaml"
"""The performance sample as 0.1 shipped it: inline figures, status and direction typed."""


def _pdf_tables(data: bytes) -> list[list[list[str]]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [
            [[cell or "" for cell in row] for row in table]
            for page in pdf.pages
            for table in page.extract_tables()
        ]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _in_order(text: str, items: list[str]) -> None:
    position = 0
    for item in items:
        found = text.find(item, position)
        assert found >= 0, f"{item!r} missing after position {position}"
        position = found + len(item)


# --- cabinet-decision ---------------------------------------------------------------------------

CABINET_HEADINGS = [
    "Executive summary",
    "1. Recommendations",
    "2. Reasons for the recommendations",
    "3. Alternative options considered",
    "4. Background",
    "Implications",
    "1. Financial implications",
    "2. Legal implications",
    "3. Human resources implications",
    "4. Procurement implications",
    "5. Risks",
    "6. Equality impacts",
    "7. Background documents",
    "8. Appendices",
]


def test_cabinet_pdf_shows_its_sections_in_order_with_recommendations_1_2(
    sample_outputs: dict[str, dict[str, bytes]],
) -> None:
    text = _flat(pdf_text(sample_outputs["cabinet-decision"]["pdf"]))
    _in_order(text, CABINET_HEADINGS)
    _in_order(text, ["That Cabinet:", "1. Award the Household", "2. Delegate", "3. Approve"])
    assert "(i)" not in text
    assert "Option 1: Award the contract to the highest scoring bidder (preferred option)" in text
    assert "Signed off by: Amina Roberts, Chief Finance Officer" in text
    assert "Yes: The contract is worth more than £500,000" in text
    assert "FP/2026/003" in text and "23 January 2026" in text


def test_cabinet_docx_shows_its_sections_and_numbering(
    sample_outputs: dict[str, dict[str, bytes]],
) -> None:
    paragraphs = docx_paragraphs(sample_outputs["cabinet-decision"]["docx"])
    headings = [text for style, text in paragraphs if style.startswith("Heading")]
    _in_order("\n".join(headings), CABINET_HEADINGS)
    numbered = [text for style, text in paragraphs if style == "Numbered Paragraph"]
    recommendations = [t for t in numbered if t.startswith(("1.\t", "2.\t", "3.\t"))]
    assert [t.split("\t")[0] for t in recommendations] == ["1.", "2.", "3."]
    assert recommendations[0].startswith("1.\tAward the Household Waste")
    assert any(t.startswith("3.1\tOption 1: Award the contract") for t in numbered)


def test_cabinet_front_sheet_has_signoff_table_in_both_formats(
    sample_outputs: dict[str, dict[str, bytes]],
) -> None:
    expected = ["Financial implications", "Amina Roberts", "19 December 2025"]
    pdf_rows = [
        [_flat(cell) for cell in row]
        for table in _pdf_tables(sample_outputs["cabinet-decision"]["pdf"])
        for row in table
    ]
    assert ["Implication", "Officer", "Role", "Date signed off"] in pdf_rows
    assert any(all(item in row for item in expected) for row in pdf_rows)
    document = docx.Document(io.BytesIO(sample_outputs["cabinet-decision"]["docx"]))
    front = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in front.rows]
    assert rows[0] == ["Implication", "Officer", "Role", "Date signed off"]
    assert [row[0] for row in rows[1:]] == [
        "Financial implications",
        "Legal implications",
        "Human resources implications",
        "Procurement implications",
    ]
    assert rows[1][1] == "Amina Roberts" and rows[1][3] == "19 December 2025"
    header_props = front.rows[0]._tr.trPr
    assert header_props is not None and header_props.find(qn("w:tblHeader")) is not None
    # The front sheet comes before the title in the Word file too.
    body = document.element.body
    first_heading = next(p for p in document.paragraphs if p.style.name == "Heading 1")
    assert list(body).index(front._tbl) < list(body).index(first_heading._p)


def test_seed_keeps_council_standard_numbering(seed_outputs: dict[str, bytes]) -> None:
    text = _flat(pdf_text(seed_outputs["pdf"]))
    assert "(i) That members of the Children and Young People's" in text
    numbered = [t for s, t in docx_paragraphs(seed_outputs["docx"]) if s == "Numbered Paragraph"]
    assert any(t.startswith("(i)\tThat members") for t in numbered)


# --- performance-report -------------------------------------------------------------------------


def test_performance_pdf_indicators_say_status_and_direction_in_words(
    sample_outputs: dict[str, dict[str, bytes]],
) -> None:
    data = sample_outputs["performance-report"]["pdf"]
    text = _flat(pdf_text(data))
    _in_order(text, ["1. Summary", "2. Recommendations", "(1) note performance", "(2) ask the"])
    _in_order(text, ["3. Performance this quarter", "4. Time to re-let council homes (Red)"])
    _in_order(text, ["Appendix A", "Key performance indicators"])
    assert "(P) marks a provisional figure" in text
    rows = [[_flat(c) for c in row] for table in _pdf_tables(data) for row in table]
    header = next(row for row in rows if row and row[0] == "Indicator")
    assert header == [
        "Indicator",
        "Q2 2024/25",
        "Q1 2025/26",
        "Q2 2025/26",
        "Target",
        "Status",
        "Compared with last year",
        "Compared with last quarter",
    ]
    by_name = {row[0]: row for row in rows}
    assert by_name["Household waste recycled or composted"][1:] == [
        "40.3%",
        "42.8%",
        "44.1% (P)",
        "43%",
        "Green",
        "↑ Better",
        "↑ Better",
    ]
    assert by_name["Average days to re-let council homes"][5:] == ["Red", "↓ Worse", "↓ Worse"]
    # 0.1 typed Amber here; 9.4 days against 8.5 is 10.6% worse, which the rule calls Red.
    sickness = "Working days lost to sickness per employee in the last 12 months (days)"
    assert by_name[sickness][5:] == ["Red", "→ Same", "↓ Worse"]


def test_performance_docx_status_cells_have_word_and_colour(
    sample_outputs: dict[str, dict[str, bytes]],
) -> None:
    document = docx.Document(io.BytesIO(sample_outputs["performance-report"]["docx"]))
    fills: dict[str, set[str]] = {}
    for table in document.tables:  # one table per group of indicators
        if table.rows[0].cells[0].text != "Indicator":
            continue
        status_column = [c.text for c in table.rows[0].cells].index("Status")
        for row in table.rows[1:]:
            cell = row.cells[status_column]
            shading = cell._tc.tcPr.find(qn("w:shd"))
            fills.setdefault(cell.text, set()).add(shading.get(qn("w:fill")))
    assert fills == {"Green": {"C6EFCE"}, "Amber": {"FFEB9C"}, "Red": {"FFC7CE"}}
    texts = [p for s, p in docx_paragraphs(sample_outputs["performance-report"]["docx"])]
    assert any(t.startswith("(1)\tnote performance") for t in texts)
    assert "(P) marks a provisional figure, which may change when the data is finalised." in texts


def test_indicators_need_one_previous_value_per_period(library: TemplateLibrary) -> None:
    text = LEGACY_PERFORMANCE.read_text(encoding="utf-8")
    broken = text.replace("previous: [40.3%, 42.8%]", "previous: [40.3%]", 1)
    with pytest.raises(ContentError) as caught:
        parse_report(broken, "q2.yaml", library)
    (problem,) = caught.value.problems
    assert problem.key == "indicators.measures[0].previous"
    assert "expected 2 previous value(s)" in problem.message
    assert (
        problem.line
        == broken.splitlines().index("    - name: Household waste recycled or composted") + 1
    )


def test_options_need_exactly_one_preferred_with_reasons(library: TemplateLibrary) -> None:
    text = SAMPLES["cabinet-decision"].read_text(encoding="utf-8")
    two = text.replace(
        "  - title: Bring the service in-house\n",
        "  - title: Bring the service in-house\n    preferred: yes\n",
    )
    with pytest.raises(ContentError) as caught:
        parse_report(two, "w.yaml", library)
    assert [(p.key, p.message) for p in caught.value.problems] == [
        ("options", "expected exactly one option with 'preferred: yes', found 2")
    ]


def test_status_must_be_one_of_the_templates_words(library: TemplateLibrary) -> None:
    text = LEGACY_PERFORMANCE.read_text(encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        parse_report(text.replace("status: red", "status: purple", 1), "q2.yaml", library)
    assert "expected one of green, amber, red, found 'purple'" in str(caught.value)


# --- copying a template -------------------------------------------------------------------------


def test_copied_template_with_edited_manifest_works_without_python(tmp_path: Path, runner) -> None:
    """Copy cabinet-decision, change only its files: new numbering, heading and wording."""
    folder = tmp_path / "templates" / "eastshire-cabinet"
    shutil.copytree(TEMPLATES / "cabinet-decision", folder)
    manifest = (folder / "template.yaml").read_text(encoding="utf-8")
    manifest = manifest.replace("name: cabinet-decision", "name: eastshire-cabinet")
    manifest = manifest.replace(
        "recommendation_numbering: decimal", "recommendation_numbering: bracketed"
    )
    manifest = manifest.replace("heading: Recommendations\n", "heading: Proposed decisions\n")
    manifest = manifest.replace('"That Cabinet:"', '"The Executive is recommended to:"')
    (folder / "template.yaml").write_text(manifest, encoding="utf-8")
    css = folder / "paper.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh1.title { color: #1d3557; }\n")
    report = tmp_path / "content" / "decision.yaml"
    report.parent.mkdir()
    report.write_text(
        SAMPLES["cabinet-decision"]
        .read_text(encoding="utf-8")
        .replace("template: cabinet-decision", "template: eastshire-cabinet"),
        encoding="utf-8",
    )
    out = tmp_path / "build"
    result = runner.invoke(
        cli, ["build", str(report), "-o", str(out), "--templates", str(tmp_path / "templates")]
    )
    assert result.exit_code == 0, result.output
    text = _flat(pdf_text((out / "decision.pdf").read_bytes()))
    _in_order(
        text,
        ["1. Proposed decisions", "The Executive is recommended to:", "(1) Award", "(2) Delegate"],
    )
    numbered = [
        t
        for s, t in docx_paragraphs((out / "decision.docx").read_bytes())
        if s == "Numbered Paragraph"
    ]
    assert any(t.startswith("(1)\tAward the Household") for t in numbered)
    headings = [
        t
        for s, t in docx_paragraphs((out / "decision.docx").read_bytes())
        if s.startswith("Heading")
    ]
    assert "1. Proposed decisions" in headings


# --- manifests, `templates` and `new report` ------------------------------------------------------


def test_manifest_errors_are_located(tmp_path: Path) -> None:
    folder = tmp_path / "performance-report"
    shutil.copytree(TEMPLATES / "performance-report", folder)
    manifest = folder / "template.yaml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace('          provisional: "(P)"\n', "")
    text = text.replace("{field: target, heading: Target}", "{field: goal, heading: Target}")
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        load_template(folder)
    found = {(p.key, p.message) for p in caught.value.problems}
    assert (
        "parts[1].sections[0].labels.provisional",
        "a 'indicators' section needs this wording",
    ) in found
    goal_line = text.splitlines().index("          - {field: goal, heading: Target}") + 1
    located = [p for p in caught.value.problems if p.key == "parts[1].sections[0].columns[3].field"]
    assert located and located[0].line == goal_line
    assert "expected one of indicator, previous, value" in located[0].message


def test_templates_command_lists_each_with_description(runner) -> None:
    result = runner.invoke(cli, ["templates"])
    assert result.exit_code == 0, result.output
    for name in ("council-standard", "cabinet-decision", "performance-report", "executive-report"):
        assert re.search(rf"^{name}\n    \S", result.output, re.MULTILINE)
        assert load_template(TEMPLATES / name).description in result.output


@pytest.mark.parametrize(
    "name", ["council-standard", "cabinet-decision", "performance-report", "executive-report"]
)
def test_new_report_writes_a_starter_that_validates(
    name: str, tmp_path: Path, runner, library: TemplateLibrary
) -> None:
    path = tmp_path / "papers" / f"{name}.yaml"
    result = runner.invoke(cli, ["new", "report", str(path), "--template", name])
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    modeline, first = text.splitlines()[:2]
    assert modeline == "# yaml-language-server: $schema=.boardpaper/report.schema.json"
    assert (path.parent / ".boardpaper" / "report.schema.json").is_file()
    assert first.startswith("# A new report for the")
    assert f"template: {name}\n" in text
    loaded = load_report(path, library)
    template = loaded.template
    for section in template.sections:
        assert f"{section.field.split('.')[-1]}:" in text
    validate = runner.invoke(cli, ["validate", str(path)])
    assert validate.exit_code == 0, validate.output
    again = runner.invoke(cli, ["new", "report", str(path), "--template", name])
    assert again.exit_code == 2 and "already exists" in again.output
    assert path.read_text(encoding="utf-8") == text


def test_new_report_names_unknown_template(tmp_path: Path, runner) -> None:
    result = runner.invoke(cli, ["new", "report", str(tmp_path / "x.yaml"), "--template", "nope"])
    assert result.exit_code == 2
    assert "no template called 'nope'" in result.output
    assert not (tmp_path / "x.yaml").exists()


def test_one_model_feeds_both_formats_for_every_sample(
    sample_reports: dict[str, LoadedReport], sample_outputs: dict[str, dict[str, bytes]]
) -> None:
    """Every model table of a sample appears, cell for cell, in its .docx."""
    for name, report in sample_reports.items():
        tables = [
            block
            for part in report.paper.parts
            for section in part.sections
            for block in section.blocks
            if isinstance(block, Table)
        ]
        document = docx.Document(io.BytesIO(sample_outputs[name]["docx"]))
        docx_tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
        for table in tables:
            expected = [list(table.columns), *[[c.text for c in row] for row in table.rows]]
            assert expected in docx_tables, f"{name}: {table.name}"


def test_samples_use_every_field_of_their_template(sample_reports) -> None:
    for name, report in sample_reports.items():
        template = report.template
        text = SAMPLES[name].read_text(encoding="utf-8")
        for spec in [*template.front_sheet, *template.sections]:
            if spec.type == "signoffs":
                assert any(f.table is not None for f in report.paper.front_sheet)
                continue
            assert re.search(rf"^\s*{spec.field.split('.')[-1]}:", text, re.MULTILINE), (
                f"{name} does not use {spec.field}"
            )


def test_schema_describes_the_new_templates(runner) -> None:
    import json

    result = runner.invoke(cli, ["schema", "--template", "performance-report"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)["allOf"][0]["then"]
    measures = schema["properties"]["indicators"]["properties"]["measures"]["items"]
    assert measures["properties"]["status"]["enum"] == ["green", "amber", "red"]
    assert measures["properties"]["polarity"]["enum"] == ["higher", "lower"]
    assert set(measures["required"]) == {"name", "value"}
    cabinet = json.loads(runner.invoke(cli, ["schema", "--template", "cabinet-decision"]).output)
    properties = cabinet["allOf"][0]["then"]["properties"]
    assert "signoffs" not in properties
    assert properties["key_decision"]["required"] == ["answer", "reason"]


@pytest.mark.libreoffice
def test_libreoffice_prints_the_cabinet_paper_with_its_front_sheet_table(
    sample_outputs: dict[str, dict[str, bytes]], tmp_path: Path
) -> None:
    pdf = convert_with_libreoffice(sample_outputs["cabinet-decision"]["docx"], tmp_path)
    text = _flat(pdf_text(pdf))
    _in_order(
        text,
        [
            "Key decision: Yes: The contract is worth more than £500,000",
            "Implications signed off by",
            "Implication Officer Role Date signed off",
            "Financial implications Amina Roberts",
            "Award of the Household Waste",
            "1. Recommendations",
            "1. Award the Household Waste",
            "2. Delegate authority",
        ],
    )
    assert "{{" not in text and "{%" not in text
