"""Words and numbers exactly as typed, in the PDF and in Word: list numbers, paragraph numbers,
backslashes, underscores, image URLs, and one field's text direction kept to that field.
"""

from __future__ import annotations

import io
import re

import docx
import pytest

from boardpaper.content.narrative import parse_narrative
from boardpaper.pipeline import parse_report, render
from tests.helpers import docx_paragraphs, pdf_text
from tests.untrusted import MINIMAL

INTRO = "      - An introduction.\n"
ITEMS = (
    "      - |\n        3. Third item\n        4. Fourth item\n"
    "      - After the list.\n"
    "      - 'Files on \\\\fileserver\\committee and C:\\Users\\_data\\*.xlsx'\n"
    "      - 'Call __init__ then file_name_v2, not **bold_text**.'\n"
    "      - 'Picture: ![logo](https://example.org/a%20b/caf\u00e9.png)'\n"
    '      - "Start \\u202Eone **two** three"\n'
    "      - Last paragraph.\n"
)


@pytest.fixture(scope="module")
def typed(library) -> dict[str, bytes]:
    text = MINIMAL.replace(INTRO, INTRO + ITEMS)
    return render(parse_report(text, "typed.yaml", library))


@pytest.fixture(scope="module")
def typed_pdf_text(typed) -> str:
    return pdf_text(typed["pdf"])


@pytest.fixture(scope="module")
def typed_docx_text(typed) -> list[str]:
    return [text for _style, text in docx_paragraphs(typed["docx"])]


def test_numbered_list_starting_at_3_keeps_3_and_4_in_the_pdf(typed_pdf_text: str) -> None:
    assert re.search(r"3\.\s*Third item", typed_pdf_text), typed_pdf_text
    assert re.search(r"4\.\s*Fourth item", typed_pdf_text)


@pytest.mark.libreoffice
def test_numbered_list_starting_at_3_keeps_3_and_4_in_word(typed, tmp_path) -> None:
    from tests.helpers import convert_with_libreoffice

    text = pdf_text(convert_with_libreoffice(typed["docx"], tmp_path))
    assert re.search(r"3\.\s*Third item", text), text
    assert re.search(r"4\.\s*Fourth item", text)


def test_numbered_paragraph_that_starts_with_a_list_keeps_its_number(
    typed_pdf_text: str, typed_docx_text: list[str]
) -> None:
    for text in (typed_pdf_text, "\n".join(typed_docx_text)):
        text = text[text.index("Introduction") :]
        numbers = re.findall(r"^(1\.\d+)\b", text, flags=re.M)
        assert numbers[:8] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8"], numbers


def test_backslashes_are_kept(typed_pdf_text: str, typed_docx_text: list[str]) -> None:
    typed_line = "Files on \\\\fileserver\\committee and C:\\Users\\_data\\*.xlsx"
    assert typed_line in typed_pdf_text
    assert any(typed_line in text for text in typed_docx_text)


def test_underscores_never_make_bold(typed) -> None:
    [paragraph] = [
        p for p in docx.Document(io.BytesIO(typed["docx"])).paragraphs if "__init__" in p.text
    ]
    assert "Call __init__ then file_name_v2, not bold_text." in paragraph.text
    bold = "".join(run.text for run in paragraph.runs if run.bold)
    assert bold == "bold_text"


def test_image_url_is_printed_as_typed(typed_pdf_text: str, typed_docx_text) -> None:
    typed_url = "![logo](https://example.org/a%20b/caf\u00e9.png)"
    assert typed_url in typed_pdf_text.replace("\n", "")
    assert any(typed_url in text for text in typed_docx_text)


def test_markdown_subset_rules() -> None:
    [paragraph], _ = parse_narrative("**bold** *italic* __not__ _not_ a\\b \\*x\\ y")
    runs = [(run.text, run.bold, run.italic) for run in paragraph.runs]
    assert runs[0] == ("bold", True, False)
    assert ("italic", False, True) in runs
    assert "".join(run.text for run in paragraph.runs).endswith("__not__ _not_ a\\b \\*x\\ y")


def test_a_right_to_left_override_stays_inside_its_own_text(typed_pdf_text: str) -> None:
    """U+202E reverses what follows it; it must not reach the next run, field or line."""
    line = next(line for line in typed_pdf_text.splitlines() if "Start" in line)
    assert "two three" in line, line
    assert "Last paragraph." in typed_pdf_text


@pytest.mark.libreoffice
def test_a_right_to_left_override_is_isolated_in_word(typed, tmp_path) -> None:
    from tests.helpers import convert_with_libreoffice

    printed = pdf_text(convert_with_libreoffice(typed["docx"], tmp_path))
    line = next(line for line in printed.splitlines() if "Start" in line)
    assert "two three" in line, line
    document = docx.Document(io.BytesIO(typed["docx"]))
    [paragraph] = [p for p in document.paragraphs if "\u202e" in p.text]
    for run in paragraph.runs:
        if "\u202e" in run.text:
            assert run.text.startswith("\u2068") and run.text.endswith("\u2069"), run.text


def test_unterminated_override_in_the_title_does_not_reverse_the_meeting(library) -> None:
    text = MINIMAL.replace("title: Minimal Report", 'title: "Budget \\u202Emonitoring"')
    outputs = render(parse_report(text, "t.yaml", library))
    assert "Audit Committee" in pdf_text(outputs["pdf"])
    core = docx.Document(io.BytesIO(outputs["docx"])).core_properties
    assert core.title == "Budget \u202emonitoring"
