"""The summons letter before a full Council agenda, and the sample full Council meeting (issue 14).

The meeting file says who signs the summons, when, and gives a signature picture with
its alt text; the words are the agenda template's (full-council). Checked in what
readers get: the letter's text and signatory from the PDF (pdfplumber) and the .docx
(python-docx, and LibreOffice laying out the Word file), that it comes before the
agenda, the signature's alt text in the PDF's structure tree (pikepdf) and in Word,
the pack's page labels (i, ii ... then 1) against the numbers printed and the agenda's
"(Pages N - M)", the accessibility audits, and located messages for a wrong summons.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pikepdf
import pypdf
import pytest

from boardpaper.audit.docx import audit_docx
from boardpaper.audit.pdf import audit_pdf
from boardpaper.errors import ContentError, TemplateError
from boardpaper.meeting.load import load_meeting
from boardpaper.meeting.pack import build_pack
from boardpaper.template.library import TemplateLibrary
from tests.helpers import (
    MINIMAL_MEETING,
    ROOT,
    TEMPLATES,
    convert_with_libreoffice,
    docx_paragraphs,
    make_content,
    pdf_pages,
)

COUNCIL = ROOT / "content" / "meetings" / "council-2026-07-16.yaml"
SIGNATURE = ROOT / "content" / "meetings" / "signature-chief-executive.png"

SUMMONED = (
    "You are hereby summoned to attend a meeting of the Council, to be held in the Council "
    "Chamber, Town Hall, Castle Circus, Torquay, TQ1 3DR, on Thursday 16 July 2026 at 5.30 pm, "
    "to transact the business set out below."
)


@pytest.fixture(scope="module")
def council() -> dict[str, bytes]:
    return build_pack(load_meeting(COUNCIL), jobs=1)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_summons_opens_the_agenda_pdf_and_both_packs(council: dict[str, bytes]) -> None:
    for name in ("agenda.pdf", "public-pack.pdf", "members-pack.pdf"):
        pages = pdf_pages(council[name])
        first, second = flat(pages[0]), flat(pages[1])
        assert first.startswith("Council Summons 8 July 2026 To all Members of the Council ")
        assert SUMMONED in first
        assert first.endswith("Anne-Marie Bond Chief Executive Page i") or first.endswith(
            "Anne-Marie Bond Chief Executive Page 1 of 3"
        ), (name, first[-80:])
        # The letter is a page of its own; the agenda follows it.
        assert "Membership" not in first and "Agenda" not in first
        assert re.match(
            r"Council Council Agenda (Members' copy: .*?)?Date Thursday 16 July", second
        )


def test_the_summons_opens_the_word_agenda(council: dict[str, bytes]) -> None:
    paragraphs = docx_paragraphs(council["agenda.docx"])
    texts = [text for _, text in paragraphs]
    assert paragraphs[:7] == [
        ("Heading 1", "Summons"),
        ("Normal", "8 July 2026"),
        ("Normal", "To all Members of the Council"),
        ("Normal", SUMMONED),
        ("Normal", ""),  # the signature picture's paragraph
        ("Normal", "Anne-Marie Bond"),
        ("Normal", "Chief Executive"),
    ]
    assert texts[7:9] == ["Council", "Agenda"]
    import docx

    document = docx.Document(io.BytesIO(council["agenda.docx"]))
    assert document.paragraphs[7].paragraph_format.page_break_before is True
    assert document.paragraphs[5].runs[0].bold is True


@pytest.mark.libreoffice
def test_word_lays_the_summons_out_on_a_page_before_the_agenda(
    council: dict[str, bytes], tmp_path: Path
) -> None:
    pages = pdf_pages(convert_with_libreoffice(council["agenda.docx"], tmp_path))
    first = flat(pages[0])
    assert SUMMONED in first and "Anne-Marie Bond Chief Executive" in first
    assert "Membership" not in first
    assert flat(pages[1]).startswith("Council Council Agenda")


def figures(data: bytes) -> list[tuple[int, str]]:
    """(page index, alt text) of every /Figure in the structure tree."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            element = stack.pop()
            if element.get("/S") == "/Figure":
                page = element.get("/Pg")
                found.append((pages.get(page.objgen, -1) if page else -1, str(element.Alt)))
            kids = element.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack.extend(kid for kid in kids if isinstance(kid, pikepdf.Dictionary))
            elif isinstance(kids, pikepdf.Dictionary):
                stack.append(kids)
    return found


def test_the_signature_is_a_picture_with_its_alt_text(council: dict[str, bytes]) -> None:
    for name in ("agenda.pdf", "public-pack.pdf"):
        assert (0, "Signature of Anne-Marie Bond") in figures(council[name]), name
    with zipfile.ZipFile(io.BytesIO(council["agenda.docx"])) as package:
        document = package.read("word/document.xml").decode()
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        assert [package.read(n) for n in media] == [SIGNATURE.read_bytes()]
    assert re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', document) == [
        "Signature of Anne-Marie Bond"
    ]


def test_front_matter_is_numbered_in_roman_and_the_ranges_are_the_printed_numbers(
    council: dict[str, bytes],
) -> None:
    for name in ("public-pack.pdf", "members-pack.pdf"):
        data = council[name]
        labels = pypdf.PdfReader(io.BytesIO(data)).page_labels
        pages = pdf_pages(data)
        assert labels == ["i", "ii", "iii", "1", "2", "3", "4"]
        printed = [re.findall(r"Page (\w+)\s*$", text.strip())[-1] for text in pages]
        assert printed == labels
        agenda = flat(" ".join(pages[:3]))
        assert "3. Minutes (Page 1)" in agenda
        assert "8. Pay Policy Statement 2026/27 (Pages 2 - 4)" in agenda
        by_label = dict(zip(labels, pages, strict=True))
        assert "Minutes of the meeting of the Council" in by_label["1"]
        assert "Pay Policy Statement 2026/27" in by_label["2"]
        assert "Appendix A: Pay multiples 2025/26" in by_label["4"]


def test_the_sample_shows_free_items_lettered_sub_items_and_members_titles(
    council: dict[str, bytes],
) -> None:
    agenda = flat(pdf_pages(council["agenda.pdf"])[1] + pdf_pages(council["agenda.pdf"])[2])
    assert "1. Opening of the meeting Prayers led by the Mayor's Chaplain." in agenda
    assert "5. Communications" in agenda
    assert "6. Petitions To receive petitions from members of the public." in agenda
    assert "(a) Petition about parking charges in Preston 1,204 signatures" in agenda
    assert "(b) Petition to keep the Torre Abbey gardens open in winter" in agenda
    assert "Elected Mayor Dave Brown, Councillor Mandy Darling" in agenda
    assert "Councillor Cordelia Law, Pat Green" in agenda
    words = flat(" ".join(text for _, text in docx_paragraphs(council["agenda.docx"])))
    assert "(a)\tPetition about parking charges in Preston" in "\n".join(
        text for _, text in docx_paragraphs(council["agenda.docx"])
    )
    assert "Elected Mayor Dave Brown" in words


def test_the_summons_agenda_and_packs_pass_the_accessibility_audits(
    council: dict[str, bytes],
) -> None:
    for name in ("agenda.pdf", "public-pack.pdf", "members-pack.pdf"):
        assert audit_pdf(council[name], name) == [], name
    assert audit_docx(council["agenda.docx"], "agenda.docx") == []
    # Lettered sub-items have their bookmarks, titled as the agenda prints them.
    titles = [
        item.title
        for item in pypdf.PdfReader(io.BytesIO(council["public-pack.pdf"])).outline
        if not isinstance(item, list)
    ]
    assert "(a) Petition about parking charges in Preston" in titles


SUMMONS = """\
agenda_template: full-council
summons:
  date: 2021-02-18
  to: "To the {committee} <script>alert(1)</script>"
  signed_by: Anne-Marie Bond
  role: Chief Executive
"""


def council_meeting(tmp_path: Path, summons: str, items: str = "") -> Path:
    header = MINIMAL_MEETING.replace("items:\n", summons + "items:\n")
    return make_content(tmp_path, items or "- report: ../social-work-recruitment.yaml\n", header)


def test_meeting_text_prints_literally_and_the_template_wording_is_filled(
    tmp_path: Path,
) -> None:
    files = build_pack(load_meeting(council_meeting(tmp_path, SUMMONS)), jobs=1)
    first = flat(pdf_pages(files["agenda.pdf"])[0])
    assert "To the {committee} <script>alert(1)</script>" in first
    assert "18 February 2021" in first
    assert (
        "summoned to attend a meeting of the Children and Young People's Overview and Scrutiny "
        "Board, to be held in the Town Hall, Torquay, on Monday 1 March 2021 at 5.30 pm"
    ) in first
    words = [text for _, text in docx_paragraphs(files["agenda.docx"])]
    assert "To the {committee} <script>alert(1)</script>" in words
    # No signature picture given: none in either format.
    assert figures(files["agenda.pdf"]) == []
    assert "word/media/" not in " ".join(
        zipfile.ZipFile(io.BytesIO(files["agenda.docx"])).namelist()
    )


def test_a_meeting_without_a_summons_has_none(tmp_path: Path) -> None:
    meeting = council_meeting(tmp_path, "agenda_template: full-council\n")
    files = build_pack(load_meeting(meeting), jobs=1)
    assert flat(pdf_pages(files["agenda.pdf"])[0]).startswith(
        "Children and Young People's Overview and Scrutiny Board Children and Young People's "
        "Overview and Scrutiny Board Agenda"
    )
    assert docx_paragraphs(files["agenda.docx"])[0] == (
        "Heading 1",
        "Children and Young People's Overview and Scrutiny Board",
    )
    assert "Summons" not in pdf_pages(files["public-pack.pdf"])[0]


def test_a_late_items_supplementary_agenda_has_no_summons(tmp_path: Path) -> None:
    items = """\
    - report: ../social-work-recruitment.yaml
    - report: ../residential-placements-contract.yaml
      late: yes
      reason_for_urgency: The tender closed after the agenda was published.
      published: 2021-02-25
    """
    files = build_pack(load_meeting(council_meeting(tmp_path, SUMMONS, items)), jobs=1)
    assert "summoned" in pdf_pages(files["agenda.pdf"])[0]
    assert not any("summoned" in page for page in pdf_pages(files["supplementary-agenda.pdf"]))
    assert "Summons" not in [
        text for _, text in docx_paragraphs(files["supplementary-agenda.docx"])
    ]


BAD_SUMMONS = """\
agenda_template: council-standard
summons:
  date: 2021-03-02
  signed_by: Anne-Marie Bond
  role: Chief Executive
  signature:
    file: no-such-signature.png
"""


def test_mistakes_in_a_summons_are_located_all_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    meeting = council_meeting(tmp_path, BAD_SUMMONS)
    with pytest.raises(ContentError) as caught:
        load_meeting(meeting)
    assert [str(problem) for problem in caught.value.problems] == [
        "content/meetings/meeting.yaml:13:1: summons: the agenda template 'council-standard' "
        "prints no summons letter (its template.yaml has no 'agenda: summons:'); name an "
        "agenda_template that does, such as full-council",
        "content/meetings/meeting.yaml:14:9: summons.date: the letter is dated after the meeting",
        "content/meetings/meeting.yaml:18:5: summons.signature.alt: a signature picture needs "
        "alt text for screen readers, e.g. alt: Signature of the Chief Executive",
        "content/meetings/meeting.yaml:18:11: summons.signature.file: file "
        "'no-such-signature.png' not found next to this file",
    ]
    # The same problems when the file is right but for them (the checks that need the whole
    # meeting run then, not beside other mistakes).
    text = meeting.read_text(encoding="utf-8").replace("    file: no-such-signature.png\n", "")
    meeting.write_text(text.replace("  signature:\n", ""), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_meeting(meeting)
    assert [str(problem) for problem in caught.value.problems] == [
        "content/meetings/meeting.yaml:13:1: summons: the agenda template 'council-standard' "
        "prints no summons letter (its template.yaml has no 'agenda: summons:'); name an "
        "agenda_template that does, such as full-council",
        "content/meetings/meeting.yaml:14:9: summons.date: the letter is dated after the meeting",
    ]


def test_a_signature_file_that_cannot_be_used_is_named_on_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summons = SUMMONS + "  signature: {file: %s, alt: Signature of Anne-Marie Bond}\n"
    cases = {
        "missing.png": "file 'missing.png' not found next to this file",
        "not-a-picture.png": "content/meetings/not-a-picture.png is not a picture that can be read",
        "../outside.png": "'../outside.png' is outside this file's folder; put the file next to it",
    }
    for name, message in cases.items():
        folder = tmp_path / name.replace("/", "_").replace(".", "_")
        folder.mkdir()
        monkeypatch.chdir(folder)
        meeting = council_meeting(folder, summons % name)
        (meeting.parent / "not-a-picture.png").write_text("text, not a picture", encoding="utf-8")
        with pytest.raises(ContentError) as caught:
            load_meeting(meeting)
        problems = [str(problem) for problem in caught.value.problems]
        assert problems == [
            f"content/meetings/meeting.yaml:18:21: summons.signature.file: {message}"
        ], problems


def test_a_signature_given_as_a_file_name_alone_asks_for_alt_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    meeting = council_meeting(tmp_path, SUMMONS + "  signature: signature.png\n")
    with pytest.raises(ContentError) as caught:
        load_meeting(meeting)
    assert [str(problem) for problem in caught.value.problems] == [
        "content/meetings/meeting.yaml:18:14: summons.signature: a signature picture needs alt "
        "text for screen readers: write 'signature: {file: signature.png, alt: Signature of "
        "...}'"
    ]


def test_summons_wording_with_an_unknown_place_is_located_in_the_template(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "templates" / "my-council"
    folder.mkdir(parents=True)
    (folder / "template.yaml").write_text(
        "name: my-council\ndescription: A council's agenda with a summons.\n"
        "extends: full-council\nagenda:\n  summons:\n    text:\n"
        "      - You are summoned by {chair} to the {committee}.\n",
        encoding="utf-8",
    )
    with pytest.raises(TemplateError) as caught:
        TemplateLibrary([tmp_path / "templates", TEMPLATES]).get("my-council")
    assert (
        "template.yaml:7:9: agenda.summons.text[0]: unknown place {chair}; the wording may "
        "use {committee}, {day}, {date}, {time}, {venue}"
    ) in str(caught.value)
