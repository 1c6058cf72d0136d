"""Word (read by LibreOffice) and the PDF look alike: pages, table columns, links, headings.

Every sample is converted with LibreOffice once; its page count must be within
one page of our PDF's, no table word is broken mid-word in Word, and email
addresses are links in both formats.
"""

from __future__ import annotations

import io
import shutil
import subprocess

import docx
import pdfplumber
import pikepdf
import pytest

from boardpaper.pipeline import load_report, render
from boardpaper.template.library import TemplateLibrary
from tests.helpers import ROOT

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def both(library: TemplateLibrary, tmp_path_factory) -> dict[str, tuple[bytes, bytes, bytes]]:
    """Each sample report: (our .docx, our PDF, LibreOffice's PDF of the .docx)."""
    folder = tmp_path_factory.mktemp("alike")
    outputs = {}
    for path in sorted((ROOT / "content").glob("*.yaml")):
        rendered = render(load_report(path, library))
        (folder / f"{path.stem}.docx").write_bytes(rendered["docx"])
        outputs[path.stem] = rendered
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: run scripts/setup-system.sh --test"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "word"),
            *sorted(str(p) for p in folder.glob("*.docx")),
        ],
        capture_output=True,
        timeout=600,
        check=True,
    )
    return {
        name: (out["docx"], out["pdf"], (folder / "word" / f"{name}.pdf").read_bytes())
        for name, out in outputs.items()
    }


def _pages(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def test_word_and_pdf_page_counts_differ_by_at_most_one(both) -> None:
    counts = {name: (_pages(word), _pages(pdf)) for name, (_, pdf, word) in both.items()}
    print("\nsample: Word (LibreOffice) pages, PDF pages")
    for name, (word, pdf) in counts.items():
        print(f"{name}: {word}, {pdf}")
    assert all(abs(word - pdf) <= 1 for word, pdf in counts.values()), counts


def test_no_table_word_is_broken_in_word(both) -> None:
    """Every word of every table cell comes out whole in LibreOffice's layout."""
    for name, (data, _, word_pdf) in both.items():
        document = docx.Document(io.BytesIO(data))
        cell_words = {
            word
            for table in document.tables
            for row in table.rows
            for cell in row.cells
            for word in cell.text.split()
            if len(word) > 3 and word.isalpha()
        }
        with pdfplumber.open(io.BytesIO(word_pdf)) as pdf:
            laid_out = {w["text"] for page in pdf.pages for w in page.extract_words()}
        broken = sorted(word for word in cell_words if word not in laid_out)
        assert broken == [], f"{name}: words broken across lines in Word: {broken}"


def _links(data: bytes) -> set[str]:
    found = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                action = annot.get("/A")
                if action is not None and "/URI" in action:
                    found.add(str(action.URI))
    return found


def test_front_sheet_emails_are_links_in_word_and_pdf(both, seed_report) -> None:
    emails = {f.email for f in seed_report.paper.front_sheet if f.email}
    assert emails
    data, pdf, word_pdf = both["childrens-improvement-plan"]
    expected = {f"mailto:{email}" for email in emails}
    assert expected <= _links(pdf)
    assert expected <= _links(word_pdf)
    document = docx.Document(io.BytesIO(data))
    targets = {rel.target_ref for rel in document.part.rels.values() if rel.is_external}
    assert expected <= targets
    # The text around the link is unchanged.
    texts = [p.text for p in document.paragraphs]
    assert any(
        t.startswith("Cabinet Member Contact Details:") and "Cordelia.law@torbay.gov.uk" in t
        for t in texts
    )


def test_no_page_ends_with_a_heading_in_either(both, library: TemplateLibrary) -> None:
    """Headings are kept with what follows them (a table included) in Word and in the PDF."""
    for name, (_, pdf, word_pdf) in both.items():
        paper = load_report(ROOT / "content" / f"{name}.yaml", library).paper
        headings = {paper.title} | {
            text
            for part in paper.parts
            for text in [part.heading or ""]
            + [section.title for section in part.sections]
            + [section.heading for section in part.sections]
            if text
        }
        for label, data in (("PDF", pdf), ("Word", word_pdf)):
            with pdfplumber.open(io.BytesIO(data)) as document:
                for number, page in enumerate(document.pages[:-1], start=1):
                    lines = [
                        line.strip()
                        for line in (page.extract_text() or "").splitlines()
                        if line.strip() and not line.strip().startswith("Page ")
                    ]
                    assert lines and lines[-1] not in headings, (
                        f"{name} ({label}): page {number} ends with the heading {lines[-1]!r}"
                    )
