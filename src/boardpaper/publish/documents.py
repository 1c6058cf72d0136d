"""Published files and where items sit in a pack: bytes and PDFs in, described documents out.

A ``Document`` is one file of the site with what a reader needs to choose it
(format, pages, size, publication date) and its sha256 for the record.
``pack_ranges`` reads the pack itself to learn each item's pages, so the site
states exactly what the published PDF holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import posixpath
from dataclasses import dataclass

import pikepdf

from boardpaper.content.model import format_date

FORMAT_LABELS = {"pdf": "PDF", "docx": "Word", "html": "web page", "json": "JSON"}


@dataclass(frozen=True)
class Document:
    """One published file: its path in the site (POSIX, relative to the site's root)."""

    path: str
    data: bytes
    title: str
    format: str
    published: dt.date
    pages: int | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS.get(self.format, self.format.upper())

    @property
    def size_text(self) -> str:
        return size_text(len(self.data))

    @property
    def published_text(self) -> str:
        return format_date(self.published)

    def meta(self) -> str:
        """ "PDF, 5 pages, 112 KB": what a download link says about its file."""
        pages = f"{self.pages} page{'s' if self.pages != 1 else ''}, " if self.pages else ""
        return f"{self.format_label}, {pages}{self.size_text}"


def size_text(size: int) -> str:
    """A file size as people read it: "820 bytes", "112 KB", "1.4 MB" (1 KB = 1000 bytes)."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{round(size / 1000)} KB"
    return f"{size / 1_000_000:.1f} MB"


def pdf_pages(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def pack_ranges(pdf: bytes) -> dict[str, tuple[int, int]]:
    """Each item's pages in a joined pack, from its named destinations ("item-4").

    ``build_pack`` names the first page of every item it includes; an item runs to
    the page before the next one starts (or to the end). Returns anchor -> (first,
    last), 1-based, as printed on the pages.
    """
    with pikepdf.open(io.BytesIO(pdf)) as document:
        numbers: dict[tuple[int, int], int] = {
            page.obj.objgen: index + 1 for index, page in enumerate(document.pages)
        }
        total = len(document.pages)
        names = document.Root.get("/Names")
        dests = names.get("/Dests") if names is not None else None
        starts: dict[str, int] = {}
        if dests is not None:
            for name, dest in pikepdf.NameTree(dests).items():
                if not name.startswith("item-"):
                    continue
                target = dest.get("/D") if isinstance(dest, pikepdf.Dictionary) else dest
                if isinstance(target, pikepdf.Array) and len(target):
                    page: tuple[int, int] = target[0].objgen
                    if page in numbers:
                        starts[name] = numbers[page]
    ordered = sorted(starts.items(), key=lambda pair: pair[1])
    ranges = {}
    for index, (name, first) in enumerate(ordered):
        following = ordered[index + 1][1] if index + 1 < len(ordered) else total + 1
        ranges[name] = (first, max(first, following - 1))
    return ranges


def pages_text(pages: tuple[int, int] | None) -> str:
    """ "Pages 3 - 9" or "Page 10", as the agenda says it; "" for none."""
    if pages is None:
        return ""
    first, last = pages
    return f"Page {first}" if first == last else f"Pages {first} - {last}"
