"""Standard wording bound to dates: a manifest's ``standard_wording`` in, the paragraphs
a report of a given date prints out.

A council's standard wording changes with its corporate plan: the 2019-2023
ambition must not appear in a report of 2025. Each item of a section's
``standard_wording`` is either text (printed in every report) or a group
``{text: ..., from: DATE, until: DATE}`` printed only in reports whose meeting
date falls in that range (both ends included; either may be left out).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from boardpaper.load.validators import (
    INVALID,
    Context,
    Date,
    Field,
    Kind,
    Record,
    Text,
    TextOrList,
)
from boardpaper.load.yaml_nodes import Node


@dataclass(frozen=True)
class Wording:
    """Paragraphs of standard wording and the meeting dates they belong to."""

    paragraphs: tuple[str, ...]
    start: dt.date | None = None
    end: dt.date | None = None

    def applies_to(self, day: dt.date | None) -> bool:
        """Whether a report for a meeting on ``day`` prints this wording."""
        if day is None:
            return self.start is None and self.end is None
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


class WordingKind(Kind):
    """One item of a manifest's ``standard_wording``: text, or dated text."""

    expected = "text, or a mapping with text: and from:/until: dates"

    def __init__(self) -> None:
        self.record = Record(
            {
                "text": Field(TextOrList(), description="One paragraph, or a list of them"),
                "from": Field(
                    Date(), required=False, description="The first meeting date it is for"
                ),
                "until": Field(
                    Date(), required=False, description="The last meeting date it is for"
                ),
            }
        )

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind != "map":
            text = Text().check(node, ctx, key)
            return INVALID if text is INVALID else Wording((str(text),))
        data = self.record.check(node, ctx, key)
        if data is INVALID:
            return INVALID
        text = data["text"]
        paragraphs = tuple(str(t) for t in text) if isinstance(text, list) else (str(text),)
        start, end = data.get("from"), data.get("until")
        if start and end and end < start:
            return ctx.error(node, f"{key}.until", "'until' is before 'from'")
        return Wording(paragraphs, start, end)

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [Text().json_schema(), self.record.json_schema()]}


def wording_for(items: tuple[Wording, ...], day: dt.date | None) -> tuple[str, ...]:
    """The paragraphs of standard wording a report for a meeting on ``day`` prints."""
    return tuple(text for item in items if item.applies_to(day) for text in item.paragraphs)
