"""Members as the agenda names them (issue 14): titles from data, not "Councillor" for all.

The template's manifest gives the usual title (``agenda.member_title``); a
member in the meeting file may carry their own (an elected mayor) or none (a
co-opted member). Checked in the agenda's PDF text and its Word file.
"""

from __future__ import annotations

import io
import re

import docx

from boardpaper.meeting.load import load_meeting
from boardpaper.meeting.pack import build_pack
from tests.conftest import make_content, pdf_text

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
  - apologies
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
