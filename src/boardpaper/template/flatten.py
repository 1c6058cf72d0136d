"""``boardpaper new template``: a loaded template in, the files of a new template folder out.

``flattened_files`` writes the whole chain (the template, its parents, the base) as one
self-contained folder with no ``extends``: the merged manifest, every file by the lookup
order, one ``paper.css`` holding each ``paper.css`` of the chain in cascade order, and a
``paper.html`` whose ``{% extends "NAME:FILE" %}`` is resolved by putting the child's
blocks into the parent's text. ``child_files`` instead writes a folder that keeps
``extends`` and holds only a manifest, for a council that wants to change a few things.
Nothing is written here; the CLI writes the returned files atomically.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from boardpaper.template.inherit import (
    BASE_NAME,
    STYLESHEET,
    ChainLink,
    find_file,
    stylesheets,
    template_files,
)
from boardpaper.template.manifest import Template
from boardpaper.template.wording import Wording

BLOCK_START = re.compile(r"\{%-?\s*block\s+(\w+)(?:\s+scoped)?\s*-?%\}")
BLOCK_END = re.compile(r"\{%-?\s*endblock(?:\s+\w+)?\s*-?%\}")
EXTENDS = re.compile(r"\{%-?\s*extends\s+([\"'])([^\"']+)\1\s*-?%\}\n?")
LEADING_COMMENT = re.compile(r"\A\s*\{#.*?#\}\n?", re.DOTALL)
COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
SUPER = re.compile(r"\{\{-?\s*super\(\)\s*-?\}\}")
JINJA_SUFFIXES = (".html", ".htm", ".xml", ".j2", ".jinja")


class FlattenError(ValueError):
    """The chain cannot be written as one folder (the message says why and what to do)."""


def flattened_files(template: Template, name: str) -> dict[str, bytes]:
    """Relative path -> bytes of a self-contained copy of ``template`` called ``name``."""
    files: dict[str, bytes] = {}
    named = _jinja_files_named(template.raw)
    for link in template.chain:
        for path in template_files(link.folder):
            relative = path.relative_to(link.folder).as_posix()
            if relative in ("template.yaml", STYLESHEET) or relative in files:
                continue
            found = find_file(template.chain, relative)
            if found is None:
                continue
            if found.suffix in JINJA_SUFFIXES and link != template.chain[0]:
                if relative not in named:
                    continue  # a parent's layout: written into the files that extend it
                files[relative] = flatten_jinja(template.chain, relative).encode()
            elif found.suffix in JINJA_SUFFIXES:
                files[relative] = flatten_jinja(template.chain, relative).encode()
            else:
                files[relative] = found.read_bytes()
    sheets = stylesheets(template.chain)
    if sheets:
        files[STYLESHEET] = _joined_css(template.chain, sheets).encode()
    files["template.yaml"] = _manifest_text(template, name).encode()
    return files


def _jinja_files_named(manifest: dict[str, Any]) -> set[str]:
    """The Jinja files the manifest names: the paper's HTML and the agenda's."""
    agenda = manifest.get("agenda") or {}
    names = [manifest.get("html_template")]
    names += [agenda.get(key) for key in ("html_template", "notice_template", "stamp_template")]
    return {str(name) for name in names if name}


def child_files(template: Template, name: str) -> dict[str, bytes]:
    """A new template ``name`` that extends ``template`` and changes nothing yet."""
    text = (
        f"# {name}: extends the {template.name!r} template and holds only what it changes.\n"
        "# Add a key to replace the parent's (front_sheet, parts, recommendation_numbering ...),\n"
        "# 'overrides:' to change one field or section, a paper.css for the PDF's look, a\n"
        "# paper.docx for Word. See docs/templates.md, 'Inheritance'.\n"
        f"name: {name}\n"
        f"description: {_yaml_scalar(template.description)}\n"
        f"extends: {template.name}\n"
    )
    return {"template.yaml": text.encode()}


def flatten_jinja(chain: tuple[ChainLink, ...], relative: str, depth: int = 0) -> str:
    """The Jinja file ``relative`` (by lookup order) with its ``{% extends %}`` resolved."""
    found = find_file(chain, relative)
    if found is None:
        raise FlattenError(f"{relative}: not found in the chain")
    return _resolve_extends(chain, found.read_text(encoding="utf-8"), relative, depth)


def _resolve_extends(chain: tuple[ChainLink, ...], source: str, where: str, depth: int) -> str:
    if depth > len(chain):
        raise FlattenError(f"{where}: its {{% extends %}} go round in a loop")
    match = EXTENDS.search(_masked(source))
    if match is None:
        _refuse_prefixed(chain, source, where)
        return source
    parent_name, colon, parent_file = match.group(2).partition(":")
    links = tuple(link for link in chain if link.name == parent_name) if colon else chain
    if not colon:
        parent_file = parent_name
    found = find_file(links, parent_file)
    if found is None:
        raise FlattenError(f"{where}: extends {match.group(2)!r}, which is not in the chain")
    parent = _resolve_extends(chain, found.read_text(encoding="utf-8"), parent_file, depth + 1)
    overrides, rest = _top_level_blocks(source[: match.start()] + source[match.end() :])
    rest = LEADING_COMMENT.sub("", rest).strip()
    if rest:
        raise FlattenError(
            f"{where}: has statements outside its blocks; write it by hand, or keep "
            "'extends' (boardpaper new template NAME --from X --keep-extends)"
        )
    own_comment = LEADING_COMMENT.match(source)
    body = _replace_blocks(parent, overrides)
    parent_comment = LEADING_COMMENT.match(body)
    if parent_comment is not None and own_comment is not None:
        body = body[parent_comment.end() :]
    return (own_comment.group(0) if own_comment else "") + body


def _refuse_prefixed(chain: tuple[ChainLink, ...], source: str, where: str) -> None:
    for link in chain:
        if re.search(rf"[\"']{re.escape(link.name)}:", _masked(source)):
            raise FlattenError(
                f"{where}: includes a file of {link.name!r} by name; keep 'extends' "
                "(--keep-extends) or copy that file by hand"
            )


def _masked(source: str) -> str:
    """``source`` with its Jinja comments blanked out, at the same positions."""
    return COMMENT.sub(lambda match: " " * len(match.group(0)), source)


def _spans(source: str) -> list[tuple[str, int, int, int, int]]:
    """Top-level blocks: (name, tag start, inner start, inner end, end-tag end)."""
    source = _masked(source)
    tags = sorted(
        [(m.start(), m.end(), m.group(1)) for m in BLOCK_START.finditer(source)]
        + [(m.start(), m.end(), None) for m in BLOCK_END.finditer(source)]
    )
    spans, stack = [], []
    for start, end, name in tags:
        if name is not None:
            stack.append((name, start, end))
            continue
        if not stack:
            raise FlattenError("an {% endblock %} without its {% block %}")
        block, tag_start, inner_start = stack.pop()
        if not stack:
            spans.append((block, tag_start, inner_start, start, end))
    if stack:
        raise FlattenError(f"block {stack[-1][0]!r} is never closed")
    return spans


def _top_level_blocks(source: str) -> tuple[dict[str, str], str]:
    """The child's blocks (name -> inner text) and what is left outside them."""
    blocks: dict[str, str] = {}
    rest, last = [], 0
    for name, tag_start, inner_start, inner_end, end in _spans(source):
        blocks[name] = source[inner_start:inner_end]
        rest.append(source[last:tag_start])
        last = end
    rest.append(source[last:])
    return blocks, "".join(rest)


def _replace_blocks(source: str, overrides: dict[str, str]) -> str:
    """``source`` with each block named in ``overrides`` given the child's inner text."""
    out, last = [], 0
    for name, _tag_start, inner_start, inner_end, _end in _spans(source):
        inner = source[inner_start:inner_end]
        if name in overrides:
            new = inner.join(SUPER.split(overrides[name]))  # {{ super() }}: the parent's
        else:
            new = _replace_blocks(inner, overrides)
        out.append(source[last:inner_start] + new)
        last = inner_end
    out.append(source[last:])
    return "".join(out)


def _joined_css(chain: tuple[ChainLink, ...], sheets: tuple[Path, ...]) -> str:
    names = {link.folder: link.name for link in chain}
    parts = []
    for sheet in sheets:
        parts.append(f"/* ---- from {names.get(sheet.parent, BASE_NAME)}'s paper.css ---- */\n")
        parts.append(sheet.read_text(encoding="utf-8").rstrip("\n") + "\n")
    return "\n".join(parts)


def _plain(value: Any) -> Any:
    """Validated manifest data (located strings) as plain YAML-ready values."""
    if isinstance(value, Wording):
        return _wording(value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    return value


def _wording(wording: Wording) -> Any:
    """An item of ``standard_wording`` as the manifest spells it: text, or dated text."""
    paragraphs = [str(text) for text in wording.paragraphs]
    if wording.start is None and wording.end is None and len(paragraphs) == 1:
        return paragraphs[0]
    item: dict[str, Any] = {}
    if wording.start is not None:
        item["from"] = wording.start
    if wording.end is not None:
        item["until"] = wording.end
    item["text"] = paragraphs[0] if len(paragraphs) == 1 else paragraphs
    return item


def _manifest_text(template: Template, name: str) -> str:
    data = _plain(template.raw)
    data.pop("extends", None)
    data.pop("overrides", None)
    data["name"] = name
    ordered = {"name": name, **{key: value for key, value in data.items() if key != "name"}}
    chain = " -> ".join(link.name for link in template.chain)
    header = (
        f"# {name}: a self-contained template, written by "
        f"'boardpaper new template {name} --from {template.name}'\n"
        f"# from the chain {chain}: every file and setting is in this folder now.\n"
        "# See docs/templates.md.\n"
    )
    return header + yaml.safe_dump(
        ordered, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )


def _yaml_scalar(text: str) -> str:
    return yaml.safe_dump(str(text), allow_unicode=True, width=1000).removesuffix("\n...\n")
