"""Helpers the tests share: sample paths, text extraction from PDF and .docx, LibreOffice.

Tests import them as ``from tests.helpers import NAME``; fixtures live in conftest.py.
"""

from __future__ import annotations

import io
import shutil
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


SEED_YAML = ROOT / "content" / "childrens-improvement-plan.yaml"


SEED_TEXT = (
    ROOT / "tests" / "data" / "seed-scrutiny-report.txt"
)  # ../shared/seeds/000_8b43b4386a55ec5d.txt


TEMPLATES = ROOT / "templates"


def pdf_text(data: bytes) -> str:
    """All text of a PDF, as pdfplumber extracts it, pages joined by newlines."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def docx_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph of a .docx, tables excluded."""
    import docx

    document = docx.Document(io.BytesIO(data))
    return [(p.style.name, p.text) for p in document.paragraphs]


SAMPLE_MEETING = ROOT / "content" / "meetings" / "children-and-young-people-2021-03-01.yaml"


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, as pdfplumber extracts it."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


SAMPLE_REPORTS = ("social-work-recruitment.yaml", "residential-placements-contract.yaml")


MINIMAL_MEETING = """\
committee: Children and Young People's Overview and Scrutiny Board
date: 2021-03-01
time: 5.30 pm
venue: Town Hall, Torquay
published: 2021-02-19
membership:
  chair: Nicole Amil
  members: [Mandy Darling]
clerk:
  name: Teresa Buckley
  email: governance.support@torbay.gov.uk
items:
  - apologies
  - declarations_of_interest
"""


def make_content(tmp_path: Path, items: str = "", header: str = MINIMAL_MEETING) -> Path:
    """A content folder holding two sample reports and a meeting file; returns the meeting."""
    content = tmp_path / "content"
    (content / "meetings").mkdir(parents=True)
    for name in SAMPLE_REPORTS:
        shutil.copy(ROOT / "content" / name, content / name)
    meeting = content / "meetings" / "meeting.yaml"
    meeting.write_text(header + textwrap.indent(textwrap.dedent(items), "  "), encoding="utf-8")
    return meeting


SAMPLES = {
    "cabinet-decision": ROOT / "content" / "waste-collection-contract.yaml",
    "performance-report": ROOT / "content" / "quarterly-performance-q2.yaml",
}


def convert_with_libreoffice(docx_bytes: bytes, folder: Path, convert_to: str = "pdf") -> bytes:
    """Convert .docx bytes with headless LibreOffice, the nearest real Word client on Linux.

    ``convert_to`` is LibreOffice's ``--convert-to`` argument ("pdf", "odt", or a
    filter with options); returns the bytes of the converted file.
    """
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: run scripts/setup-system.sh --test"
    source = folder / "paper.docx"
    source.write_bytes(docx_bytes)
    completed = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            convert_to,
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stderr
    return (folder / f"paper.{convert_to.split(':')[0]}").read_bytes()
