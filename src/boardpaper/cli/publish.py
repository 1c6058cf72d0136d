"""The ``boardpaper publish`` command: the meetings in CONTENT as a static website in SITE.

Exit codes as for every command: 0 success, 1 content or template problems, 2 usage errors.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from boardpaper.cli.common import report_problems, templates_option, write_outputs
from boardpaper.errors import ContentError, Problem, printable


@click.command()
@click.argument(
    "content", default="content", type=click.Path(exists=True, path_type=Path), required=False
)
@click.option(
    "-o",
    "--output",
    "outdir",
    default="site",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the website.",
)
@click.option("--title", default=None, help="The site's name (default: Meetings and papers).")
@click.option(
    "--base-url",
    default="",
    help="The address the site will be served from, for absolute links in the feeds.",
)
@click.option("-j", "--jobs", type=click.IntRange(1, 64), help="Worker processes (default: cores).")
@templates_option
def publish(
    content: Path,
    outdir: Path,
    title: str | None,
    base_url: str,
    jobs: int | None,
    template_dirs: tuple[Path, ...],
) -> None:
    """Publish every meeting in CONTENT (a folder or meeting files) as a static website.

    Writes SITE/index.html, a page and a folder per meeting (agenda, public pack, each
    public report as a web page, PDF and Word file, meeting.json), meetings.ics,
    papers.atom and manifest.json for `boardpaper verify`, all at once and only when
    every meeting is valid. Exempt reports and members' packs are never published.
    """
    from boardpaper.meeting.load import load_meeting
    from boardpaper.pipeline import find_meetings
    from boardpaper.publish.manifest import leftover_files, remove_leftovers, site_with_manifest
    from boardpaper.publish.site import DEFAULT_TITLE, SiteOptions, build_site
    from boardpaper.template.library import default_library

    if base_url and not base_url.startswith(("https://", "http://")):
        raise click.BadParameter("give an http(s) address", param_hint="--base-url")
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    library = default_library(list(template_dirs))
    content_root = content if content.is_dir() else None
    paths = find_meetings([content])
    if not paths:
        raise click.UsageError(f"no meeting files found in {content}")
    problems: list[Problem] = []
    meetings = []
    for path in paths:
        try:
            meetings.append((path, load_meeting(path, library, content_root)))
        except ContentError as error:
            problems.extend(error.problems)
    if problems:
        report_problems(problems)
        sys.exit(1)
    options = SiteOptions(title=title or DEFAULT_TITLE, base_url=base_url)
    try:
        files = build_site([meeting for _, meeting in meetings], options, jobs)
    except ContentError as error:
        report_problems(error.problems)
        sys.exit(1)
    site = site_with_manifest(meetings, files, outdir, options, content_root)
    earlier, others = leftover_files(outdir, set(site))
    write_outputs(site, announce=False)
    remove_leftovers(outdir, earlier)
    for path in earlier:
        click.echo(f"removed {printable(str(path))} (published before, not now)")
    for path in others:
        click.echo(
            f"warning: {printable(str(path))} is not part of the site; left as it is "
            "(delete it if it should not be public)",
            err=True,
        )
    click.echo(f"published {len(meetings)} meeting(s): {len(files)} files in {outdir}")
