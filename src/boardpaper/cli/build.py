"""``boardpaper build`` and ``validate``: reports in; papers or problems out.

Thin click wrappers over ``boardpaper.build``: everything is validated before
anything is rendered, and rendered before anything is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import click

from boardpaper.build import build as build_papers
from boardpaper.build import load_reports
from boardpaper.cli.common import (
    render_options,
    report_problems,
    templates_option,
    write_outputs,
)
from boardpaper.cli.progress import progress_for, verbosity_options
from boardpaper.cli.safety import interruptible, limits_options
from boardpaper.errors import ContentError, Problem, display_path
from boardpaper.load.yaml_nodes import Limits
from boardpaper.pipeline import FORMATS
from boardpaper.render.cache import RenderCache
from boardpaper.template.library import TemplateLibrary, default_library


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
    ok = build_once(roots, default_library(list(template_dirs)), settings)
    if not watch:
        if not ok:
            raise click.exceptions.Exit(1)
        return
    from boardpaper.preview.watch import changes

    click.echo("watching for saves (Ctrl-C to stop)", err=True)
    try:
        for changed in changes(roots, default_library(list(template_dirs)).roots):
            if all(outdir.resolve() in path.parents for path in changed):
                continue  # our own outputs
            saved = ", ".join(sorted(display_path(path) for path in changed))
            click.echo(f"saved: {saved}", err=True)
            build_once(roots, default_library(list(template_dirs)), settings)
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


def build_once(roots: list[Path], library: TemplateLibrary, settings: BuildSettings) -> bool:
    """One build of every report under ``roots``, its messages printed; True when written."""
    progress = progress_for(settings.verbosity)
    try:
        result = build_papers(
            roots,
            settings.outdir,
            settings.formats,
            library,
            settings.limits,
            jobs=settings.jobs,
            cache=settings.cache,
            progress=progress,
        )
    except ContentError as error:
        report_problems(error.problems)
        return False
    finally:
        progress.close()
    if not result.reports:
        raise click.UsageError("no report files found")
    for warning in result.warnings:
        click.echo(str(warning), err=True)
    write_outputs(result.files, announce=settings.verbosity >= 0)
    return True


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@templates_option
@limits_options
def validate(
    paths: tuple[Path, ...], as_json: bool, template_dirs: tuple[Path, ...], limits: Limits
) -> None:
    """Check reports in PATHS (default: content/) without writing anything."""
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
