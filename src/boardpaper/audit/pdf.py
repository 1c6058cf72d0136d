"""Accessibility audit of a built PDF: PDF bytes in, problems (``file: rule: explanation``) out.

An independent inspection with pikepdf and pdfplumber: structure tree, headings,
bookmarks, tables, lists, figures, links, artifacts, fonts, title and PDF/UA id.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from boardpaper.audit.pdf_structure import (
    Element,
    Texts,
    element_text,
    read_structure,
    scan_pages,
    structure_attributes,
)
from boardpaper.audit.rules import COLOUR_ONLY_TEXT, is_generic_link_text, problem
from boardpaper.content.charts_spec import alt_text_problem
from boardpaper.errors import Problem

HEADING_ROLE = re.compile(r"^/H([1-6])$")


def audit_pdf(data: bytes, display: str) -> list[Problem]:
    """Inspect a built PDF against PDF/UA-1 and WCAG; returns every problem found."""
    import pikepdf

    problems: list[Problem] = []

    def fail(rule: str, message: str) -> None:
        problems.append(problem(display, rule, message))

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as error:
        return [problem(display, "structure", f"not a readable PDF ({error})")]
    with pdf:
        try:
            _inspect_pdf(pdf, data, fail)
        except Exception as error:  # a malformed file gives a problem line, not a traceback
            fail("structure", f"the PDF could not be inspected ({type(error).__name__}: {error})")
    return problems


def _inspect_pdf(pdf: Any, data: bytes, fail: Any) -> None:
    """Run every PDF rule on an open pikepdf document, reporting through ``fail``."""
    import pikepdf

    root = pdf.Root
    mark_info = root.get("/MarkInfo")
    if not isinstance(mark_info, pikepdf.Dictionary) or not bool(mark_info.get("/Marked", False)):
        fail("tagged", "the PDF is not marked as tagged (/MarkInfo /Marked true)")
    language = str(root.get("/Lang", "")).strip()
    if not language:
        fail("language", "the PDF has no document language (/Lang)")
    elif not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", language):
        fail("language", f"the document language {language!r} is not a language tag")
    _check_pdf_title(pdf, fail)
    _check_pdfua_id(pdf, fail)
    _check_fonts(pdf, fail)
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    tree = root.get("/StructTreeRoot")
    if not isinstance(tree, pikepdf.Dictionary):
        fail("structure", "the PDF has no structure tree (it is not tagged)")
        return
    role_map = tree.get("/RoleMap")
    document = read_structure(tree, role_map, pages)
    if not document.kids:
        fail("structure", "the structure tree is empty")
        return
    texts, colour_only = scan_pages(data)
    for message in colour_only:
        fail("colour", message)
    _check_headings(document, texts, fail)
    _check_bookmarks(pdf, document, texts, fail)
    _check_tables(document, texts, fail)
    _check_lists(document, fail)
    _check_figures(document, fail)
    _check_links(pdf, document, texts, fail)
    _check_artifacts(pdf, document, fail)


def _check_pdf_title(pdf: Any, fail: Any) -> None:
    title = ""
    if pdf.trailer.get("/Info") is not None:
        title = str(pdf.docinfo.get("/Title", "")).strip()
    if not title:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            title = str(meta.get("dc:title", "") or "").strip()
    if not title:
        fail("title", "the PDF has no title in its metadata")
    prefs = pdf.Root.get("/ViewerPreferences")
    if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
        fail("title", "viewers are not told to show the title (/DisplayDocTitle true)")


def _check_pdfua_id(pdf: Any, fail: Any) -> None:
    part = ""
    if "/Metadata" in pdf.Root:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            part = str(meta.get("{http://www.aiim.org/pdfua/ns/id/}part", "") or "")
    if part.strip() != "1":
        fail("pdfua", "the XMP metadata does not identify the file as PDF/UA-1 (pdfuaid:part 1)")


def _fonts_of(resources: Any, seen: set[tuple[int, int]]) -> Iterator[tuple[str, Any]]:
    """Every font used by a resource dictionary, including inside form XObjects."""
    import pikepdf

    if not isinstance(resources, pikepdf.Dictionary):
        return
    fonts = resources.get("/Font")
    if isinstance(fonts, pikepdf.Dictionary):
        for name, font in fonts.items():
            if font.is_indirect:
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
            yield name, font
    xobjects = resources.get("/XObject")
    if isinstance(xobjects, pikepdf.Dictionary):
        for xobject in xobjects.values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                yield from _fonts_of(xobject.get("/Resources"), seen)


def _check_fonts(pdf: Any, fail: Any) -> None:
    seen: set[tuple[int, int]] = set()
    for number, page in enumerate(pdf.pages, start=1):
        for name, font in _fonts_of(page.get("/Resources"), seen):
            base = str(font.get("/BaseFont", name)).lstrip("/")
            subtype = font.get("/Subtype")
            descriptor = font.get("/FontDescriptor")
            if subtype == "/Type0":
                descendants = font.get("/DescendantFonts")
                if descendants:
                    descriptor = descendants[0].get("/FontDescriptor")
            if subtype != "/Type3":
                embedded = descriptor is not None and any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                if not embedded:
                    fail("fonts", f"font {base} (page {number}) is not embedded")
            if "/ToUnicode" not in font:
                fail(
                    "fonts",
                    f"font {base} (page {number}) has no Unicode map (ToUnicode),"
                    " so copied or read-aloud text may be wrong",
                )


def _check_headings(document: Element, texts: Texts, fail: Any) -> None:
    previous = 0
    for element in document.walk():
        match = HEADING_ROLE.match(element.role)
        if element.role == "/H":
            fail("headings", "a heading is tagged /H without a level; use /H1 to /H6")
            continue
        if not match:
            continue
        level = int(match.group(1))
        label = element_text(element, texts) or "(empty)"
        if previous == 0 and level != 1:
            fail("headings", f"the first heading {label!r} is H{level}; it should be H1")
        elif level > previous + 1 and previous:
            fail("headings", f"heading {label!r} is H{level} straight after H{previous}")
        if not element_text(element, texts):
            fail("headings", f"an H{level} heading has no text")
        previous = level
    if previous == 0:
        fail("headings", "the document has no headings (H1 to H6) in its structure tree")


def _outline_titles(pdf: Any) -> list[str]:
    titles: list[str] = []
    with pdf.open_outline() as outline:
        stack = list(reversed(outline.root))
        while stack:
            item = stack.pop()
            titles.append(" ".join(str(item.title).split()))
            stack.extend(reversed(item.children))
    return titles


def _check_bookmarks(pdf: Any, document: Element, texts: Texts, fail: Any) -> None:
    titles = _outline_titles(pdf)
    # Compared without spaces: extracted text and outline titles may break lines differently.
    available = [re.sub(r"\s", "", title) for title in titles]
    for element in document.walk():
        if not HEADING_ROLE.match(element.role):
            continue
        label = element_text(element, texts)
        squeezed = re.sub(r"\s", "", label)
        if squeezed in available:
            available.remove(squeezed)
        elif label:
            fail("bookmarks", f"heading {label!r} has no bookmark (outline entry)")
    if not titles:
        fail("bookmarks", "the PDF has no bookmarks (outline)")


def _check_tables(document: Element, texts: Texts, fail: Any) -> None:
    for number, table in enumerate((e for e in document.walk() if e.role == "/Table"), start=1):
        rows = [e for e in table.walk() if e.role == "/TR"]
        cells = [e for e in table.walk() if e.role in ("/TH", "/TD")]
        headers = [e for e in cells if e.role == "/TH"]
        if not rows:
            fail("tables", f"table {number} has no rows (TR)")
        if not headers:
            fail("tables", f"table {number} has no header cells (TH)")
        for header in headers:
            scopes = [str(a.get("/Scope", "")) for a in structure_attributes(header.raw)]
            if not any(scope in ("/Row", "/Column", "/Both") for scope in scopes):
                label = element_text(header, texts) or "(empty)"
                fail(
                    "tables",
                    f"table {number}: header cell {label!r} has no /Scope (Row, Column or Both)",
                )
        for cell in cells:
            if COLOUR_ONLY_TEXT.match(element_text(cell, texts)) and element_text(cell, texts):
                fail(
                    "colour",
                    f"table {number}: a cell shows only {element_text(cell, texts)!r};"
                    " say the status in words too",
                )


def _check_lists(document: Element, fail: Any) -> None:
    for element in document.walk():
        if element.role == "/L":
            items = [kid for kid in element.kids if kid.role == "/LI"]
            strays = {kid.role for kid in element.kids} - {"/LI", "/L", "/Caption"}
            if not items:
                fail("lists", "a list (L) has no list items (LI)")
            if strays:
                fail("lists", f"a list (L) holds {', '.join(sorted(strays))} outside LI")
        elif element.role == "/LI":
            strays = {kid.role for kid in element.kids} - {"/Lbl", "/LBody"}
            if strays:
                fail("lists", f"a list item (LI) holds {', '.join(sorted(strays))}")
            if not any(kid.role == "/LBody" for kid in element.kids):
                fail("lists", "a list item (LI) has no body (LBody)")
        elif element.role in ("/LBody", "/Lbl") and element.raw.get("/P") is not None:
            parent_role = str(element.raw.P.get("/S", ""))
            if parent_role != "/LI":
                fail("lists", f"{element.role[1:]} appears outside a list item")


def _check_figures(document: Element, fail: Any) -> None:
    for element in document.walk():
        if element.role in ("/Figure", "/Formula"):
            alt = str(element.raw.get("/Alt", "") or element.raw.get("/ActualText", "")).strip()
            wrong = alt_text_problem(alt)
            if wrong:
                page = "" if element.page is None else f" on page {element.page + 1}"
                fail("figures", f"a {element.role[1:]}{page} {wrong} (/Alt)")


PRINT_FLAG = 4
"""Annotation flag bit 3 (ISO 32000-1, 12.5.3): the annotation is printed with the page."""


def _check_links(pdf: Any, document: Element, texts: Texts, fail: Any) -> None:
    import pikepdf

    tagged_annotations: set[tuple[int, int]] = set()
    for element in document.walk():
        if element.role != "/Link":
            continue
        kids = element.raw.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                tagged_annotations.add(kid.Obj.objgen)
        label = element_text(element, texts)
        if is_generic_link_text(label):
            fail(
                "links",
                f"link text {label!r} does not say where the link goes; use descriptive words",
            )
    for number, page in enumerate(pdf.pages, start=1):
        annotations = list(page.get("/Annots", []))
        if annotations and page.get("/Tabs") != "/S":
            fail(
                "links",
                f"page {number} has links but its tab order does not follow the structure"
                " (/Tabs /S)",
            )
        for annotation in annotations:
            if annotation.get("/Subtype") != "/Link":
                continue
            target = annotation.get("/A", {}).get("/URI", "") if "/A" in annotation else ""
            if annotation.objgen not in tagged_annotations:
                fail("links", f"a link on page {number} ({target}) is not in the structure tree")
            if not str(annotation.get("/Contents", "")).strip():
                fail(
                    "links",
                    f"a link on page {number} ({target}) has no description (/Contents)",
                )
            if not int(annotation.get("/F", 0)) & PRINT_FLAG:
                fail(
                    "links",
                    f"a link on page {number} ({target}) lacks the Print flag (/F 4): "
                    "printed and on-screen copies differ",
                )


def _check_artifacts(pdf: Any, document: Element, fail: Any) -> None:
    """Every piece of page text is either tagged content in the tree or an artifact."""
    import pikepdf

    tagged = {key for e in document.walk() for key in e.content}
    text_operators = {"Tj", "TJ", "'", '"'}
    for index, page in enumerate(pdf.pages):
        stack: list[str] = []  # "artifact", "mcid:N" or "other", innermost last
        loose = 0
        outside_tree: set[int] = set()
        try:
            instructions = pikepdf.parse_content_stream(page)
        except pikepdf.PdfError:
            fail("artifacts", f"page {index + 1} has a content stream that cannot be read")
            continue
        for operands, operator in instructions:  # type: ignore[misc]
            name = str(operator)
            if name in ("BDC", "BMC"):
                tag = str(operands[0]) if operands else ""
                mcid = None
                if (
                    name == "BDC"
                    and len(operands) > 1
                    and isinstance(operands[1], pikepdf.Dictionary)
                ):
                    mcid = operands[1].get("/MCID")
                if tag == "/Artifact":
                    stack.append("artifact")
                elif mcid is not None:
                    stack.append(f"mcid:{int(mcid)}")
                else:
                    stack.append("other")
            elif name == "EMC":
                if stack:
                    stack.pop()
            elif name in text_operators:
                if "artifact" in stack:
                    continue
                mcids = [int(s[5:]) for s in stack if s.startswith("mcid:")]
                if not mcids:
                    loose += 1
                elif (index, mcids[-1]) not in tagged:
                    outside_tree.add(mcids[-1])
        if loose:
            fail(
                "artifacts",
                f"page {index + 1} has {loose} text operation(s) neither tagged nor marked"
                " as artifacts",
            )
        if outside_tree:
            fail(
                "artifacts",
                f"page {index + 1} has text tagged outside the structure tree (MCID"
                f" {', '.join(str(m) for m in sorted(outside_tree))}); running headers and"
                " page numbers must be artifacts",
            )
