"""The starter meeting file: a date in, the text of a commented meeting YAML out.

``boardpaper new meeting`` writes it. It validates as written (procedural items
only, published on the last lawful day), with a placeholder in every text a
clerk must fill in; ``check`` and ``pack`` refuse a meeting that still holds one.
"""

from __future__ import annotations

import datetime as dt
import json

from boardpaper.content.placeholders import placeholder_problems, report_starter
from boardpaper.errors import Problem
from boardpaper.meeting.deadlines import DEFAULT_NATION, last_publication_date
from boardpaper.meeting.schema import Meeting
from boardpaper.template.starter import EXAMPLE_EMAIL

WEEKS_AHEAD = 3


def meeting_starter_yaml(agenda_template: str, today: dt.date | None = None) -> str:
    """A meeting three weeks after ``today`` (default: the real today), published on time.

    ``agenda_template`` lays the agenda out until a report item names its own template.
    """
    meeting = (today or dt.date.today()) + dt.timedelta(weeks=WEEKS_AHEAD)
    published = last_publication_date(meeting, DEFAULT_NATION)

    def quote(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    return "\n".join(
        [
            "# A new meeting: its agenda and document packs. Replace every placeholder;",
            "# keep the keys. Check with: boardpaper pack THIS_FILE --check",
            "# Build with: boardpaper pack THIS_FILE   (see docs/meetings.md)",
            f"committee: {quote('Committee goes here')}",
            "",
            "# The meeting date, and the day the agenda and reports are published: at",
            "# least five clear working days before (England). To find the last day:",
            "#   boardpaper deadline DATE",
            f"date: {meeting.isoformat()}",
            f"published: {published.isoformat()}",
            f"time: {quote('Start time, e.g. 5.30 pm')}",
            f"venue: {quote('Room, building and address')}",
            f"nation: {DEFAULT_NATION}   # england, wales, scotland or northern-ireland",
            f"agenda_template: {agenda_template}   # the template whose agenda layout is used",
            "",
            "membership:",
            f"  chair: {quote('Chair of the committee')}",
            f"  members: [{quote('A member')}, {quote('Another member')}]",
            "",
            "# Who to contact about the meeting.",
            "clerk:",
            f"  name: {quote('Full name')}",
            f"  role: {quote('Their role')}",
            f"  email: {EXAMPLE_EMAIL}",
            "",
            "# The agenda, in order. Each report is a file, its path relative to this one:",
            "#   - report: ../my-report.yaml",
            "#     presenter: Who presents it   (optional)",
            "items:",
            "  - apologies",
            "  - declarations_of_interest",
            "  - minutes",
            "",
        ]
    )


def meeting_placeholders(meeting: Meeting, with_reports: bool = True) -> list[Problem]:
    """Starter placeholders left in the meeting file (and, ``with_reports``, in its reports)."""
    starter = meeting_starter_yaml(meeting.template.name)
    problems = placeholder_problems(meeting.source, starter, meeting.source_path)
    for item in meeting.items:
        if with_reports and item.report is not None:
            report = item.report
            problems.extend(
                placeholder_problems(
                    report.paper.source, report_starter(report.template), report.source_path
                )
            )
    return problems
