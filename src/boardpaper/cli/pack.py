"""The ``boardpaper pack`` and ``boardpaper deadline`` commands: meetings from the command line.

Exit codes as for every command: 0 success, 1 content or template problems, 2 usage errors.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from boardpaper.cli.common import report_problems, templates_option, write_outputs
from boardpaper.cli.progress import progress_for, verbosity_options
from boardpaper.content.model import format_date
from boardpaper.errors import ContentError
from boardpaper.load.validators import date_range_problem
from boardpaper.meeting.deadlines import DEFAULT_NATION, NATIONS, bank_holiday, is_working_day
from boardpaper.meeting.deadlines import last_publication_date as latest_date
from boardpaper.meeting.starter import meeting_placeholders


def _long(day: dt.date) -> str:
    return f"{day:%A} {format_date(day)}"


@click.command()
@click.argument("meeting_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the agenda and packs (default: build/<meeting file name>).",
)
@click.option(
    "--content",
    "content_root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="The content folder reports must stay inside (default: the enclosing 'content' folder).",
)
@click.option("--check", is_flag=True, help="Only validate the meeting, its reports and deadlines.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), help="Worker processes (default: cores).")
@verbosity_options
@templates_option
def pack(
    meeting_file: Path,
    outdir: Path | None,
    content_root: Path | None,
    check: bool,
    jobs: int | None,
    verbosity: int,
    template_dirs: tuple[Path, ...],
) -> None:
    """Build the agenda and document packs for MEETING_FILE.

    Writes agenda.docx, agenda.pdf, public-pack.pdf and members-pack.pdf (and, for
    late items, supplementary-agenda.docx/.pdf and supplement-pack.pdf) with a
    manifest.json for `boardpaper verify`, all at once and only when the meeting
    and every report are valid and on time.
    """
    from boardpaper.meeting.load import load_meeting
    from boardpaper.template.library import default_library

    library = default_library(list(template_dirs))
    try:
        meeting = load_meeting(meeting_file, library, content_root)
    except ContentError as error:
        report_problems(error.problems)
        raise click.exceptions.Exit(1) from None
    placeholders = meeting_placeholders(meeting)
    if placeholders:
        report_problems(placeholders)
        raise click.exceptions.Exit(1) from None
    reports = sum(1 for item in meeting.items if item.kind == "report")
    if check:
        click.echo(f"{meeting.source_path}: valid, {len(meeting.items)} items, {reports} reports")
        return
    from boardpaper.meeting.manifest import pack_with_manifest
    from boardpaper.meeting.pack import build_pack

    target = outdir or Path("build") / meeting_file.stem
    progress = progress_for(verbosity)
    try:
        files = build_pack(meeting, jobs, progress)
    except ContentError as error:  # a template that fails while rendering (TemplateError)
        report_problems(error.problems)
        raise click.exceptions.Exit(1) from None
    finally:
        progress.close()
    paths = pack_with_manifest(meeting_file, meeting, files, target, content_root)
    write_outputs(paths, announce=verbosity >= 0)


@click.command()
@click.argument("meeting_date", metavar="DATE")
@click.option(
    "--nation",
    type=click.Choice(list(NATIONS)),
    default=DEFAULT_NATION,
    show_default=True,
    help="Whose law and bank holidays apply.",
)
def deadline(meeting_date: str, nation: str) -> None:
    """Print the last lawful publication date for a meeting on DATE (2026-06-02)."""
    try:
        day = dt.date.fromisoformat(meeting_date)
    except ValueError:
        raise click.BadParameter(
            f"expected a date like 2026-06-02, found {meeting_date!r}", param_hint="DATE"
        ) from None
    out_of_range = date_range_problem(day)
    if out_of_range:
        raise click.BadParameter(out_of_range, param_hint="DATE")
    rules = NATIONS[nation]
    latest = latest_date(day, nation)
    click.echo(
        f"Meeting on {_long(day)} ({rules.label}): publish by {_long(latest)} "
        f"to give {rules.clear_days} clear working days ({rules.notice_law})."
    )
    if not is_working_day(latest, nation):
        working = latest
        while not is_working_day(working, nation):
            working -= dt.timedelta(days=1)
        why = bank_holiday(latest, nation) or "a weekend"
        click.echo(f"{_long(latest)} is {why}; the last working day before it is {_long(working)}.")
