"""Narrative text: the Markdown subset authors write, parsed into model blocks.

Markdown text in, a tuple of ``Paragraph`` and ``ListBlock`` out, or located
problems. Only paragraphs, bullet and numbered lists (nested), bold (``**``),
italic (``*``) and links are Markdown here; anything else (raw HTML, headings,
code, images) is kept as the literal text the author typed, so ``<script>`` or
``# x`` appear as written. Two rules differ from CommonMark on purpose, because
council papers are full of file paths and code names: a backslash is always a
backslash (``\\\\fileserver\\committee`` and ``C:\\Users\\_data`` print as typed;
Markdown escapes are off), and underscores never make bold or italic
(``__init__``, ``file_name_v2``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.rules_inline import StateInline, emphasis
from markdown_it.token import Token

from boardpaper.content.model import ListBlock, ListItem, Paragraph, Run

ALLOWED_LINK_SCHEMES = ("http://", "https://", "mailto:")
PARAGRAPH_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
"""A paragraph's ``id:``; ``[](#id)`` in a text prints that paragraph's number."""
_BAD_REFERENCE = (
    "{!r} is not a paragraph id: a cross-reference is written [](#id), where id is lower-case "
    "letters, digits, '-' and '_'"
)

_parser = MarkdownIt("zero").enable(["list", "emphasis", "link", "image", "newline"])
# "image" is parsed only so an image is put back as the text typed (see _runs): without
# it, ![alt](url) would become "!" and a link to url.
# Markdown autolinks, HTML and backslash escapes stay literal text: "zero" disables them.
# We check link schemes ourselves, with a located message.
_parser.validateLink = lambda url: True  # type: ignore[method-assign]
# URLs stay as typed here (an image is printed as typed); link targets are normalised in _runs.
_parser.normalizeLink = lambda url: url  # type: ignore[method-assign]


def _star_emphasis(state: StateInline, silent: bool) -> bool:
    """Emphasis with ``*`` only: an underscore is always an underscore."""
    if state.src[state.pos] != "*":
        return False
    return bool(emphasis.tokenize(state, silent))


_parser.inline.ruler.at("emphasis", _star_emphasis)


@dataclass(frozen=True)
class NarrativeProblem:
    """A problem inside a narrative text: ``line_offset`` counts from its first line."""

    line_offset: int
    message: str


def parse_narrative(text: str) -> tuple[tuple[Paragraph | ListBlock, ...], list[NarrativeProblem]]:
    """Parse Markdown ``text`` into blocks; return them and any problems found."""
    tokens = _parser.parse(text)
    problems: list[NarrativeProblem] = []
    blocks, _ = _blocks(tokens, 0, problems, closing=None)
    return tuple(blocks), problems


def _blocks(
    tokens: list[Token], index: int, problems: list[NarrativeProblem], closing: str | None
) -> tuple[list[Paragraph | ListBlock], int]:
    blocks: list[Paragraph | ListBlock] = []
    while index < len(tokens):
        token = tokens[index]
        if closing and token.type == closing:
            return blocks, index + 1
        if token.type == "paragraph_open":
            inline = tokens[index + 1]
            blocks.append(Paragraph(tuple(_runs(inline, problems))))
            index += 3
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            ordered = token.type == "ordered_list_open"
            start = int(token.attrs.get("start", 1)) if ordered else 1
            close = "ordered_list_close" if ordered else "bullet_list_close"
            items, index = _list_items(tokens, index + 1, problems, close)
            blocks.append(ListBlock(tuple(items), ordered=ordered, start=start))
        else:
            index += 1
    return blocks, index


def _list_items(
    tokens: list[Token], index: int, problems: list[NarrativeProblem], close: str
) -> tuple[list[ListItem], int]:
    items: list[ListItem] = []
    while index < len(tokens) and tokens[index].type != close:
        if tokens[index].type == "list_item_open":
            blocks, index = _blocks(tokens, index + 1, problems, closing="list_item_close")
            items.append(ListItem(tuple(blocks)))
        else:
            index += 1
    return items, index + 1


def _runs(inline: Token, problems: list[NarrativeProblem]) -> list[Run]:
    runs: list[Run] = []
    bold = italic = 0
    href: str | None = None
    referring = False
    line = inline.map[0] if inline.map else 0
    for child in inline.children or []:
        kind = child.type
        if kind == "text":
            _append(runs, Run(child.content, bool(bold), bool(italic), href))
        elif kind in ("softbreak", "hardbreak"):
            _append(runs, Run(" " if kind == "softbreak" else "\n", bool(bold), bool(italic), href))
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open" and str(child.attrs.get("href", "")).startswith("#"):
            target = str(child.attrs["href"])[1:]
            if not PARAGRAPH_ID.fullmatch(target):
                problems.append(NarrativeProblem(line, _BAD_REFERENCE.format(target)))
            runs.append(Run(f"#{target}", bool(bold), bool(italic), ref=target))
            referring = True
        elif referring:
            # The words inside [..](#id) give way to the paragraph's number.
            referring = kind != "link_close"
        elif kind == "link_open":
            target = normalizeLink(str(child.attrs.get("href", "")))
            if not target.lower().startswith(ALLOWED_LINK_SCHEMES):
                problems.append(
                    NarrativeProblem(
                        line,
                        f"link to {target!r} is not allowed: links must start with "
                        "https://, http:// or mailto:",
                    )
                )
            href = target
        elif kind == "link_close":
            href = None
        elif kind == "image":
            source = str(child.attrs.get("src", ""))
            title = child.attrs.get("title")
            quoted_title = f' "{title}"' if title else ""
            typed = f"![{child.content}]({source}{quoted_title})"
            _append(runs, Run(typed, bool(bold), bool(italic), href))
        else:
            _append(runs, Run(child.content, bool(bold), bool(italic), href))
    return _merged(runs)


def _append(runs: list[Run], run: Run) -> None:
    """Add a run unless it is empty; ``_merged`` joins runs of the same formatting later."""
    if run.text:
        runs.append(run)


def _merged(runs: list[Run]) -> list[Run]:
    """Join neighbouring runs with the same formatting, in one pass.

    (Joining as each run arrives copied the text so far every time: quadratic, which a
    paragraph of many short lines made take seconds.)
    """
    merged: list[Run] = []
    for (bold, italic, href, ref), group in groupby(
        runs, key=lambda run: (run.bold, run.italic, run.href, run.ref)
    ):
        if ref is not None:
            merged.extend(group)  # each cross-reference stays a run of its own
            continue
        merged.append(Run("".join(run.text for run in group), bold, italic, href))
    return merged
