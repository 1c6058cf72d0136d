"""The HTML renderer: a ``Paper`` and its template in, an HTML string out.

The template folder's Jinja file lays the paper out; this module only gives it
the model and a few helpers. Jinja runs sandboxed, with autoescaping and
StrictUndefined, and loads files from the template folder alone, so content is
always text and a template cannot read elsewhere.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from boardpaper import __version__
from boardpaper.content.model import (
    Figure,
    ListBlock,
    NumberedParagraph,
    Paper,
    Paragraph,
    Run,
    Table,
)
from boardpaper.template.manifest import Template


def block_kind(block: object) -> str:
    """Name a model block for templates: paragraph, list, table, numbered or figure."""
    if isinstance(block, Paragraph):
        return "paragraph"
    if isinstance(block, ListBlock):
        return "list"
    if isinstance(block, Table):
        return "table"
    if isinstance(block, NumberedParagraph):
        return "numbered"
    if isinstance(block, Figure):
        return "figure"
    raise TypeError(f"not a block: {block!r}")


def figure_src(figure: Figure) -> str:
    """The figure's chart as an SVG ``data:`` URL, for ``<img src=...>`` (alt: ``figure.alt``)."""
    import base64

    from boardpaper.render.charts import render_svg

    return "data:image/svg+xml;base64," + base64.b64encode(render_svg(figure.chart)).decode()


def link_groups(runs: tuple[Run, ...]) -> list[tuple[str | None, list[Run]]]:
    """Group consecutive runs by link target, so one link is one <a> element."""
    groups: list[tuple[str | None, list[Run]]] = []
    for run in runs:
        if groups and groups[-1][0] == run.href and run.href is not None:
            groups[-1][1].append(run)
        else:
            groups.append((run.href, [run]))
    return groups


@cache
def _environment(folder: Path) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(folder), followlinks=False),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(block_kind=block_kind, link_groups=link_groups, figure_src=figure_src)
    return env


HTML_VARIABLES = ("paper", "fields", "template", "boardpaper_version", "provenance")
"""The names ``html_context`` gives every HTML template (``boardpaper check`` lints against it)."""


def html_context(
    paper: Paper, template: Template, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The variables every HTML template receives (documented in docs/templates.md)."""
    return {
        "paper": paper,
        "fields": paper.fields,
        "template": template,
        "boardpaper_version": __version__,
        "provenance": {},
        **(extra or {}),
    }


def render_html(paper: Paper, template: Template, extra: dict[str, Any] | None = None) -> str:
    """Render ``paper`` with the template's HTML file; returns the HTML text."""
    env = _environment(template.folder)
    jinja_template = env.get_template(template.html_template.name)
    return with_word_look(jinja_template.render(html_context(paper, template, extra)), template)


def with_word_look(html: str, template: Template) -> str:
    """Add the look of the template's Word file (``word_look``) to a paper's HTML.

    A ``<style>`` at the end of ``<head>``, after the template's own CSS; its
    declarations are ``!important``, so what the Word file says wins.
    """
    from boardpaper.render.word_look import word_look, word_stylesheet

    css = word_stylesheet(word_look(template.word_template))
    head_end = html.find("</head>")
    if head_end < 0:
        return html
    return f"{html[:head_end]}<style>\n{css}</style>\n{html[head_end:]}"


def render_template_file(folder: Path, name: str, context: dict[str, Any]) -> str:
    """Render any Jinja file of a template folder (agendas, notices) in the same sandbox."""
    env = _environment(folder)
    return env.get_template(name).render(
        {"boardpaper_version": __version__, "block_kind": block_kind, **context}
    )
