"""Characters no installed font can draw: report text in, located warnings out.

The PDF renderer (WeasyPrint, through Pango and fontconfig) draws a character
the template's font lacks with the first installed font that has it: Welsh and
accented letters come from Liberation Sans, Hebrew, Arabic, emoji and
mathematical symbols from DejaVu Sans or a Noto font (scripts/setup-system.sh
installs them). Only a character that no installed font has would come out as
an empty box, so those are the ones to warn about, naming the character and
where it was typed. Word documents are drawn by the reader's own Word, which
has its own fonts, so this concerns the PDF.
"""

from __future__ import annotations

import bisect
import functools
import shutil
import subprocess
import unicodedata

from boardpaper.errors import Problem

# Characters that are never drawn as a glyph of their own: controls, direction
# marks, joiners, variation selectors.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


@functools.cache
def installed_coverage() -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The code points installed fonts cover, as sorted merged (starts, ends); None if unknown.

    Asks fontconfig once per process (``fc-list``, about 0.1 s).
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listing = subprocess.run(
            [fc_list, "--format", "%{charset}\n"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    ranges: list[tuple[int, int]] = []
    for token in listing.split():
        first, _, last = token.partition("-")
        try:
            ranges.append((int(first, 16), int(last or first, 16)))
        except ValueError:
            continue
    ranges.sort()
    starts: list[int] = []
    ends: list[int] = []
    for start, end in ranges:
        if ends and start <= ends[-1] + 1:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return tuple(starts), tuple(ends)


def has_glyph(character: str) -> bool | None:
    """Whether some installed font has ``character``; None when fontconfig cannot say."""
    coverage = installed_coverage()
    if coverage is None:
        return None
    starts, ends = coverage
    code = ord(character)
    index = bisect.bisect_right(starts, code) - 1
    return index >= 0 and code <= ends[index]


def glyph_warnings(text: str, display: str) -> list[Problem]:
    """One warning per distinct character in ``text`` that no installed font can draw.

    ``text`` is a report's YAML source; each warning is located at the first
    place the character appears (1-based line and column).
    """
    if text.isascii():  # every installed font draws ASCII: fontconfig need not be asked
        return []
    missing = {
        character
        for character in set(text)
        if not character.isascii() and not _invisible(character) and has_glyph(character) is False
    }
    if not missing:  # the usual case: no need to walk the text character by character
        return []
    warnings: list[Problem] = []
    seen: set[str] = set()
    for line_number, line in enumerate(text.split("\n"), start=1):
        for column, character in enumerate(line, start=1):
            if character not in missing or character in seen:
                continue
            seen.add(character)
            name = unicodedata.name(character, "unnamed character")
            warnings.append(
                Problem(
                    display,
                    line_number,
                    column,
                    "",
                    f"warning: no installed font has the character {character!r} "
                    f"(U+{ord(character):04X} {name}); the PDF will show an empty box there. "
                    "Remove it, or install a font that has it (see docs/security.md)",
                )
            )
    return warnings


def _invisible(character: str) -> bool:
    category = unicodedata.category(character)
    return category in _INVISIBLE_CATEGORIES or "VARIATION SELECTOR" in unicodedata.name(
        character, ""
    )
