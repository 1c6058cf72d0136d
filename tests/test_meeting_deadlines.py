"""Publication deadlines in meeting files, and late items in a supplementary agenda."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from boardpaper.audit.pdf import audit_pdf
from boardpaper.cli.main import cli
from boardpaper.errors import ContentError
from boardpaper.meeting.load import load_meeting
from tests.helpers import MINIMAL_MEETING, make_content, pdf_pages, pdf_text

# Friday 29 May 2026; published Thursday 21 May: Fri 22, Tue 26, Wed 27, Thu 28 are clear,
# the Spring Bank Holiday weekend (23-25 May) is not: 4 clear working days, England needs 5.
LATE_MEETING = MINIMAL_MEETING.replace("date: 2021-03-01", "date: 2026-05-29").replace(
    "published: 2021-02-19", "published: 2026-05-21"
)


def late_content(tmp_path: Path, items: str) -> Path:
    meeting = make_content(tmp_path, items, LATE_MEETING)
    report = meeting.parent.parent / "social-work-recruitment.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("date: 2021-03-01", "date: 2026-05-29"),
        encoding="utf-8",
    )
    return meeting


def test_four_clear_days_over_a_bank_holiday_weekend_fails_clearly(tmp_path: Path, library) -> None:
    meeting = late_content(tmp_path, "- report: ../social-work-recruitment.yaml\n")
    with pytest.raises(ContentError) as caught:
        load_meeting(meeting, library)
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.key) == (5, 12, "published")
    message = problem.message
    assert "item 3 (Social Work Recruitment and Retention)" in message
    assert "published on Thursday 21 May 2026, 4 clear working days before the meeting" in message
    assert "not counting Spring Bank Holiday, 25 May 2026" in message
    assert "England needs 5" in message
    assert "Publish by Wednesday 20 May 2026" in message
    assert "'late: yes' with a 'reason_for_urgency'" in message


def test_an_item_published_after_the_agenda_is_checked_on_its_own_date(
    tmp_path: Path, library
) -> None:
    on_time = LATE_MEETING.replace("published: 2026-05-21", "published: 2026-05-20")
    meeting = make_content(tmp_path, "- report: ../social-work-recruitment.yaml\n", on_time)
    report = meeting.parent.parent / "social-work-recruitment.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("date: 2021-03-01", "date: 2026-05-29"),
        encoding="utf-8",
    )
    assert load_meeting(meeting, library).items[2].kind == "report"
    meeting.write_text(
        meeting.read_text(encoding="utf-8") + "    published: 2026-05-21\n", encoding="utf-8"
    )
    with pytest.raises(ContentError) as caught:
        load_meeting(meeting, library)
    assert caught.value.problems[0].key == "items[2].published"


def test_report_dated_for_another_meeting_is_an_error(tmp_path: Path, library) -> None:
    meeting = make_content(tmp_path, "- report: ../social-work-recruitment.yaml\n", LATE_MEETING)
    with pytest.raises(ContentError) as caught:
        load_meeting(meeting, library)
    assert any(
        "the report is dated 1 March 2021 but the meeting is on 29 May 2026" in p.message
        for p in caught.value.problems
    )


def test_late_item_with_a_reason_goes_into_a_supplement(tmp_path: Path, runner) -> None:
    meeting = late_content(
        tmp_path,
        "- report: ../social-work-recruitment.yaml\n"
        "  late: yes\n"
        "  reason_for_urgency: The recruitment figures were confirmed on 20 May and the\n"
        "    market supplement must be agreed before the June pay run.\n",
    )
    out = tmp_path / "out"
    result = runner.invoke(cli, ["pack", str(meeting), "-o", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in out.iterdir())
    pack_files = [
        "agenda.docx",
        "agenda.pdf",
        "members-pack.pdf",
        "public-pack.pdf",
        "supplement-pack.pdf",
        "supplementary-agenda.docx",
        "supplementary-agenda.pdf",
    ]
    assert names == sorted([*pack_files, "manifest.json"])
    # verify rebuilds the supplement files too
    verified = runner.invoke(cli, ["verify", str(out)])
    assert verified.exit_code == 0, verified.output
    for name in pack_files:
        assert f"identical   {(out / name).as_posix()}" in verified.output
    agenda = pdf_text((out / "agenda.pdf").read_bytes())
    assert "Social Work Recruitment and Retention" in agenda
    assert "To follow in a supplementary agenda." in agenda
    public = pdf_text((out / "public-pack.pdf").read_bytes())
    assert "Learning Academy for newly qualified" not in public
    supplement = (out / "supplement-pack.pdf").read_bytes()
    assert audit_pdf(supplement, "supplement-pack.pdf") == []
    text = " ".join(pdf_text(supplement).split())
    assert "Supplementary Agenda" in text
    assert "Reason for urgency: The recruitment figures were confirmed on 20 May" in text
    assert "Learning Academy for newly qualified" in text
    first, last = map(int, re.search(r"\(Pages (\d+) - (\d+)\)", text).groups())
    pages = pdf_pages(supplement)
    assert len(pages) == last
    assert f"Page {first} of {last}" in pages[first - 1]
    assert "Social Work Recruitment and Retention" in pages[first - 1]


def test_two_builds_of_a_pack_are_identical(tmp_path: Path, library) -> None:
    from boardpaper.meeting.pack import build_pack

    meeting = late_content(
        tmp_path,
        "- report: ../social-work-recruitment.yaml\n"
        "  late: yes\n"
        "  reason_for_urgency: Figures confirmed after publication.\n",
    )
    loaded = load_meeting(meeting, library)
    first = build_pack(loaded, jobs=2)
    second = build_pack(loaded, jobs=1)
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], name


def test_wales_needs_three_clear_days(tmp_path: Path, library) -> None:
    # Published Friday 22 May 2026 for Friday 29 May: Tue 26, Wed 27, Thu 28 are clear.
    wales = LATE_MEETING.replace("published: 2026-05-21", "nation: wales\npublished: 2026-05-22")
    meeting = make_content(tmp_path, "- report: ../social-work-recruitment.yaml\n", wales)
    report = meeting.parent.parent / "social-work-recruitment.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("date: 2021-03-01", "date: 2026-05-29"),
        encoding="utf-8",
    )
    assert load_meeting(meeting, library).nation.clear_days == 3
    meeting.write_text(
        meeting.read_text(encoding="utf-8").replace("nation: wales\n", ""), encoding="utf-8"
    )
    with pytest.raises(ContentError) as caught:
        load_meeting(meeting, library)
    assert "3 clear working days before the meeting" in caught.value.problems[0].message
    assert "England needs 5" in caught.value.problems[0].message
