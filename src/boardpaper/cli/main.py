"""The ``boardpaper`` command: thin click wrappers over the pipeline.

Exit codes: 0 success, 1 content or template problems, 2 usage errors.
Author mistakes are printed as located lines, never as tracebacks.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import click

from boardpaper import __version__
from boardpaper.cli.check import check
from boardpaper.cli.common import report_problems, templates_option, write_outputs
from boardpaper.cli.pack import deadline, pack
from boardpaper.cli.provenance import inspect_command, verify_command
from boardpaper.cli.publish import publish
from boardpaper.cli.safety import interruptible, limits_options
from boardpaper.cli.serve import serve
from boardpaper.cli.templates import list_templates, new
from boardpaper.errors import ContentError, Problem
from boardpaper.load.yaml_nodes import Limits
from boardpaper.pipeline import FORMATS, find_reports, load_report
from boardpaper.provenance.manifest import render_with_manifest
from boardpaper.render.glyphs import glyph_warnings
from boardpaper.template.library import default_library


@click.group()
@click.version_option(__version__, prog_name="boardpaper")
def cli() -> None:
    """Turn council report content written in YAML into Word and PDF committee papers."""


@cli.command()
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
@limits_options
@interruptible
def build(
    paths: tuple[Path, ...],
    outdir: Path,
    formats: tuple[str, ...],
    template_dirs: tuple[Path, ...],
    limits: Limits,
) -> None:
    """Build OUTDIR/<name>.docx and .pdf for each report in PATHS (default: content/).

    Also writes OUTDIR/manifest.json (inputs, outputs, versions, fonts) for
    `boardpaper verify`.
    """
    library = default_library(list(template_dirs))
    try:
        reports_paths = find_reports(list(paths) or [Path("content")])
    except ContentError as error:
        report_problems(error.problems)
        sys.exit(1)
    if not reports_paths:
        raise click.UsageError("no report files found")
    problems: list[Problem] = []
    loaded = []
    for path in reports_paths:
        try:
            loaded.append(load_report(path, library, limits))
        except ContentError as error:
            problems.extend(error.problems)
    targets: dict[str, str] = {}
    for report in loaded:
        # casefold: on Windows and macOS disks, Report.yaml and report.yaml write one file.
        stem = Path(report.source_path).stem.casefold()
        if stem in targets:
            problems.append(
                Problem(
                    report.source_path,
                    None,
                    None,
                    "",
                    f"writes the same output name {stem!r} as {targets[stem]}; rename one file",
                )
            )
        targets[stem] = report.source_path
    if problems:
        report_problems(problems)
        sys.exit(1)
    for report in loaded:
        for warning in glyph_warnings(report.paper.source, report.source_path):
            click.echo(str(warning), err=True)
    # Everything is validated and rendered before anything is written.
    files = render_with_manifest(loaded, formats or FORMATS, outdir)
    write_outputs(files)


@cli.command()
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
    reports_paths = find_reports(list(paths) or [Path("content")], problems)
    for path in reports_paths:
        try:
            report = load_report(path, library, limits)
        except ContentError as error:
            problems.extend(error.problems)
        else:
            if not as_json:
                for warning in glyph_warnings(report.paper.source, report.source_path):
                    click.echo(str(warning), err=True)
    if as_json:
        click.echo(json.dumps([p.as_dict() for p in problems], indent=2))
    elif problems:
        for problem in problems:
            click.echo(str(problem), err=True)
    else:
        click.echo(f"{len(reports_paths)} report(s) valid")
    if problems:
        if not as_json:
            click.echo(f"{len(problems)} problem(s)", err=True)
        sys.exit(1)


@cli.command()
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
            sys.exit(1)
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


def main() -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as cleanly as on Ctrl-C
    cli(prog_name="boardpaper")


for command in (
    inspect_command,
    verify_command,
    list_templates,
    new,
    check,
    pack,
    deadline,
    publish,
    serve,
):
    cli.add_command(command)
