"""Republished papers: a report item's ``earlier_versions`` in, checked and ordered versions out.

A paper corrected after publication is published again; the earlier version stays
listed (with why it was replaced) so the record of what was published is whole.
Each earlier version is its own report file, kept as it was published, with the
day it was published and the reason it was replaced. The item's own ``published``
is the day the current version was published; the publication deadline is
checked against the first version's date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from boardpaper.load.yaml_nodes import Node
from boardpaper.meeting.schema import EarlierVersion
from boardpaper.pipeline import LoadedReport

Error = Callable[[Node, str, str], None]


def version_nodes(item_node: Node) -> list[Node]:
    """The mappings of an item's ``earlier_versions`` list (none when it is not a list)."""
    assert isinstance(item_node.value, dict)
    versions = item_node.value.get("earlier_versions")
    if versions is None or versions.kind != "seq" or not isinstance(versions.value, list):
        return []
    return [node for node in versions.value if node.kind == "map"]


def check_versions(
    item: dict[str, Any], item_node: Node, key: str, agenda_day: dt.date, error: Error
) -> None:
    """Earlier versions come oldest first, on or after the agenda's publication, each
    before the next, all before the current version's own ``published`` date."""
    versions = item.get("earlier_versions") or []
    if not versions:
        return
    assert isinstance(item_node.value, dict)
    nodes = version_nodes(item_node)
    current = item.get("published")
    if current is None:
        error(
            item_node.value["earlier_versions"],
            f"{key}.published",
            "an item with earlier_versions needs its own 'published': the day the current "
            "version was published",
        )
    previous: dt.date | None = None
    for index, (version, node) in enumerate(zip(versions, nodes, strict=False)):
        assert isinstance(node.value, dict)
        at = node.value["published"]
        where = f"{key}.earlier_versions[{index}].published"
        day = version["published"]
        if day < agenda_day:
            error(at, where, "is before the agenda's publication date")
        elif previous is not None and day <= previous:
            error(at, where, "must be after the version listed before it (oldest first)")
        elif current is not None and day >= current:
            error(at, where, "must be before the item's own 'published' (the current version)")
        previous = day


def first_publication(
    item: dict[str, Any], item_node: Node, key: str
) -> tuple[dt.date | None, Node | None, str]:
    """When the item's paper was first published (its first version's date, else its own
    ``published``), the node that says so and its key; (None, None, "") when it goes with
    the agenda."""
    assert isinstance(item_node.value, dict)
    versions = item.get("earlier_versions") or []
    nodes = version_nodes(item_node)
    if versions and nodes:
        first = nodes[0].value
        assert isinstance(first, dict)
        return versions[0]["published"], first["published"], f"{key}.earlier_versions[0].published"
    own = item.get("published")
    return (own, item_node.value["published"], f"{key}.published") if own else (None, None, "")


def earlier_versions(
    item: dict[str, Any], reports: list[LoadedReport | None]
) -> tuple[EarlierVersion, ...]:
    """The checked versions, each with the day the next one replaced it."""
    versions = item.get("earlier_versions") or []
    result = []
    for index, (version, report) in enumerate(zip(versions, reports, strict=True)):
        assert report is not None
        following = versions[index + 1]["published"] if index + 1 < len(versions) else None
        replaced = following or item["published"]
        result.append(
            EarlierVersion(report, version["published"], replaced, str(version["reason"]))
        )
    return tuple(result)
