"""Command helpers for untrusted input: ``--max-*`` limit options, and a clean Ctrl-C.

Each field of ``Limits`` becomes one option (``max_file_bytes`` -> ``--max-file-bytes``);
the decorated command receives them together as one ``limits`` argument.
See docs/limits.md.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

import click

from boardpaper.load.limits import Limits

HELP = {
    "max_file_bytes": "Largest report file, in bytes.",
    "max_depth": "Deepest nesting of lists and mappings in a report.",
    "max_table_rows": "Most rows in one table.",
    "max_table_columns": "Most columns in one table.",
    "max_text_chars": "Longest single text value, in characters.",
    "max_word_chars": "Longest word (characters without a space).",
    "max_blocks": "Most paragraphs and list items in one report.",
    "max_total_table_rows": "Most table rows in one report, all tables together.",
    "max_data_file_bytes": "Largest CSV or XLSX data file, in bytes.",
    "max_unpacked_bytes": "Most bytes an XLSX data file or a Word (.docx) appendix may unpack to.",
    "max_attachment_bytes": "Largest attached PDF or Word file (an appendix, minutes), "
    "and PDF converted from Word, in bytes.",
    "max_attachment_pages": "Most pages of one attached PDF (or Word file, converted).",
}


def limits_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add one ``--max-*`` option per ``Limits`` field; pass them on as ``limits=Limits(...)``."""
    names = [spec.name for spec in dataclasses.fields(Limits)]
    defaults = Limits()

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        given = {name: kwargs.pop(name) for name in names}
        chosen = {name: value for name, value in given.items() if value is not None}
        return command(*args, limits=dataclasses.replace(defaults, **chosen), **kwargs)

    for name in reversed(names):
        wrapper = click.option(
            "--" + name.replace("_", "-"),
            name,
            type=click.IntRange(min=1),
            default=None,
            help=f"{HELP.get(name, 'A size limit.')} [default: {getattr(defaults, name):,}]",
        )(wrapper)
    return wrapper


def interruptible(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn Ctrl-C (or SIGTERM, see ``cli.main``) into one line and exit code 130.

    Nothing is written until everything is rendered, and ``write_atomically``
    holds signals back while it swaps files in, so an interrupted build leaves
    the earlier papers as they were and no temporary files.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt:
            click.echo("interrupted: nothing was written; earlier papers are unchanged", err=True)
            raise click.exceptions.Exit(130) from None

    return wrapper
