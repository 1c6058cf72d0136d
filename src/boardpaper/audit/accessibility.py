"""Accessibility audits of built papers: PDF or .docx bytes in, problems out.

Each problem prints as ``file: rule: explanation``. The audits are an
independent inspection of the built file (pikepdf and pdfplumber for PDF,
python-docx and the raw WordprocessingML for .docx): they never look at the
model or the templates, so they also catch a template that a council edited
badly. ``boardpaper check`` runs them on every rendered paper. The rules are
listed in ``PDF_RULES`` and ``DOCX_RULES`` and explained in docs/accessibility.md.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

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

HEADING_ROLE = re.compile(r"^/H([1-6])$")


def _problem(display: str, rule: str, message: str) -> Problem:
    return Problem(display, None, None, rule, message)


# --------------------------------------------------------------------------- PDF


@dataclass
class _Element:
    """One structure element, with its role resolved through the RoleMap."""

    role: str
    raw: Any
    page: int | None
    kids: list[_Element] = field(default_factory=list)
    content: list[tuple[int, int]] = field(default_factory=list)  # its own (page, mcid)
    order: list[_Element | tuple[int, int]] = field(default_factory=list)  # both, as in /K

    def walk(self) -> Iterator[_Element]:
        yield self
        for kid in self.kids:
            yield from kid.walk()

    def marked(self) -> Iterator[tuple[int, int]]:
        """Every (page, MCID) of the element and its descendants, in reading order."""
        for item in self.order:
            if isinstance(item, _Element):
                yield from item.marked()
            else:
                yield item

    def add(self, item: _Element | tuple[int, int]) -> None:
        if isinstance(item, _Element):
            self.kids.append(item)
        else:
            self.content.append(item)
        self.order.append(item)


def audit_pdf(data: bytes, display: str) -> list[Problem]:
    """Inspect a built PDF against PDF/UA-1 and WCAG; returns every problem found."""
    import pikepdf

    problems: list[Problem] = []

    def fail(rule: str, message: str) -> None:
        problems.append(_problem(display, rule, message))

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as error:
        return [_problem(display, "structure", f"not a readable PDF ({error})")]
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
    document = _read_structure(tree, role_map, pages)
    if not document.kids:
        fail("structure", "the structure tree is empty")
        return
    texts, colour_only = _scan_pages(data)
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


def _read_structure(tree: Any, role_map: Any, pages: dict[tuple[int, int], int]) -> _Element:
    """The structure tree as ``_Element`` objects; standard roles through the RoleMap."""
    import pikepdf

    seen: set[tuple[int, int]] = set()

    def resolve(role: str) -> str:
        hops = 0
        while isinstance(role_map, pikepdf.Dictionary) and role in role_map and hops < 10:
            role = str(role_map[role])
            hops += 1
        return role

    def build(node: Any, page: int | None) -> _Element:
        if "/Pg" in node and node.Pg.objgen in pages:
            page = pages[node.Pg.objgen]
        element = _Element(resolve(str(node.get("/S", "/StructTreeRoot"))), node, page)
        kids = node.get("/K")
        items = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
        for kid in items:
            if isinstance(kid, int) or (isinstance(kid, pikepdf.Object) and _is_int(kid)):
                if page is not None:
                    element.add((page, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary):
                kind = kid.get("/Type")
                if kind == "/MCR":
                    kid_page = pages.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                    if kid_page is not None:
                        element.add((kid_page, int(kid.MCID)))
                elif kind == "/OBJR":
                    continue
                else:
                    if kid.is_indirect:
                        if kid.objgen in seen:
                            continue
                        seen.add(kid.objgen)
                    element.add(build(kid, page))
        return element

    return build(tree, None)


def _is_int(value: Any) -> bool:
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True


@dataclass
class _Marked:
    """The text of one marked-content sequence and where its first and last lines sit."""

    text: str
    first_top: float
    last_top: float


_Texts = dict[tuple[int, int], _Marked]


def _scan_pages(data: bytes) -> tuple[_Texts, list[str]]:
    """One pdfplumber pass over the pages.

    Returns the text of every marked-content sequence, {(page index, MCID): text},
    and a message for every coloured box with no text in it (a RAG cell that
    shows its status by colour alone).
    """
    import pdfplumber

    texts: _Texts = {}
    colour_only: list[str] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index, page in enumerate(pdf.pages):
            chars = page.chars
            for char in chars:
                mcid = char.get("mcid")
                if mcid is None:
                    continue
                key = (index, int(mcid))
                marked = texts.setdefault(key, _Marked("", char["top"], char["top"]))
                if abs(char["top"] - marked.last_top) > 2:
                    marked.text += " "  # a new line: the space at the break is not drawn
                marked.text += char["text"]
                marked.last_top = char["top"]
            for rect in page.rects:
                if not rect.get("fill") or rect["width"] < 6 or rect["height"] < 6:
                    continue
                if _is_plain(rect.get("non_stroking_color")):
                    continue
                if not any(
                    rect["x0"] <= (c["x0"] + c["x1"]) / 2 <= rect["x1"]
                    and rect["top"] <= (c["top"] + c["bottom"]) / 2 <= rect["bottom"]
                    and c["text"].strip()
                    for c in chars
                ):
                    colour_only.append(
                        f"page {index + 1} has a coloured box with no text in it at"
                        f" ({rect['x0']:.0f}, {rect['top']:.0f}) pt; status must not be shown"
                        " by colour alone"
                    )
    return texts, colour_only


def _text(element: _Element, texts: _Texts) -> str:
    """The words of an element, a space where a line (or page) breaks between them."""
    pieces: list[str] = []
    previous: tuple[int, float] | None = None
    for key in element.marked():
        marked = texts.get(key)
        if marked is None:
            continue
        if previous is not None and (
            previous[0] != key[0] or abs(previous[1] - marked.first_top) > 2
        ):
            pieces.append(" ")
        pieces.append(marked.text)
        previous = (key[0], marked.last_top)
    return " ".join("".join(pieces).split())


def _check_headings(document: _Element, texts: _Texts, fail: Any) -> None:
    previous = 0
    for element in document.walk():
        match = HEADING_ROLE.match(element.role)
        if element.role == "/H":
            fail("headings", "a heading is tagged /H without a level; use /H1 to /H6")
            continue
        if not match:
            continue
        level = int(match.group(1))
        label = _text(element, texts) or "(empty)"
        if previous == 0 and level != 1:
            fail("headings", f"the first heading {label!r} is H{level}; it should be H1")
        elif level > previous + 1 and previous:
            fail("headings", f"heading {label!r} is H{level} straight after H{previous}")
        if not _text(element, texts):
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


def _check_bookmarks(pdf: Any, document: _Element, texts: _Texts, fail: Any) -> None:
    titles = _outline_titles(pdf)
    # Compared without spaces: extracted text and outline titles may break lines differently.
    available = [re.sub(r"\s", "", title) for title in titles]
    for element in document.walk():
        if not HEADING_ROLE.match(element.role):
            continue
        label = _text(element, texts)
        squeezed = re.sub(r"\s", "", label)
        if squeezed in available:
            available.remove(squeezed)
        elif label:
            fail("bookmarks", f"heading {label!r} has no bookmark (outline entry)")
    if not titles:
        fail("bookmarks", "the PDF has no bookmarks (outline)")


def _attributes(raw: Any) -> list[Any]:
    import pikepdf

    attributes = raw.get("/A")
    if isinstance(attributes, pikepdf.Array):
        return [a for a in attributes if isinstance(a, pikepdf.Dictionary)]
    return [attributes] if isinstance(attributes, pikepdf.Dictionary) else []


def _check_tables(document: _Element, texts: _Texts, fail: Any) -> None:
    for number, table in enumerate((e for e in document.walk() if e.role == "/Table"), start=1):
        rows = [e for e in table.walk() if e.role == "/TR"]
        cells = [e for e in table.walk() if e.role in ("/TH", "/TD")]
        headers = [e for e in cells if e.role == "/TH"]
        if not rows:
            fail("tables", f"table {number} has no rows (TR)")
        if not headers:
            fail("tables", f"table {number} has no header cells (TH)")
        for header in headers:
            scopes = [str(a.get("/Scope", "")) for a in _attributes(header.raw)]
            if not any(scope in ("/Row", "/Column", "/Both") for scope in scopes):
                label = _text(header, texts) or "(empty)"
                fail(
                    "tables",
                    f"table {number}: header cell {label!r} has no /Scope (Row, Column or Both)",
                )
        for cell in cells:
            if COLOUR_ONLY_TEXT.match(_text(cell, texts)) and _text(cell, texts):
                fail(
                    "colour",
                    f"table {number}: a cell shows only {_text(cell, texts)!r};"
                    " say the status in words too",
                )


def _check_lists(document: _Element, fail: Any) -> None:
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


def _check_figures(document: _Element, fail: Any) -> None:
    for element in document.walk():
        if element.role in ("/Figure", "/Formula"):
            alt = str(element.raw.get("/Alt", "") or element.raw.get("/ActualText", "")).strip()
            if not alt:
                page = "" if element.page is None else f" on page {element.page + 1}"
                fail("figures", f"a {element.role[1:]}{page} has no alternative text (/Alt)")


def _is_generic_link_text(text: str) -> bool:
    words = " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
    return not words or words in GENERIC_LINK_TEXT


def _check_links(pdf: Any, document: _Element, texts: _Texts, fail: Any) -> None:
    import pikepdf

    tagged_annotations: set[tuple[int, int]] = set()
    for element in document.walk():
        if element.role != "/Link":
            continue
        kids = element.raw.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                tagged_annotations.add(kid.Obj.objgen)
        label = _text(element, texts)
        if _is_generic_link_text(label):
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


def _check_artifacts(pdf: Any, document: _Element, fail: Any) -> None:
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
        for operands, operator in instructions:
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


def _is_plain(colour: Any) -> bool:
    """White, black or grey: a fill that carries no colour meaning."""
    if colour is None:
        return True
    values = list(colour) if isinstance(colour, (list, tuple)) else [colour]
    values = [float(v) for v in values if isinstance(v, (int, float))]
    if len(values) == 1:
        return True
    if len(values) == 3:
        return max(values) - min(values) < 0.05
    if len(values) == 4:  # CMYK
        return max(values[:3]) - min(values[:3]) < 0.05
    return True


# -------------------------------------------------------------------------- Word


def audit_docx(data: bytes, display: str) -> list[Problem]:
    """Inspect a built .docx for Word accessibility; returns every problem found."""
    import docx

    problems: list[Problem] = []

    def fail(rule: str, message: str) -> None:
        problems.append(_problem(display, rule, message))

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds for a broken package
        return [_problem(display, "structure", f"not a readable .docx ({error})")]
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
            if not (doc_pr.get("descr") or "").strip():
                name = doc_pr.get("name") or f"id {doc_pr.get('id')}"
                fail("figures", f"picture {name!r} has no alternative text (descr)")
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
        if _is_generic_link_text(text):
            fail(
                "links",
                f"link text {text!r} does not say where the link goes; use descriptive words",
            )
