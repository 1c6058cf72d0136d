"""Keep each piece of text's direction to itself: text in, text that cannot reorder its neighbours.

An author can paste (or a hostile file can hold) Unicode direction controls:
U+202E RIGHT-TO-LEFT OVERRIDE reverses everything after it up to the end of the
paragraph unless closed. Word and LibreOffice apply it across runs, so one
field or run could reverse the text after it. ``isolate`` closes what the text
opens and wraps it in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE, the
plain-text form of HTML's ``<bdi>``: the controls still act inside the text,
never outside. Text without such controls is returned unchanged (so papers in
left-to-right languages keep their bytes).
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

EMBEDDINGS = "\u202a\u202b\u202d\u202e"
"""LRE, RLE, LRO, RLO: closed by PDF (U+202C)."""
POP_FORMATTING = "\u202c"
ISOLATES = "\u2066\u2067\u2068"
"""LRI, RLI, FSI: closed by PDI (U+2069)."""
POP_ISOLATE = "\u2069"
FIRST_STRONG_ISOLATE = "\u2068"

_CONTROLS = re.compile(f"[{EMBEDDINGS}{POP_FORMATTING}{ISOLATES}{POP_ISOLATE}]")


def isolate(text: str) -> str:
    """``text`` with its direction controls balanced and the whole wrapped in FSI ... PDI.

    Closers with no opener in the text are dropped (they would close something
    outside it); openers left open are closed at its end.
    """
    if not _CONTROLS.search(text):
        return text
    kept: list[str] = []
    open_stack: list[str] = []
    for char in text:
        if char in EMBEDDINGS or char in ISOLATES:
            open_stack.append(char)
        elif char == POP_FORMATTING:
            if not open_stack or open_stack[-1] not in EMBEDDINGS:
                continue
            open_stack.pop()
        elif char == POP_ISOLATE:
            if not any(opener in ISOLATES for opener in open_stack):
                continue
            # A PDI also closes the embeddings opened inside its isolate (UAX #9, X6a).
            while open_stack and open_stack[-1] not in ISOLATES:
                open_stack.pop()
            open_stack.pop()
        kept.append(char)
    closers = "".join(
        POP_ISOLATE if opener in ISOLATES else POP_FORMATTING for opener in reversed(open_stack)
    )
    return FIRST_STRONG_ISOLATE + "".join(kept) + closers + POP_ISOLATE


def isolate_value(value: Any) -> Any:
    """Jinja ``finalize``: every ``{{ value }}`` that is text comes out isolated."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return isolate(value)
    return value
