"""``boardpaper publish`` and a report's appendices (issue 14): each public appendix is a PDF
of its own on the site, linked from the meeting's and the report's page and recorded (sha256)
in meeting.json and the site's manifest; an exempt appendix is never published, only named
with its paragraph; publishing again removes an appendix no longer public.

The site is ``make_appendix_content``: a Word appendix (A), an exempt PDF (B), a PDF (C).
The browser checks (axe-core, keyboard, zoom) of its pages are in test_publish_browser.py.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from tests.helpers import make_appendix_content, pdf_text

pytestmark = pytest.mark.libreoffice
BOARDPAPER = Path(sys.executable).parent / "boardpaper"
FOLDER = "meeting"
STEM = "social-work-recruitment"
EXEMPT_NOTE = (
    "Appendix B: Agency costs by supplier: Not for publication: it contains exempt "
    "information as described in paragraph 3 of Schedule 12A to the Local Government Act 1972"
)


def normal(text: str) -> str:
    return " ".join(text.split())


def page_links(path: Path) -> dict[str, str]:
    """Each link of a page's main content: its words (as a screen reader says them) -> href."""
    tree = lxml.html.fromstring(path.read_bytes())
    return {normal(link.text_content()): link.get("href") for link in tree.iter("a")}


def test_each_public_appendix_is_its_own_pdf_and_the_exempt_one_is_nowhere(
    appendix_site: Path,
) -> None:
    folder = appendix_site / FOLDER
    word = folder / f"{STEM}.appendix-1.pdf"
    plain = folder / f"{STEM}.appendix-3.pdf"
    assert "Campaign plan page one" in pdf_text(word.read_bytes())
    assert "Campaign plan page two" in pdf_text(word.read_bytes())
    assert "Vacancy rates by team" in pdf_text(plain.read_bytes())
    assert not (folder / f"{STEM}.appendix-2.pdf").exists()
    # The exempt appendix's words are in no file of the site.
    for path in appendix_site.rglob("*"):
        if path.suffix == ".pdf":
            assert "Supplier X" not in pdf_text(path.read_bytes()), path
        elif path.is_file():
            assert b"Supplier X" not in path.read_bytes(), path


def test_meeting_and_report_pages_link_the_appendices_and_state_the_exempt_one(
    appendix_site: Path,
) -> None:
    folder = appendix_site / FOLDER
    meeting = page_links(folder / "index.html")
    heading = "Social Work Recruitment and Retention"
    assert meeting[f"Download Appendix A: Recruitment campaign plan: {heading}"] == (
        f"{STEM}.appendix-1.pdf"
    )
    assert meeting[f"Download Appendix C: Vacancy rates: {heading}"] == f"{STEM}.appendix-3.pdf"
    assert not any("Appendix B" in words for words in meeting)
    meeting_text = normal(lxml.html.fromstring((folder / "index.html").read_bytes()).text_content())
    assert EXEMPT_NOTE in meeting_text
    assert "Recruitment campaign plan: Social Work Recruitment and Retention (PDF, 2 pages," in (
        meeting_text
    )
    report = page_links(folder / f"{STEM}.html")
    assert report["Download Appendix A: Recruitment campaign plan"] == f"{STEM}.appendix-1.pdf"
    assert report["Download Appendix C: Vacancy rates"] == f"{STEM}.appendix-3.pdf"
    report_text = normal(
        lxml.html.fromstring((folder / f"{STEM}.html").read_bytes()).text_content()
    )
    assert EXEMPT_NOTE in report_text


def test_meeting_record_and_manifest_list_each_appendix_with_its_sha256(
    appendix_site: Path,
) -> None:
    folder = appendix_site / FOLDER
    record = json.loads((folder / "meeting.json").read_bytes())
    [item] = [item for item in record["items"] if item["kind"] == "report"]
    appendices = item["appendices"]
    assert [a["title"] for a in appendices] == [
        "Appendix A: Recruitment campaign plan",
        "Appendix B: Agency costs by supplier",
        "Appendix C: Vacancy rates",
    ]
    public = [appendices[0], appendices[2]]
    for appendix in public:
        document = appendix["document"]
        data = (folder / document["path"]).read_bytes()
        assert document["sha256"] == hashlib.sha256(data).hexdigest()
        assert (document["format"], document["bytes"]) == ("pdf", len(data))
        assert appendix["exempt"] is False and appendix["note"] is None
    assert public[0]["document"]["pages"] == 2
    exempt = appendices[1]
    assert (exempt["exempt"], exempt["exempt_paragraph"], exempt["document"]) == (True, 3, None)
    assert exempt["note"].startswith(EXEMPT_NOTE)
    files = {entry["path"] for entry in record["files"]}
    assert {f"{STEM}.appendix-1.pdf", f"{STEM}.appendix-3.pdf"} <= files
    manifest = json.loads((appendix_site / "manifest.json").read_bytes())
    outputs = {entry["path"]: entry["sha256"] for entry in manifest["outputs"]}
    for name in (f"{STEM}.appendix-1.pdf", f"{STEM}.appendix-3.pdf"):
        data = (folder / name).read_bytes()
        assert outputs[f"{FOLDER}/{name}"] == hashlib.sha256(data).hexdigest()
    # The Word appendix is an input of the site, recorded with its converter.
    [word] = [entry for entry in manifest["inputs"] if entry["path"].endswith("appendix-a.docx")]
    assert word["converted_by"].startswith("LibreOffice ")


def test_publishing_again_removes_an_appendix_made_exempt_and_verify_passes(
    tmp_path: Path,
) -> None:
    make_appendix_content(tmp_path)

    def publish() -> subprocess.CompletedProcess[str]:
        completed = subprocess.run(
            [str(BOARDPAPER), "publish", "content", "-o", "site"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert completed.returncode == 0, completed.stderr
        return completed

    publish()
    site = tmp_path / "site"
    first = (site / FOLDER / f"{STEM}.appendix-1.pdf").read_bytes()
    shutil.copytree(site, tmp_path / "site-before")
    report = tmp_path / "content" / f"{STEM}.yaml"
    text = report.read_text(encoding="utf-8")
    old = '    title: "Appendix A: Recruitment campaign plan"\n'
    report.write_text(text.replace(old, old + "    exempt_paragraph: 1\n"), encoding="utf-8")
    completed = publish()
    assert not (site / FOLDER / f"{STEM}.appendix-1.pdf").exists()
    assert f"removed site/{FOLDER}/{STEM}.appendix-1.pdf" in completed.stdout
    assert "Campaign plan" not in pdf_text((site / FOLDER / "public-pack.pdf").read_bytes())
    checked = subprocess.run(
        [str(BOARDPAPER), "verify", "site"], cwd=tmp_path, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Public again: the same bytes as at first.
    report.write_text(text, encoding="utf-8")
    publish()
    assert (site / FOLDER / f"{STEM}.appendix-1.pdf").read_bytes() == first
