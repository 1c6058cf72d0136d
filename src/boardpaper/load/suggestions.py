"""Did-you-mean: a word an author typed and the words allowed in, the one meant (or none) out.

Used for unknown keys (``executive_summary`` where the template says ``summary``), unknown
template names and data-file columns: a near spelling, or a longer or shorter name made of
the same words, and the list of keys allowed where the mistake is.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

SUGGESTIONS = 500
"""Problems after which "did you mean" is no longer worked out (nobody reads that far)."""


def did_you_mean(word: str, options: list[str]) -> str:
    """Return " (did you mean 'x'?)" for the option closest to ``word``, or ""."""
    close = closest(word, options)
    return f" (did you mean {close!r}?)" if close else ""


def closest(word: str, options: list[str]) -> str | None:
    """The option ``word`` was most likely meant to be: a near spelling, or a longer or
    shorter name made of the same words (``executive_summary`` for ``summary``)."""
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return close[0]
    words = _words(word)
    for option in options:
        theirs = _words(option)
        if words and theirs and (words <= theirs or theirs <= words):
            return option
    return None


def _words(name: str) -> set[str]:
    return {part for part in re.split(r"[\W_]+", name.lower()) if part}


def unknown_key(name: str, fields: dict[str, Any]) -> str:
    """The message for a key a mapping does not have: a did-you-mean and the keys allowed."""
    allowed = ", ".join(fields) if fields else "none"
    return f"unknown key{did_you_mean(name, list(fields))}; keys allowed here: {allowed}"
