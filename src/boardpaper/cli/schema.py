"""``boardpaper schema``: templates in, the JSON Schema of report or meeting files out.

Editors that speak the YAML language server (VS Code's YAML extension, and
others) complete and check keys from it. ``boardpaper new`` writes these
schemas into ``.boardpaper/`` and points each new file at its schema with the
language server's modeline, so completion works without any editor setting.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from boardpaper.cli.common import report_problems, templates_option
from boardpaper.errors import ContentError
from boardpaper.template.library import TemplateLibrary, default_library

DRAFT = "http://json-schema.org/draft-07/schema#"
"""The JSON Schema version written: draft-07, the one the YAML language server (VS Code's
YAML extension, and other editors') was built on; older releases warn that 2020-12 schemas
are "not yet fully supported". The schemas use nothing newer (``if``/``then`` and
``const`` are draft-07)."""

SCHEMA_FOLDER = ".boardpaper"
"""The folder ``boardpaper new`` writes the schemas into, at the top of the project."""

KINDS = ("report", "meeting")


def report_schema_document(library: TemplateLibrary, names: list[str]) -> dict[str, Any]:
    """One schema for reports of any of ``names``: the ``template:`` key picks the branch.

    Raises KeyError for an unknown template, ContentError for a broken one.
    """
    from boardpaper.content.validate import report_schema

    branches = [
        {
            "if": {"properties": {"template": {"const": name}}, "required": ["template"]},
            "then": report_schema(library.get(name)).json_schema(),
        }
        for name in names
    ]
    return {
        "$schema": DRAFT,
        "title": "boardpaper report",
        "type": "object",
        "required": ["template"],
        "properties": {"template": {"enum": names, "description": "The template this report uses"}},
        "allOf": branches,
    }


def meeting_schema_document() -> dict[str, Any]:
    """The schema of meeting files (``boardpaper pack``)."""
    from boardpaper.meeting.schema import meeting_schema

    return {
        "$schema": DRAFT,
        "title": "boardpaper meeting",
        **meeting_schema().json_schema(),
    }


def schema_text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def project_folder(target: Path) -> Path:
    """The top of the project ``target`` is in: the folder holding the nearest ``content``
    folder around it, else ``target``'s own folder."""
    folder = target.resolve().parent
    for parent in [folder, *folder.parents]:
        if parent.name == "content":
            return parent.parent
    return folder


def write_schema_for(kind: str, target: Path, library: TemplateLibrary) -> str:
    """Write ``.boardpaper/KIND.schema.json`` at the top of ``target``'s project; return the
    modeline for a YAML file at ``target``.

    The modeline's path is relative to the YAML file's folder, as the language server reads it.
    """
    document = (
        report_schema_document(library, library.names())
        if kind == "report"
        else meeting_schema_document()
    )
    schema_file = project_folder(target) / SCHEMA_FOLDER / f"{kind}.schema.json"
    schema_file.parent.mkdir(parents=True, exist_ok=True)
    schema_file.write_text(schema_text(document), encoding="utf-8")
    relative = os.path.relpath(schema_file, target.resolve().parent)
    return f"# yaml-language-server: $schema={Path(relative).as_posix()}\n"


@click.command()
@click.argument("kind", type=click.Choice(KINDS), default="report")
@click.option("--template", "template_name", help="Only this template's report format.")
@templates_option
def schema(kind: str, template_name: str | None, template_dirs: tuple[Path, ...]) -> None:
    """Print the JSON Schema of report (default) or meeting files, for editors such as VS Code."""
    if kind == "meeting":
        if template_name:
            raise click.BadParameter(
                "only report schemas depend on a template", param_hint="--template"
            )
        click.echo(schema_text(meeting_schema_document()), nl=False)
        return
    library = default_library(list(template_dirs))
    names = [template_name] if template_name else library.names()
    try:
        document = report_schema_document(library, names)
    except KeyError:
        raise click.BadParameter(
            f"no template called {template_name!r}", param_hint="--template"
        ) from None
    except ContentError as error:
        report_problems(error.problems)
        raise click.exceptions.Exit(1) from None
    click.echo(schema_text(document), nl=False)
