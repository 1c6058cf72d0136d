"""Untrusted content in rendered papers: always the literal text, never markup, code or files.

tests/corpus/literal-text.yaml holds markup characters, template syntax, raw HTML,
images and links to local files and the cloud metadata address, a very long word,
and Welsh, accented, Hebrew, Arabic, emoji and mathematical characters. It is
rendered once; each test checks what a reader of the PDF or the .docx sees.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from boardpaper.cli.main import cli
from boardpaper.errors import ContentError
from boardpaper.pipeline import LoadedReport, load_report, parse_report, render
from boardpaper.render.glyphs import glyph_warnings
from tests.helpers import TEMPLATES, docx_paragraphs
from tests.untrusted import (
    CORPUS,
    PASSWD_LINE,
    all_docx_bytes,
    all_pdf_bytes,
    no_network,
    report_with,
    table_report,
)

__all__ = ["no_network"]

LONG_WORD = "Llanfairpwllgwyngyll" + "gogerychwyrndrobwllllantysiliogogogoch" * 8
PURPOSES = [
    "Markup: A & B < C > D \" E ' F ]]> G",
    "Script: <script>alert('x')</script>",
    "Template: {{ 7*7 }} and {% include '/etc/passwd' %}",
    'Raw HTML: <b>raw</b> <img src="file:///etc/passwd"> '
    '<link rel="attachment" href="file:///etc/passwd">',
    "Images: ![passwd](file:///etc/passwd) ![meta](http://169.254.169.254/latest/meta-data/)",
    "A link to the metadata address is only a link",
    f"Long: {LONG_WORD} end",
    "Welsh: Ŵyr ŷd ŵy Ŷ; accented: café naïve Ångström Łódź",
    "Hebrew: שלום; Arabic: مرحبا",
    "Emoji: 😀 👍; maths: ∑ ∞ ≤ √ ∫ ≠",
]
TITLE = "Report {{ 7*7 }} & <b>not bold</b>"
MEETING = "Audit & Governance <Committee>"
TABLE_CELLS = [
    "Caption <i>{{ 7*7 }}</i>",
    "Area & <th>",
    "{% raw %}",
    "<script>x</script>",
    "]]>",
    LONG_WORD,
    "ŵ ŷ שלום 😀 ∑",
]


def squeeze(text: str) -> str:
    """Text without any whitespace: line breaks inside long words and cells do not matter."""
    return "".join(text.split())


@pytest.fixture(scope="session")
def literal_report(library) -> LoadedReport:
    return load_report(CORPUS / "literal-text.yaml", library, display="literal-text.yaml")


@pytest.fixture(scope="session")
def literal_outputs(literal_report: LoadedReport) -> dict[str, bytes]:
    return render(literal_report)


@pytest.fixture(scope="session")
def literal_pdf_text(literal_outputs) -> str:
    """Every character drawn in the PDF, in drawing order (pdfplumber's chars).

    Text layout extraction drops some emoji, and interleaves table cells that
    wrap; drawing order keeps each cell's text together.
    """
    import pdfplumber

    with pdfplumber.open(io.BytesIO(literal_outputs["pdf"])) as pdf:
        return "".join(char["text"] for page in pdf.pages for char in page.chars)


@pytest.fixture(scope="session")
def literal_docx_texts(literal_outputs) -> list[str]:
    import docx

    document = docx.Document(io.BytesIO(literal_outputs["docx"]))
    texts = [text for _, text in docx_paragraphs(literal_outputs["docx"])]  # with list numbers
    for table in document.tables:
        texts.extend(cell.text for row in table.rows for cell in row.cells)
        texts.extend(table._tbl.xpath("./w:tblPr/w:tblCaption/@w:val"))  # alt text caption
    return texts


@pytest.mark.parametrize("text", PURPOSES)
def test_purpose_text_is_literal_in_the_pdf(literal_pdf_text: str, text: str) -> None:
    if "Hebrew" in text:  # extraction gives right-to-left words in drawing order
        text = text.replace("שלום", "םולש").replace("مرحبا", "ابحرم")
    assert squeeze(text) in squeeze(literal_pdf_text)


@pytest.mark.parametrize("text", PURPOSES)
def test_purpose_text_is_literal_in_the_docx(literal_docx_texts: list[str], text: str) -> None:
    number = PURPOSES.index(text) + 1
    assert f"1.{number}\t{text}" in literal_docx_texts


@pytest.mark.parametrize("text", [TITLE, MEETING, *TABLE_CELLS])
def test_title_meeting_and_table_text_is_literal_in_both(
    literal_pdf_text: str, literal_docx_texts: list[str], text: str
) -> None:
    pdf_form = text.replace("שלום", "םולש")
    assert squeeze(pdf_form) in squeeze(literal_pdf_text)
    assert any(text in paragraph for paragraph in literal_docx_texts)


def test_template_syntax_is_never_evaluated(literal_pdf_text, literal_docx_texts) -> None:
    assert "49" not in literal_pdf_text
    assert not any("49" in text for text in literal_docx_texts)


def test_html_in_content_is_escaped_in_the_html(literal_report) -> None:
    from boardpaper.render.html import render_html

    html = render_html(literal_report.paper, literal_report.template)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert '<img src="file' not in html
    assert "<link rel=&#34;attachment&#34;" in html or "&lt;link rel=" in html
    assert 'href="http://169.254.169.254/latest/"' in html  # a link to click, nothing fetched


def test_nothing_of_etc_passwd_reaches_any_output(literal_outputs) -> None:
    assert Path("/etc/passwd").read_bytes().startswith(PASSWD_LINE)
    assert PASSWD_LINE not in all_pdf_bytes(literal_outputs["pdf"])
    assert PASSWD_LINE not in all_docx_bytes(literal_outputs["docx"])


def test_pdf_has_no_attachments(literal_outputs) -> None:
    import pikepdf

    with pikepdf.open(io.BytesIO(literal_outputs["pdf"])) as document:
        assert len(document.attachments) == 0


def test_long_words_wrap_inside_the_page_margins(literal_outputs) -> None:
    import pdfplumber

    right_margin = 20 / 25.4 * 72  # paper.css: 20mm
    with pdfplumber.open(io.BytesIO(literal_outputs["pdf"])) as pdf:
        for page in pdf.pages:
            widest = max(char["x1"] for char in page.chars)
            assert widest <= page.width - right_margin + 1, page.page_number


def test_every_script_is_drawn_with_a_font_that_has_it(literal_outputs, literal_report) -> None:
    import pdfplumber

    fonts: dict[str, set[str]] = {}
    with pdfplumber.open(io.BytesIO(literal_outputs["pdf"])) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                fonts.setdefault(char["text"], set()).add(char["fontname"].split("+")[-1])
    for letter in "ŵŷŴŶéïÅŁź":
        assert fonts[letter] <= {"Liberation-Sans", "Liberation-Sans-Bold"}, letter
    for letter in "שלוםمرحبا😀👍∑∞≤√∫≠":
        assert letter in fonts or any(letter in key for key in fonts), letter
    # No character of the report lacks a font, so no warning is due.
    assert glyph_warnings(literal_report.paper.source, "literal-text.yaml") == []


def test_a_character_no_font_has_is_a_located_warning(tmp_path: Path, runner) -> None:
    (tmp_path / "r.yaml").write_text(
        report_with(title="title: Melting \U0001fae0 face"), encoding="utf-8"
    )
    result = runner.invoke(
        cli,
        [
            "build",
            "-f",
            "docx",
            "--templates",
            str(TEMPLATES),
            "-o",
            str(tmp_path / "out"),
            str(tmp_path / "r.yaml"),
        ],
    )
    expected = (
        "r.yaml:6:16: warning: no installed font has the character '\U0001fae0' "
        "(U+1FAE0 MELTING FACE); the PDF will show an empty box there. "
        "Remove it, or install a font that has it (see docs/security.md)"
    )
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "warning" in line]
    assert len(warnings) == 1 and warnings[0].endswith(expected)
    result = runner.invoke(
        cli, ["validate", "--templates", str(TEMPLATES), str(tmp_path / "r.yaml")]
    )
    assert result.exit_code == 0
    warnings = [line for line in result.output.splitlines() if "warning" in line]
    assert len(warnings) == 1 and warnings[0].endswith(expected)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("file:///etc/passwd", "link to 'file:///etc/passwd' is not allowed"),
        ("javascript:alert(1)", "link to 'javascript:alert(1)' is not allowed"),
        ("/etc/passwd", "link to '/etc/passwd' is not allowed"),
        (
            "data:text/html,<script>x</script>",
            "link to 'data:text/html,%3Cscript%3Ex%3C/script%3E'",
        ),
    ],
)
def test_links_other_than_web_and_mail_are_located_errors(
    library, target: str, message: str
) -> None:
    text = report_with(purpose=f'purpose:\n  - "See [this]({target}) now."')
    with pytest.raises(ContentError) as caught:
        parse_report(text, "r.yaml", library)
    [problem] = caught.value.problems
    assert (problem.path, problem.line, problem.column, problem.key) == (
        "r.yaml",
        17,
        5,
        "purpose[0]",
    )
    assert problem.message.startswith(message)
    assert problem.message.endswith("links must start with https://, http:// or mailto:")


@pytest.fixture(scope="session")
def big_table_outputs(library) -> dict[str, bytes]:
    return render(parse_report(table_report(rows=300), "big.yaml", library))


def test_a_table_of_hundreds_of_rows_is_complete_in_the_pdf(big_table_outputs) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(big_table_outputs["pdf"])) as pdf:
        rows = [
            row
            for page in pdf.pages
            for table in page.extract_tables()
            for row in table
            if row and row[0] and row[0].startswith("r")
        ]
    assert [row[0] for row in rows] == [f"r{n}c1" for n in range(1, 301)]
    assert rows[-1] == ["r300c1", "r300c2", "r300c3"]


def test_a_table_of_hundreds_of_rows_is_complete_in_the_docx(big_table_outputs) -> None:
    import docx

    document = docx.Document(io.BytesIO(big_table_outputs["docx"]))
    [table] = document.tables
    assert len(table.rows) == 301
    assert [cell.text for cell in table.rows[300].cells] == ["r300c1", "r300c2", "r300c3"]
