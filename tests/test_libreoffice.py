"""LibreOffice, the nearest real Word client on Linux, opens the .docx and prints it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import convert_with_libreoffice, pdf_text


@pytest.mark.libreoffice
def test_libreoffice_opens_and_converts_the_seed(seed_outputs, tmp_path: Path) -> None:
    pdf = convert_with_libreoffice(seed_outputs["docx"], tmp_path)
    text = " ".join(pdf_text(pdf).split())
    assert "Report Title: Children's Improvement Plan Update" in text
    assert "1.1 This report has been prepared" in text
    assert "(i) That members of the Children and Young People's" in text
    assert "National Referral Mechanism" in text
    assert "Page 1 of" in text
    assert "{{" not in text and "{%" not in text


@pytest.mark.libreoffice
def test_libreoffice_opens_the_agenda(sample_pack, tmp_path: Path) -> None:
    pdf = convert_with_libreoffice(sample_pack["agenda.docx"], tmp_path)
    text = " ".join(pdf_text(pdf).split())
    assert "Children and Young People's Overview and Scrutiny Board" in text
    assert "4. Children's Improvement Plan Update (Pages 3 - 6)" in text
    assert "{{" not in text and "{%" not in text
