"""Byte-for-byte reproducible outputs: same content in, same bytes out.

python-docx writes identical XML run to run, but the zip entries carry the
current time. ``normalise_docx`` rewrites the archive with fixed entry times,
a fixed order and fixed attributes.
"""

from __future__ import annotations

import io
import zipfile

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def normalise_docx(data: bytes) -> bytes:
    """Rewrite a .docx (zip) with fixed timestamps and attributes; returns the new bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    # [Content_Types].xml first, as Office writes it; the rest in a fixed order.
    ordered = sorted(names, key=lambda name: (name != "[Content_Types].xml", name))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            target.writestr(
                info, source.read(name), compress_type=zipfile.ZIP_DEFLATED, compresslevel=6
            )
    return out.getvalue()
