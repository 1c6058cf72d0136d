"""Word (.docx) appendices (issue 14): converted to PDF by LibreOffice, then in the paper's PDF
and the packs as a PDF appendix is, with their pages counted; reproducible; located errors.

Checked in what readers get: the text of each page (pdfplumber), the bookmarks (pypdf), the
agenda's "(Pages N - M)" against the numbers printed on the pages, the build manifest, and
the one located line an author gets for a Word file that cannot be converted.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pypdf
import pytest

from boardpaper.errors import ContentError
from boardpaper.load.convert import ConversionError, docx_to_pdf, set_conversion_cache
from boardpaper.load.yaml_nodes import Limits
from boardpaper.meeting.load import load_meeting
from boardpaper.meeting.pack import build_pack
from boardpaper.pipeline import load_report, render
from boardpaper.template.library import TemplateLibrary
from tests.helpers import (
    MINIMAL_MEETING,
    ROOT,
    make_content,
    pdf_pages,
    write_docx,
)

BOARDPAPER = Path(sys.executable).parent / "boardpaper"
EXAMPLE = ROOT / "docs" / "examples" / "word-appendix"


def outline_titles(pdf: bytes) -> list[object]:
    """The PDF's bookmarks: titles, a nested list for each entry's children."""

    def walk(items: list[object]) -> list[object]:
        found: list[object] = []
        for item in items:
            found.append(walk(item) if isinstance(item, list) else item.title)  # type: ignore[attr-defined]
        return found

    return walk(pypdf.PdfReader(io.BytesIO(pdf)).outline)


@pytest.mark.libreoffice
def test_the_example_builds_with_its_word_appendix_at_the_end_of_its_pdf(tmp_path: Path) -> None:
    """docs/examples/word-appendix: two builds (the second converting again, no cache) give
    the same bytes; the appendix's words and table are on the last two pages; verify passes."""
    shutil.copytree(EXAMPLE, tmp_path / "example")

    def build(out: str, *options: str) -> dict[str, bytes]:
        completed = subprocess.run(
            [str(BOARDPAPER), "build", "example", "-o", out, *options],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert completed.returncode == 0, completed.stderr
        return {path.name: path.read_bytes() for path in (tmp_path / out).iterdir()}

    first = build("one")
    second = build("two", "--no-cache")
    assert first == second
    pdf = first["tenancy-strategy.pdf"]
    pages = pdf_pages(pdf)
    assert "Tenancy Strategy 2026 to 2031" in pages[0] and "Page 1 of 2" in pages[0]
    assert "Lifetime (assured) tenancies" in pages[-2]
    assert "Adapted home Fixed-term 5 years" in pages[-2]
    assert "2. Reviewing the strategy" in pages[-1]
    assert not any("Lifetime (assured)" in page for page in pages[:-2])
    # The appendix's own bookmarks (its Word headings) sit beneath its title.
    titles = outline_titles(pdf)
    top = [title for title in titles if isinstance(title, str)]
    assert top == ["Tenancy Strategy 2026 to 2031", "Appendix A: Tenancy Strategy 2026 to 2031"]
    assert "1. Kinds of tenancy" in json.dumps(titles[titles.index(top[1]) + 1])
    # The .docx is an input of the paper, with the converter that made its PDF.
    manifest = json.loads(first["manifest.json"])
    [entry] = [e for e in manifest["inputs"] if e["path"].endswith("appendix-a.docx")]
    docx_bytes = (tmp_path / "example" / "appendix-a.docx").read_bytes()
    import hashlib

    assert entry["sha256"] == hashlib.sha256(docx_bytes).hexdigest()
    assert entry["converted_by"].startswith("LibreOffice ")
    verified = subprocess.run(
        [str(BOARDPAPER), "verify", "one"], cwd=tmp_path, capture_output=True, text=True
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "all 2 outputs identical" in verified.stdout
    # A changed Word file is named by verify.
    with zipfile.ZipFile(tmp_path / "example" / "appendix-a.docx", "a") as package:
        package.writestr("docProps/custom-note.txt", "edited")
    changed = subprocess.run(
        [str(BOARDPAPER), "verify", "one"], cwd=tmp_path, capture_output=True, text=True
    )
    assert changed.returncode == 1
    assert "appendix-a.docx" in changed.stdout


@pytest.mark.libreoffice
def test_conversion_gives_the_same_bytes_every_time_without_a_cache(tmp_path: Path) -> None:
    """LibreOffice writes the time and a random ID into its PDF; boardpaper's copy has neither."""
    write_docx(tmp_path / "a.docx", ["Page one text", "Page two text"], "Costs")
    data = (tmp_path / "a.docx").read_bytes()
    set_conversion_cache(None, enabled=False)
    try:
        first, converter = docx_to_pdf(data, "a.docx", Limits())
        second, _ = docx_to_pdf(data, "a.docx", Limits())
    finally:
        set_conversion_cache(None)
    assert first == second
    assert converter.startswith("LibreOffice ")
    with pikepdf.open(io.BytesIO(first)) as pdf:
        assert "/CreationDate" not in pdf.docinfo and "/ModDate" not in pdf.docinfo
        assert b"CreateDate" not in pdf.Root.Metadata.read_bytes()
        assert "/StructTreeRoot" in pdf.Root  # tagged
        assert len(pdf.pages) == 2
    assert pdf_pages(first)[1].strip().endswith("Page two text")


ATTACHMENTS = """
attachments:
  - file: appendix-a.docx
    title: "Appendix A: Recruitment campaign plan"
  - file: appendix-b.docx
    title: "Appendix B: Agency costs by supplier"
    exempt_paragraph: 3
"""


def meeting_with_word_appendices(tmp_path: Path) -> Path:
    meeting = make_content(
        tmp_path,
        "- report: ../social-work-recruitment.yaml\n",
        MINIMAL_MEETING.replace("  - declarations_of_interest\n", ""),
    )
    content = meeting.parent.parent
    report = content / "social-work-recruitment.yaml"
    report.write_text(report.read_text(encoding="utf-8") + ATTACHMENTS, encoding="utf-8")
    write_docx(
        content / "appendix-a.docx",
        ["Campaign plan page one", "Campaign plan page two"],
        "Recruitment campaign plan",
    )
    write_docx(
        content / "appendix-b.docx", ["Agency costs: Supplier X charged 1,234,567"], "Agency costs"
    )
    return meeting


def printed_number(text: str) -> int:
    return int(re.findall(r"Page (\d+) of \d+", text)[-1])


@pytest.mark.libreoffice
def test_word_appendices_follow_their_report_in_the_packs_with_their_pages_counted(
    tmp_path: Path, library: TemplateLibrary
) -> None:
    files = build_pack(load_meeting(meeting_with_word_appendices(tmp_path), library), jobs=1)
    public = pdf_pages(files["public-pack.pdf"])
    members = pdf_pages(files["members-pack.pdf"])
    for pages in (public, members):
        agenda = " ".join(pages[0].split())
        first, last = map(
            int,
            re.search(
                r"Social Work Recruitment and Retention \(Pages (\d+) - (\d+)\)", agenda
            ).groups(),  # type: ignore[union-attr]
        )
        campaign = [printed_number(p) for p in pages if "Campaign plan page" in p]
        # Both pages of the Word appendix, inside the item's range, just before its last page.
        assert campaign == [last - 2, last - 1] and campaign[0] > first
        assert printed_number(pages[-1]) == last == len(pages)
    # The exempt Word appendix: a notice in the public pack, its pages for members only.
    assert not any("Supplier X" in page for page in public)
    assert "Appendix B: Agency costs by supplier" in public[-1] and "paragraph 3" in public[-1]
    secret = [page for page in members if "Supplier X" in page]
    assert len(secret) == 1 and "NOT FOR PUBLICATION" in secret[0]
    # The paper's own PDF ends with the public appendix only.
    report = load_report(
        meeting_with_word_appendices(tmp_path / "again").parent.parent
        / "social-work-recruitment.yaml",
        library,
    )
    pages = pdf_pages(render(report)["pdf"])
    assert "Campaign plan page two" in pages[-1]
    assert not any("Supplier X" in page for page in pages)
    # Both Word files are inputs of the paper (provenance, render cache key).
    assert [name for name, _ in report.paper.data_files] == ["appendix-a.docx", "appendix-b.docx"]


def report_with(tmp_path: Path, attachment: str) -> tuple[Path, int]:
    """The social work report with one attachment; returns it and the attachment's line."""
    source = (ROOT / "content" / "social-work-recruitment.yaml").read_text(encoding="utf-8")
    text = source + f'attachments:\n  - file: {attachment}\n    title: "Appendix A: Plan"\n'
    path = tmp_path / "social-work-recruitment.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text.splitlines().index(f"  - file: {attachment}") + 1


def test_without_libreoffice_a_word_appendix_is_one_located_line_saying_what_to_do(
    tmp_path: Path,
) -> None:
    path, line = report_with(tmp_path, "plan.docx")
    write_docx(tmp_path / "plan.docx", ["Plan"])
    empty = tmp_path / "no-programs"
    empty.mkdir()
    completed = subprocess.run(
        [str(BOARDPAPER), "validate", path.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": str(empty)},
    )
    assert completed.returncode == 1
    lines = completed.stderr.splitlines()
    assert lines[0].startswith(f"social-work-recruitment.yaml:{line}:11: attachments[0].file: ")
    assert "plan.docx is a Word file, and converting it needs LibreOffice" in lines[0]
    assert "save the appendix as PDF" in lines[0]
    assert len(lines) == 2 and "Traceback" not in completed.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip", "is not a Word (.docx) file that can be read"),
        ("zip", "is not a Word document (.docx) inside"),
    ],
)
def test_a_docx_that_is_not_a_word_file_is_named_on_its_line(
    tmp_path: Path, library: TemplateLibrary, content: bytes | str, message: str
) -> None:
    path, line = report_with(tmp_path, "plan.docx")
    if content == "zip":
        with zipfile.ZipFile(tmp_path / "plan.docx", "w") as package:
            package.writestr("notes.txt", "hello")
    else:
        assert isinstance(content, bytes)
        (tmp_path / "plan.docx").write_bytes(content)
    with pytest.raises(ContentError) as caught:
        load_report(path, library)
    [problem] = caught.value.problems
    assert (problem.line, problem.key) == (line, "attachments[0].file")
    assert message in problem.message


def test_a_word_file_that_unpacks_too_large_is_refused_before_libreoffice(
    tmp_path: Path, library: TemplateLibrary
) -> None:
    path, line = report_with(tmp_path, "plan.docx")
    with zipfile.ZipFile(tmp_path / "plan.docx", "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", "<w/>" + " " * 2_000_000)
    with pytest.raises(ContentError) as caught:
        load_report(path, library, Limits(max_unpacked_bytes=1_000_000))
    [problem] = caught.value.problems
    assert problem.line == line
    assert "unpacks to 2,000,004 bytes; the limit is 1,000,000" in problem.message


@pytest.mark.libreoffice
def test_the_attachment_limits_apply_to_the_converted_word_appendix(
    tmp_path: Path, library: TemplateLibrary
) -> None:
    path, line = report_with(tmp_path, "plan.docx")
    write_docx(tmp_path / "plan.docx", ["One", "Two", "Three"])
    with pytest.raises(ContentError) as caught:
        load_report(path, library, Limits(max_attachment_pages=2))
    [problem] = caught.value.problems
    assert problem.line == line and "plan.docx has 3 pages; the limit is 2" in problem.message
    size = (tmp_path / "plan.docx").stat().st_size
    with pytest.raises(ContentError) as caught:
        load_report(path, library, Limits(max_attachment_bytes=size - 1))
    assert "is over the limit of" in caught.value.problems[0].message


def linked_picture_docx(tmp_path: Path, target: str | None) -> bytes:
    """A .docx with a picture: embedded (``target`` None) or linked to ``target``, as a
    hostile file would link a file of the machine converting it."""
    import docx
    from PIL import Image

    Image.new("RGB", (40, 40), (200, 0, 0)).save(tmp_path / "red.png")
    document = docx.Document()
    document.add_paragraph("An appendix with a picture")
    document.add_picture(str(tmp_path / "red.png"))
    buffer = io.BytesIO()
    document.save(buffer)
    if target is None:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as changed:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/_rels/document.xml.rels":
                data = re.sub(
                    rb'Target="media/image1.png"',
                    f'Target="{target}" TargetMode="External"'.encode(),
                    data,
                )
            if item.filename == "word/document.xml":
                data = data.replace(b"r:embed=", b"r:link=")
            changed.writestr(item, data)
    return out.getvalue()


def images_in(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return sum(len(page.get_images()) for page in document.pages)


@pytest.mark.libreoffice
def test_a_word_file_cannot_make_the_conversion_read_a_file_of_the_machine(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "secret.png"
    from PIL import Image

    Image.new("RGB", (40, 40), (0, 0, 200)).save(secret)
    set_conversion_cache(None, enabled=False)
    try:
        embedded, _ = docx_to_pdf(linked_picture_docx(tmp_path, None), "a.docx", Limits())
        linked, _ = docx_to_pdf(linked_picture_docx(tmp_path, secret.as_uri()), "b.docx", Limits())
    finally:
        set_conversion_cache(None)
    assert images_in(embedded) == 1  # a picture inside the Word file is drawn
    assert images_in(linked) == 0  # one linked to a file outside it is not read
    assert "An appendix with a picture" in pdf_pages(linked)[0]


def test_a_conversion_that_hangs_is_stopped_at_its_time_limit_with_its_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in ``soffice`` that starts a child and never finishes: after the time limit the
    author gets one sentence, and the program and its child are gone."""
    import boardpaper.load.convert as convert

    programs = tmp_path / "bin"
    programs.mkdir()
    pids = tmp_path / "pids"
    fake = programs / "soffice"
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = --version ]; then echo "LibreOffice 0.0 stand-in"; exit 0; fi\n'
        f"sleep 300 & echo $! >> {pids}\n"
        f"echo $$ >> {pids}\n"
        "wait\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{programs}:/usr/bin:/bin")
    monkeypatch.setattr(convert, "CONVERT_TIMEOUT", 2.0)
    write_docx(tmp_path / "a.docx", ["Text"])
    set_conversion_cache(None, enabled=False)
    try:
        with pytest.raises(convert.ConversionError) as caught:
            docx_to_pdf((tmp_path / "a.docx").read_bytes(), "a.docx", Limits())
    finally:
        set_conversion_cache(None)
    assert "a.docx: LibreOffice took over 2 s to convert it to PDF" in str(caught.value)
    assert "save the appendix as PDF" in str(caught.value)
    started = [int(pid) for pid in pids.read_text().split()]
    assert len(started) == 2
    for pid in started:
        assert (
            not Path(f"/proc/{pid}").exists()
            or "Z" in (Path(f"/proc/{pid}/stat").read_text().split()[2])
        ), pid


def test_a_conversion_that_makes_no_pdf_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    programs = tmp_path / "bin"
    programs.mkdir()
    fake = programs / "soffice"
    fake.write_text(
        '#!/bin/sh\nif [ "$1" = --version ]; then echo "LibreOffice 0.0 stand-in"; exit 0; fi\n'
        "echo 'Error: source file could not be loaded'\nexit 1\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{programs}:/usr/bin:/bin")
    write_docx(tmp_path / "a.docx", ["Text"])
    with pytest.raises(ConversionError) as caught:
        docx_to_pdf((tmp_path / "a.docx").read_bytes(), "a.docx", Limits())
    assert str(caught.value) == (
        "a.docx: LibreOffice could not convert it to PDF (Error: source file could not be "
        "loaded); open it in Word and save it as PDF, and attach the .pdf"
    )
