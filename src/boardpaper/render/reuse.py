"""What PDF renders with one template share in a process: parsed stylesheets and fonts.

Left to itself, WeasyPrint parses every ``<style>`` and ``<link>`` stylesheet of a
document on each render and builds a new ``FontConfiguration`` (fontconfig, a Pango
font map, and its caches of line heights and font features) for it. A build renders
paper after paper with the same few templates, so ``layout_options`` hands
``write_pdf`` one font configuration per template (its chain of folders), and the hook
on WeasyPrint's stylesheet class (``weasyprint_internals.wrap_document_stylesheets``)
returns the stylesheet parsed earlier for this template when the same text, or the
same URL, comes again. The PDF's bytes are those of a fresh render (tested):

* a template's state is keyed by its folders and the size and time of every file in
  them, so an edited template (``build --watch``, ``preview``, the service) starts afresh;
* ``@counter-style`` and ``@color-profile`` rules go into dictionaries made for each
  render: what parsing a stylesheet added there is noted and added again on reuse;
* ``@font-face`` rules register fonts in the font configuration, so a document whose
  own HTML holds one (not the template's CSS files) gets a configuration of its own;
* a stylesheet that declares cascade layers (``@layer``) is not kept: the order of
  layers is shared by all the stylesheets of one document.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from boardpaper.render.weasyprint_internals import (
    new_counter_style,
    new_font_configuration,
    wrap_document_stylesheets,
)

MAX_TEMPLATES = 16
"""Templates whose state a process keeps (least recently used dropped first)."""

MAX_SHEETS = 64
"""Parsed stylesheets kept per template (a paper's running header makes its own)."""

MAX_FILES = 2000
"""A folder chain with more files than this is not fingerprinted: nothing is reused."""

_OWN_FONT_RULES = re.compile(r"@font-face", re.IGNORECASE)


@dataclass
class _Parsed:
    sheet: Any
    counter_styles: dict[str, Any]
    color_profiles: dict[str, Any]


@dataclass
class _TemplateState:
    font_config: Any
    sheets: OrderedDict[tuple[str, str, str | None, str | None], _Parsed] = field(
        default_factory=OrderedDict
    )


_states: OrderedDict[tuple[Any, ...], _TemplateState] = OrderedDict()
_by_font_config: dict[int, _TemplateState] = {}
_lock = threading.Lock()
_hooked = False


def layout_options(folders: Sequence[Path], html: str) -> dict[str, Any]:
    """``write_pdf`` keyword arguments for ``html`` laid out with the template in ``folders``.

    ``font_config`` is the template's (absent when ``html`` declares fonts of its own or
    the folders are too large to fingerprint); ``counter_style`` and ``color_profiles``
    are fresh for this render. WeasyPrint must be imported.
    """
    global _hooked
    if not _hooked:
        wrap_document_stylesheets(_stylesheet)
        _hooked = True
    options: dict[str, Any] = {"counter_style": new_counter_style(), "color_profiles": {}}
    if _OWN_FONT_RULES.search(html):
        return options
    key = _fingerprint(folders)
    if key is None:
        return options
    with _lock:
        state = _states.get(key)
        if state is None:
            state = _TemplateState(new_font_configuration())
            _states[key] = state
            _by_font_config[id(state.font_config)] = state
            while len(_states) > MAX_TEMPLATES:
                _, dropped = _states.popitem(last=False)
                del _by_font_config[id(dropped.font_config)]
        _states.move_to_end(key)
    options["font_config"] = state.font_config
    return options


def _fingerprint(folders: Sequence[Path]) -> tuple[Any, ...] | None:
    """The folders, and the path, size and modification time of every file in them."""
    entries: list[tuple[str, int, int]] = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if len(entries) > MAX_FILES:
                return None
            try:
                stat = path.stat()
            except OSError:
                continue
            if path.is_file():
                entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return (tuple(str(folder) for folder in folders), tuple(entries))


def _stylesheet(original: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """WeasyPrint's ``CSS(...)`` as the cascade calls it, reusing a sheet parsed before."""
    font_config = kwargs.get("font_config")
    state = _by_font_config.get(id(font_config)) if font_config is not None else None
    string, url = kwargs.get("string"), kwargs.get("url")
    source, kind = (string, "string") if string is not None else (url, "url")
    if state is None or args or kwargs.get("matcher") is not None or not isinstance(source, str):
        return original(*args, **kwargs)  # an @import into its parent, or not ours
    key = (kind, source, kwargs.get("base_url"), kwargs.get("media_type"))
    counter_style = kwargs.get("counter_style")
    color_profiles = kwargs.get("color_profiles")
    with _lock:
        parsed = state.sheets.get(key)
        if parsed is not None:
            state.sheets.move_to_end(key)
    if parsed is not None:
        if counter_style is not None:
            counter_style.update(parsed.counter_styles)
        if color_profiles is not None:
            color_profiles.update(parsed.color_profiles)
        return parsed.sheet
    layers = kwargs.get("layers")
    layer_count = len(layers) if layers is not None else 0
    counters_before = dict(counter_style or {})
    profiles_before = dict(color_profiles or {})
    # Its own list of @page rules: WeasyPrint otherwise shares one list among the sheets
    # of a document, and a kept sheet would carry another paper's rules. The cascade
    # applies each sheet's rules in turn, so the result is the same.
    sheet = original(*args, **{**kwargs, "page_rules": None})
    if layers is not None and len(layers) != layer_count:
        return sheet
    sheet.layers = []
    parsed = _Parsed(
        sheet,
        _added(counters_before, counter_style or {}),
        _added(profiles_before, color_profiles or {}),
    )
    with _lock:
        state.sheets[key] = parsed
        while len(state.sheets) > MAX_SHEETS:
            state.sheets.popitem(last=False)
    return sheet


def _added(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in after.items() if before.get(name) is not value}
