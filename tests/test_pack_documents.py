"""Documents attached to agenda items (issue 14): a report's appendices as PDF files, exempt
appendices, and the minutes of the last meeting, in the pack with their pages counted, and
a report's public appendices at the end of its own PDF paper.

Checked in what readers get: the text of each pack page (pdfplumber), the agenda's
"(Pages N - M)" against the numbers printed on the pages, the bookmarks (pypdf), and
the located messages an author gets for a file that cannot be attached.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest

from boardpaper.errors import ContentError
from boardpaper.meeting.load import load_meeting
from boardpaper.meeting.pack import build_pack
from boardpaper.template.library import TemplateLibrary
from tests.helpers import MINIMAL_MEETING, ROOT, docx_paragraphs, make_content, pdf_pages


def write_pdf(path: Path, pages: list[str]) -> None:
    """A plain PDF of one paragraph per page, as an appendix exported from elsewhere."""
    import weasyprint

    body = "".join(f'<p style="break-after: page">{text}</p>' for text in pages)
    weasyprint.HTML(string=f"<html><body>{body}</body></html>").write_pdf(str(path))


ATTACHMENTS = """
attachments:
  - file: appendix-a.pdf
    title: "Appendix A: Recruitment campaign plan"
  - file: appendix-b.pdf
    title: "Appendix B: Agency costs by supplier"
    exempt_paragraph: 3
"""

ITEMS = """\
- procedure: minutes
  document: minutes-2021-01-18.pdf
- report: ../social-work-recruitment.yaml
"""


def meeting_with_documents(tmp_path: Path) -> Path:
    meeting = make_content(
        tmp_path, ITEMS, MINIMAL_MEETING.replace("  - declarations_of_interest\n", "")
    )
    content = meeting.parent.parent
    report = content / "social-work-recruitment.yaml"
    report.write_text(report.read_text(encoding="utf-8") + ATTACHMENTS, encoding="utf-8")
    write_pdf(content / "appendix-a.pdf", ["Campaign plan page one", "Campaign plan page two"])
    write_pdf(content / "appendix-b.pdf", ["Agency costs: Supplier X charged 1,234,567"])
    write_pdf(meeting.parent / "minutes-2021-01-18.pdf", ["Minutes page one", "Minutes page two"])
    return meeting


def printed_number(text: str) -> int:
    return int(re.findall(r"Page (\d+) of \d+", text)[-1])


def item_ranges(agenda_text: str) -> dict[str, tuple[int, int]]:
    found = {}
    for heading, first, last in re.findall(
        r"\d\. ([^\n(]+?) \(Pages? (\d+)(?: - (\d+))?\)", agenda_text
    ):
        found[heading.strip()] = (int(first), int(last or first))
    return found


def test_appendices_and_minutes_follow_their_items_with_their_pages_counted(
    tmp_path: Path, library: TemplateLibrary
) -> None:
    files = build_pack(load_meeting(meeting_with_documents(tmp_path), library), jobs=1)
    public = pdf_pages(files["public-pack.pdf"])
    members = pdf_pages(files["members-pack.pdf"])
    for pages in (public, members):
        ranges = item_ranges(pages[0])
        first, last = ranges["Minutes"]
        assert last - first == 1
        minutes = [printed_number(p) for p in pages if "Minutes page" in p]
        assert minutes == [first, last]
        report_first, report_last = ranges["Social Work Recruitment and Retention"]
        assert report_first == last + 1
        campaign = [printed_number(p) for p in pages if "Campaign plan page" in p]
        # The appendix follows the report inside the item's range, and ends it but one page.
        assert campaign[0] > report_first and campaign[-1] == report_last - 1
        assert printed_number(pages[-1]) == report_last == len(pages)
    # Exempt appendix: a notice in the public pack, the document (marked) for members.
    assert not any("Supplier X" in page for page in public)
    notice = public[-1]
    assert "Appendix B: Agency costs by supplier" in notice
    assert "paragraph 3" in notice
    secret = [page for page in members if "Supplier X" in page]
    assert len(secret) == 1 and "NOT FOR PUBLICATION" in secret[0]
    assert not any("NOT FOR PUBLICATION" in page for page in members if "Campaign plan" in page)
    # The agenda says which appendix is exempt, and why.
    agenda = re.sub(r"\s+", " ", public[0])
    assert "Appendix B: Agency costs by supplier: Not for publication: it contains exempt" in agenda
    # Each attached document has its bookmark, after its item's.
    titles = [
        item.title
        for item in pypdf.PdfReader(io.BytesIO(files["public-pack.pdf"])).outline
        if not isinstance(item, list)
    ]
    report_mark = next(i for i, t in enumerate(titles) if t.startswith("3. Social Work"))
    assert titles[report_mark + 1 : report_mark + 3] == [
        "Appendix A: Recruitment campaign plan",
        "Appendix B: Agency costs by supplier",
    ]


@pytest.mark.parametrize(
    ("file", "prepare", "message"),
    [
        ("missing.pdf", None, "file 'missing.pdf' not found next to this file"),
        ("../outside.pdf", None, "is outside this file's folder"),
        ("notes.pdf", "not a pdf", "is not a PDF file that can be read"),
        ("plan.doc", None, "a file name ending .pdf or .docx"),
    ],
)
def test_a_file_that_cannot_be_attached_is_named_on_its_line(
    tmp_path: Path, library: TemplateLibrary, file: str, prepare: str | None, message: str
) -> None:
    meeting = meeting_with_documents(tmp_path)
    report = meeting.parent.parent / "social-work-recruitment.yaml"
    text = report.read_text(encoding="utf-8").replace("file: appendix-a.pdf", f"file: {file}")
    report.write_text(text, encoding="utf-8")
    if prepare is not None:
        (report.parent / file).write_text(prepare, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_meeting(meeting, library)
    line = text.splitlines().index(f"  - file: {file}") + 1
    problems = [p for p in caught.value.problems if p.path.endswith("social-work-recruitment.yaml")]
    assert len(problems) == 1, caught.value.problems
    assert problems[0].line == line and problems[0].key == "attachments[0].file"
    assert message in problems[0].message


def test_the_paper_itself_ends_with_its_public_appendices(
    tmp_path: Path, library: TemplateLibrary
) -> None:
    from boardpaper.pipeline import load_report, render

    source = ROOT / "content" / "housing-allocations-policy.yaml"
    (tmp_path / "appendices").mkdir()
    write_pdf(tmp_path / "appendices" / "policy.pdf", ["Policy page one", "Policy page two"])
    write_pdf(tmp_path / "costs.pdf", ["Agency costs: Supplier X charged 1,234,567"])
    text = source.read_text(encoding="utf-8") + (
        "attachments:\n"
        '  - file: appendices/policy.pdf\n    title: "Appendix A: Housing Allocations Policy"\n'
        '  - file: costs.pdf\n    title: "Appendix B: Costs"\n    exempt_paragraph: 3\n'
    )
    report_path = tmp_path / source.name
    report_path.write_text(text, encoding="utf-8")
    report = load_report(report_path, library)
    files = render(report)
    pages = pdf_pages(files["pdf"])
    # The report, then Appendix A's two pages; the exempt Appendix B is for members only.
    assert "Housing Allocations Policy 2026" in pages[0]
    assert ["Policy page one" in pages[-2], "Policy page two" in pages[-1]] == [True, True]
    assert not any("Policy page" in page for page in pages[:-2])
    assert not any("Supplier X" in page for page in pages)
    outline = pypdf.PdfReader(io.BytesIO(files["pdf"])).outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles == ["Housing Allocations Policy 2026", "Appendix A: Housing Allocations Policy"]
    # Both appendices are inputs of the paper: its provenance covers them.
    assert [name for name, _ in report.paper.data_files] == ["appendices/policy.pdf", "costs.pdf"]
    # The Word paper is the report alone.
    assert "Policy page" not in " ".join(t for _, t in docx_paragraphs(files["docx"]))
    assert render(load_report(report_path, library))["pdf"] == files["pdf"]
