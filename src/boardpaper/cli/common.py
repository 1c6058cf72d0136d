"""Pieces every ``boardpaper`` command shares: --templates, -j, cache options, problems."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from boardpaper.errors import Problem, printable
from boardpaper.output import OutputError, write_atomically

templates_option = click.option(
    "--templates",
    "template_dirs",
    type=click.Path(file_okay=False, path_type=Path),
    multiple=True,
    help="A folder of template folders, searched before ./templates and the built-in ones.",
)


def render_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``-j/--jobs``, ``--no-cache`` and ``--cache-dir``; pass ``jobs`` and ``cache`` on."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from boardpaper.load.convert import set_conversion_cache
        from boardpaper.render.cache import RenderCache

        no_cache, cache_dir = kwargs.pop("no_cache"), kwargs.pop("cache_dir")
        cache = None if no_cache else RenderCache(cache_dir)
        # Word appendices converted to PDF are kept beside the rendered papers.
        set_conversion_cache(cache_dir, enabled=not no_cache)
        return command(*args, cache=cache, **kwargs)

    for option in reversed(
        [
            click.option(
                "-j",
                "--jobs",
                type=click.IntRange(min=1),
                default=None,
                help="Papers rendered at once, each in its own process [default: one per core].",
            ),
            click.option(
                "--no-cache",
                is_flag=True,
                help="Render every paper (and convert every Word appendix) again instead of "
                "reusing identical earlier ones.",
            ),
            click.option(
                "--cache-dir",
                type=click.Path(file_okay=False, path_type=Path),
                default=None,
                help="Folder of the render cache [default: $BOARDPAPER_CACHE_DIR, else "
                "$XDG_CACHE_HOME/boardpaper, else ~/.cache/boardpaper].",
            ),
        ]
    ):
        wrapper = option(wrapper)
    return wrapper


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
        unchanged = set(write_atomically(files))
    except OutputError as error:
        click.echo(f"error: {printable(str(error))}; nothing was written", err=True)
        raise click.exceptions.Exit(1) from None
    if announce:
        for path in files:
            click.echo(f"{'unchanged' if path in unchanged else 'wrote'} {printable(str(path))}")
