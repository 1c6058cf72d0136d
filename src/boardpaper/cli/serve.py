"""The ``boardpaper serve`` command: run the HTTP service (see docs/service.md)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    help="Render worker processes (default: one per CPU core).",
)
@click.option(
    "--queue",
    default=32,
    show_default=True,
    type=click.IntRange(0, 10_000),
    help="Renders that may wait for a free worker; beyond that the service answers 503.",
)
@click.option(
    "--max-body",
    "max_body_bytes",
    default=1_000_000,
    show_default=True,
    type=click.IntRange(1),
    help="Largest request body accepted, in bytes (413 above it).",
)
@click.option(
    "--timeout",
    "render_timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0.01),
    help="Seconds a render may take before it is stopped (504).",
)
@click.option(
    "--recycle-after",
    default=50,
    show_default=True,
    type=click.IntRange(0),
    help="Replace a render worker with a fresh one after this many renders (0: never).",
)
@click.option(
    "--templates",
    "template_dirs",
    type=click.Path(file_okay=False, path_type=Path),
    multiple=True,
    help="A folder of template folders, searched before ./templates and the built-in ones.",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Render cache folder, may be shared by replicas [default: $BOARDPAPER_CACHE_DIR, else "
    "$XDG_CACHE_HOME/boardpaper, else ~/.cache/boardpaper].",
)
@click.option("--no-cache", is_flag=True, help="Render every request, even repeated ones.")
@click.option(
    "--log-format",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="Log lines on stderr: JSON objects (for log collectors) or plain text.",
)
def serve(
    host: str,
    port: int,
    workers: int | None,
    queue: int,
    max_body_bytes: int,
    render_timeout: float,
    recycle_after: int,
    template_dirs: tuple[Path, ...],
    cache_dir: Path | None,
    no_cache: bool,
    log_format: str,
) -> None:
    """Serve the render and validate API and the authors' web page.

    Set BOARDPAPER_TOKEN to require 'Authorization: Bearer <token>' on the API.
    """
    from boardpaper.cachedir import default_cache_dir

    try:
        from boardpaper.service.app import serve as run
        from boardpaper.service.config import ServiceConfig
    except ImportError as error:
        raise click.ClickException(
            f"the service needs packages that are not installed ({error.name}): "
            "install them with  pip install 'boardpaper[serve]'"
        ) from None

    workers = workers or os.cpu_count() or 1
    token = os.environ.get("BOARDPAPER_TOKEN") or None
    if not token and not _is_loopback(host):
        click.echo(
            f"warning: listening on {host} without BOARDPAPER_TOKEN: "
            "anyone who can reach this address can use the API",
            err=True,
        )
    config = ServiceConfig(
        workers=workers,
        queue=queue,
        max_body_bytes=max_body_bytes,
        render_timeout=render_timeout,
        recycle_after=recycle_after,
        token=token,
        template_dirs=list(template_dirs),
        cache_dir=None if no_cache else (cache_dir or default_cache_dir()),
    )
    run(config, host, port, log_format)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
