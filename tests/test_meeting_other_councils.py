"""Other councils' agendas (issue 14): members' titles from data, items of their own.

The template's manifest gives the usual title (``agenda.member_title``); a
member in the meeting file may carry their own (an elected mayor) or none (a
co-opted member). A meeting may have items of its own (opening,
announcements, petitions) with lettered sub-items. Checked in the agenda's PDF
text and its Word file.
"""

from __future__ import annotations

import io
import re

import docx

from boardpaper.meeting.load import load_meeting
from boardpaper.meeting.pack import build_pack
from tests.helpers import make_content, pdf_text

HEADER = """\
committee: Full Council
date: 2021-03-01
time: 5.30 pm
venue: Town Hall, Torquay
published: 2021-02-19
agenda_template: council-standard
membership:
  chair: {name: Jo Smith, title: "The Worshipful the Mayor, Councillor"}
  vice_chair: Hayley Tranter
  members:
    - {name: Dave Brown, title: Mayor}
    - Mandy Darling
    - {name: Pat Green, title: ""}
clerk:
  name: Teresa Buckley
  email: governance.support@torbay.gov.uk
items:
  - heading: Opening of the meeting
  - apologies
  - heading: Petitions
    text: To receive petitions from members of the public.
    items:
      - heading: Petition about parking in Preston
        text: 1,204 signatures.
      - heading: Petition about Torre Abbey gardens
"""


def test_members_are_named_with_their_own_titles(tmp_path, library) -> None:
    meeting = load_meeting(make_content(tmp_path, header=HEADER), library)
    named = [str(m) for m in (meeting.membership.chair, *meeting.membership.members)]
    assert named == [
        "The Worshipful the Mayor, Councillor Jo Smith",
        "Mayor Dave Brown",
        "Councillor Mandy Darling",
        "Pat Green",
    ]
    files = build_pack(meeting, jobs=1)
    expected = (
        "The Worshipful the Mayor, Councillor Jo Smith (Chair), Councillor Hayley Tranter "
        "(Vice-Chair), Mayor Dave Brown, Councillor Mandy Darling, Pat Green"
    )
    # The PDF may break a line after "Vice-": join such breaks back.
    assert expected in re.sub(r"\s+", " ", re.sub(r"-\n", "-", pdf_text(files["agenda.pdf"])))
    words = " ".join(p.text for p in docx.Document(io.BytesIO(files["agenda.docx"])).paragraphs)
    assert expected in words


def test_items_of_the_meetings_own_with_lettered_sub_items(tmp_path, library) -> None:
    meeting = load_meeting(make_content(tmp_path, header=HEADER), library)
    assert [(item.number, item.anchor) for item in meeting.items] == [
        ("1", "item-1"),
        ("2", "item-2"),
        ("3", "item-3"),
        ("3(a)", "item-3a"),
        ("3(b)", "item-3b"),
    ]
    files = build_pack(meeting, jobs=1)
    text = re.sub(r"\s+", " ", pdf_text(files["agenda.pdf"]))
    assert ("Items 1. Opening of the meeting 2. Apologies To receive apologies for absence") in text
    assert (
        "3. Petitions To receive petitions from members of the public. (a) Petition about "
        "parking in Preston 1,204 signatures. (b) Petition about Torre Abbey gardens"
    ) in text
    headings = [
        p.text
        for p in docx.Document(io.BytesIO(files["agenda.docx"])).paragraphs
        if p.style.name == "Heading 3"
    ]
    assert headings == [
        "1.\tOpening of the meeting",
        "2.\tApologies",
        "3.\tPetitions",
        "(a)\tPetition about parking in Preston",
        "(b)\tPetition about Torre Abbey gardens",
    ]
