"""LibreOffice, the nearest real Word client on Linux, opens the .docx and prints it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import pdf_text


def convert_with_libreoffice(docx_bytes: bytes, folder: Path) -> bytes:
    """Convert .docx bytes to PDF with headless LibreOffice; returns the PDF bytes."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: run scripts/setup-system.sh --test"
    source = folder / "paper.docx"
    source.write_bytes(docx_bytes)
    profile = (folder / "profile").as_uri()
    completed = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stderr
    return (folder / "paper.pdf").read_bytes()


def test_libreoffice_opens_and_converts_the_seed(seed_outputs, tmp_path: Path) -> None:
    pdf = convert_with_libreoffice(seed_outputs["docx"], tmp_path)
    text = " ".join(pdf_text(pdf).split())
    assert "Report Title: Children's Improvement Plan Update" in text
    assert "1.1 This report has been prepared" in text
    assert "(i) That members of the Children and Young People's" in text
    assert "National Referral Mechanism" in text
    assert "Page 1 of" in text
    assert "{{" not in text and "{%" not in text
