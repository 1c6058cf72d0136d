"""Template inheritance: a chain of template folders in, the files and manifest it means out.

A template folder may say ``extends: NAME`` in its ``template.yaml``; NAME is another
template, and the built-in ``base`` (this package's ``base/`` folder) ends every chain.
The one lookup order, used for every file (the HTML, the Word file, a logo, agenda files)::

    the template's own folder, then its parent's, then the grandparent's, ..., then base

except ``paper.css``: every ``paper.css`` along the chain applies, base first, so each
holds only what it changes. Manifest keys inherit the same way: a mapping (``logo``,
``agenda``) merges key by key, anything else (text, ``front_sheet``, ``parts``) given by
the child replaces the parent's, and ``overrides`` changes single fields and sections.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BASE_NAME = "base"
"""The name of the built-in base; no template folder can take it."""

STYLESHEET = "paper.css"
"""The file name that cascades along the chain instead of being looked up."""

MAX_CHAIN = 8
"""At most this many templates in one chain (base included): bounded work, and no loops."""


def base_folder() -> Path:
    """The built-in base template, shipped inside the package."""
    return Path(__file__).parent / BASE_NAME


@dataclass(frozen=True)
class ChainLink:
    """One template of a chain: its name and its folder."""

    name: str
    folder: Path


def inside(folder: Path, relative: str) -> Path | None:
    """``folder / relative`` if it stays inside ``folder`` once symlinks are resolved, else None."""
    if not relative or os.path.isabs(relative) or "\\" in relative:
        return None
    target = (folder / relative).resolve()
    root = folder.resolve()
    return target if target == root or root in target.parents else None


def find_file(chain: tuple[ChainLink, ...], relative: str) -> Path | None:
    """The file ``relative`` by the lookup order: the first folder of the chain that has it.

    Returns the path inside that folder (as the user spells it, not resolved), or None.
    A name that leaves a folder (``..``, an absolute path, a symlink pointing out) is
    never found.
    """
    for link in chain:
        target = inside(link.folder, relative)
        if target is not None and target.is_file():
            return link.folder / relative
    return None


def stylesheets(chain: tuple[ChainLink, ...]) -> tuple[Path, ...]:
    """Every ``paper.css`` of the chain, base first: the order they apply in."""
    found = []
    for link in reversed(chain):
        target = inside(link.folder, STYLESHEET)
        if target is not None and target.is_file():
            found.append(link.folder / STYLESHEET)
    return tuple(found)


def template_files(folder: Path) -> list[Path]:
    """The files that make up a template folder, sorted: all but hidden ones (.git, .DS_Store)."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def chain_files(chain: tuple[ChainLink, ...]) -> list[tuple[str, Path]]:
    """Every file of every template of the chain, named as the hash counts it.

    The template's own files keep their plain relative name (so a template without
    ``extends`` hashes as before inheritance existed); a parent's are ``NAME:relative``.
    """
    named: list[tuple[str, Path]] = []
    for index, link in enumerate(chain):
        prefix = "" if index == 0 else f"{link.name}:"
        for path in template_files(link.folder):
            named.append((prefix + path.relative_to(link.folder).as_posix(), path))
    return named


def chain_hash(chain: tuple[ChainLink, ...]) -> str:
    """sha256 over the chain's files (``chain_files``): names and bytes, in a fixed order.

    Text files count with LF line endings, so a checkout with CRLF endings (git on
    Windows) hashes, and so renders, the same.
    """
    digest = hashlib.sha256()
    for name, path in chain_files(chain):
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(normalised_text(path.read_bytes())).digest())
    return digest.hexdigest()


def normalised_text(data: bytes) -> bytes:
    """Text (no NUL in the first 8000 bytes, as git decides) with CRLF/CR made LF; else as is."""
    if b"\0" in data[:8000]:
        return data
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def merge_manifests(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """The child's manifest over its parent's: mappings merge key by key, the rest replaces."""
    merged = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_manifests(merged[key], value)
        else:
            merged[key] = value
    return merged


OVERRIDABLE = (
    "label",
    "heading",
    "required",
    "numbered",
    "description",
    "standard_wording",
    "labels",
    "columns",
    "statuses",
    "directions",
)
"""What ``overrides:`` may change of an inherited field or section (not its type)."""


def apply_overrides(
    data: dict[str, Any], overrides: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Change inherited front-sheet fields and sections by their ``field`` name.

    Returns the new manifest data and the override names that match no field.
    """
    unused = set(overrides)

    def changed(item: dict[str, Any]) -> dict[str, Any]:
        change = overrides.get(str(item["field"]))
        if change is None:
            return item
        unused.discard(str(item["field"]))
        return merge_manifests(item, change)

    result = dict(data)
    if "front_sheet" in data:
        result["front_sheet"] = [changed(item) for item in data["front_sheet"]]
    if "parts" in data:
        result["parts"] = [
            {**part, "sections": [changed(section) for section in part["sections"]]}
            for part in data["parts"]
        ]
    return result, sorted(unused)
