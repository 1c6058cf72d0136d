"""The HTML renderer: a ``Paper`` and its template in, an HTML string out.

The template's Jinja file lays the paper out; this module only gives it the
model and a few helpers. Jinja runs sandboxed, with autoescaping and
StrictUndefined, and loads files from the template's chain alone (its folder,
its parents', the built-in base: ``ChainLoader``), so content is always text and
a template cannot read elsewhere.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import BaseLoader, Environment, StrictUndefined, TemplateNotFound
from jinja2.loaders import split_template_path
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
from boardpaper.errors import Problem, TemplateError, display_path
from boardpaper.render.bidi import isolate_value
from boardpaper.render.template_data import PlainDataSandbox, paper_view, template_view
from boardpaper.template.inherit import ChainLink, inside
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


class ChainLoader(BaseLoader):
    """Jinja files of a template chain, and nothing else.

    ``"paper.html"`` is looked up in the chain's order (the template's own folder, its
    parent's, ..., base); ``"NAME:paper.html"`` is that file of the template NAME of the
    chain (``{% extends "base:paper.html" %}``). A name that leaves a folder (``..``, an
    absolute path, a symlink pointing out) is not found.
    """

    def __init__(self, chain: tuple[ChainLink, ...]):
        self.chain = chain

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        links = self.chain
        relative = template
        name, colon, rest = template.partition(":")
        if colon:
            links = tuple(link for link in self.chain if link.name == name)
            relative = rest
        pieces = split_template_path(relative)  # raises TemplateNotFound for ".."
        for link in links:
            target = inside(link.folder, "/".join(pieces))
            if target is None or not target.is_file():
                continue
            source = target.read_text(encoding="utf-8")
            mtime = target.stat().st_mtime

            def uptodate(target: Path = target, mtime: float = mtime) -> bool:
                try:
                    return target.stat().st_mtime == mtime
                except OSError:
                    return False

            return source, str(link.folder / relative), uptodate
        raise TemplateNotFound(template)


@cache
def _environment(chain: tuple[ChainLink, ...]) -> ImmutableSandboxedEnvironment:
    env = PlainDataSandbox(
        loader=ChainLoader(chain),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=isolate_value,
    )
    env.globals.update(block_kind=block_kind, link_groups=link_groups, figure_src=figure_src)
    return env


HTML_VARIABLES = (
    "paper",
    "fields",
    "template",
    "boardpaper_version",
    "provenance",
    "stylesheets",
    "column_widths",
)
"""The names ``html_context`` gives every HTML template (``boardpaper check`` lints against it)."""


def html_context(
    paper: Paper, template: Template, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The variables every HTML template receives (documented in docs/templates.md)."""
    stylesheets = [sheet.resolve().as_uri() for sheet in template.stylesheets]
    paper = paper_view(paper)
    return {
        "paper": paper,
        "fields": paper.fields,
        "template": template_view(template),
        "boardpaper_version": __version__,
        "provenance": {},
        "stylesheets": stylesheets,
        "column_widths": table_column_widths(template),
        **(extra or {}),
    }


def table_column_widths(template: Template) -> Callable[[object], list[float]]:
    """``column_widths(table)`` for templates: each column's share of the table's width,
    in percent, as the Word file's table has it (``column_widths.table_widths``).

    Empty for anything but a table, or when the Word file gives no text width: the
    template then leaves the table to CSS's automatic layout.
    """
    from boardpaper.render.column_widths import table_widths, width_percentages
    from boardpaper.render.word_look import table_layout

    layout = table_layout(template.word_template)

    def column_widths(table: object) -> list[float]:
        if layout is None or not isinstance(table, Table) or not table.columns:
            return []
        return width_percentages(table_widths(table, layout))

    return column_widths


def render_html(
    paper: Paper,
    template: Template,
    extra: dict[str, Any] | None = None,
    page_numbers: bool = True,
) -> str:
    """Render ``paper`` with the template's HTML file; returns the HTML text.

    Without ``page_numbers`` (a paper inside a pack, which numbers its own pages) the
    Word file's header and footer places that show the page number are left out.
    """
    env = _environment(template.chain)
    context = html_context(paper, template, extra)
    try:
        jinja_template = env.get_template(str(template.raw.get("html_template", "paper.html")))
        html = jinja_template.render(context)
    except jinja2.TemplateError as error:
        raise _located(error, template.html_template) from None
    word_context = {name: context[name] for name in ("paper", "fields", "template")}
    return with_word_look(
        html, template, {**word_context, "boardpaper_version": __version__}, page_numbers
    )


def with_word_look(
    html: str, template: Template, word_context: dict[str, Any], page_numbers: bool = True
) -> str:
    """Add the look of the template's Word file (``word_look``, ``word_running``) to HTML.

    The look is the Word file's under the manifest's ``pdf_look:`` (``render.pdf_look``);
    the running header and footer are the Word file's, filled from ``word_context``
    (the variables of the Word template). See ``add_word_look``.
    """
    from boardpaper.render.pdf_look import template_look, template_running

    return add_word_look(
        html,
        template_look(template),
        template_running(template),
        word_context,
        template.word_template,
        keep_pictures=template.logo is None,
        page_numbers=page_numbers,
    )


def add_word_look(
    html: str,
    look: Any,
    running: Any,
    word_context: dict[str, Any],
    word_file: Path,
    selectors: dict[str, str] | None = None,
    keep_pictures: bool = True,
    page_numbers: bool = True,
) -> str:
    """HTML with a Word file's ``look`` (``WordLook``) and ``running`` header and footer.

    A ``<style>`` at the end of ``<head>``, after the template's own CSS; its
    declarations are ``!important``, so what the Word file says wins. Pictures of
    the first page's header or footer are placed, with their alt text, at the
    start of ``<body>``. ``selectors``: see ``word_look.word_stylesheet``.
    """
    from boardpaper.render.running_pdf import first_page_html, running_css, running_for
    from boardpaper.render.word_css import word_stylesheet

    other, first = running_for(running, word_context, word_file, keep_pictures, page_numbers)
    css = word_stylesheet(look, selectors) + running_css(running, other, first, look.margins_mm)
    head_end = html.find("</head>")
    if head_end < 0:
        return html
    html = f"{html[:head_end]}<style>\n{css}</style>\n{html[head_end:]}"
    pictures = first_page_html(running, first, look.margins_mm)
    body = re.search(r"<body[^>]*>", html)
    if pictures and body:
        html = f"{html[: body.end()]}\n{pictures}{html[body.end() :]}"
    return html


def _located(error: jinja2.TemplateError, path: Path) -> TemplateError:
    """A Jinja error (a file not found in the chain, a syntax error) as a located problem."""
    if isinstance(error, jinja2.TemplateNotFound):
        message = f"{error.name!r} is not a file of this template, its parents or the base"
    else:
        message = f"Jinja: {error.message or error}"
    where = getattr(error, "filename", None) or str(path)
    line = getattr(error, "lineno", None)
    if line is None:  # a runtime error: the template line Jinja was running
        for frame in traceback.extract_tb(error.__traceback__):
            if frame.filename and Path(frame.filename).name == Path(where).name:
                line = frame.lineno
    return TemplateError([Problem(display_path(Path(where)), line, None, "", message)])


def render_template_file(template: Template, name: str, context: dict[str, Any]) -> str:
    """Render any Jinja file of a template's chain (agendas, notices) in the same sandbox."""
    env = _environment(template.chain)
    try:
        return env.get_template(name).render(
            {"boardpaper_version": __version__, "block_kind": block_kind, **context}
        )
    except jinja2.TemplateError as error:
        raise _located(error, template.folder / name) from None
