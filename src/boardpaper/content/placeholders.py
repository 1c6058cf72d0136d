"""Starter text left in a report: report text and its template in, located problems out.

``boardpaper new report`` fills every field with a placeholder that validates
("Committee goes here", "Full name"), so a paper can be built at once. A paper
that still says "Committee goes here" must not reach a committee, though:
``validate`` warns about each placeholder left, and ``check`` and ``pack``
refuse them. The placeholders are read from the template's own starter (its
double-quoted texts, and the example email), so they can never drift from it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from boardpaper.errors import ContentError, Problem
from boardpaper.load.yaml_nodes import Limits, Node, parse_yaml
from boardpaper.template.manifest import Template
from boardpaper.template.starter import EXAMPLE_EMAIL, starter_yaml

_FIXED_DAY = dt.date(2000, 1, 1)  # starter dates are real dates, never placeholders


def report_starter(template: Template) -> str:
    """``template``'s starter report, as ``placeholder_problems`` compares against."""
    return starter_yaml(template, today=_FIXED_DAY)


@functools.lru_cache(maxsize=32)
def starter_placeholders(starter: str) -> frozenset[tuple[str, str]]:
    """(key pattern, text) of each placeholder in the ``starter`` YAML text.

    The key pattern is the dotted key with list indexes left out (``risks[].risk``):
    a table cell reading "Risk" is a placeholder in the risk column only.
    """
    return frozenset(
        (_pattern(key), str(node.value).strip())
        for key, node in _keyed_scalars(parse_yaml(starter, "starter"), "")
        if node.style == '"' or node.value == EXAMPLE_EMAIL
    )


def _pattern(key: str) -> str:
    return re.sub(r"\[\d+\]", "[]", key)


def placeholder_problems(
    source: str,
    starter: str,
    display: str,
    warning: bool = False,
    limits: Limits = Limits(),
    tree: Node | None = None,
) -> list[Problem]:
    """One located problem per value in ``source`` still holding starter text, in file order.

    ``source`` is a report (or meeting) already validated under ``limits``; ``tree`` is
    its parsed YAML when the caller has it (else it is parsed here). With ``warning``,
    each message starts "warning: " (``validate`` goes on; ``check`` does not).
    """
    prefix = "warning: " if warning else ""
    placeholders = starter_placeholders(starter)
    problems = []
    if tree is None:
        try:
            tree = parse_yaml(source, display, limits)
        except ContentError:  # not validated under these limits: its own problems say more
            return []
    for key, node in _keyed_scalars(tree, ""):
        text = str(node.value).strip()
        if (_pattern(key), text) in placeholders:
            problems.append(
                Problem(
                    display,
                    node.line,
                    node.column,
                    key,
                    f'{prefix}still the starter\'s placeholder "{text}": '
                    "replace it with your own text",
                )
            )
    return problems


def _keyed_scalars(node: Node, key: str) -> list[tuple[str, Node]]:
    """Every scalar under ``node`` with its dotted key path (``a.b[0].c``), in file order."""
    if node.kind == "scalar":
        return [] if node.is_null else [(key, node)]
    found: list[tuple[str, Node]] = []
    if node.kind == "map":
        assert isinstance(node.value, dict)
        for name, child in node.value.items():
            found.extend(_keyed_scalars(child, f"{key}.{name}" if key else str(name)))
    else:
        assert isinstance(node.value, list)
        for index, child in enumerate(node.value):
            found.extend(_keyed_scalars(child, f"{key}[{index}]"))
    return found
