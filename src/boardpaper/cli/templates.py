"""``boardpaper templates`` and ``boardpaper new report``: what templates there are, and a start.

Thin click commands over ``templates.default_library`` and ``starter.starter_yaml``.
"""

from __future__ import annotations

from pathlib import Path

import click

from boardpaper.cli.common import templates_option
from boardpaper.errors import ContentError
from boardpaper.template.library import default_library
from boardpaper.template.starter import starter_yaml


@click.command("templates")
@templates_option
def list_templates(template_dirs: tuple[Path, ...]) -> None:
    """List the templates available, with their descriptions and folders."""
    library = default_library(list(template_dirs))
    broken = False
    for name in library.names():
        try:
            template = library.get(name)
        except ContentError as error:
            broken = True
            for problem in error.problems:
                click.echo(str(problem), err=True)
            continue
        click.echo(f"{name}\n    {template.description}\n    {template.folder}")
    if broken:
        raise click.exceptions.Exit(1) from None


@click.group("new")
def new() -> None:
    """Start a new file from a template."""


@new.command("report")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--template", "template_name", required=True, help="The template to use.")
@templates_option
def new_report(path: Path, template_name: str, template_dirs: tuple[Path, ...]) -> None:
    """Write PATH: a commented starter report for TEMPLATE that validates as written."""
    library = default_library(list(template_dirs))
    try:
        template = library.get(template_name)
    except KeyError:
        names = ", ".join(library.names())
        raise click.BadParameter(
            f"no template called {template_name!r}; available: {names}", param_hint="--template"
        ) from None
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.exceptions.Exit(1) from None
    if path.exists():
        raise click.UsageError(f"{path} already exists; choose a new file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(starter_yaml(template))
    click.echo(f"wrote {path}; fill it in, then run: boardpaper validate {path}")
