"""``boardpaper preview``: report paths in, a live page in the browser out (see docs/authoring.md).

Thin click wrapper over ``boardpaper.preview``: build every page, serve them on
127.0.0.1, open the browser, then rebuild on each save until Ctrl-C.
"""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path

import click

from boardpaper.cli.common import templates_option
from boardpaper.cli.safety import limits_options
from boardpaper.load.yaml_nodes import Limits
from boardpaper.preview.server import Entry, Preview, make_server
from boardpaper.preview.watch import changes
from boardpaper.template.library import default_library


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--port",
    default=0,
    type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1 to serve the preview on [default: any free port].",
)
@click.option("--open/--no-open", "open_browser", default=True, help="Open the browser.")
@templates_option
@limits_options
def preview(
    paths: tuple[Path, ...],
    port: int,
    open_browser: bool,
    template_dirs: tuple[Path, ...],
    limits: Limits,
) -> None:
    """Show the papers of PATHS (default: content/) in the browser, updated on every save.

    The page is the paper's HTML laid out like the PDF; when a report has a
    problem, the page lists the problems instead. Stop with Ctrl-C.
    """
    state = Preview(
        list(paths) or [Path("content")], lambda: default_library(list(template_dirs)), limits
    )
    _announce(state.refresh())
    for problem in state.path_problems:
        click.echo(str(problem), err=True)
    try:
        server = make_server(state, port)
    except OSError as error:
        raise click.UsageError(
            f"cannot listen on 127.0.0.1:{port} ({error.strerror}); "
            "choose another --port, or leave it out for any free one"
        ) from None
    url = f"http://127.0.0.1:{server.server_port}/"
    threading.Thread(target=server.serve_forever, name="preview-http", daemon=True).start()
    click.echo(f"Preview of {len(state.entries)} report(s) at {url} (Ctrl-C to stop)")
    if open_browser:
        webbrowser.open(url)
    try:
        for changed in changes(state.paths, state.library.roots):
            _announce(state.refresh(changed))
    except KeyboardInterrupt:
        pass
    finally:
        state.stop()
        server.shutdown()
        server.server_close()
    click.echo("preview stopped")


def _announce(entries: list[Entry]) -> None:
    """One line per rebuilt page: its problems (as located lines), or that it is up to date."""
    for entry in entries:
        for line in [*entry.problems, *entry.warnings]:
            click.echo(str(line), err=True)
        if entry.problems:
            count = len(entry.problems)
            click.echo(
                f"{entry.display}: {count} problem{'s' if count != 1 else ''}; "
                "the preview lists them",
                err=True,
            )
        else:
            click.echo(f"{entry.display}: preview updated ({entry.seconds:.2f} s)")
