"""Reusable validators for content: a located ``Node`` in, a plain value out.

Each kind of value (text, date, list, record ...) is one small class that both
checks a node, collecting every problem it finds, and describes itself as JSON
Schema for editors. A template's manifest composes these into the schema of a
report (see ``content.report_schema``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from boardpaper.errors import Problem
from boardpaper.load.suggestions import SUGGESTIONS, closest, unknown_key
from boardpaper.load.suggestions import did_you_mean as did_you_mean
from boardpaper.load.yaml_nodes import Limits, Node, describe

INVALID: Any = object()
"""Returned by a check that failed; its problems are already recorded."""


class Located(str):
    """Text that remembers where in its file it was written."""

    line: int
    column: int
    block: bool

    def __new__(cls, value: str, line: int, column: int, block: bool = False) -> Located:
        text = super().__new__(cls, value)
        text.line, text.column, text.block = line, column, block
        return text

    def __reduce__(self) -> tuple[type[Located], tuple[str, int, int, bool]]:
        # Picklable, so validated reports can be sent to worker processes.
        return (Located, (str(self), self.line, self.column, self.block))


@dataclass
class Context:
    """What a validation pass accumulates: problems, and references to check later."""

    path: str
    limits: Limits = field(default_factory=Limits)
    problems: list[Problem] = field(default_factory=list)
    table_refs: list[tuple[str, Node, str]] = field(default_factory=list)
    paragraph_ids: dict[str, tuple[Node, str]] = field(default_factory=dict)
    paragraph_refs: list[tuple[str, Node, str]] = field(default_factory=list)
    folder: Path | None = None
    """The report's folder, where its data files are; None when the report came as text."""
    data_files: dict[str, Any] = field(default_factory=dict)
    """Data files read while validating, by display name (``load.datafiles.DataTable``)."""

    def error(self, node: Node, key: str, message: str) -> Any:
        self.problems.append(Problem(self.path, node.line, node.column, key, message))
        return INVALID


class Kind:
    """A kind of value. Subclasses implement ``check`` and ``json_schema``."""

    expected = "a value"

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def mismatch(self, node: Node, ctx: Context, key: str) -> Any:
        return ctx.error(node, key, f"expected {self.expected}, found {describe(node)}")


class Text(Kind):
    """One line or paragraph of plain text; numbers and yes/no are kept as typed."""

    expected = "text"

    def __init__(
        self,
        description: str = "",
        pattern: str | None = None,
        hint: str = "",
        max_chars: int | None = None,
    ):
        self.description = description
        self.pattern = re.compile(pattern) if pattern else None
        self.hint = hint
        self.max_chars = max_chars

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        text = scalar_text(self, node, ctx, key)
        if text is INVALID:
            return INVALID
        if self.max_chars is not None and len(text.strip()) > self.max_chars:
            return ctx.error(
                node,
                key,
                f"{len(text.strip()):,} characters; at most {self.max_chars} here "
                "(it is also the document's title or subject, which Word limits to 255)",
            )
        if self.pattern and not self.pattern.fullmatch(text.strip()):
            return ctx.error(node, key, f"expected {self.hint or self.expected}, found {text!r}")
        return Located(text.strip(), node.line, node.column)

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": ["string", "number", "boolean"]}
        if self.description:
            schema["description"] = self.description
        return schema


def scalar_text(kind: Kind, node: Node, ctx: Context, key: str) -> Any:
    """The text of a non-empty scalar within the text limit, as typed; or INVALID."""
    if node.kind != "scalar" or node.is_null:
        return kind.mismatch(node, ctx, key)
    text = str(node.value)
    if not text.strip():
        return ctx.error(node, key, "expected text, found an empty value")
    if len(text) > ctx.limits.max_text_chars:
        return ctx.error(
            node,
            key,
            f"text is {len(text):,} characters; the limit is {ctx.limits.max_text_chars:,}",
        )
    return text


class Email(Text):
    """An email address."""

    expected = "an email address"

    def __init__(self, description: str = "Email address"):
        # Domain labels cannot hold dots, so the match is linear: the looser
        # [^@\s]+\.[^@\s]+ takes minutes to fail on a long run of "b.b.b.".
        super().__init__(
            description,
            r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+",
            "an email address like name@council.gov.uk",
        )

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind == "scalar" and len(str(node.value).strip()) > 254:
            return ctx.error(node, key, "an email address has at most 254 characters")
        return super().check(node, ctx, key)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "email", "description": self.description}


PROPERTY_CHARS = 255
"""Longest text Word keeps in a core property (title, subject): python-docx refuses more."""

DATE_YEARS = range(1900, 3000)
"""Years a paper's dates may have. Deadlines count days back from a meeting, so a date in
year 1 overflowed (``OverflowError``); any year outside this range is a typing mistake."""


def date_range_problem(day: dt.date) -> str | None:
    """Why ``day`` is outside ``DATE_YEARS``, or None."""
    if day.year in DATE_YEARS:
        return None
    return (
        f"the year {day.year} is outside the years boardpaper accepts "
        f"({DATE_YEARS.start}-{DATE_YEARS.stop - 1}); check the date"
    )


class Date(Kind):
    """A calendar date, written 2021-03-01 or 1 March 2021, in a year of ``DATE_YEARS``."""

    expected = "a date like 2021-03-01"

    def __init__(self, description: str = ""):
        self.description = description

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind != "scalar" or node.is_null:
            return self.mismatch(node, ctx, key)
        text = str(node.value).strip()
        for pattern in ("%Y-%m-%d", "%d %B %Y", "%d %b %Y"):
            try:
                day = dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
            problem = date_range_problem(day)
            return ctx.error(node, key, problem) if problem else day
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            return ctx.error(node, key, f"{text!r} is not a real date (no such day)")
        return ctx.error(node, key, f"expected {self.expected}, found {text!r}")

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "string",
            "description": self.description or "A date, written 2021-03-01",
            "pattern": r"^(\d{4}-\d{2}-\d{2}|\d{1,2} [A-Za-z]+ \d{4})$",
        }


class YesNo(Kind):
    """A yes/no answer."""

    expected = "yes or no"
    WORDS: ClassVar[dict[str, bool]] = {"yes": True, "true": True, "no": False, "false": False}

    def __init__(self, description: str = ""):
        self.description = description

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        word = str(node.value).strip().lower() if node.kind == "scalar" else ""
        if word not in self.WORDS:
            return self.mismatch(node, ctx, key)
        return self.WORDS[word]

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": ["boolean", "string"],
            "enum": [True, False, "yes", "no"],
            "description": self.description,
        }


class Choice(Kind):
    """One of a fixed set of words."""

    def __init__(self, options: list[str], description: str = ""):
        self.options = options
        self.description = description
        self.expected = "one of " + ", ".join(options)

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind != "scalar":
            return self.mismatch(node, ctx, key)
        word = str(node.value).strip()
        for option in self.options:
            if word.lower() == option.lower():
                return option
        return ctx.error(
            node,
            key,
            f"expected {self.expected}, found {word!r}{did_you_mean(word, self.options)}",
        )

    def json_schema(self) -> dict[str, Any]:
        return {"enum": self.options, "description": self.description}


class ListOf(Kind):
    """A list whose every item is of one kind."""

    def __init__(
        self, item: Kind, min_items: int = 1, description: str = "", max_items: int | None = None
    ):
        self.item = item
        self.min_items = min_items
        self.max_items = max_items
        self.description = description
        self.expected = "a list (one '- ' line per item)"

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind != "seq":
            return self.mismatch(node, ctx, key)
        items = node.value
        assert isinstance(items, list)
        if len(items) < self.min_items:
            return ctx.error(
                node, key, f"expected at least {self.min_items} item(s), found {len(items)}"
            )
        if self.max_items is not None and len(items) > self.max_items:
            return ctx.error(
                node, key, f"expected at most {self.max_items:,} items, found {len(items):,}"
            )
        values = [
            INVALID if item.reported else self.item.check(item, ctx, f"{key}[{index}]")
            for index, item in enumerate(items)
        ]
        return INVALID if any(value is INVALID for value in values) else values

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "array",
            "items": self.item.json_schema(),
            "minItems": self.min_items,
        }
        if self.max_items is not None:
            schema["maxItems"] = self.max_items
        if self.description:
            schema["description"] = self.description
        return schema


class TextOrList(Kind):
    """Text, or a list of texts (for "Wards Affected: All" or a list of wards)."""

    expected = "text or a list of texts"

    def __init__(self, description: str = ""):
        self.description = description
        self.text = Text()

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind == "seq":
            return ListOf(self.text).check(node, ctx, key)
        return self.text.check(node, ctx, key)

    def json_schema(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "anyOf": [self.text.json_schema(), {"type": "array", "items": self.text.json_schema()}],
        }


@dataclass
class Field:
    """One key of a record: its kind, whether it must be given, and help text."""

    kind: Kind
    required: bool = True
    description: str = ""


class Record(Kind):
    """A mapping with known keys. Unknown keys are errors, with a did-you-mean."""

    expected = "a mapping (key: value lines)"

    def __init__(self, fields: dict[str, Field], description: str = ""):
        self.fields = fields
        self.description = description

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind != "map":
            return self.mismatch(node, ctx, key)
        given = node.value
        assert isinstance(given, dict)
        result: dict[str, Any] = {}
        ok = True
        suggested: set[str | None] = set()
        for name, child in given.items():
            child_key = f"{key}.{name}" if key else name
            if name not in self.fields:
                line, column = node.key_places[name]
                # Suggestions cost a string comparison per known key: only for the first
                # SUGGESTIONS problems (45,000 unknown keys took 14 s of them).
                suggest = len(ctx.problems) < SUGGESTIONS
                message = unknown_key(name, self.fields) if suggest else "unknown key"
                ctx.problems.append(Problem(ctx.path, line, column, child_key, message))
                if suggest:
                    suggested.add(closest(name, list(self.fields)))
                ok = False
                continue
            if child.reported:
                ok = False
                continue
            value = self.fields[name].kind.check(child, ctx, child_key)
            ok = ok and value is not INVALID
            result[name] = value
        for name, spec in self.fields.items():
            if spec.required and name not in given:
                ok = False
                if name in suggested:
                    continue  # the did-you-mean of a misspelt key already says it
                child_key = f"{key}.{name}" if key else name
                ctx.problems.append(
                    Problem(ctx.path, node.line, node.column, child_key, "required but missing")
                )
        return result if ok else INVALID

    def json_schema(self) -> dict[str, Any]:
        properties = {}
        for name, spec in self.fields.items():
            child = spec.kind.json_schema()
            if spec.description:
                child = {**child, "description": spec.description}
            properties[name] = child
        schema: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "required": [name for name, spec in self.fields.items() if spec.required],
            "additionalProperties": False,
        }
        if self.description:
            schema["description"] = self.description
        return schema
