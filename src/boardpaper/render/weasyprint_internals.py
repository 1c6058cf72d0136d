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

# The names WeasyPrint 68-70 (weasyprint/text/ffi.py) tries, in order, for each library.
_HARFBUZZ_NAMES = ("libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0")
_HARFBUZZ_SUBSET_NAMES = (
    "libharfbuzz-subset-0",
    "harfbuzz-subset",
    "harfbuzz-subset-0.0",
    "libharfbuzz-subset.so.0",
)


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


def _first_library(names: tuple[str, ...]) -> Any:
    # The Linux file name (last) is tried by itself first: find_library starts ldconfig and
    # gcc for each name, and on Linux the others resolve to this same file.
    try:
        return ctypes.CDLL(names[-1])
    except OSError:
        pass
    for name in names:
        for candidate in (name, ctypes.util.find_library(name)):
            if not candidate:
                continue
            try:
                return ctypes.CDLL(candidate)
            except OSError:
                continue
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
    harfbuzz = _first_library(_HARFBUZZ_NAMES)
    if harfbuzz is None or _first_library(_HARFBUZZ_SUBSET_NAMES) is None:
        return False
    harfbuzz.hb_version_atleast.restype = ctypes.c_int
    return bool(harfbuzz.hb_version_atleast(4, 1, 0))
