"""Documents attached to a report or an agenda item: a PDF file's name in, its checked bytes out.

Appendices and minutes come as finished PDF files (exported from Word, or
scanned). boardpaper puts them into the pack as they are, so it only checks
what it must: the file is inside the content folder (no ``..``, no symlink
leading out), within the size and page limits, a PDF that opens, and not
encrypted. The digest goes into the provenance and the build cache, like a data
file's.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from boardpaper.load.yaml_nodes import Limits


class AttachedFileError(Exception):
    """The attached file cannot be used (the message says why, in plain words)."""


@dataclass(frozen=True)
class AttachedPdf:
    """A checked PDF file: its name as written, where it is, its digest and page count."""

    name: str
    display: str
    path: str
    sha256: str
    pages: int

    def read(self) -> bytes:
        """The file's bytes, checked again against the digest taken when it was validated."""
        data = Path(self.path).read_bytes()
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise AttachedFileError(f"{self.display} changed while the pack was being built")
        return data


def read_attached_pdf(folder: Path, name: str, display: str, limits: Limits) -> AttachedPdf:
    """Check the PDF ``name`` beside a report or meeting file in ``folder``."""
    import pikepdf

    if not name.lower().endswith(".pdf"):
        raise AttachedFileError(
            f"expected a .pdf file, found {name!r}; save a Word appendix as PDF "
            "(File > Save As > PDF, with 'Document structure tags for accessibility')"
        )
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise AttachedFileError(f"{name!r} is outside this file's folder; put the file next to it")
    root = folder.resolve()
    target = (folder / relative).resolve()
    if root not in target.parents:
        raise AttachedFileError(
            f"{name!r} leads out of this file's folder (a symlink?); "
            "boardpaper only reads files inside the content folder"
        )
    if not target.is_file():
        raise AttachedFileError(f"file {name!r} not found next to this file")
    try:
        with target.open("rb") as stream:
            data = stream.read(limits.max_attachment_bytes + 1)
    except OSError as error:
        raise AttachedFileError(f"cannot read {display}: {error.strerror}") from None
    if len(data) > limits.max_attachment_bytes:
        raise AttachedFileError(
            f"{display} is over the limit of {limits.max_attachment_bytes:,} bytes"
        )
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise AttachedFileError(f"{display} is encrypted; attach a copy without a password")
            pages = len(pdf.pages)
    except pikepdf.PasswordError:
        raise AttachedFileError(f"{display} needs a password; attach a copy without one") from None
    except pikepdf.PdfError:
        raise AttachedFileError(f"{display} is not a PDF file that can be read") from None
    if pages == 0:
        raise AttachedFileError(f"{display} has no pages")
    if pages > limits.max_attachment_pages:
        raise AttachedFileError(
            f"{display} has {pages:,} pages; the limit is {limits.max_attachment_pages:,}"
        )
    return AttachedPdf(name, display, str(target), hashlib.sha256(data).hexdigest(), pages)
