"""Pieces every ``boardpaper`` command shares: the --templates option and problem printing."""

from __future__ import annotations

from pathlib import Path

import click

from boardpaper.errors import Problem
from boardpaper.output import OutputError, write_atomically

templates_option = click.option(
    "--templates",
    "template_dirs",
    type=click.Path(file_okay=False, path_type=Path),
    multiple=True,
    help="A folder of template folders, searched before ./templates and the built-in ones.",
)


def report_problems(problems: list[Problem]) -> None:
    """Print each problem as one located line on stderr, then a one-line count."""
    for problem in problems:
        click.echo(str(problem), err=True)
    files = len({problem.path for problem in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    click.echo(
        f"{len(problems)} {noun} in {files} file{'s' if files != 1 else ''}; nothing was written",
        err=True,
    )


def write_outputs(files: dict[Path, bytes], announce: bool = True) -> None:
    """Write rendered files atomically and list them; on failure print one line and exit 1."""
    try:
        write_atomically(files)
    except OutputError as error:
        click.echo(f"error: {error}; nothing was written", err=True)
        raise click.exceptions.Exit(1) from None
    if announce:
        for path in files:
            click.echo(f"wrote {path}")
