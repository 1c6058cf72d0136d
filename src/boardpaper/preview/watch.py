"""Saves to watch: report paths and template folders in, batches of changed files out.

``boardpaper preview`` and ``boardpaper build --watch`` both wait here. watchfiles
(Rust's notify underneath) reports a save within milliseconds; a batch is yielded
once no further change has come for ``STEP_MS``, so an editor that writes a file
in several steps (temporary file, rename) causes one rebuild, not three.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

STEP_MS = 30
"""Quiet time that ends a batch of changes."""

WATCHED_SUFFIXES = {".yaml", ".yml", ".html", ".css", ".docx", ".png", ".jpg", ".svg", ".ttf"}
"""Files whose change can change a paper: content, template manifests, layouts, assets."""


def watched_folders(paths: list[Path], template_roots: list[Path]) -> list[Path]:
    """The folders to watch: each folder given, the folder of each file given, template roots.

    A file's folder rather than the file: many editors save by writing a new
    file and renaming it over the old one, which a watch on the file itself loses.
    """
    folders: list[Path] = []
    for path in [*paths, *template_roots]:
        folder = (path if path.is_dir() else path.parent).resolve()
        if folder.is_dir() and not any(
            folder == seen or seen in folder.parents for seen in folders
        ):
            folders = [seen for seen in folders if folder not in seen.parents]
            folders.append(folder)
    return folders


def changes(
    paths: list[Path], template_roots: list[Path], stop: threading.Event | None = None
) -> Iterator[set[Path]]:
    """Yield the set of changed files (resolved) after each save, until ``stop`` is set."""
    import watchfiles

    ignored = watchfiles.DefaultFilter()

    def relevant(change: watchfiles.Change, name: str) -> bool:
        return Path(name).suffix.lower() in WATCHED_SUFFIXES and ignored(change, name)

    for batch in watchfiles.watch(
        *watched_folders(paths, template_roots),
        watch_filter=relevant,
        step=STEP_MS,
        debounce=400,
        stop_event=stop,
        raise_interrupt=True,
    ):
        yield {Path(name).resolve() for _change, name in batch}
