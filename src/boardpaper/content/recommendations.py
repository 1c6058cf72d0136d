"""Recommendations and their preamble: a located node and the template's wording in,
the items and the preamble a report prints out.

The preamble ("The Committee is asked to:", "The Executive RESOLVES to:") is
the template's: ``preambles:`` in the manifest lists the ones it allows, the
first printed unless a report picks another. A report picks by writing its
recommendations as a mapping::

    recommendations:
      preamble: The Executive recommends to full Council
      items:
        - That the Housing Allocations Policy 2026 is adopted.

and otherwise writes them as a plain list.
"""

from __future__ import annotations

from typing import Any

from boardpaper.load.validators import (
    INVALID,
    Choice,
    Context,
    Field,
    Kind,
    ListOf,
    Record,
)
from boardpaper.load.yaml_nodes import Node


class RecommendationsKind(Kind):
    """A list of recommendations, or ``{preamble: ..., items: [...]}`` to pick a preamble."""

    expected = "a list (one '- ' line per recommendation)"

    def __init__(self, item: Kind, preambles: tuple[str, ...] = ()) -> None:
        self.items = ListOf(item, description="One item per recommendation")
        self.preambles = preambles
        self.record = Record(
            {
                "preamble": Field(
                    Choice(list(preambles), description="The words before the recommendations"),
                    description="One of the template's preambles: " + "; ".join(preambles),
                ),
                "items": Field(self.items),
            }
        )

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        if node.kind == "map" and self.preambles:
            data = self.record.check(node, ctx, key)
            if data is INVALID:
                return INVALID
            return {"preamble": data["preamble"], "items": data["items"]}
        if node.kind == "map" and "preamble" in node.value:  # type: ignore[operator]
            return ctx.error(
                node, f"{key}.preamble", "this template has one fixed preamble; write a list"
            )
        return self.items.check(node, ctx, key)

    def json_schema(self) -> dict[str, Any]:
        if not self.preambles:
            return self.items.json_schema()
        return {"anyOf": [self.items.json_schema(), self.record.json_schema()]}


def preamble_and_items(value: Any, preambles: tuple[str, ...]) -> tuple[str | None, list[Any]]:
    """The preamble a report prints (the template's first unless it picked one) and its items."""
    if isinstance(value, dict):
        return value["preamble"], value["items"]
    return (preambles[0] if preambles else None), list(value or [])
