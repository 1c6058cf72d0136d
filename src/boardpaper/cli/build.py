"""``boardpaper build`` and ``validate``: reports in; papers or problems out.

Thin click wrappers over ``boardpaper.build``: everything is validated before
anything is rendered, and rendered before anything is written.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from boardpaper import rebuild_record
from boardpaper.cli.common import (
    render_options,
    report_problems,
    templates_option,
    write_outputs,
)
from boardpaper.cli.progress import progress_for, verbosity_options
from boardpaper.cli.safety import interruptible, limits_options
from boardpaper.errors import ContentError, Problem, display_path, printable
from boardpaper.output import FORMATS

if TYPE_CHECKING:
    from boardpaper.load.limits import Limits
    from boardpaper.render.cache import RenderCache


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    "outdir",
    default="build",
    type=click.Path(file_okay=False, path_type=Path),
    show_default=True,
    help="Folder for the papers.",
)
@click.option(
    "-f",
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help="Only these formats (default: all).",
)
@click.option("--watch", is_flag=True, help="Build again each time a report or template is saved.")
@verbosity_options
@templates_option
@render_options
@limits_options
@interruptible
def build(
    paths: tuple[Path, ...],
    outdir: Path,
    formats: tuple[str, ...],
    watch: bool,
    verbosity: int,
    template_dirs: tuple[Path, ...],
    jobs: int | None,
    cache: RenderCache | None,
    limits: Limits,
) -> None:
    """Build OUTDIR/<name>.docx and .pdf for each report in PATHS (default: content/).

    Also writes OUTDIR/manifest.json (inputs, outputs, versions, fonts) for
    `boardpaper verify`. Papers render in parallel (-j) and a paper whose content,
    template, libraries and fonts are all unchanged is taken from the render cache
    (--no-cache to render everything); files whose bytes would not change are not rewritten.
    With --watch, builds again after every save until Ctrl-C.
    """
    roots = list(paths) or [Path("content")]
    settings = BuildSettings(outdir, formats or FORMATS, limits, jobs, cache, verbosity)
    ok = build_once(roots, template_dirs, settings)
    if not watch:
        if not ok:
            raise click.exceptions.Exit(1)
        return
    from boardpaper.preview.watch import changes
    from boardpaper.template.library import default_library

    click.echo("watching for saves (Ctrl-C to stop)", err=True)
    try:
        for changed in changes(roots, default_library(list(template_dirs)).roots):
            if all(outdir.resolve() in path.parents for path in changed):
                continue  # our own outputs
            saved = ", ".join(sorted(display_path(path) for path in changed))
            click.echo(f"saved: {saved}", err=True)
            build_once(roots, template_dirs, settings)
    except KeyboardInterrupt:
        click.echo("stopped watching", err=True)


@dataclass(frozen=True)
class BuildSettings:
    """The options of one ``boardpaper build`` run, kept for each rebuild under --watch."""

    outdir: Path
    formats: tuple[str, ...]
    limits: Limits
    jobs: int | None
    cache: RenderCache | None
    verbosity: int


def build_once(roots: list[Path], template_dirs: tuple[Path, ...], settings: BuildSettings) -> bool:
    """One build of every report under ``roots``, its messages printed; True when written.

    With the render cache on, a build whose every input, template, library and output is
    as an earlier identical command left them is not run again: its warnings and output
    names are printed from the record (``rebuild_record``) without loading the pipeline.
    When the record shows that exactly one report changed, the worker that will lay out
    its PDF is started first, before the pipeline is even imported.
    """
    started = head_start = changed_report = None
    if settings.cache is not None:
        request = rebuild_record.BuildRequest(
            tuple(str(root) for root in roots),
            str(settings.outdir.absolute()),
            settings.formats,
            dataclasses.asdict(settings.limits),
            tuple(str(folder.absolute()) for folder in template_dirs),
        )
        checked = rebuild_record.check(settings.cache.folder, request)
        if checked.replay is not None:
            _print_outcome(checked.replay.warnings, checked.replay.outputs, settings.verbosity)
            return True
        started = rebuild_record.start(request)
        if checked.changed_reports is not None and len(checked.changed_reports) == 1:
            from boardpaper.render.head_start import PdfHeadStart, can_split

            if "pdf" in settings.formats and can_split(settings.jobs):
                head_start = PdfHeadStart()
                changed_report = Path(checked.changed_reports[0])
    from boardpaper.build import build as build_papers
    from boardpaper.build import files_read
    from boardpaper.template.library import default_library

    progress = progress_for(settings.verbosity)
    try:
        result = build_papers(
            roots,
            settings.outdir,
            settings.formats,
            default_library(list(template_dirs)),
            settings.limits,
            jobs=settings.jobs,
            cache=settings.cache,
            progress=progress,
            head_start=head_start,
            changed_report=changed_report,
        )
    except ContentError as error:
        report_problems(error.problems)
        return False
    finally:
        progress.close()
    if not result.reports:
        raise click.UsageError("no report files found")
    warnings = [str(warning) for warning in result.warnings]
    for warning in warnings:
        click.echo(warning, err=True)
    write_outputs(result.files, announce=settings.verbosity >= 0)
    if settings.cache is not None and started is not None:
        rebuild_record.record(
            settings.cache.folder,
            started,
            files_read(result.reports),
            result.files,
            [printable(str(path)) for path in result.files],
            warnings,
        )
    return True


def _print_outcome(warnings: list[str], unchanged: list[str], verbosity: int) -> None:
    """Print what a replayed build printed: its warnings, then each output unchanged."""
    if verbosity > 0:
        click.echo(
            "nothing to render: every report, data file, template, library, font and output"
            " is as the last build of these reports left it",
            err=True,
        )
    for warning in warnings:
        click.echo(warning, err=True)
    if verbosity >= 0:
        for path in unchanged:
            click.echo(f"unchanged {path}")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@templates_option
@limits_options
def validate(
    paths: tuple[Path, ...], as_json: bool, template_dirs: tuple[Path, ...], limits: Limits
) -> None:
    """Check reports in PATHS (default: content/) without writing anything."""
    from boardpaper.build import load_reports
    from boardpaper.template.library import default_library

    library = default_library(list(template_dirs))
    problems: list[Problem] = []
    warnings: list[Problem] = []
    count = 0
    try:
        loaded = load_reports(list(paths) or [Path("content")], library, limits)
    except ContentError as error:
        problems = error.problems
    else:
        warnings, count = loaded.warnings, len(loaded.reports)
    if not as_json:
        for warning in warnings:
            click.echo(str(warning), err=True)
    if as_json:
        click.echo(json.dumps([p.as_dict() for p in problems], indent=2))
    elif problems:
        for problem in problems:
            click.echo(str(problem), err=True)
    else:
        click.echo(f"{count} report(s) valid")
    if problems:
        if not as_json:
            click.echo(f"{len(problems)} problem(s)", err=True)
        raise click.exceptions.Exit(1) from None
