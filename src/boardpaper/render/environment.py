"""What, besides content and template, decides a paper's bytes: libraries, native code, fonts.

``environment(fonts)`` describes this machine for the build manifest: Python,
zlib and libxml2, the versions of boardpaper and every Python package it
depends on, Pango, HarfBuzz (and whether its subsetter is present) and
fontconfig, and the font files a build used. ``fonts_in(document)`` reads
those from a laid-out WeasyPrint document. ``compare(old, new)`` lists what
changed, so ``boardpaper verify`` can say why a rebuilt paper differs.
"""

from __future__ import annotations

import ctypes
import hashlib
import platform
import re
import shutil
import subprocess
import zlib
from dataclasses import asdict, dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from boardpaper.render.weasyprint_internals import (
    font_face_bytes,
    harfbuzz_subset_available,
    load_library,
)


@dataclass(frozen=True, order=True)
class FontUse:
    """A font a PDF embeds (a subset of): its name, and the file it came from."""

    name: str
    family: str
    sha256: str
    file: str | None


def fonts_in(document: Any) -> list[FontUse]:
    """The fonts of a laid-out WeasyPrint ``Document`` (its documented ``fonts`` dict).

    ``sha256`` is of the whole font data HarfBuzz read (the font file itself);
    ``file`` is the fontconfig file with that hash, or None (a template's own
    font, or no ``fc-list``).
    """
    found = set()
    for font in document.fonts.values():
        data = font_face_bytes(font)
        digest = hashlib.sha256(data).hexdigest()
        name = font.name.decode(errors="replace").lstrip("/").split("+", 1)[-1]
        found.add(FontUse(name, font.family, digest, _font_files(font.family).get(digest)))
    return sorted(found)


@cache
def _font_files(family: str) -> dict[str, str]:
    """sha256 -> path of the font files fontconfig lists for ``family``."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return {}
    try:
        listing = subprocess.run(
            [fc_list, "--format", "%{file}\n", family],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    files: dict[str, str] = {}
    for path in sorted(set(listing.split("\n")) - {""}):
        try:
            with open(path, "rb") as stream:
                files.setdefault(hashlib.sha256(stream.read()).hexdigest(), path)
        except OSError:
            continue
    return files


@cache
def python_packages(root: str = "boardpaper") -> dict[str, str]:
    """Name -> version of ``root`` and every package it needs to run (its extras it asks for).

    Read once per process (the manifest and the render cache key both need it); do not
    change the returned dictionary.
    """
    found: dict[str, str] = {}
    pending: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    seen: set[tuple[str, frozenset[str]]] = set()
    while pending:
        name, extras = pending.pop()
        key = _canonical(name)
        if (key, extras) in seen:
            continue
        seen.add((key, extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        first_visit = key not in found
        found[key] = dist.version
        for requirement in dist.requires or []:
            match = re.match(r"\s*([A-Za-z0-9._-]+)\s*(?:\[([^\]]*)\])?", requirement)
            if match is None:
                continue
            marker = requirement.partition(";")[2]
            wanted_by = re.findall(r"extra\s*==\s*['\"]([^'\"]+)['\"]", marker)
            if wanted_by and not set(wanted_by) & extras:
                continue
            if not wanted_by and not first_visit:
                continue
            child_extras = frozenset(e.strip() for e in (match.group(2) or "").split(",") if e)
            pending.append((match.group(1), child_extras))
    return dict(sorted(found.items()))


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def native_libraries() -> dict[str, Any]:
    """Versions of the C libraries that lay out and compress the PDF (a fresh dict each call)."""
    return dict(_native_libraries())


@cache
def _native_libraries() -> dict[str, Any]:
    # Asked once per process: the build manifest and the render cache key both need it.
    from lxml import etree

    libraries: dict[str, Any] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
        "libxml2": ".".join(str(part) for part in etree.LIBXML_VERSION),
        "pango": _c_string("pango-1.0", "pango_version_string"),
        "harfbuzz": _c_string("harfbuzz", "hb_version_string"),
        "fontconfig": _fontconfig_version(),
        "harfbuzz_subset": harfbuzz_subset_available(),
        "qpdf": _qpdf_version(),
    }
    return libraries


def _qpdf_version() -> str | None:
    """The qpdf library pikepdf wraps (it rewrites every PDF in ``finish_tagging``).

    Asked of the library file pikepdf's wheel bundles (``pikepdf.libs/libqpdf*``, the
    one its extension links to) when pikepdf is not imported yet: importing pikepdf
    costs 25 ms, and a rebuild with nothing to render needs nothing else of it. A
    pikepdf built against the system's qpdf has no such folder and is asked itself.
    """
    import sys

    if "pikepdf" not in sys.modules:
        import importlib.util

        spec = importlib.util.find_spec("pikepdf")
        if spec is None or spec.origin is None:
            return None
        bundled = sorted((Path(spec.origin).parent.parent / "pikepdf.libs").glob("libqpdf*.so*"))
        if len(bundled) == 1:
            try:
                get_version = ctypes.CDLL(str(bundled[0])).qpdf_get_qpdf_version
            except (OSError, AttributeError):
                pass
            else:
                get_version.restype = ctypes.c_char_p
                return str(get_version().decode("ascii"))
    try:
        import pikepdf
    except ImportError:
        return None
    return str(pikepdf.__libqpdf_version__)


def _c_string(library: str, function: str) -> str | None:
    lib = load_library(library)
    if lib is None:
        return None
    call = getattr(lib, function)
    call.restype = ctypes.c_char_p
    value = call()
    return value.decode() if value else None


def _fontconfig_version() -> str | None:
    lib = load_library("fontconfig")
    if lib is None:
        return None
    number = int(lib.FcGetVersion())
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}"


def environment(fonts: list[FontUse]) -> dict[str, Any]:
    """The environment record of a build manifest (no clock, no host name, no user)."""
    return {
        "libraries": native_libraries(),
        "python_packages": python_packages(),
        "fonts": [asdict(font) for font in sorted(set(fonts))],
    }


def compare(
    recorded: dict[str, Any], current: dict[str, Any], font_presence: bool = True
) -> list[str]:
    """What differs between two environment records, one line each.

    With ``font_presence`` false (not every PDF was rebuilt, so the fonts in
    use now are not all known) fonts used on one side only are not reported.
    """
    changes: list[str] = []
    for section in ("libraries", "python_packages"):
        old, new = recorded.get(section, {}), current.get(section, {})
        for name in sorted(set(old) | set(new)):
            if old.get(name) != new.get(name):
                changes.append(
                    f"{name}: {_show(old.get(name))} at the build, {_show(new.get(name))} now"
                )
    old_fonts = {font["name"]: font for font in recorded.get("fonts", [])}
    new_fonts = {font["name"]: font for font in current.get("fonts", [])}
    for name in sorted(set(old_fonts) | set(new_fonts)):
        old_font, new_font = old_fonts.get(name), new_fonts.get(name)
        if (old_font is None or new_font is None) and not font_presence:
            continue
        if old_font is None:
            assert new_font is not None
            changes.append(f"font {name}: not used at the build, used now ({new_font['file']})")
        elif new_font is None:
            changes.append(f"font {name}: used at the build ({old_font['file']}), not now")
        elif old_font["sha256"] != new_font["sha256"]:
            if old_font["file"] == new_font["file"]:
                where = f"{old_font['file']} has changed"
            else:
                where = f"a different font file now ({old_font['file']} -> {new_font['file']})"
            changes.append(f"font {name}: {where}, sha256 differs")
    return changes


def _show(value: Any) -> str:
    return "absent" if value is None else str(value)
