"""The ``boardpaper`` command: thin click wrappers over the pipeline.

Exit codes: 0 success, 1 content or template problems, 2 usage errors.
Author mistakes are printed as located lines, never as tracebacks.
"""

from __future__ import annotations

import signal

import click

from boardpaper import __version__
from boardpaper.cli.build import build, schema, validate
from boardpaper.cli.check import check
from boardpaper.cli.pack import deadline, pack
from boardpaper.cli.provenance import inspect_command, verify_command
from boardpaper.cli.publish import publish
from boardpaper.cli.serve import serve
from boardpaper.cli.templates import list_templates, new


@click.group()
@click.version_option(__version__, prog_name="boardpaper")
def cli() -> None:
    """Turn council report content written in YAML into Word and PDF committee papers."""


def main() -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as cleanly as on Ctrl-C
    cli(prog_name="boardpaper")


for command in (
    build,
    validate,
    schema,
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
