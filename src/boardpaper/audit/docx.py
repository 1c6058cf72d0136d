"""Accessibility audit of a built .docx: .docx bytes in, problems (``file: rule: explanation``) out.

An independent inspection with python-docx and the raw WordprocessingML: heading
styles in order, list styles, repeating table headers, alt text, links, title, language.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from boardpaper.audit.rules import (
    COLOUR_ONLY_TEXT,
    TYPED_BULLET,
    is_generic_link_text,
    problem,
)
from boardpaper.content.charts_spec import alt_text_problem
from boardpaper.errors import Problem

# -------------------------------------------------------------------------- Word


def audit_docx(data: bytes, display: str) -> list[Problem]:
    """Inspect a built .docx for Word accessibility; returns every problem found."""
    import docx

    problems: list[Problem] = []

    def fail(rule: str, message: str) -> None:
        problems.append(problem(display, rule, message))

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds for a broken package
        return [problem(display, "structure", f"not a readable .docx ({error})")]
    try:
        _inspect_docx(document, fail)
    except Exception as error:  # a malformed file gives a problem line, not a traceback
        fail("structure", f"the .docx could not be inspected ({type(error).__name__}: {error})")
    return problems


def _inspect_docx(document: Any, fail: Any) -> None:
    """Run every Word rule on an open python-docx document, reporting through ``fail``."""
    from docx.oxml.ns import qn

    if not (document.core_properties.title or "").strip():
        fail("title", "the document has no title property (File > Info > Title)")
    lang = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    if lang is None or not (lang.get(qn("w:val")) or "").strip():
        fail("language", "no default proofing language (w:lang in the document defaults)")
    body = document.element.body
    _check_docx_headings(document, body, fail)
    _check_docx_lists(document, body, fail)
    _check_docx_tables(document, body, fail)
    _check_docx_pictures(document, fail)
    _check_docx_links(body, fail)


def _style_chain(style: Any) -> Iterator[Any]:
    hops = 0
    while style is not None and hops < 20:
        yield style
        style = style.base_style
        hops += 1


def _heading_level(paragraph: Any) -> int | None:
    """The level of a built-in Heading style (or a style based on one), else None."""
    for style in _style_chain(paragraph.style):
        match = re.fullmatch(r"heading ([1-9])", (style.name or "").lower())
        if match:
            return int(match.group(1))
    return None


def _body_paragraphs(document: Any, body: Any) -> Iterator[Any]:
    """Every paragraph of the body in reading order, table cells included."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    for p in body.iter(qn("w:p")):
        yield Paragraph(p, document)


def _check_docx_headings(document: Any, body: Any, fail: Any) -> None:
    from docx.oxml.ns import qn

    previous = 0
    for paragraph in _body_paragraphs(document, body):
        level = _heading_level(paragraph)
        outline = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        text = paragraph.text.strip()
        if level is None:
            if outline is not None and text:
                fail(
                    "headings",
                    f"{text!r} is given an outline level directly; use a built-in Heading style",
                )
            continue
        if not text:
            continue
        if previous == 0 and level != 1:
            fail("headings", f"the first heading {text!r} is Heading {level}; use Heading 1")
        elif previous and level > previous + 1:
            fail(
                "headings", f"heading {text!r} is Heading {level} straight after Heading {previous}"
            )
        previous = level
    if previous == 0:
        fail("headings", "no paragraph uses a built-in Heading style")


def _has_numbering(paragraph: Any) -> bool:
    from docx.oxml.ns import qn

    for element in [paragraph._p, *(s.element for s in _style_chain(paragraph.style))]:
        num_pr = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is not None:
            num_id = num_pr.find(qn("w:numId"))
            return num_id is None or num_id.get(qn("w:val")) != "0"
    return False


def _check_docx_lists(document: Any, body: Any, fail: Any) -> None:
    for paragraph in _body_paragraphs(document, body):
        text = paragraph.text
        if TYPED_BULLET.match(text) and not _has_numbering(paragraph):
            fail(
                "lists",
                f"{text.strip()[:40]!r} starts with a typed bullet;"
                " use a list style (List Bullet, List Number)",
            )


def _cell_fill(tc: Any) -> str:
    from docx.oxml.ns import qn

    shading = tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    if shading is None:
        return ""
    fill = (shading.get(qn("w:fill")) or "").lower()
    return "" if fill in ("", "auto", "ffffff", "000000") else fill


def _check_docx_tables(document: Any, body: Any, fail: Any) -> None:
    from docx.oxml.ns import qn

    for number, tbl in enumerate(body.iter(qn("w:tbl")), start=1):
        rows = tbl.findall(qn("w:tr"))
        if not rows:
            continue
        first = rows[0]
        repeat = first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}")
        if repeat is None or repeat.get(qn("w:val"), "true").lower() in ("0", "false", "off"):
            fail(
                "tables",
                f"table {number}: the header row is not marked to repeat (w:tblHeader);"
                " tick 'Repeat as header row'",
            )
        if len(rows) == 1 or len(first.findall(qn("w:tc"))) < 2:
            fail(
                "tables",
                f"table {number} has one row or one column: a layout table; use paragraphs instead",
            )
        for row_number, tr in enumerate(rows, start=1):
            for tc in tr.findall(qn("w:tc")):
                text = "".join(t.text or "" for t in tc.iter(qn("w:t"))).strip()
                fill = _cell_fill(tc)
                if fill and not text:
                    fail(
                        "colour",
                        f"table {number}, row {row_number}: a cell is coloured #{fill} but"
                        " says nothing; status must not be shown by colour alone",
                    )
                elif text and COLOUR_ONLY_TEXT.match(text):
                    fail(
                        "colour",
                        f"table {number}, row {row_number}: a cell shows only {text!r};"
                        " say the status in words too",
                    )


def _check_docx_pictures(document: Any, fail: Any) -> None:
    """Alt text (descr) on every drawing in the body, headers and footers."""
    parts = [document.part]
    for section in document.sections:
        for item in (section.header, section.footer, section.first_page_header):
            if not item.is_linked_to_previous and item.part not in parts:
                parts.append(item.part)
    wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
    vml = "{urn:schemas-microsoft-com:vml}shape"
    for part in parts:
        for doc_pr in part.element.iter(wp):
            if doc_pr.get("hidden") in ("1", "true"):
                continue
            wrong = alt_text_problem(doc_pr.get("descr") or "")
            if wrong:
                name = doc_pr.get("name") or f"id {doc_pr.get('id')}"
                fail("figures", f"picture {name!r} {wrong} (descr)")
        for shape in part.element.iter(vml):
            if (
                shape.find(".//{urn:schemas-microsoft-com:vml}imagedata") is not None
                and not (shape.get("alt") or "").strip()
            ):
                fail("figures", "a picture (VML shape) has no alternative text (alt)")


def _check_docx_links(body: Any, fail: Any) -> None:
    from docx.oxml.ns import qn

    for link in body.iter(qn("w:hyperlink")):
        text = "".join(t.text or "" for t in link.iter(qn("w:t"))).strip()
        if is_generic_link_text(text):
            fail(
                "links",
                f"link text {text!r} does not say where the link goes; use descriptive words",
            )
