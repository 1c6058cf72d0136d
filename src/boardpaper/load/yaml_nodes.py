"""Read a YAML file into located nodes: bytes in, a ``Node`` tree (or problems) out.

YAML is treated as untrusted data. Only plain YAML is accepted: no anchors or
aliases (they allow expansion bombs), no tags that build objects, no duplicate
keys (PyYAML would silently keep the last one). Scalars keep the exact text the
author typed, so ``0.50`` stays ``0.50`` and ``No`` stays ``No``; the schema
decides what each one means.

Longer than 400 lines on purpose: the composer, its limits and the conversion
to located nodes share PyYAML's private hooks and one line index.
"""

from __future__ import annotations

import bisect
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from boardpaper.errors import ContentError, Problem
from boardpaper.load.limits import Limits as Limits  # re-exported: readers take it from here
from boardpaper.load.yaml_messages import yaml_problem

STANDARD_TAGS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "timestamp",
    "tag:yaml.org,2002:map": "map",
    "tag:yaml.org,2002:seq": "seq",
}

# Characters XML 1.0 (so .docx) cannot hold; YAML escapes such as "\x01" or "\ud800" make them.
_NOT_XML_TEXT = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ud800-\\udfff\\ufffe\\uffff]")


_LONG_ESCAPE = re.compile(r"\\U([0-9A-Fa-f]{8})")
"""A YAML escape naming a code point by 8 hex digits (checked against U+10FFFF)."""

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Character offsets to (line, column), 1-based, as a text editor counts them.

    Lines end at LF, CRLF or a lone CR (old Mac files). PyYAML also ends lines at
    U+0085, U+2028 and U+2029, which editors show inside a line: its own line
    numbers drift after one, so places are computed from offsets here.
    """

    def __init__(self, text: str) -> None:
        self.starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]

    def place(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


@dataclass
class Node:
    """A YAML value with the place it was written.

    ``kind`` is ``map`` (``value`` is a dict of key -> Node), ``seq`` (a list of
    Nodes) or ``scalar`` (``value`` is the text as typed; ``tag`` says what YAML
    would have made of it: str, int, float, bool, null or timestamp).
    ``line`` and ``column`` are 1-based. For maps, ``key_places`` gives each
    key's own position; for scalars, ``style`` is YAML's (``|``, ``>``, quotes); a list
    written in brackets (``[a, b]``) has the style ``flow``.
    """

    kind: Literal["map", "seq", "scalar"]
    value: object
    tag: str
    line: int
    column: int
    key_places: dict[str, tuple[int, int]] = field(default_factory=dict)
    style: str | None = None
    reported: bool = False
    """True when a problem with this value was already reported while reading (a YAML tag,
    a control character): checks skip it instead of adding a second, confusing message."""

    @property
    def is_null(self) -> bool:
        return self.kind == "scalar" and self.tag == "null"


def describe(node: Node) -> str:
    """Name what an author wrote, for 'expected X, got Y' messages."""
    if node.kind == "map":
        return "a mapping (key: value pairs)"
    if node.kind == "seq":
        return "a list"
    if node.tag == "null":
        return "nothing"
    if node.tag in ("int", "float"):
        return f"the number {node.value}"
    if node.tag == "bool":
        return f"yes/no value {node.value!r}"
    if node.tag == "timestamp":
        return f"the date {node.value}"
    return "text"


class _Limits:
    """Composing that refuses aliases and over-deep nesting (shared by both parsers)."""

    max_depth = 40
    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(AliasEvent):  # type: ignore[attr-defined]
            event = self.peek_event()  # type: ignore[attr-defined]
            raise ComposerError(
                None,
                None,
                "anchors and aliases (&name, *name) are not supported; write the value out",
                event.start_mark,
            )
        self._depth += 1
        if self._depth > self.max_depth:
            raise ComposerError(
                None,
                None,
                f"nested more than {self.max_depth} levels deep",
                self.peek_event().start_mark,  # type: ignore[attr-defined]
            )
        try:
            return Composer.compose_node(self, parent, index)  # type: ignore[arg-type]
        finally:
            self._depth -= 1


class _SafeComposer(_Limits, yaml.SafeLoader):
    """PyYAML's pure-Python SafeLoader with the limits: its error messages are the ones shown."""


_FAST_PARSER: type | None = None
try:
    from yaml._yaml import CParser

    class _FastComposer(_Limits, Composer, CParser, SafeConstructor, Resolver):
        """libyaml's scanner and parser (about 10x quicker) under the same Python composer.

        For valid YAML it gives the same nodes, places and styles as ``_SafeComposer``
        (a test compares them on every YAML file in the repository); on any error the
        text is parsed again by ``_SafeComposer`` so authors see the same messages.
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    _FAST_PARSER = _FastComposer
except ImportError:  # PyYAML built without libyaml: the pure parser does it all
    pass


def _compose(text: str, limits: Limits) -> yaml.Node | None:
    """The root node of ``text``: libyaml first, PyYAML's own parser for errors (and messages)."""
    if _FAST_PARSER is not None:
        fast = None
        try:
            fast = _FAST_PARSER(text)
            fast.max_depth = limits.max_depth
            root: yaml.Node | None = fast.get_single_node()
            return root
        except (yaml.YAMLError, RecursionError, UnicodeError, ValueError):
            pass  # parsed again below, for PyYAML's located message
        finally:
            if fast is not None:
                fast.dispose()
    loader = _SafeComposer(text)
    try:
        loader.max_depth = limits.max_depth
        return loader.get_single_node()
    finally:
        loader.dispose()


def read_text(path: Path, display: str, limits: Limits) -> str:
    """Read a file as UTF-8 text, refusing what is not text. Raises ContentError."""
    try:
        status = path.stat()
        if status.st_size > limits.max_file_bytes:
            raise _too_large(display, status.st_size, limits)
        if not stat.S_ISREG(status.st_mode):
            raise ContentError([Problem(display, None, None, "", "not a regular file")])
        # Read at most one byte over the limit: the size on disk can change, or lie.
        with path.open("rb") as stream:
            data = stream.read(limits.max_file_bytes + 1)
    except OSError as error:
        raise ContentError(
            [Problem(display, None, None, "", f"cannot read file: {error.strerror}")]
        ) from None
    return decode_text(data, display, limits)


def _too_large(display: str, size: int, limits: Limits) -> ContentError:
    message = f"file is {size:,} bytes; the limit is {limits.max_file_bytes:,}"
    return ContentError([Problem(display, None, None, "", message)])


def decode_text(data: bytes, display: str, limits: Limits) -> str:
    """Decode bytes as UTF-8 (a byte-order mark is allowed and dropped)."""
    if len(data) > limits.max_file_bytes:
        raise _too_large(display, len(data), limits)
    if b"\x00" in data:
        line, column = _place_of(data, data.index(b"\x00"))
        raise ContentError(
            [Problem(display, line, column, "", "the file holds a NUL byte: is it really text?")]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _place_of(data, error.start)
        raise ContentError(
            [
                Problem(
                    display,
                    line,
                    column,
                    "",
                    f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8",
                )
            ]
        ) from None
    return text.removeprefix("\ufeff")


def parse_yaml(
    text: str, display: str, limits: Limits = Limits(), problems: list[Problem] | None = None
) -> Node:
    """Parse YAML text into a located ``Node`` tree. Raises ContentError.

    Text that is not YAML raises at once. Problems found in a tree that did
    parse (duplicate keys, tags, control characters) are appended to
    ``problems`` when a list is given, so the schema can still be checked and
    every problem reported in one pass; otherwise they are raised.
    """
    if len(text) > limits.max_file_bytes:
        raise ContentError(
            [
                Problem(
                    display,
                    None,
                    None,
                    "",
                    f"text is {len(text):,} characters; the limit is {limits.max_file_bytes:,}",
                )
            ]
        )
    lines = LineIndex(text)
    try:
        # The reader checks every character as the loader is made: keep that inside the try.
        root = _compose(text, limits)
    except yaml.reader.ReaderError as error:
        line, column = _place_of(text.encode("utf-8", "surrogatepass"), _utf8_offset(text, error))
        raise ContentError(
            [
                Problem(
                    display,
                    line,
                    column,
                    "",
                    f"the character U+{error.character:04X} is not allowed in YAML; remove it",
                )
            ]
        ) from None
    except yaml.MarkedYAMLError as error:
        mark_line, mark_column, message = yaml_problem(error, text, lines.place)
        raise ContentError([Problem(display, mark_line, mark_column, "", message)]) from None
    except (ValueError, OverflowError):
        # PyYAML builds "\U00110000" with chr(), which refuses code points past U+10FFFF
        # (ValueError), or past a C int (OverflowError).
        escape = next(
            (m for m in _LONG_ESCAPE.finditer(text) if int(m.group(1), 16) > 0x10FFFF), None
        )
        if escape is None:
            raise
        escape_line, escape_column = lines.place(escape.start())
        raise ContentError(
            [
                Problem(
                    display,
                    escape_line,
                    escape_column,
                    "",
                    "an escape names no character: Unicode ends at \\U0010FFFF; fix or remove it",
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise ContentError([Problem(display, None, None, "", f"not valid YAML: {error}")]) from None
    except RecursionError:
        raise ContentError(
            [Problem(display, None, None, "", "not valid YAML: nested too deeply")]
        ) from None
    if root is None:
        raise ContentError([Problem(display, 1, 1, "", "the file is empty")])
    found: list[Problem] = []
    node = _convert(root, display, "", found, limits, lines)
    if problems is not None:
        problems.extend(found)
    elif found:
        raise ContentError(found)
    return node


def load_yaml(path: Path, display: str | None = None, limits: Limits = Limits()) -> Node:
    """Read and parse a YAML file. ``display`` is the name used in messages."""
    display = display or str(path)
    return parse_yaml(read_text(path, display, limits), display, limits)


def _convert(
    node: yaml.Node,
    display: str,
    key: str,
    problems: list[Problem],
    limits: Limits,
    lines: LineIndex,
) -> Node:
    line, column = lines.place(node.start_mark.index)
    already = len(problems)
    tag = STANDARD_TAGS.get(node.tag)
    if tag is None:
        problems.append(
            Problem(display, line, column, key, f"YAML tag {node.tag!r} is not allowed; remove it")
        )
        tag = "str"
    if isinstance(node, ScalarNode):
        bad = _NOT_XML_TEXT.search(node.value)
        if bad:
            problems.append(
                Problem(
                    display,
                    line,
                    column,
                    key,
                    f"the text holds U+{ord(bad.group()):04X}, not a printable character, "
                    "which documents cannot hold; remove it",
                )
            )
        longest = max(node.value.split(), key=len, default="")
        if len(longest) > limits.max_word_chars:
            # The PDF's line breaking is quadratic in a word's length: 50,000 letters take minutes.
            problems.append(
                Problem(
                    display,
                    line,
                    column,
                    key,
                    f"a word of {len(longest):,} characters with no space ({longest[:20]!r}...); "
                    f"the limit is {limits.max_word_chars:,}",
                )
            )
        reported = len(problems) > already
        style = node.style or None
        return Node("scalar", node.value, tag, line, column, style=style, reported=reported)
    reported = len(problems) > already
    if isinstance(node, SequenceNode):
        items = [
            _convert(item, display, f"{key}[{index}]", problems, limits, lines)
            for index, item in enumerate(node.value)
        ]
        style = "flow" if node.flow_style else None
        return Node("seq", items, "seq", line, column, style=style, reported=reported)
    assert isinstance(node, MappingNode)
    mapping: dict[str, Node] = {}
    places: dict[str, tuple[int, int]] = {}
    for key_node, value_node in node.value:
        key_line, key_column = lines.place(key_node.start_mark.index)
        if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            problems.append(Problem(display, key_line, key_column, key, "keys must be plain words"))
            continue
        name = key_node.value
        if any(not character.isprintable() for character in name):
            # A key is echoed in messages: control characters (ESC...) could drive the terminal.
            problems.append(
                Problem(display, key_line, key_column, key, f"key {name!r} is not plain text")
            )
            continue
        child_key = f"{key}.{name}" if key else name
        if name in mapping:
            first_line = places[name][0]
            problems.append(
                Problem(
                    display,
                    key_line,
                    key_column,
                    child_key,
                    f"duplicate key (first given on line {first_line}); keep only one",
                )
            )
            continue
        mapping[name] = _convert(value_node, display, child_key, problems, limits, lines)
        places[name] = (key_line, key_column)
    return Node("map", mapping, "map", line, column, places, reported=reported)


def _place_of(data: bytes, offset: int) -> tuple[int, int]:
    """The line and column (in bytes) of a byte offset; CR, LF and CRLF end lines."""
    before = data[:offset]
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    column = offset - (max(before.rfind(b"\n"), before.rfind(b"\r")) + 1) + 1
    return line, column


def _utf8_offset(text: str, error: yaml.reader.ReaderError) -> int:
    """The byte offset of a reader error's character (its position counts characters)."""
    return len(text[: error.position].encode("utf-8", "surrogatepass"))
