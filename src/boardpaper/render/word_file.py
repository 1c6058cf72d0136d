"""Bounds on a Word file before anything unpacks it: a path or bytes in, a located error out.

A .docx is a zip: 1.6 MB of it can unpack to gigabytes (a "zip bomb"), and
python-docx reads every part into memory. Python's zipfile never inflates an
entry past the size its directory declares (it stops there and checks the
CRC), so the declared sizes and the entry count bound the work, and are read
without inflating anything.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from boardpaper.errors import Problem, TemplateError

MAX_TEMPLATE_UNPACKED = 64 * 1024 * 1024
"""A Word template (front sheet, styles, a logo or two) unpacks to a few MB; 64 MB at most."""

MAX_PAPER_UNPACKED = 512 * 1024 * 1024
"""A paper built from the largest report allowed unpacks to well under this."""

MAX_PARTS = 1000
"""Parts (zip entries) of any Word file: templates and papers have a few dozen."""


class WordFileTooLarge(ValueError):
    """A Word file that unpacks beyond the limits (or is no zip at all)."""


def word_file_problem(
    source: Path | bytes, max_unpacked: int = MAX_TEMPLATE_UNPACKED
) -> str | None:
    """Why ``source`` may not be opened as a Word file, or None when it is within the limits."""
    try:
        stream = io.BytesIO(source) if isinstance(source, bytes) else source
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
    except (OSError, zipfile.BadZipFile) as error:
        return f"not a Word (.docx) file: {error}"
    if len(entries) > MAX_PARTS:
        return f"holds {len(entries):,} parts; a Word file may hold at most {MAX_PARTS:,}"
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > max_unpacked:
        return (
            f"unpacks to {unpacked / 1e6:,.0f} MB; a Word file here may unpack to at most "
            f"{max_unpacked / 1e6:,.0f} MB (remove large images or embedded files)"
        )
    return None


def check_word_file(path: Path, display: str) -> None:
    """Raise TemplateError (located at ``display``) when a Word template is over the limits."""
    problem = word_file_problem(path)
    if problem is not None:
        raise TemplateError([Problem(display, None, None, "", problem)])


def check_word_bytes(data: bytes, max_unpacked: int = MAX_PAPER_UNPACKED) -> None:
    """Raise WordFileTooLarge when .docx bytes (a paper to inspect) are over the limits."""
    problem = word_file_problem(data, max_unpacked)
    if problem is not None:
        raise WordFileTooLarge(problem)
