"""YAML syntax errors in plain words: a PyYAML error and the file's text in, a located line out.

PyYAML reports what its scanner expected (``while scanning a simple key, could
not find expected ':'``), often lines after the mistake. Authors make a few
mistakes again and again: a colon followed by a space inside unquoted text
(``Note: ...``), a line indented differently from the lines it belongs with,
text after a closing quote. Each is recognised here, placed where the author
has to edit, and explained with what to do.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

_KEY_WORDS = re.compile(r"[^\s.,;:!?\"'()\[\]{}-][^.,;:!?\"'()\[\]{}]*$")
"""The words just before a colon (up to the previous punctuation): what YAML took for a key."""
_REAL_KEY = re.compile(r"[a-z_][a-z0-9_]*")
"""Keys of reports and templates are lower-case words joined by '_'; anything else is prose."""
_KEY_LINE = re.compile(r"^(?P<lead>(?:\s*-\s)*\s*)(?P<key>[^\s#\"'][^:#]*?):(?:\s|$)")


def yaml_problem(
    error: yaml.MarkedYAMLError, text: str, place_of: Callable[[int], tuple[int, int]]
) -> tuple[int | None, int | None, str]:
    """The place (1-based line and column) and plain message for a YAML syntax error.

    ``place_of`` turns a character offset into the line and column an editor shows
    (``yaml_nodes.LineIndex.place``): PyYAML's own line numbers drift after a U+2028.
    """
    lines = text.splitlines()
    starts = [0]
    for line_text in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line_text))

    def at(line: int, column: int) -> tuple[int, int]:
        """A PyYAML (0-based) line and column as the editor's place."""
        return place_of(starts[min(line, len(starts) - 1)] + column)

    problem = error.problem or ""
    mark = error.problem_mark or error.context_mark
    if error.context_mark and "end of stream" in problem:
        # An unclosed quote or bracket: point at where it was opened, not at the end.
        mark = error.context_mark
    place: tuple[int | None, int | None] = place_of(mark.index) if mark else (None, None)
    if "'\\t'" in problem or "\\t" in problem:
        offset = mark.index if mark else 0
        line_start = max(text.rfind(char, 0, offset) for char in "\r\n") + 1
        if mark and text[line_start:offset].strip(" \t"):
            return (
                *place,
                "a tab character inside a value: PyYAML accepts tabs only inside quotes; "
                "replace it with spaces or put the value in quotes",
            )
        return (*place, "a tab character is not allowed for indentation in YAML; use spaces")
    if problem == "mapping values are not allowed here" and error.problem_mark:
        return (*place, _colon_in_text(lines, error.problem_mark.line, error.problem_mark.column))
    if error.context == "while scanning a simple key" and error.context_mark:
        line, column, message = _line_without_colon(
            lines, error.context_mark.line, error.context_mark.column
        )
        return (*at(line - 1, column - 1), message)
    if problem.startswith("expected <block end>") and error.problem_mark and error.context_mark:
        return (*place, _not_lined_up(lines, error))
    if error.context == "while scanning a quoted scalar" and "end of stream" in problem:
        return (*place, "not valid YAML: the quote opened here is never closed")
    if error.context:
        return (*place, f"not valid YAML: {error.context}, {problem}")
    return (*place, f"not valid YAML: {problem or 'not valid YAML'}")


def _colon_in_text(lines: list[str], line: int, column: int) -> str:
    """The message for a ': ' that YAML read as a key inside text (``Note: ...``)."""
    before = lines[line][:column] if line < len(lines) else ""
    found = _KEY_WORDS.search(before.rstrip())
    words = found.group().strip() if found else ""
    if len(words) > 30:
        words = "..." + words[-27:].lstrip()
    after = f"after {words!r} " if words else ""
    return (
        f"not valid YAML: the colon {after}is read as the start of a key; "
        'if this is text, put all of the text in quotes ("..."); '
        "if it is a key, line it up with the keys above it"
    )


def _line_without_colon(lines: list[str], line: int, column: int) -> tuple[int, int, str]:
    """A line read as a key without ':'; often the line after an unquoted ``Note: ...``.

    When a line above has ``Words: ...`` starting in the same column, and those
    words are prose rather than a key, the colon on that line is the mistake.
    """
    for above in range(line - 1, -1, -1):
        text = lines[above] if above < len(lines) else ""
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        found = _KEY_LINE.match(text)
        lead = len(found.group("lead")) if found else len(text) - len(text.lstrip(" -"))
        if lead > column:
            continue  # a continuation of the value above: keep looking
        if found and lead == column and not _REAL_KEY.fullmatch(found.group("key").strip()):
            colon = found.end("key")
            return above + 1, colon + 1, _colon_in_text(lines, above, colon)
        break
    return (
        line + 1,
        column + 1,
        "not valid YAML: this line is read as a key but has no ':'; "
        "if it continues the text above, indent it further than that text's key, "
        "or put that text in quotes",
    )


def _not_lined_up(lines: list[str], error: yaml.MarkedYAMLError) -> str:
    """``expected <block end>, but found ...``: text after a quote, or a line out of line."""
    assert error.problem_mark and error.context_mark
    line, column = error.problem_mark.line, error.problem_mark.column
    text = lines[line] if line < len(lines) else ""
    found = (error.problem or "").rpartition("but found ")[2]
    if found == "'<scalar>'" and text[:column].rstrip().endswith(("'", '"')):
        return (
            "not valid YAML: text follows the closing quote; put all of the text inside the quotes"
        )
    if found == "'?'" and error.context == "while parsing a block collection":
        return (
            "not valid YAML: a 'key:' line inside the list that starts on line "
            f"{error.context_mark.line + 1}; start it with '- ' if it is a new item, "
            "or, if it continues the text above, indent it under that text and "
            "put the text in quotes"
        )
    previous = _previous_content_line(lines, line)
    columns = {error.context_mark.column + 1}
    if previous is not None:
        columns.add(previous[1] + 1)
    listed = " or ".join(f"column {c}" for c in sorted(columns))
    return (
        f"not valid YAML: this line starts at column {column + 1}, which lines up with "
        f"nothing above it (the lines above start at {listed}); the keys of one mapping, "
        "and the '- ' items of one list, must start in the same column"
    )


def _previous_content_line(lines: list[str], line: int) -> tuple[int, int] | None:
    """The nearest line above ``line`` holding YAML (not blank, not a comment) and its indent."""
    for above in range(line - 1, -1, -1):
        text = lines[above] if above < len(lines) else ""
        if text.strip() and not text.lstrip().startswith("#"):
            return above, len(text) - len(text.lstrip(" "))
    return None
