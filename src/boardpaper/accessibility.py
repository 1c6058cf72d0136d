"""Accessibility audits of built papers: PDF or .docx bytes in, located problems out.

Each problem reads ``file: rule: explanation``. These are the checks every
paper must pass (PSBAR 2018 / WCAG 2.2 AA); ``boardpaper check`` runs them on
every rendered paper.
"""

from __future__ import annotations

import io

from boardpaper.errors import Problem


def audit_pdf(data: bytes, display: str) -> list[Problem]:
    """Check a PDF is tagged, titled and has a language. Returns the problems found."""
    import pikepdf

    problems: list[Problem] = []

    def fail(rule: str, message: str) -> None:
        problems.append(Problem(display, None, None, rule, message))

    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        mark_info = root.get("/MarkInfo")
        if mark_info is None or not bool(mark_info.get("/Marked", False)):
            fail("tagged", "the PDF is not marked as tagged (/MarkInfo /Marked true)")
        if "/StructTreeRoot" not in root:
            fail("structure", "the PDF has no structure tree")
        if not str(root.get("/Lang", "")):
            fail("language", "the PDF has no document language (/Lang)")
        title = str(pdf.docinfo.get("/Title", "")) if pdf.docinfo else ""
        if not title:
            fail("title", "the PDF has no title in its metadata")
        prefs = root.get("/ViewerPreferences")
        if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
            fail("title", "viewers are not told to show the title (DisplayDocTitle)")
    return problems


def audit_docx(data: bytes, display: str) -> list[Problem]:
    """Check a .docx has a title and a language. Returns the problems found."""
    import docx
    from docx.oxml.ns import qn

    problems: list[Problem] = []
    document = docx.Document(io.BytesIO(data))
    if not document.core_properties.title:
        problems.append(Problem(display, None, None, "title", "the document has no title property"))
    lang = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    if lang is None or not lang.get(qn("w:val")):
        problems.append(
            Problem(display, None, None, "language", "no proofing language (w:lang) is set")
        )
    return problems
