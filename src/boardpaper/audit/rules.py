"""Accessibility rules shared by the audits: rule names and explanations in, located problems out.

The audits (``audit.pdf`` and ``audit.docx``) are an independent inspection of the
built file: they never look at the model or the templates, so they also catch a
template that a council edited badly. ``boardpaper check`` runs them on every
rendered paper. The rules are listed in ``PDF_RULES`` and ``DOCX_RULES`` and
explained in docs/accessibility.md.
"""

from __future__ import annotations

import re

from boardpaper.errors import Problem

PDF_RULES = (
    "tagged",
    "structure",
    "language",
    "title",
    "pdfua",
    "headings",
    "bookmarks",
    "tables",
    "lists",
    "figures",
    "links",
    "fonts",
    "artifacts",
    "colour",
)
"""Rules ``audit_pdf`` applies (the ``rule`` of each problem it reports)."""


DOCX_RULES = (
    "structure",
    "title",
    "language",
    "headings",
    "lists",
    "tables",
    "figures",
    "links",
    "colour",
)
"""Rules ``audit_docx`` applies."""


GENERIC_LINK_TEXT = frozenset(
    {
        "click here",
        "here",
        "click",
        "link",
        "this link",
        "read more",
        "more",
        "more information",
        "this",
        "this page",
        "go",
        "details",
    }
)
"""Link text that says nothing about where the link goes (WCAG 2.4.4)."""


TYPED_BULLET = re.compile(r"^\s*[•●○◦▪■□◆◇‣⁃∙·*\-–—>➢➤►▸✓✔]\s")
"""A paragraph that starts with a typed bullet instead of using a list style.

Typed paragraph numbers (1.1, (i)) are the council's paragraph numbering, not
list bullets, and are allowed."""


COLOUR_ONLY_TEXT = re.compile(r"^[\s●○◯⬤•◦▪■□◆◇⬛⬜🔴🟠🟡🟢🔵⚫⚪🟥🟧🟨🟩]*$")
"""Cell text that shows nothing but a shape, whose meaning would be its colour."""


def problem(display: str, rule: str, message: str) -> Problem:
    return Problem(display, None, None, rule, message)


def is_generic_link_text(text: str) -> bool:
    words = " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
    return not words or words in GENERIC_LINK_TEXT
