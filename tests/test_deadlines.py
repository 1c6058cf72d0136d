"""Clear working days and last lawful publication dates, per nation."""

from __future__ import annotations

import datetime as dt

from boardpaper.cli.main import cli
from boardpaper.meeting.deadlines import clear_working_days, last_publication_date

D = dt.date


def test_clear_days_exclude_publication_day_meeting_day_and_weekends() -> None:
    # Published Monday 1 March 2021, meeting Monday 8 March: Tue-Fri are clear (4).
    assert clear_working_days(D(2021, 3, 1), D(2021, 3, 8)) == 4
    # Published Friday 19 Feb 2021, meeting Monday 1 March: 22-26 Feb (5).
    assert clear_working_days(D(2021, 2, 19), D(2021, 3, 1)) == 5
    assert clear_working_days(D(2021, 3, 1), D(2021, 3, 2)) == 0


def test_bank_holidays_do_not_count() -> None:
    # Thursday 21 May 2026 to Friday 29 May: Fri 22, (Sat, Sun, Spring Bank Holiday
    # Monday 25), Tue 26, Wed 27, Thu 28 -> 4; counting weekdays alone would give 5.
    assert clear_working_days(D(2026, 5, 21), D(2026, 5, 29)) == 4
    assert clear_working_days(D(2026, 5, 21), D(2026, 5, 29), "wales") == 4


def test_nations_have_their_own_bank_holidays() -> None:
    # 2 January is a bank holiday in Scotland only; St Andrew's Day (30 Nov 2026, a Monday)
    # too. St Patrick's Day (17 March 2026, a Tuesday) in Northern Ireland only.
    assert clear_working_days(D(2026, 11, 27), D(2026, 12, 2), "england") == 2
    assert clear_working_days(D(2026, 11, 27), D(2026, 12, 2), "scotland") == 1
    assert clear_working_days(D(2026, 3, 16), D(2026, 3, 19), "england") == 2
    assert clear_working_days(D(2026, 3, 16), D(2026, 3, 19), "northern-ireland") == 1


def test_last_publication_date_gives_exactly_the_clear_days_needed() -> None:
    for meeting in (D(2026, 6, 2), D(2026, 5, 29), D(2021, 3, 1), D(2026, 12, 29)):
        for nation, needed in (("england", 5), ("wales", 3), ("scotland", 3)):
            latest = last_publication_date(meeting, nation)
            assert clear_working_days(latest, meeting, nation) == needed
            assert clear_working_days(latest + dt.timedelta(days=1), meeting, nation) < needed


def test_deadline_command_prints_the_last_lawful_date(runner) -> None:
    result = runner.invoke(cli, ["deadline", "2026-05-29"])
    assert result.exit_code == 0, result.output
    assert "publish by Wednesday 20 May 2026" in result.output
    assert "5 clear working days" in result.output
    wales = runner.invoke(cli, ["deadline", "2026-05-29", "--nation", "wales"])
    assert "publish by Monday 25 May 2026" in wales.output
    assert "Spring Bank Holiday" in wales.output
    assert "Friday 22 May 2026" in wales.output


def test_deadline_command_rejects_a_bad_date(runner) -> None:
    result = runner.invoke(cli, ["deadline", "next tuesday"])
    assert result.exit_code == 2
    assert "expected a date like" in result.output
