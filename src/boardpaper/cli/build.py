"""``boardpaper build``, ``validate``, ``schema``: reports in; papers, problems or a schema out.

Thin click wrappers over ``boardpaper.build``: everything is validated before
anything is rendered, and rendered before anything is written.
"""

from __future__ import annotations

import json
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
from boardpaper.cli.safety import interruptible, limits_options
from boardpaper.errors import ContentError, Problem
from boardpaper.load.yaml_nodes import Limits
from boardpaper.pipeline import FORMATS
from boardpaper.render.cache import RenderCache
from boardpaper.template.library import default_library


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
@templates_option
@render_options
@limits_options
@interruptible
def build(
    paths: tuple[Path, ...],
    outdir: Path,
    formats: tuple[str, ...],
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
    """
    library = default_library(list(template_dirs))
    try:
        result = build_papers(
            list(paths) or [Path("content")],
            outdir,
            formats or FORMATS,
            library,
            limits,
            jobs=jobs,
            cache=cache,
        )
    except ContentError as error:
        report_problems(error.problems)
        raise click.exceptions.Exit(1) from None
    if not result.reports:
        raise click.UsageError("no report files found")
    for warning in result.warnings:
        click.echo(str(warning), err=True)
    write_outputs(result.files)


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


@click.command()
@click.option("--template", "template_name", help="Only this template's report format.")
@templates_option
def schema(template_name: str | None, template_dirs: tuple[Path, ...]) -> None:
    """Print the JSON Schema of report files, for editors such as VS Code."""
    from boardpaper.content.validate import report_schema

    library = default_library(list(template_dirs))
    names = [template_name] if template_name else library.names()
    branches = []
    for name in names:
        try:
            template = library.get(name)
        except KeyError:
            raise click.BadParameter(
                f"no template called {name!r}", param_hint="--template"
            ) from None
        except ContentError as error:
            report_problems(error.problems)
            raise click.exceptions.Exit(1) from None
        branches.append(
            {
                "if": {"properties": {"template": {"const": name}}, "required": ["template"]},
                "then": report_schema(template).json_schema(),
            }
        )
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "boardpaper report",
        "type": "object",
        "required": ["template"],
        "properties": {"template": {"enum": names, "description": "The template this report uses"}},
        "allOf": branches,
    }
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
