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
    target, data = _read_inside(folder, name, display, limits.max_attachment_bytes)
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


def _read_inside(folder: Path, name: str, display: str, limit: int) -> tuple[Path, bytes]:
    """The file ``name`` inside ``folder`` (no ``..``, no symlink leading out) and its bytes,
    at most ``limit`` of them; AttachedFileError says in plain words why not."""
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
            data = stream.read(limit + 1)
    except OSError as error:
        raise AttachedFileError(f"cannot read {display}: {error.strerror}") from None
    if len(data) > limit:
        raise AttachedFileError(f"{display} is over the limit of {limit:,} bytes")
    return target, data


@dataclass(frozen=True)
class AttachedPicture:
    """A checked PNG or JPEG file (a signature): its name as written, bytes and pixel size."""

    name: str
    display: str
    media_type: str
    data: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


PICTURE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
MAX_PICTURE_PIXELS = 25_000_000
"""A signature is a few hundred pixels across; this refuses decompression bombs."""


def read_attached_picture(folder: Path, name: str, display: str, limits: Limits) -> AttachedPicture:
    """Check the picture ``name`` beside a meeting file in ``folder``: a PNG or JPEG that opens."""
    from PIL import Image

    _, data = _read_inside(folder, name, display, limits.max_attachment_bytes)
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            width, height = image.size
            if kind in PICTURE_FORMATS and width * height <= MAX_PICTURE_PIXELS:
                image.verify()
    except Exception:  # Pillow raises many kinds for a damaged or foreign file
        raise AttachedFileError(f"{display} is not a picture that can be read") from None
    if kind not in PICTURE_FORMATS:
        raise AttachedFileError(f"{display} is a {kind} picture; use a PNG or JPEG file")
    if width * height > MAX_PICTURE_PIXELS:
        raise AttachedFileError(
            f"{display} is {width:,} x {height:,} pixels; the limit is "
            f"{MAX_PICTURE_PIXELS:,} pixels (a signature needs a few hundred across)"
        )
    return AttachedPicture(name, display, PICTURE_FORMATS[kind], data, width, height)
