"""What a template reaches for beyond plain data: a parsed Jinja template in, findings out.

Templates see plain data (docs/templates.md). The sandbox refuses Python
internals when a paper is built; ``boardpaper check`` should say so earlier,
at the line: any name starting with ``_`` (``''.__class__``,
``paper.__init__``), and any attribute of a literal (``''.join``,
``(1).__class__``, ``{}.update``), which no documented variable needs.
"""

from __future__ import annotations

from typing import Any


def unsafe_accesses(tree: Any, environment: Any = None) -> list[tuple[str, int]]:
    """(message, line) for each attribute or item a template reaches outside plain data, and
    each file it includes that the build would not find.

    ``environment`` is the one the template renders with; None (a Word template)
    means no file may be included at all.
    """
    from jinja2 import TemplateNotFound, nodes

    found: list[tuple[str, int]] = []
    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        if environment is None:
            found.append(("a Word template cannot include other files", node.lineno))
            continue
        name = node.template.value if isinstance(node.template, nodes.Const) else None
        if name is None:
            continue
        try:
            environment.loader.get_source(environment, name)
        except TemplateNotFound:
            found.append(
                (
                    f"cannot include {name!r}: a template may include only files inside its "
                    "own folder (no symlinks leading out of it)",
                    node.lineno,
                )
            )
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
