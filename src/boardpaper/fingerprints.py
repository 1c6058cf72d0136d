"""Cheap fingerprints of what, besides the files a build reads, decides a paper's bytes.

``font_folders_state``: the font and fontconfig folders' modification times (what
fontconfig itself watches); ``package_digest``: the bytes of boardpaper's own Python
files; ``sha256_json``: a key made of plain data. Used by the render cache's key
(``render.cache``) and the build record (``rebuild_record``); standard library only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent

FONT_ROOTS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.fonts",
    "~/.local/share/fonts",
    "/etc/fonts",
)
"""Where fonts and fontconfig's configuration live (what fontconfig watches)."""


def sha256_json(value: Any) -> str:
    """sha256 (hex) of ``value`` as JSON with sorted keys: a key for plain data."""
    return hashlib.sha256(
        json.dumps(value, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def font_folders_state() -> list[tuple[str, int]]:
    """Each font or fontconfig folder and its modification time (ns), sorted; for the files
    of ``/etc/fonts`` too (configuration changes in place)."""
    state: list[tuple[str, int]] = []
    for root in FONT_ROOTS:
        top = Path(root).expanduser()
        if not top.is_dir():
            continue
        for folder, _, files in os.walk(top):
            with contextlib.suppress(OSError):
                state.append((folder, os.stat(folder).st_mtime_ns))
            if root == "/etc/fonts":
                for name in files:
                    with contextlib.suppress(OSError):
                        state.append((f"{folder}/{name}", os.stat(f"{folder}/{name}").st_mtime_ns))
    return sorted(state)


@cache
def package_digest() -> str:
    """sha256 over the names and bytes of boardpaper's Python files, once per process: the
    code that made a paper, for keys that must change when it does even if the version
    number does not (a development checkout, an unreleased commit). Template files count
    through ``Template.files_hash``."""
    digest = hashlib.sha256()
    for path in package_files():
        if path.endswith(".py"):
            digest.update(os.path.relpath(path, _PACKAGE).encode() + b"\0")
            with contextlib.suppress(OSError), open(path, "rb") as stream:
                digest.update(hashlib.file_digest(stream, "sha256").digest())
    return digest.hexdigest()


def package_files() -> list[str]:
    """Every file of boardpaper's package (bytecode caches left out), sorted."""
    found: list[str] = []
    for folder, folders, files in os.walk(_PACKAGE):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        found.extend(os.path.join(folder, name) for name in sorted(files))
    return found
