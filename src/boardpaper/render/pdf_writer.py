"""Write a PDF object by object: objects of other PDFs (opened with pikepdf) in, a file out.

QPDF (behind pikepdf) keeps a whole document in memory until it is saved, so joining
a pack with it held every part's copied objects at once: the joining process grew by
about 0.17 MiB per page (76 MiB before the first part, 166 MiB for a 529-page pack).
``PdfWriter`` writes each object to the file as soon as it is made and keeps only its
offset (8 bytes); ``Copier`` copies the objects of one open PDF, renumbered, each
indirect object once, so a part can be closed as soon as it is copied.

The file is a classic PDF (no object or cross-reference streams); its /ID is the MD5
of everything written before the cross-reference table, so the same objects give the
same bytes.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections import deque
from decimal import Decimal
from typing import Any, BinaryIO

import pikepdf


class PdfWriter:
    """A PDF being written to ``target``, a binary file open for writing.

    ``reserve`` a number for an object (to refer to it before it is written), then
    ``write`` it once; ``add`` does both. ``finish`` writes the cross-reference table
    and the trailer; every reserved number must have been written by then.
    """

    def __init__(self, target: BinaryIO, version: str = "1.7") -> None:
        self._target = target
        self._offsets = array("q", [0])  # by object number; -1: reserved, not yet written
        self._position = 0
        self._digest = hashlib.md5(usedforsecurity=False)
        self._emit(b"%PDF-" + version.encode("ascii") + b"\n%\xbf\xf7\xa2\xfe\n")

    def reserve(self) -> int:
        """A new object number, to be written later."""
        self._offsets.append(-1)
        return len(self._offsets) - 1

    def write(self, number: int, body: bytes) -> None:
        """Write object ``number`` (reserved, not yet written) with ``body``, its PDF syntax."""
        if self._offsets[number] != -1:
            raise ValueError(f"PDF object {number} is not reserved or already written")
        self._offsets[number] = self._position
        self._emit(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def add(self, body: bytes) -> int:
        """Write a new object with ``body``; returns its number."""
        number = self.reserve()
        self.write(number, body)
        return number

    def finish(self, root: int, info: int | None = None) -> None:
        """Write the cross-reference table and the trailer (catalog ``root``, ``info``)."""
        missing = [number for number, offset in enumerate(self._offsets) if offset == -1]
        if missing:
            raise ValueError(f"PDF objects reserved but never written: {missing[:5]}")
        identifier = self._digest.hexdigest().encode("ascii")
        start = self._position
        self._emit(b"xref\n0 %d\n0000000000 65535 f \n" % len(self._offsets))
        for offset in self._offsets[1:]:
            self._emit(b"%010d 00000 n \n" % offset)
        trailer = b"trailer\n<< /Size %d /Root %d 0 R" % (len(self._offsets), root)
        if info is not None:
            trailer += b" /Info %d 0 R" % info
        trailer += b" /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n" % (
            identifier,
            identifier,
            start,
        )
        self._emit(trailer)

    def _emit(self, data: bytes) -> None:
        self._target.write(data)
        self._digest.update(data)
        self._position += len(data)


class Copier:
    """Copies objects of one open PDF, ``source``, into a ``PdfWriter``, renumbered, each once.

    ``number(obj)`` gives an indirect object of the source its number in the new file
    (copying it, and what it refers to, at the next ``flush``); ``value(v)`` gives a
    direct value's PDF syntax, its references renumbered. ``stand_in`` makes an object
    of the source that stands for an object of the new file (a parent written later).
    Change the source's objects before ``flush``: they are copied as they are then.

    Objects are written as QPDF writes them (``unparse``), their references renumbered:
    walking every value in Python took 3 times as long.
    """

    def __init__(self, writer: PdfWriter, source: pikepdf.Pdf) -> None:
        self._writer = writer
        self._source = source
        self._numbers: dict[tuple[int, int], int] = {}
        self._pending: deque[tuple[int, int]] = deque()

    def number(self, obj: pikepdf.Object) -> int:
        """The new number of the source's indirect object ``obj``."""
        return self._number_of(obj.objgen)

    def alias(self, obj: pikepdf.Object, number: int) -> None:
        """Refer to the new file's object ``number`` wherever the source refers to ``obj``
        (which is not copied)."""
        self._numbers[obj.objgen] = number

    def stand_in(self, number: int) -> pikepdf.Object:
        """A new (empty) object of the source that is copied as a reference to ``number``."""
        placeholder = self._source.make_indirect(pikepdf.Dictionary())
        self.alias(placeholder, number)
        return placeholder

    def value(self, value: Any) -> bytes:
        """PDF syntax of ``value`` (a reference if it is an indirect object)."""
        if isinstance(value, pikepdf.Object):
            if value.is_indirect:
                return b"%d 0 R" % self.number(value)
            return self._renumbered(bytes(value.unparse()))
        if isinstance(value, bool):
            return b"true" if value else b"false"
        if isinstance(value, int):
            return b"%d" % value
        if isinstance(value, Decimal | float):
            return pdf_real(Decimal(repr(value)) if isinstance(value, float) else value)
        if value is None:
            return b"null"
        raise TypeError(f"not a PDF value: {value!r}")

    def add_stream(self, entries: bytes, data: bytes) -> int:
        """Write a new stream object: dictionary ``entries`` (PDF syntax, no /Length) and
        ``data`` as it is to be stored; returns its number."""
        return self._writer.add(_stream(entries, data))

    def page_as_form(self, page: pikepdf.Dictionary) -> int:
        """Write the source's ``page`` as a form XObject (what pikepdf's ``as_form_xobject``
        makes for a page without /Rotate or /UserUnit, which WeasyPrint never writes);
        returns its number. Not ``as_form_xobject``: that makes each form in the open
        source (a 960-page join peaked 4 MiB higher) and stores its content uncompressed
        (the pack 0.8% larger)."""
        box = next(page[key] for key in ("/TrimBox", "/CropBox", "/MediaBox") if key in page)
        entries = b"/Type /XObject /Subtype /Form /BBox " + self.value(box)
        for key in ("/Resources", "/Group"):
            if key in page:
                entries += b" " + key.encode("ascii") + b" " + self.value(page[key])
        contents = page.get("/Contents")
        if isinstance(contents, pikepdf.Stream):
            data = contents.read_raw_bytes()  # kept compressed, as it is stored
            for key in ("/Filter", "/DecodeParms"):
                if key in contents.stream_dict:
                    entries += b" " + key.encode("ascii") + b" "
                    entries += self.value(contents.stream_dict[key])
        else:
            streams = list(contents) if isinstance(contents, pikepdf.Array) else []
            data = b"\n".join(bytes(stream.read_bytes()) for stream in streams)
        return self.add_stream(entries, data)

    def flush(self) -> None:
        """Write every object numbered so far, and what they refer to."""
        while self._pending:
            objgen = self._pending.popleft()
            obj = self._source.get_object(objgen)
            if isinstance(obj, pikepdf.Stream):
                entries = _LENGTH.sub(b"", bytes(obj.stream_dict.unparse()))
                body = _stream(self._renumbered(entries[2:-2]), obj.read_raw_bytes())
            else:
                body = self._renumbered(bytes(obj.unparse(resolved=True)))
            self._writer.write(self._numbers[objgen], body)

    def _number_of(self, objgen: tuple[int, int]) -> int:
        found = self._numbers.get(objgen)
        if found is None:
            found = self._numbers[objgen] = self._writer.reserve()
            self._pending.append(objgen)
        return found

    def _renumbered(self, syntax: bytes) -> bytes:
        def replace(match: re.Match[bytes]) -> bytes:
            if match.group(1) is None:  # a string: kept as it is
                return match.group(0)
            return b"%d 0 R" % self._number_of((int(match.group(1)), int(match.group(2))))

        return _TOKENS.sub(replace, syntax)


_TOKENS = re.compile(
    rb"\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f\s]*>|(?<![\w.#/+-])(\d+) (\d+) R(?![\w#])", re.S
)
"""A literal string (QPDF escapes its parentheses), a hex string, or a reference "12 0 R"."""
_LENGTH = re.compile(rb" /Length (?:\d+ \d+ R|\d+)(?=[\s/>])")
"""A stream dictionary's /Length, which the copy writes afresh."""


def _stream(entries: bytes, data: bytes) -> bytes:
    return b"<<%s /Length %d >>\nstream\n%s\nendstream" % (entries, len(data), data)


def pdf_real(value: Decimal) -> bytes:
    """A PDF real: plain digits, never an exponent."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return (text if text not in ("", "-") else "0").encode("ascii")


def literal(value: str | bytes) -> bytes:
    """PDF syntax of a text string (``str``) or of raw string bytes."""
    return bytes(pikepdf.String(value).unparse())
