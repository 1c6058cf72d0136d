"""Hints for mistakes YAML lets through: a located node in, a plain-words message out.

Some mistakes parse as valid YAML but mean something else: a comma inside an
unquoted cell of ``[a, b, c]`` splits the cell in two, and a paragraph starting
``Note: ...`` becomes a key and its value. The validators call these to say
what happened and how to write it instead.
"""

from __future__ import annotations

from boardpaper.load.yaml_nodes import Node


def row_width_message(row: Node, width: int) -> str:
    """A table row with the wrong number of cells; a bracketed row with too many gets a hint.

    In ``[Contacts, 3,869, 5,307]`` YAML splits at every comma, so an author who
    typed a comma inside a cell sees more cells than columns.
    """
    cells = row.value if isinstance(row.value, list) else []
    message = f"expected {width} cells (one per column), found {len(cells)}"
    if row.style == "flow" and len(cells) > width:
        unquoted = [cell for cell in cells if cell.kind == "scalar" and cell.style is None]
        if unquoted:
            message += (
                "; a comma inside a cell splits it in two: put a cell that holds a comma "
                'in quotes, e.g. "47 (High Risk, 38 Medium Risk)"'
            )
    return message


def mapping_for_text_message(node: Node, expected: str) -> str | None:
    """A paragraph written ``Note: the figures ...`` reads as the key ``Note``: say so.

    Returns None when the mapping does not look like a sentence (several keys,
    or keys that are field names), so the caller keeps its usual message.
    """
    keys = list(node.value) if isinstance(node.value, dict) else []
    if len(keys) != 1:
        return None
    key = keys[0]
    if key.replace("_", "").isalnum() and key == key.lower() and " " not in key:
        return None
    return (
        f"expected {expected}, found the key {key!r}: the ': ' after {key!r} makes YAML "
        f'read it as a key; put the whole paragraph in quotes ("{key}: ...")'
    )
