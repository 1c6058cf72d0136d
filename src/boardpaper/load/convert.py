"""A Word appendix (.docx) to PDF: the file's bytes in, a tagged PDF's bytes out, or a plain error.

Councils write many appendices in Word. boardpaper does not lay a .docx out
itself: LibreOffice does (``soffice --headless --convert-to pdf``), the only
free program that reads Word files faithfully, exporting a tagged PDF (PDF/UA).
It is run as an untrusted-file converter:

* on a copy of the file inside a fresh temporary folder, with a throwaway user
  profile in that folder (never the user's own LibreOffice settings), whose
  settings refuse links to anything outside the document
  (``BlockUntrustedRefererLinks``: a .docx can link a picture to
  ``file:///etc/...`` or a web address, and LibreOffice would read it), and macros;
* without a network where the system lets a process have its own empty network
  (``unshare --net``, tried once); a minimal environment (no proxy variables);
* for at most ``CONVERT_TIMEOUT`` seconds, the whole process group killed after;
* only after the .docx is checked to unpack within ``Limits.max_unpacked_bytes``.

LibreOffice's PDF carries the time of the conversion (Info ``/CreationDate``, XMP
``xmp:CreateDate``) and a random ``/ID``; everything else is the same on every run
with the same LibreOffice and fonts. ``normalise_pdf`` removes the dates and gives
the file a deterministic ID, so a build is reproducible. Conversions are also kept
in a cache folder (``conversions/`` in the render cache's folder), keyed by the
.docx's sha256, the LibreOffice version and the export options: a report is
validated often (``validate``, ``preview`` on every save) and LibreOffice takes
seconds to start.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from functools import cache
from pathlib import Path

from boardpaper.cachedir import default_cache_dir
from boardpaper.load.limits import Limits
from boardpaper.output import replace_file

CONVERT_TIMEOUT = 120.0
"""Seconds one conversion may take (LibreOffice's own start-up is 2-4 s)."""

EXPORT_OPTIONS = {
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "PDFUACompliance": {"type": "boolean", "value": "true"},
    "ExportNotes": {"type": "boolean", "value": "false"},
    "ExportBookmarks": {"type": "boolean", "value": "true"},
}
"""LibreOffice's PDF export options (writer_pdf_Export, as JSON: LibreOffice 7.4 and later)."""

NORMALISE_VERSION = 1
"""Part of the conversion cache key: raise it when ``normalise_pdf`` changes its output."""

PROFILE_SETTINGS = """\
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">\
<prop oor:name="UseDocumentSystemFileLocking" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""
"""The throwaway profile's settings: no links out of the document, no macros."""


class ConversionError(Exception):
    """The .docx could not be converted (the message says why and what to do)."""


_cache_folder: Path | None = None
_cache_enabled = True


def set_conversion_cache(folder: Path | None, enabled: bool = True) -> None:
    """Keep conversions in ``folder`` (None: the default cache folder), or nowhere."""
    global _cache_folder, _cache_enabled
    _cache_folder, _cache_enabled = folder, enabled


def conversion_cache_folder() -> Path | None:
    """Where converted PDFs are kept, or None when the cache is off."""
    if not _cache_enabled:
        return None
    return (_cache_folder or default_cache_dir()) / "conversions"


def libreoffice_program() -> str | None:
    """The path of LibreOffice's ``soffice`` (or ``libreoffice``) on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@cache
def libreoffice_version(program: str) -> str:
    """``soffice --version``'s line (e.g. ``LibreOffice 7.4.7.2 40(Build:2)``), or ``unknown``."""
    try:
        found = subprocess.run(
            [program, "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env=_environment(Path(tempfile.gettempdir())),
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    line = next((line.strip() for line in found.splitlines() if "Office" in line), "")
    return line or "unknown"


def converter_name() -> str | None:
    """The converter a .docx would go through here (``LibreOffice 7.4.7.2 ...``), or None."""
    program = libreoffice_program()
    return libreoffice_version(program) if program else None


def docx_to_pdf(data: bytes, display: str, limits: Limits) -> tuple[bytes, str]:
    """Convert a .docx's bytes to normalised tagged PDF bytes; returns (pdf, converter).

    Raises ConversionError with one plain sentence (LibreOffice missing, a file that
    is not a Word document, too large unpacked, too slow, no PDF made).
    """
    _check_package(data, display, limits)
    program = libreoffice_program()
    if program is None:
        raise ConversionError(
            f"{display} is a Word file, and converting it needs LibreOffice, which is not "
            "installed here; save the appendix as PDF (File > Save As > PDF, with "
            "'Document structure tags for accessibility') and attach the .pdf, "
            "or install LibreOffice (Debian: apt-get install libreoffice-writer-nogui)"
        )
    version = libreoffice_version(program)
    key = _cache_key(data, version)
    cached = _cached(key)
    if cached is not None:
        return cached, version
    pdf = normalise_pdf(_run_libreoffice(program, data, display))
    _store(key, pdf)
    return pdf, version


def _check_package(data: bytes, display: str, limits: Limits) -> None:
    """A .docx is a zip holding word/document.xml; refuse others, and zip bombs, early."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
            names = {entry.filename for entry in entries}
            unpacked = sum(entry.file_size for entry in entries)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ConversionError(
            f"{display} is not a Word (.docx) file that can be read; "
            "open it in Word and save it again as .docx, or as PDF"
        ) from None
    if "word/document.xml" not in names:
        raise ConversionError(
            f"{display} is not a Word document (.docx) inside; save it from Word as .docx or PDF"
        )
    if unpacked > limits.max_unpacked_bytes:
        raise ConversionError(
            f"{display} unpacks to {unpacked:,} bytes; the limit is {limits.max_unpacked_bytes:,}"
        )


def _cache_key(data: bytes, version: str) -> str:
    record = {
        "docx": hashlib.sha256(data).hexdigest(),
        "converter": version,
        "options": EXPORT_OPTIONS,
        "normalise": NORMALISE_VERSION,
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def _cached(key: str) -> bytes | None:
    """The PDF kept under ``key`` if it is whole (its name ends with its own sha256)."""
    folder = conversion_cache_folder()
    if folder is None:
        return None
    try:
        for path in (folder / key[:2]).glob(f"{key}-*.pdf"):
            data = path.read_bytes()
            if path.stem.endswith(hashlib.sha256(data).hexdigest()):
                with contextlib.suppress(OSError):
                    os.utime(path)
                return data
    except OSError:
        return None
    return None


def _store(key: str, pdf: bytes) -> None:
    """Keep a conversion (best effort: a cache that cannot be written is only slower)."""
    folder = conversion_cache_folder()
    if folder is None:
        return
    target = folder / key[:2] / f"{key}-{hashlib.sha256(pdf).hexdigest()}.pdf"
    with contextlib.suppress(OSError):
        replace_file(target, pdf)


def _environment(home: Path) -> dict[str, str]:
    """A small environment: no proxy settings or credentials reach LibreOffice."""
    keep = ("PATH", "LANG", "LC_ALL", "TZ", "FONTCONFIG_FILE", "FONTCONFIG_PATH")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update(HOME=str(home), TMPDIR=str(home), SAL_USE_VCLPLUGIN="svp")
    return env


@cache
def _without_network() -> tuple[str, ...]:
    """``unshare`` arguments giving LibreOffice an empty network, if this system allows it."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    for arguments in ([unshare, "--net"], [unshare, "--net", "--map-root-user"]):
        try:
            done = subprocess.run([*arguments, "true"], capture_output=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return tuple(arguments)
    return ()


def _run_libreoffice(program: str, data: bytes, display: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="boardpaper-docx-") as temp:
        folder = Path(temp)
        profile = folder / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(
            PROFILE_SETTINGS, encoding="utf-8"
        )
        source = folder / "appendix.docx"  # a fixed name: the author's may hold anything
        source.write_bytes(data)
        out = folder / "out"
        command = [
            *_without_network(),
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export:" + json.dumps(EXPORT_OPTIONS, separators=(",", ":")),
            "--outdir",
            str(out),
            str(source),
        ]
        with subprocess.Popen(
            command,
            cwd=folder,
            env=_environment(folder),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so the whole group can be stopped
        ) as process:
            try:
                output, _ = process.communicate(timeout=CONVERT_TIMEOUT)
            except subprocess.TimeoutExpired:
                _stop(process)
                raise ConversionError(
                    f"{display}: LibreOffice took over {CONVERT_TIMEOUT:.0f} s to convert it "
                    "to PDF; save the appendix as PDF and attach the .pdf"
                ) from None
            finally:
                _stop(process)
        result = out / "appendix.pdf"
        if not result.is_file():
            said = " ".join(output.decode(errors="replace").split())[-200:]
            raise ConversionError(
                f"{display}: LibreOffice could not convert it to PDF"
                + (f" ({said})" if said else "")
                + "; open it in Word and save it as PDF, and attach the .pdf"
            )
        return result.read_bytes()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End LibreOffice and anything it started (its own process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.SubprocessError):
        process.wait(timeout=10)


_XMP_DATES = re.compile(
    rb"\s*<xmp:(CreateDate|ModifyDate|MetadataDate)>[^<]*</xmp:\1>|"
    rb"\s*<xmpMM:(DocumentID|InstanceID)>[^<]*</xmpMM:\2>"
)


def normalise_pdf(pdf: bytes) -> bytes:
    """LibreOffice's PDF without what changes on every run: dates, IDs (a deterministic one)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        for name in ("/CreationDate", "/ModDate"):
            if name in document.docinfo:
                del document.docinfo[name]
        metadata = document.Root.get("/Metadata")
        if isinstance(metadata, pikepdf.Stream):
            packet = metadata.read_bytes()
            cleaned = _XMP_DATES.sub(b"", packet)
            if cleaned != packet:
                metadata.write(cleaned)
        for name in ("/ID", "/DocChecksum"):
            if name in document.trailer:
                del document.trailer[name]
        out = io.BytesIO()
        document.save(out, deterministic_id=True)
    return out.getvalue()
