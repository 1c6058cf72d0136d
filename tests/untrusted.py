"""Helpers for the untrusted-input tests: the corpus, a report builder, and a network guard."""

from __future__ import annotations

import socket
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
MINIMAL = (CORPUS / "minimal.yaml").read_text(encoding="utf-8")
PASSWD_LINE = b"root:x:0:0"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything in this process opens a network connection or looks up a name."""

    def refuse(*args: object, **kwargs: object) -> None:
        pytest.fail(f"a network connection was attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def report_with(**replacements: str) -> str:
    """The minimal corpus report with whole lines replaced: ``title="title: X"`` etc.

    Each keyword names a top-level key; its line ``key: ...`` becomes the given text.
    """
    lines = MINIMAL.splitlines(keepends=True)
    for key, text in replacements.items():
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        lines[index] = text.rstrip("\n") + "\n"
    return "".join(lines)


def table_report(rows: int, columns: int = 3) -> str:
    """The minimal report with one table of ``rows`` rows placed in its introduction."""
    heads = ", ".join(f"Column {c}" for c in range(1, columns + 1))
    body = "".join(
        "      - [" + ", ".join(f"r{r}c{c}" for c in range(1, columns + 1)) + "]\n"
        for r in range(1, rows + 1)
    )
    return MINIMAL.replace(
        "      - An introduction.\n",
        "      - An introduction.\n      - table: big\n",
    ) + (f"tables:\n  big:\n    caption: A big table\n    columns: [{heads}]\n    rows:\n{body}")


def all_pdf_bytes(pdf: bytes) -> bytes:
    """The PDF file and every stream in it, decompressed, joined: what a reader could extract."""
    import pikepdf

    parts = [pdf]
    with pikepdf.open(BytesIO(pdf)) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    parts.append(obj.read_bytes())
                except pikepdf.PdfError:
                    parts.append(obj.read_raw_bytes())
        for name, attachment in document.attachments.items():
            parts.append(name.encode())
            parts.append(attachment.get_file().read_bytes())
    return b"\n".join(parts)


def all_docx_bytes(docx: bytes) -> bytes:
    """The .docx file and every part in its zip, joined."""
    with zipfile.ZipFile(BytesIO(docx)) as archive:
        return b"\n".join([docx, *(archive.read(name) for name in archive.namelist())])
