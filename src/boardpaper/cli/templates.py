"""``boardpaper templates``, ``new report``, ``new meeting`` and ``new template``: what
templates there are, and a start.

Thin click commands over ``library.default_library``, ``starter.starter_yaml`` and
``flatten.flattened_files``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from boardpaper.cli.common import templates_option
from boardpaper.cli.schema import write_schema_for
from boardpaper.errors import ContentError, display_path, printable
from boardpaper.output import OutputError, write_atomically
from boardpaper.template.flatten import FlattenError, child_files, flattened_files
from boardpaper.template.inherit import BASE_NAME
from boardpaper.template.library import TemplateLibrary, default_library
from boardpaper.template.manifest import TEMPLATE_NAME
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
    _write_new(path, "report", starter_yaml(template), library)
    click.echo(f"wrote {path}; fill it in, then run: boardpaper validate {path}")


@new.command("meeting")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--template",
    "template_name",
    default="council-standard",
    show_default=True,
    help="The template whose agenda layout the meeting uses.",
)
@templates_option
def new_meeting(path: Path, template_name: str, template_dirs: tuple[Path, ...]) -> None:
    """Write PATH: a commented starter meeting file that validates as written."""
    from boardpaper.meeting.starter import meeting_starter_yaml

    library = default_library(list(template_dirs))
    if template_name not in library.names():
        names = ", ".join(library.names())
        raise click.BadParameter(
            f"no template called {template_name!r}; available: {names}", param_hint="--template"
        )
    _write_new(path, "meeting", meeting_starter_yaml(template_name), library)
    click.echo(f"wrote {path}; fill it in, then run: boardpaper pack {path} --check")


def _write_new(path: Path, kind: str, text: str, library: TemplateLibrary) -> None:
    """Write a new starter file, headed by the modeline that gives editors its schema."""
    shown = printable(str(path))
    if path.exists():
        raise click.UsageError(f"{shown} already exists; choose a new file name")
    created = False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        modeline = write_schema_for(kind, path, library)
        with path.open("x", encoding="utf-8") as handle:
            created = True
            handle.write(modeline + text)
    except OSError as error:
        click.echo(f"error: {shown}: cannot write: {error.strerror}; nothing was written", err=True)
        if created:
            with contextlib.suppress(OSError):
                path.unlink()
        raise click.exceptions.Exit(1) from None


@new.command("template")
@click.argument("name")
@click.option(
    "--from", "source_name", required=True, help="The template to start from (its whole chain)."
)
@click.option(
    "-o",
    "--output",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write (default: templates/NAME).",
)
@click.option(
    "--keep-extends",
    is_flag=True,
    help="Write only a manifest that extends the template, instead of a self-contained copy.",
)
@templates_option
def new_template(
    name: str,
    source_name: str,
    folder: Path | None,
    keep_extends: bool,
    template_dirs: tuple[Path, ...],
) -> None:
    """Write a new template folder NAME, copied from the template given with --from.

    By default the copy is self-contained: the template, the ones it extends and the
    built-in base flattened into one folder that holds every file and setting, with no
    'extends'. With --keep-extends the folder holds only a manifest that extends it.
    """
    if not TEMPLATE_NAME.fullmatch(name) or name == BASE_NAME:
        raise click.BadParameter(
            "a lower-case name of letters, digits, - and _ (not 'base')", param_hint="NAME"
        )
    library = default_library(list(template_dirs))
    try:
        template = library.get(source_name)
    except KeyError:
        names = ", ".join(library.names())
        raise click.BadParameter(
            f"no template called {source_name!r}; available: {names}", param_hint="--from"
        ) from None
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.exceptions.Exit(1) from None
    target = folder or Path("templates") / name
    if target.name != name:
        raise click.UsageError(f"the folder must be called {name!r} (its manifest's name)")
    if target.exists() and any(target.iterdir()):
        raise click.UsageError(f"{target} already exists and is not empty; choose a new folder")
    try:
        files = child_files(template, name) if keep_extends else flattened_files(template, name)
    except FlattenError as error:
        click.echo(f"{display_path(template.html_template)}: {error}", err=True)
        raise click.exceptions.Exit(1) from None
    try:
        write_atomically({target / relative: data for relative, data in sorted(files.items())})
    except OutputError as error:
        raise click.ClickException(str(error)) from None
    how = "extends " + template.name if keep_extends else "self-contained, no 'extends'"
    click.echo(f"wrote {target} ({len(files)} files, {how}); then run: boardpaper check")
