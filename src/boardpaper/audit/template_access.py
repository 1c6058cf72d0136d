"""What a template reaches for beyond plain data: a parsed Jinja template in, findings out.

Templates see plain data (docs/templates.md). The sandbox refuses Python
internals when a paper is built; ``boardpaper check`` should say so earlier,
at the line: any name starting with ``_`` (``''.__class__``,
``paper.__init__``), and any attribute of a literal (``''.join``,
``(1).__class__``, ``{}.update``), which no documented variable needs.
"""

from __future__ import annotations

from typing import Any


def unsafe_accesses(tree: Any) -> list[tuple[str, int]]:
    """(message, line) for each attribute or item a template reaches outside plain data."""
    from jinja2 import nodes

    found: list[tuple[str, int]] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            name = node.arg.value
        else:
            continue
        if name.startswith("_"):
            found.append(
                (
                    f"uses {name!r}: names starting with _ reach Python's internals; "
                    "templates may use only the variables in docs/templates.md",
                    node.lineno,
                )
            )
        elif isinstance(node.node, nodes.Const | nodes.List | nodes.Tuple | nodes.Dict):
            found.append(
                (
                    f"uses {name!r} of a literal value; templates may use only the "
                    "variables in docs/templates.md",
                    node.lineno,
                )
            )
    return found
