"""Documents attached to a report or an agenda item: a file's name in, its checked PDF out.

Appendices and minutes come as finished PDF files (exported from Word, or
scanned), or as Word files (.docx), which LibreOffice converts to a tagged PDF
(``load.convert``). boardpaper puts the PDF into the pack as it is, so it only
checks what it must: the file is inside the content folder (no ``..``, no symlink
leading out), within the size and page limits, a PDF that opens, and not
encrypted. The digest of the file as written (the .docx for a Word appendix) goes
into the provenance and the build cache, like a data file's.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from boardpaper.load.yaml_nodes import Limits

ATTACHABLE = r"[^\n]+\.([pP][dD][fF]|[dD][oO][cC][xX])"
"""The file names ``attachments:`` and ``document:`` take: a PDF or a Word (.docx) file."""


class AttachedFileError(Exception):
    """The attached file cannot be used (the message says why, in plain words)."""


@dataclass(frozen=True)
class AttachedPdf:
    """A checked attached file: its name as written, where it is, its digest and page count.

    ``sha256`` is the digest of the file as written (a .docx for a Word appendix);
    ``converted_by`` names the converter (``LibreOffice 7.4.7.2 ...``) when the PDF
    was made from a Word file, whose PDF is then held in ``converted``.
    """

    name: str
    display: str
    path: str
    sha256: str
    pages: int
    converted_by: str | None = None
    converted: bytes | None = field(default=None, repr=False, compare=False)

    def read(self) -> bytes:
        """The PDF's bytes, the file checked again against the digest taken when validated."""
        data = Path(self.path).read_bytes()
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise AttachedFileError(f"{self.display} changed while the pack was being built")
        return self.converted if self.converted is not None else data


def read_attached_pdf(folder: Path, name: str, display: str, limits: Limits) -> AttachedPdf:
    """Check the PDF (or .docx, converted to PDF) ``name`` beside a report or meeting file."""
    import pikepdf

    word = name.lower().endswith(".docx")
    if not (word or name.lower().endswith(".pdf")):
        raise AttachedFileError(
            f"expected a .pdf or .docx file, found {name!r}; save the appendix as PDF "
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
    digest = hashlib.sha256(data).hexdigest()
    converted_by = None
    converted = None
    if word:
        from boardpaper.load.convert import ConversionError, docx_to_pdf

        try:
            converted, converted_by = docx_to_pdf(data, display, limits)
        except ConversionError as error:
            raise AttachedFileError(str(error)) from None
        if len(converted) > limits.max_attachment_bytes:
            raise AttachedFileError(
                f"{display} converted to PDF is over the limit of "
                f"{limits.max_attachment_bytes:,} bytes"
            )
        data = converted
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
    return AttachedPdf(name, display, str(target), digest, pages, converted_by, converted)
