"""The render cache: what decides a paper's bytes in, the bytes rendered last time out.

A paper's bytes depend only on its content, its template's files (inherited ones
included: ``Template.files_hash``), boardpaper's version, the Python packages and
native libraries that lay it out, and the fonts installed (reproducible builds make
that list complete). The cache key is a sha256 over all of them, so an entry is used
only when rendering again would give the same bytes:

* content: the report text (its ``content_sha256`` is written inside the paper) and the
  sha256 of each data file (CSV, XLSX) it read;
* template: name and ``files_hash``;
* environment: boardpaper (its version and the bytes of its Python files), every Python
  package it runs on, Python, Pango, HarfBuzz, fontconfig, zlib, libxml2, qpdf, and the
  state of the font folders and fontconfig's configuration (each directory's
  modification time: what fontconfig itself uses to notice new fonts). An entry also
  records the size and time of each font file the PDF used, and is not used if one
  changed.

Entries live in a folder (``default_cache_dir``: ``$BOARDPAPER_CACHE_DIR``, else
``$XDG_CACHE_HOME/boardpaper``, else ``~/.cache/boardpaper``), safe to share between
processes and machines (a directory on shared storage): every file is written to a
temporary name and renamed, blobs are named by their sha256 and checked when read.
Nothing in it is executed or unpickled: entries are JSON and raw bytes. The folder is
kept under ``max_bytes`` by removing the least recently used entries.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from boardpaper import __version__
from boardpaper.cachedir import default_cache_dir
from boardpaper.fingerprints import font_folders_state, package_digest, sha256_json
from boardpaper.output import replace_file

if TYPE_CHECKING:
    from boardpaper.render.environment import FontUse

DEFAULT_MAX_BYTES = 1 << 30
"""1 GiB: about 2,000 typical papers in both formats."""

CACHE_FORMAT = 1

PRUNE_EVERY = 64
"""A long-lived cache user (the service) prunes after this many new papers."""


@dataclass(frozen=True)
class CachedPaper:
    """A paper's files (format -> bytes) and the fonts its PDF embeds."""

    files: dict[str, bytes]
    fonts: tuple[FontUse, ...]


@cache
def environment_fingerprint() -> str:
    """sha256 of everything besides content and template that decides a paper's bytes."""
    from boardpaper.render.environment import native_libraries, python_packages

    record = {
        "boardpaper": __version__,
        "code": package_digest(),
        "cache_format": CACHE_FORMAT,
        "packages": python_packages(),
        "libraries": native_libraries(),
        "fonts": font_folders_state(),
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
    }
    return sha256_json(record)


def paper_key(
    content: str,
    template_name: str,
    template_hash: str,
    formats: tuple[str, ...],
    data_files: tuple[tuple[str, str], ...] = (),
) -> str:
    """The cache key of one paper rendered to ``formats``.

    ``data_files`` are the (name, sha256) of the CSV/XLSX files the report read.
    """
    return sha256_json(
        {
            "environment": environment_fingerprint(),
            "content": hashlib.sha256(content.encode()).hexdigest(),
            "data_files": [list(pair) for pair in data_files],
            "template": template_name,
            "template_sha256": template_hash,
            "formats": sorted(formats),
        }
    )


class RenderCache:
    """A folder of rendered papers, looked up by ``paper_key``."""

    def __init__(self, folder: Path | None = None, max_bytes: int = DEFAULT_MAX_BYTES):
        self.folder = folder or default_cache_dir()
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0
        self.stored = 0

    def _entry_path(self, key: str) -> Path:
        return self.folder / "entries" / key[:2] / f"{key}.json"

    def _blob_path(self, digest: str) -> Path:
        return self.folder / "blobs" / digest[:2] / digest

    def get(self, key: str) -> CachedPaper | None:
        """The paper stored under ``key``, or None (absent, damaged, or a font changed)."""
        found = self._read(key)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def _read(self, key: str) -> CachedPaper | None:
        entry_path = self._entry_path(key)
        try:
            entry = json.loads(entry_path.read_text(encoding="utf-8"))
            files = {}
            for fmt, digest in entry["files"].items():
                data = self._blob_path(digest).read_bytes()
                if hashlib.sha256(data).hexdigest() != digest:
                    return None
                files[fmt] = data
            from boardpaper.render.environment import FontUse

            fonts = tuple(FontUse(**font) for font in entry["fonts"])
            for path, size, mtime in entry["font_files"]:
                status = os.stat(path)
                if (status.st_size, status.st_mtime_ns) != (size, mtime):
                    return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        with contextlib.suppress(OSError):
            os.utime(entry_path)  # recently used: kept longest
        return CachedPaper(files, fonts)

    def put(self, key: str, paper: CachedPaper) -> None:
        """Store a paper (best effort: a cache that cannot be written is only slower)."""
        try:
            digests = {}
            for fmt, data in paper.files.items():
                digest = hashlib.sha256(data).hexdigest()
                blob = self._blob_path(digest)
                if not blob.is_file():
                    replace_file(blob, data)
                digests[fmt] = digest
            font_files = []
            for font in paper.fonts:
                if font.file:
                    status = os.stat(font.file)
                    font_files.append([font.file, status.st_size, status.st_mtime_ns])
            entry = {
                "files": digests,
                "fonts": [dataclasses.asdict(font) for font in paper.fonts],
                "font_files": font_files,
            }
            replace_file(self._entry_path(key), json.dumps(entry, sort_keys=True).encode())
        except OSError:
            return
        self.stored += 1
        if self.stored % PRUNE_EVERY == 0:  # a long-running service stays within its bound
            self.prune()

    def prune(self) -> None:
        """Remove the least recently used entries (and blobs no entry needs) past ``max_bytes``.

        The build records of ``rebuild_record`` (``builds/``) count as entries without blobs.
        """
        try:
            entry_files = [
                *(self.folder / "entries").rglob("*.json"),
                *(self.folder / "builds").glob("*.json"),
            ]
            entries = sorted((path.stat().st_mtime_ns, path) for path in entry_files)
            blob_files = (self.folder / "blobs").rglob("*")
            blobs = {path.name: path for path in blob_files if path.is_file()}
        except OSError:
            return
        sizes = {name: _size(path) for name, path in blobs.items()}
        total = sum(sizes.values()) + sum(_size(path) for _, path in entries)
        if total <= self.max_bytes:
            return
        needed: dict[str, int] = {}
        uses: dict[Path, list[str]] = {}
        for _, path in entries:
            try:
                digests = list(json.loads(path.read_text(encoding="utf-8"))["files"].values())
            except (OSError, ValueError, KeyError, AttributeError):
                digests = []
            uses[path] = digests
            for digest in digests:
                needed[digest] = needed.get(digest, 0) + 1
        for name in [name for name in blobs if name not in needed]:
            total -= sizes[name]
            with contextlib.suppress(OSError):
                blobs[name].unlink()
        for _, path in entries:  # oldest first
            if total <= self.max_bytes:
                break
            total -= _size(path)
            with contextlib.suppress(OSError):
                path.unlink()
            for digest in uses[path]:
                needed[digest] -= 1
                if needed[digest] == 0 and digest in blobs:
                    total -= sizes[digest]
                    with contextlib.suppress(OSError):
                        blobs[digest].unlink()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
