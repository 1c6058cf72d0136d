"""Every use of WeasyPrint's private internals, in one place: hooks and facts in, nothing else.

boardpaper relies on four things WeasyPrint does not document: the tagger's
``weasyprint.pdf.tags._build_box_tree`` (wrapped to note which HTML element made
each structure element), the name ``weasyprint.css.CSS`` through which the cascade
parses a document's own ``<style>`` and ``<link>`` stylesheets (wrapped so a
template's stylesheets are parsed once per process, ``render.reuse``),
``weasyprint.text.fonts.get_hb_object_data`` (the bytes of a HarfBuzz face, to
fingerprint fonts) and ``weasyprint.pdf.fonts.harfbuzz_subset`` (whether the
HarfBuzz subsetter is loaded). ``FontConfiguration`` and ``CounterStyle`` are
documented, but live in modules of their own; they are created here too. Each was
checked against the releases in ``TESTED_VERSIONS``;
``tests/test_weasyprint_internals.py`` checks that the installed release still has
them, and pyproject's ``weasyprint`` range is this range.
``harfbuzz_subset_available`` answers without importing WeasyPrint (which costs about
a second), so a build that renders nothing stays quick.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

TESTED_VERSIONS = (">=68", "<71")
"""WeasyPrint releases whose internals this module was checked against (pyproject says the same)."""

# Every name WeasyPrint 68-70 (weasyprint/text/ffi.py) passes to cffi's ``dlopen``
# for each library, in its order, by the Linux file name of that library. cffi asks
# ``ctypes.util.find_library`` for each name that does not load as it is.
_WEASYPRINT_LIBRARIES = {
    "libgobject-2.0.so.0": (
        *("libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0", "libgobject-2.0.so.0"),
        *("libgobject-2.0.0.dylib", "libgobject-2.0-0.dll"),
    ),
    "libpango-1.0.so.0": (
        *("libpango-1.0-0", "pango-1.0-0", "pango-1.0", "libpango-1.0.so.0"),
        *("libpango-1.0.dylib", "libpango-1.0-0.dll"),
    ),
    "libharfbuzz.so.0": (
        *("libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0"),
        *("libharfbuzz.0.dylib", "libharfbuzz-0.dll"),
    ),
    "libharfbuzz-subset.so.0": (
        *("libharfbuzz-subset-0", "harfbuzz-subset", "harfbuzz-subset-0.0"),
        *("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll"),
    ),
    "libharfbuzz-vector.so.0": (
        *("libharfbuzz-vector-0", "harfbuzz-vector", "harfbuzz-vector-0.0"),
        *("libharfbuzz-vector.so.0", "libharfbuzz-vector.0.dylib", "libharfbuzz-vector-0.dll"),
    ),
    "libfontconfig.so.1": (
        *("libfontconfig-1", "fontconfig-1", "fontconfig", "libfontconfig.so.1"),
        *("libfontconfig.1.dylib", "libfontconfig-1.dll"),
    ),
    "libpangoft2-1.0.so.0": (
        *("libpangoft2-1.0-0", "pangoft2-1.0-0", "pangoft2-1.0", "libpangoft2-1.0.so.0"),
        *("libpangoft2-1.0.dylib", "libpangoft2-1.0-0.dll"),
    ),
}


def import_weasyprint() -> Any:
    """``import weasyprint``, without the ~20 ``find_library`` calls its import makes.

    WeasyPrint's import tries each of its libraries under the names of every platform,
    and cffi asks ``ctypes.util.find_library`` for each name that does not load as it
    is: on Linux 22 calls, each starting ``ldconfig`` (and ``gcc`` where installed),
    0.2-0.5 s of a cold command (Kozea/WeasyPrint#1125). While it imports,
    ``find_library`` answers each of WeasyPrint's names for a library with that
    library's Linux file name when the file loads, and "not found" when it does not;
    so WeasyPrint loads the same files as without this (a test compares them). Any
    other name is asked as before. On other systems, and once imported, nothing
    changes.
    """
    import sys

    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    answers: dict[str, str | None] = {}
    for soname, names in _WEASYPRINT_LIBRARIES.items():
        answers.update(dict.fromkeys(names, soname if _loads(soname) else None))
    original = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        return answers[name] if name in answers else original(name)

    ctypes.util.find_library = find_library
    try:
        import weasyprint
    finally:
        ctypes.util.find_library = original
    return weasyprint


def wrap_box_tree_builder(wrap: Callable[[Any, Any], Iterator[Any]]) -> bool:
    """Replace the tagger's ``_build_box_tree(box, *args)`` by ``wrap(original, box, *args)``.

    ``wrap`` receives the original generator function first. Done once per process;
    returns False when this WeasyPrint has no such function (tags then stay as WeasyPrint
    makes them: valid, with elements split at page breaks).
    """
    from weasyprint.pdf import tags

    original = getattr(tags, "_build_box_tree", None)
    if original is None:
        return False
    if getattr(original, "boardpaper_wrapped", False):
        return True

    def build_box_tree(box: Any, *args: Any) -> Iterator[Any]:
        return wrap(original, box, *args)

    build_box_tree.boardpaper_wrapped = True  # type: ignore[attr-defined]
    tags._build_box_tree = build_box_tree
    return True


def wrap_document_stylesheets(wrap: Callable[..., Any]) -> bool:
    """Replace ``weasyprint.css.CSS`` (the class ``find_stylesheets`` and ``@import`` call)
    by ``wrap(original, *args, **kwargs)``.

    Done once per process; returns False when this WeasyPrint has no such name (every
    stylesheet is then parsed on every render, as WeasyPrint does by itself).
    """
    from weasyprint import css

    original = getattr(css, "CSS", None)
    if original is None or not hasattr(css, "find_stylesheets"):
        return False
    if getattr(original, "boardpaper_wrapped", False):
        return True

    def stylesheet(*args: Any, **kwargs: Any) -> Any:
        return wrap(original, *args, **kwargs)

    stylesheet.boardpaper_wrapped = True  # type: ignore[attr-defined]
    css.CSS = stylesheet
    return True


def new_font_configuration() -> Any:
    """A fresh ``weasyprint.text.fonts.FontConfiguration`` (fontconfig and Pango font map)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def new_counter_style() -> Any:
    """A fresh ``weasyprint.css.counters.CounterStyle`` (``@counter-style`` rules by name)."""
    from weasyprint.css.counters import CounterStyle

    return CounterStyle()


def font_face_bytes(font: Any) -> bytes:
    """The whole font file HarfBuzz read for one of a laid-out document's ``fonts``."""
    from weasyprint.text.fonts import get_hb_object_data

    return get_hb_object_data(font.hb_face) or b""


def _loads(file_name: str) -> Any:
    try:
        return ctypes.CDLL(file_name)
    except OSError:
        return None


def load_library(name: str) -> Any:
    """The library WeasyPrint loads under ``name`` (one of its names for it, or its Linux
    file name, e.g. ``"harfbuzz"``), as a ``ctypes.CDLL``; None when it is not installed.

    Its Linux file name is tried first, then each of WeasyPrint's names through
    ``find_library`` (which starts ``ldconfig`` and ``gcc``: 0.1 s and more each).
    """
    for file_name, names in _WEASYPRINT_LIBRARIES.items():
        if name == file_name or name in names:
            break
    else:
        found = ctypes.util.find_library(name)
        return _loads(found) if found else None
    library = _loads(file_name)
    if library is not None:
        return library
    for candidate in names:
        found = ctypes.util.find_library(candidate)
        library = _loads(found) if found else None
        if library is not None:
            return library
    return None


def harfbuzz_subset_available() -> bool:
    """True when WeasyPrint subsets fonts with HarfBuzz (fast, no timestamps), not fontTools.

    WeasyPrint does when it can load libharfbuzz-subset and HarfBuzz is at least 4.1.0
    (``weasyprint.pdf.fonts``). Once WeasyPrint is imported its own answer is used;
    before, the same libraries are looked up here, so asking costs no import.
    """
    import sys

    pdf_fonts = sys.modules.get("weasyprint.pdf.fonts")
    if pdf_fonts is not None:
        return bool(pdf_fonts.harfbuzz_subset) and bool(
            pdf_fonts.harfbuzz.hb_version_atleast(4, 1, 0)
        )
    return _harfbuzz_subset_loadable()


@cache
def _harfbuzz_subset_loadable() -> bool:
    harfbuzz = load_library("libharfbuzz.so.0")
    if harfbuzz is None or load_library("libharfbuzz-subset.so.0") is None:
        return False
    harfbuzz.hb_version_atleast.restype = ctypes.c_int
    return bool(harfbuzz.hb_version_atleast(4, 1, 0))
