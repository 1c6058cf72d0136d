"""The per-render savings keep what readers see: shared column widths, reused stylesheets.

Tables are laid out with the widths Word gets (``table-layout: fixed``): the PDF's
columns must have the Word file's proportions, and no cell's text may run past its
cell or be split inside a word. Stylesheets and fonts are reused across renders of
one template (``render.reuse``): a render must give the bytes of a fresh one, a
paper must never show another paper's running header, and an edited template
must take effect in the same process.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import docx
import pdfplumber
import pytest
import tinycss2

from boardpaper.content.model import Table
from boardpaper.pipeline import LoadedReport, load_report, render
from boardpaper.render import reuse
from boardpaper.render.pdf import render_pdf
from boardpaper.template.library import TemplateLibrary
from tests.helpers import ROOT, SEED_YAML, copy_template

SAMPLE_YAMLS = sorted((ROOT / "content").glob("*.yaml"))
EXACT = {"snap_tolerance": 0.5, "join_tolerance": 0.5, "intersection_tolerance": 0.5}
"""pdfplumber's table finding without snapping nearby rules together (tables stacked
closely would otherwise share column edges)."""


@pytest.fixture(scope="module")
def samples(library: TemplateLibrary) -> dict[str, tuple[LoadedReport, dict[str, bytes]]]:
    """Every sample report and its rendered outputs."""
    return {
        path.stem: (report, render(report))
        for path in SAMPLE_YAMLS
        for report in [load_report(path, library)]
    }


def _squash(text: str | None) -> str:
    return " ".join((text or "").split())


def _tables(blocks: object) -> Iterator[Table]:
    """Every table of the document model, in order."""
    if isinstance(blocks, Table):
        yield blocks
    elif isinstance(blocks, list | tuple):
        for block in blocks:
            yield from _tables(block)
    elif hasattr(blocks, "__dataclass_fields__"):
        for name in blocks.__dataclass_fields__:
            yield from _tables(getattr(blocks, name))


def _word_shares(data: bytes, headings: tuple[str, ...]) -> list[float]:
    """The column widths, as shares of the table, of the Word table with these headings."""
    document = docx.Document(io.BytesIO(data))
    for table in document.tables:
        for row in table.rows[:2]:
            if tuple(_squash(cell.text) for cell in row.cells) == headings:
                widths = [column.width for column in table.columns]
                return [width / sum(widths) for width in widths]
    raise AssertionError(f"no Word table headed {headings}")


def _pdf_shares(data: bytes, headings: tuple[str, ...]) -> list[float]:
    """The column widths, as shares of the table, of the PDF table with these headings."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for found in page.find_tables(EXACT):
                for row in found.rows[:2]:
                    texts = tuple(
                        _squash(page.crop(cell).extract_text() if cell else "")
                        for cell in row.cells
                    )
                    if texts == headings:
                        edges = [cell[2] - cell[0] for cell in row.cells if cell]
                        return [edge / sum(edges) for edge in edges]
    raise AssertionError(f"no PDF table headed {headings}")


def test_pdf_tables_have_the_word_files_column_widths(samples) -> None:
    """One model, one set of widths: each column's share of the table is Word's."""
    compared = 0
    for name, (report, outputs) in samples.items():
        for table in _tables(report.paper.parts):
            headings = tuple(_squash(heading) for heading in table.columns)
            word = _word_shares(outputs["docx"], headings)
            pdf = _pdf_shares(outputs["pdf"], headings)
            assert len(word) == len(pdf), (name, headings)
            differences = [abs(a - b) for a, b in zip(word, pdf, strict=True)]
            assert max(differences) < 0.0005, (name, headings, word, pdf)
            compared += 1
    assert compared >= 10


def test_no_table_text_runs_past_its_cell_or_splits_a_word(samples) -> None:
    for name, (report, outputs) in samples.items():
        cell_words = {
            word
            for table in _tables(report.paper.parts)
            for row in ((cell.text for cell in row) for row in table.rows)
            for text in row
            for word in text.split()
        }
        with pdfplumber.open(io.BytesIO(outputs["pdf"])) as pdf:
            laid_out: set[str] = set()
            for number, page in enumerate(pdf.pages, start=1):
                words = page.extract_words()
                laid_out |= {word["text"] for word in words}
                for found in page.find_tables():
                    for x0, top, x1, bottom in (c for row in found.rows for c in row.cells if c):
                        for word in words:
                            inside = x0 - 0.5 <= word["x0"] < x1 and top - 0.5 <= word["top"]
                            if inside and word["bottom"] <= bottom + 0.5:
                                assert word["x1"] <= x1, (name, number, word["text"])
        # A word may end at a hyphen or slash it was broken at; none is cut elsewhere.
        pieces = {piece for word in laid_out for piece in re.split(r"(?<=[-/–])", word)}
        split = sorted(
            word
            for word in cell_words
            if word not in laid_out and not set(re.split(r"(?<=[-/–])", word)) <= pieces
        )
        assert split == [], f"{name}: table words split in the PDF: {split}"


def test_a_reused_render_gives_the_bytes_of_a_fresh_one(
    samples, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stylesheets parsed for an earlier paper (another one first) change no byte."""
    reports = [report for report, _ in samples.values()]
    for report in reports:  # every template's state filled, by other papers too
        render_pdf(report.paper, report.template)
    reused = {id(report): render_pdf(report.paper, report.template) for report in reports}

    def fresh(folders: object, html: str) -> dict[str, object]:
        return reuse.layout_options([], "@font-face")  # no template state: WeasyPrint's own

    monkeypatch.setattr("boardpaper.render.pdf.layout_options", fresh)
    for report in reports:
        assert render_pdf(report.paper, report.template) == reused[id(report)], report.source


def test_a_template_s_stylesheets_are_parsed_once(
    seed_report: LoadedReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    render_pdf(seed_report.paper, seed_report.template)
    parsed: list[str] = []
    original = tinycss2.parse_stylesheet

    def counting(css: str, *args: object, **kwargs: object) -> object:
        parsed.append(css[:40])
        return original(css, *args, **kwargs)

    monkeypatch.setattr(tinycss2, "parse_stylesheet", counting)
    monkeypatch.setattr("tinycss2.bytes.parse_stylesheet", counting)
    render_pdf(seed_report.paper, seed_report.template)
    assert parsed == []
    reuse._states.clear()
    reuse._by_font_config.clear()
    render_pdf(seed_report.paper, seed_report.template)
    assert len(parsed) >= 2  # the base paper.css and the Word file's look, parsed afresh


def _header_line(pdf_bytes: bytes, page: int = 1) -> str:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        top = pdf.pages[page - 1]
        return _squash(top.crop((0, 0, top.width, 60)).extract_text())


def test_a_paper_never_shows_the_running_header_of_one_rendered_before(
    tmp_path: Path, library: TemplateLibrary
) -> None:
    """The Word look's <style> holds the meeting's name in an @page rule; papers of one
    template share that template's state, but each keeps its own @page rules."""
    first = load_report(SEED_YAML, library)
    other_yaml = tmp_path / "other.yaml"
    other_yaml.write_text(
        SEED_YAML.read_text(encoding="utf-8").replace(
            "Children and Young People's Overview and Scrutiny Board", "Audit Committee"
        ),
        encoding="utf-8",
    )
    for data in (ROOT / "content").iterdir():
        if data.is_file() and data.suffix != ".yaml":
            shutil.copy(data, tmp_path / data.name)
    second = load_report(other_yaml, library)
    assert second.paper.meeting != first.paper.meeting
    render_pdf(first.paper, first.template)
    second_pdf = render_pdf(second.paper, second.template)
    first_pdf = render_pdf(first.paper, first.template)
    assert "Audit Committee" in _header_line(second_pdf, 2)
    assert "Scrutiny" not in _header_line(second_pdf, 2)
    assert "Scrutiny Board" in _header_line(first_pdf, 2)


def test_an_edited_template_stylesheet_takes_effect_in_the_same_process(tmp_path: Path) -> None:
    """``build --watch``, preview and the service render again in one process."""
    folder = tmp_path / "council-standard"
    copy_template("council-standard", folder)
    report = load_report(SEED_YAML, TemplateLibrary([tmp_path]))
    before = render_pdf(report.paper, report.template)
    with pdfplumber.open(io.BytesIO(before)) as pdf:
        assert "Edited heading" not in _squash(pdf.pages[0].extract_text())
    sheet = next(folder.rglob("paper.css"))
    sheet.write_text(
        sheet.read_text(encoding="utf-8") + '\nh1.title::before { content: "Edited heading " }\n',
        encoding="utf-8",
    )
    report = load_report(SEED_YAML, TemplateLibrary([tmp_path]))
    after = render_pdf(report.paper, report.template)
    with pdfplumber.open(io.BytesIO(after)) as pdf:
        assert "Edited heading" in _squash(pdf.pages[0].extract_text())


def test_html_declaring_its_own_fonts_gets_a_font_configuration_of_its_own() -> None:
    from boardpaper.render.pdf import _load_weasyprint

    _load_weasyprint()
    base = ROOT / "src" / "boardpaper" / "template" / "base"
    shared = reuse.layout_options([base], "<p>text</p>")
    assert reuse.layout_options([base], "<p>other</p>")["font_config"] is shared["font_config"]
    own = reuse.layout_options([base], "<style>@font-face { font-family: X }</style>")
    assert "font_config" not in own
    assert own["counter_style"] is not shared["counter_style"]  # fresh for every render


def test_one_very_long_word_does_not_squeeze_the_other_columns() -> None:
    """A word too long for any page breaks (class long-word in the PDF; Word breaks it at
    the cell's edge); the other columns keep room for their own longest words."""
    from boardpaper.render.column_widths import TextMeasure, column_widths

    measure = TextMeasure(10.5)
    long_word = "Llanfairpwllgwyngyll" + "gogerychwyrndrobwllllantysiliogogogoch" * 8
    widths = column_widths(
        ["Area", "Status"], [[(long_word, False), ("Amber", True)]], 482.0, measure, 10.8
    )
    assert sum(widths) == pytest.approx(482.0)
    assert widths[1] >= measure.width("Status", bold=True) + 10.8
    # Tables whose words fit keep the rule: no column narrower than its longest word.
    widths = column_widths(
        ["Document", "Where to see it"],
        [[("Strategy, Cabinet, 10 April 2025", False), ("example.org/cabinet/2025", False)]],
        482.0,
        measure,
        10.8,
    )
    assert widths[1] >= measure.width("example.org/cabinet/2025") + 10.8
