"""Meeting files: validation with located errors, all at once, and nothing written on error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from boardpaper.cli.main import cli
from boardpaper.errors import ContentError
from boardpaper.meeting.load import load_meeting
from boardpaper.pipeline import find_reports
from tests.helpers import MINIMAL_MEETING, ROOT, SAMPLE_MEETING, make_content


def problems_of(path: Path, library) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_meeting(path, library)
    return [str(problem) for problem in caught.value.problems]


def test_sample_meeting_loads_in_agenda_order(sample_meeting) -> None:
    items = sample_meeting.items
    assert [item.number for item in items] == [str(n) for n in range(1, len(items) + 1)]
    assert [item.procedure for item in items[:3]] == [
        "apologies",
        "declarations_of_interest",
        "minutes",
    ]
    reports = [item for item in items if item.kind == "report"]
    assert len(reports) == 3
    assert reports[0].heading == "Children's Improvement Plan Update"
    assert reports[0].text.startswith("This report has been prepared to provide members")
    exempt = [item for item in reports if item.exempt]
    assert [item.exempt_paragraph for item in exempt] == [3]
    assert sample_meeting.nation.name == "england"


def test_report_items_and_their_options_validate(tmp_path: Path, library) -> None:
    meeting = make_content(
        tmp_path,
        """\
          - report: ../social-work-recruitment.yaml
            presenter: Head of Workforce Development
          - report: ../residential-placements-contract.yaml
            exempt: yes
            exempt_paragraph: 3
        """,
    )
    loaded = load_meeting(meeting, library)
    assert [item.kind for item in loaded.items] == ["procedural", "procedural", "report", "report"]
    assert loaded.items[2].presenter == "Head of Workforce Development"
    assert loaded.items[3].exempt_paragraph == 3


def test_every_meeting_problem_is_located_and_shown_at_once(tmp_path: Path, library) -> None:
    meeting = make_content(
        tmp_path,
        """\
          - apologise
          - report: ../../outside.yaml
          - report: ../missing.yaml
          - report: ../residential-placements-contract.yaml
            exempt: yes
            exempt_paragraph: 12
          - report: ../social-work-recruitment.yaml
            late: yes
            presentor: Someone
        """,
    )
    problems = problems_of(meeting, library)
    text = "\n".join(problems)
    assert "meeting.yaml:15:5: items[2]:" in text and "did you mean 'apologies'" in text
    assert "items[3].report: '../../outside.yaml' is outside the content folder" in text
    assert "items[4].report: no report file '../missing.yaml'" in text
    assert "items[6].presentor: unknown key (did you mean 'presenter'?)" in text
    assert len(problems) >= 4


def test_exempt_paragraph_must_fit_the_nation(tmp_path: Path, library) -> None:
    items = """\
      - report: ../residential-placements-contract.yaml
        exempt: yes
        exempt_paragraph: 12
    """
    england = make_content(tmp_path / "e", items)
    assert any(
        "Schedule 12A paragraph 12 does not apply in England: use 1-7" in p
        for p in problems_of(england, library)
    )
    wales = make_content(
        tmp_path / "w", items, MINIMAL_MEETING.replace("published:", "nation: wales\npublished:")
    )
    assert load_meeting(wales, library).items[2].exempt_paragraph == 12
    missing = make_content(
        tmp_path / "m", "  - report: ../residential-placements-contract.yaml\n    exempt: yes\n"
    )
    assert any("needs exempt_paragraph" in p for p in problems_of(missing, library))


def test_late_item_needs_a_reason_for_urgency(tmp_path: Path, library) -> None:
    meeting = make_content(tmp_path, "  - report: ../social-work-recruitment.yaml\n    late: yes\n")
    problems = problems_of(meeting, library)
    assert any(
        "items[2].reason_for_urgency: a late item needs a reason_for_urgency" in p for p in problems
    )


def test_report_problems_are_shown_with_meeting_problems(tmp_path: Path, library) -> None:
    meeting = make_content(
        tmp_path,
        "  - report: ../social-work-recruitment.yaml\n  - minuets\n",
    )
    report = meeting.parent.parent / "social-work-recruitment.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("title: Social", "titel: Social"),
        encoding="utf-8",
    )
    problems = problems_of(meeting, library)
    assert any(
        "social-work-recruitment.yaml:6:1: titel: unknown key (did you mean 'title'?)" in p
        for p in problems
    )
    # The did-you-mean says it: no second line for the same mistake.
    assert not any("title: required but missing" in p for p in problems)
    assert any("meeting.yaml:16:5: items[3]:" in p for p in problems)


def test_pack_command_writes_nothing_when_anything_is_invalid(tmp_path: Path, runner) -> None:
    meeting = make_content(tmp_path, "  - report: ../missing.yaml\n  - minuets\n")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["pack", str(meeting), "-o", str(out)])
    assert result.exit_code == 1
    assert "no report file '../missing.yaml'" in result.output
    assert "did you mean 'minutes'" in result.output
    assert "nothing was written" in result.output
    assert not out.exists()


def test_pack_check_validates_without_writing(runner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["pack", str(SAMPLE_MEETING), "--check", "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "valid, 7 items, 3 reports" in result.output
    assert not (tmp_path / "o").exists()


def test_build_and_validate_skip_meeting_files(runner) -> None:
    result = runner.invoke(cli, ["validate", str(ROOT / "content")])
    assert result.exit_code == 0, result.output
    reports = sorted(p.name for p in (ROOT / "content").glob("*.yaml"))
    assert f"{len(reports)} report(s) valid" in result.output
    assert not any(p.parent.name == "meetings" for p in find_reports([ROOT / "content"]))


def test_a_report_that_mentions_a_committee_but_names_no_template_is_not_skipped(
    runner, tmp_path: Path
) -> None:
    """Only a top-level committee: key makes a meeting file; a report missing template: errs."""
    report = tmp_path / "report.yaml"
    report.write_text(
        "title: Budget\npurpose:\n  - 'For the committee: a note on the budget.'\n",
        encoding="utf-8",
    )
    assert find_reports([tmp_path]) == [report]
    result = runner.invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert ":1:1: template: required but missing" in result.output


def test_procedural_items_take_their_own_wording(tmp_path: Path, library) -> None:
    meeting = make_content(
        tmp_path,
        """\
        - procedure: minutes
          text: To confirm the minutes of the meeting held on 18 January 2021.
        - report: ../social-work-recruitment.yaml
        """,
    )
    loaded = load_meeting(meeting, library)
    apologies, _, minutes, report = loaded.items
    assert apologies.text.startswith("To receive apologies for absence")  # template wording
    assert minutes.heading == "Minutes"
    assert minutes.text == "To confirm the minutes of the meeting held on 18 January 2021."
    assert report.text.startswith("This report updates members on the recruitment")


def test_reports_of_other_templates_are_described_by_their_first_section(
    tmp_path: Path, library
) -> None:
    header = MINIMAL_MEETING.replace("date: 2021-03-01", "date: 2026-01-14").replace(
        "published: 2021-02-19", "published: 2026-01-05\nagenda_template: council-standard"
    )
    meeting = make_content(tmp_path, "- report: ../waste-collection-contract.yaml\n", header)
    shutil.copy(ROOT / "content" / "waste-collection-contract.yaml", meeting.parent.parent)
    item = load_meeting(meeting, library).items[2]
    assert item.report.template.name == "cabinet-decision"
    assert item.text.startswith("The Council's contract for collecting household waste")


def test_supplement_date_must_fall_between_agenda_and_meeting(tmp_path: Path, library) -> None:
    header = MINIMAL_MEETING.replace(
        "published: 2021-02-19",
        "published: 2021-02-19\n"
        "supplement_published: 2021-02-18\n"
        "agenda_template: council-standard",
    )
    meeting = make_content(tmp_path, "", header)
    [problem] = problems_of(meeting, library)
    assert "meeting.yaml:6:23: supplement_published: must be between" in problem
