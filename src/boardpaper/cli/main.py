"""The ``boardpaper`` command: thin click wrappers over the pipeline.

Exit codes: 0 success, 1 content or template problems, 2 usage errors.
Author mistakes are printed as located lines, never as tracebacks.
"""

from __future__ import annotations

import importlib
import signal

import click

from boardpaper import __version__
from boardpaper.cli.build import build, validate

LAZY_COMMANDS = {
    "check": ("boardpaper.cli.check", "check"),
    "deadline": ("boardpaper.cli.pack", "deadline"),
    "inspect": ("boardpaper.cli.provenance", "inspect_command"),
    "new": ("boardpaper.cli.templates", "new"),
    "pack": ("boardpaper.cli.pack", "pack"),
    "preview": ("boardpaper.cli.preview", "preview"),
    "publish": ("boardpaper.cli.publish", "publish"),
    "schema": ("boardpaper.cli.schema", "schema"),
    "serve": ("boardpaper.cli.serve", "serve"),
    "templates": ("boardpaper.cli.templates", "list_templates"),
    "verify": ("boardpaper.cli.provenance", "verify_command"),
}
"""Commands whose modules are imported only when that command runs (or --help lists it)."""


class LazyGroup(click.Group):
    """A click group that imports a command's module when the command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            module, name = LAZY_COMMANDS[cmd_name]
            command: click.Command = getattr(importlib.import_module(module), name)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="boardpaper")
def cli() -> None:
    """Turn council report content written in YAML into Word and PDF committee papers."""


def main() -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as cleanly as on Ctrl-C
    cli(prog_name="boardpaper")


for command in (build, validate):
    cli.add_command(command)
