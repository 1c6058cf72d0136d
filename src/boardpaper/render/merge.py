"""Join tagged PDFs into one tagged pack: part PDFs and a page-number layer in, PDF bytes out.

Each part (the agenda, each report, each exempt notice) is a tagged PDF/UA
document made by WeasyPrint. Joining keeps what makes them accessible:

- every part's structure tree becomes one ``Part`` element under a single
  ``Document`` element, with the parent tree renumbered so each page's marked
  content and each link annotation still point at their structure elements;
- the outline is rebuilt from the caller's top-level entries (one per agenda
  item), each with its part's own bookmarks (its headings) beneath it;
- named destinations are kept, prefixed per part, except the names the caller
  gives (``item-3``), which point at the part's first page, so the agenda's
  links land on the item they name;
- the page-number layer (a WeasyPrint document of empty pages whose margin boxes
  hold the pack's page numbers) is drawn over each page as an artifact, so the
  printed numbers are the pack's own and screen readers skip them.

The pack is written part by part as it is joined (``render.pdf_writer``): each part
is opened, its objects written and the part closed before the next is opened, so
neither the parts nor the joined document are held in memory, only each page's
object number, the parts' bookmarks and named destinations. Its /ID is a hash of its
content, so the same parts give the same bytes.
"""

from __future__ import annotations

import contextlib
import io
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from boardpaper.render.bookmarks import Bookmark, place, read_outline, write_outline
from boardpaper.render.pdf_writer import Copier, PdfWriter, literal
from boardpaper.render.stamp import XMP_NAMESPACE


@dataclass(frozen=True)
class PartPdf:
    """One part of a pack: its PDF (bytes, or a file) and the names (``item-3``) that should
    open its first page."""

    pdf: bytes | Path
    names: tuple[str, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class OutlineEntry:
    """A top-level bookmark: a part's first page (with the part's own bookmarks beneath),
    or, when ``anchor`` is given, that named place inside the part."""

    title: str
    part: int
    anchor: str | None = None
    with_headings: bool = True
    flatten: bool = False
    """Put the part's bookmarks beneath this one without the part's own top bookmark."""


def _open(pdf: bytes | Path) -> pikepdf.Pdf:
    """Open a PDF given as bytes or as a file. pikepdf gives each page the attributes it
    inherits from its page tree (``inherit_page_attributes``), so a page copied out of
    its tree keeps its MediaBox, Resources and Rotate."""
    return pikepdf.open(pdf if isinstance(pdf, Path) else io.BytesIO(pdf))


def page_count(pdf: bytes | Path) -> int:
    """The number of pages of a PDF (bytes, or a file)."""
    with _open(pdf) as document:
        return len(document.pages)


def merge_parts(
    parts: list[PartPdf],
    stamp: bytes | Path | None,
    title: str,
    language: str,
    outline_entries: list[OutlineEntry],
    properties: dict[str, str] | None = None,
    page_labels: tuple[tuple[int, str], ...] = (),
) -> bytes:
    """Join ``parts`` in order into one tagged PDF titled ``title``; returns its bytes.

    ``stamp`` (if given) has exactly one page per page of the result and is drawn
    over each page. ``outline_entries`` are the top-level bookmarks, in order.
    ``properties`` (provenance) go into the Info dictionary and the XMP metadata.
    ``page_labels``: (first page index, style) pairs, style ``r`` (i, ii ...) or ``D``
    (1, 2 ...), each range counting from 1: the page numbers a PDF reader shows and
    goes to (/PageLabels). Empty: the reader's own 1, 2 ...
    """
    buffer = io.BytesIO()
    _join(buffer, parts, stamp, title, language, outline_entries, properties, page_labels)
    return buffer.getvalue()


def merge_parts_to_file(
    target: Path,
    parts: list[PartPdf],
    stamp: bytes | Path | None,
    title: str,
    language: str,
    outline_entries: list[OutlineEntry],
    properties: dict[str, str] | None = None,
    page_labels: tuple[tuple[int, str], ...] = (),
) -> None:
    """``merge_parts``, written to the file ``target`` as it is joined (for a worker
    process: neither the pack nor its parts are held in memory)."""
    with target.open("wb") as stream:
        _join(stream, parts, stamp, title, language, outline_entries, properties, page_labels)


@dataclass
class _Pack:
    """What joining keeps of the parts already written: numbers, names and bookmarks."""

    pages: array[int] = field(default_factory=lambda: array("q"))
    """The object number of each page of the pack, in order."""
    kids: list[int] = field(default_factory=list)
    """Each part's top structure element, now a ``Part``."""
    parent_tree: list[tuple[int, int]] = field(default_factory=list)
    """(StructParents key, number of its array of structure elements)."""
    next_key: int = 0
    dests: list[tuple[str, bytes]] = field(default_factory=list)
    marks: list[tuple[int, list[Bookmark], dict[str, tuple[int, float | None]]]] = field(
        default_factory=list
    )
    """Each part's first page, its own bookmarks and its named places (page, top)."""


def _join(
    target: BinaryIO,
    parts: list[PartPdf],
    stamp: bytes | Path | None,
    title: str,
    language: str,
    outline_entries: list[OutlineEntry],
    properties: dict[str, str] | None,
    page_labels: tuple[tuple[int, str], ...],
) -> None:
    """Write the joined document of ``merge_parts`` to ``target``, part by part."""
    writer = PdfWriter(target)
    pack = _Pack()
    catalog, pages_root, struct_root, document_elem = (writer.reserve() for _ in range(4))
    claimed = {name: part.label for part in parts for name in part.names}
    metadata: int | None = None
    dates: dict[str, bytes] = {}
    with contextlib.ExitStack() as stack:
        layer = stack.enter_context(_open(stamp)) if stamp is not None else None
        layer_copier = Copier(writer, layer) if layer is not None else None
        for index, part in enumerate(parts):
            with _open(part.pdf) as source:
                copier = Copier(writer, source)
                if index == 0:
                    metadata, dates = _take_metadata(source, copier, title, language, properties)
                copier.alias(source.Root.Pages, pages_root)
                first_page = len(pack.pages)
                _copy_part(source, copier, pack, index, part, claimed, struct_root, document_elem)
                if layer is not None and layer_copier is not None:
                    _stamp_pages(source, copier, first_page, layer, layer_copier)
                    layer_copier.flush()
                copier.flush()
        if layer is not None and len(layer.pages) != len(pack.pages):
            raise ValueError(
                f"page-number layer has {len(layer.pages)} pages for {len(pack.pages)} pages"
            )
    pages = b" ".join(b"%d 0 R" % number for number in pack.pages)
    writer.write(pages_root, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (pages, len(pack.pages)))
    writer.write(
        document_elem,
        b"<< /Type /StructElem /S /Document /P %d 0 R /K [%s] >>"
        % (struct_root, b" ".join(b"%d 0 R" % kid for kid in pack.kids)),
    )
    nums = b" ".join(b"%d %d 0 R" % pair for pair in pack.parent_tree)
    parent_tree = writer.add(b"<< /Nums [%s] >>" % nums)
    writer.write(
        struct_root,
        b"<< /Type /StructTreeRoot /K [%d 0 R] /ParentTree %d 0 R /ParentTreeNextKey %d >>"
        % (document_elem, parent_tree, pack.next_key),
    )
    entries = [
        b"/Type /Catalog /Pages %d 0 R /StructTreeRoot %d 0 R" % (pages_root, struct_root),
        b"/MarkInfo << /Marked true >> /Lang " + literal(language),
        b"/ViewerPreferences << /DisplayDocTitle true >> /PageMode /UseOutlines",
    ]
    if metadata is not None:
        entries.append(b"/Metadata %d 0 R" % metadata)
    if pack.dests:
        pack.dests.sort(key=lambda pair: pair[0])
        names = b" ".join(literal(name) + b" " + dest for name, dest in pack.dests)
        entries.append(b"/Names << /Dests %d 0 R >>" % writer.add(b"<< /Names [%s] >>" % names))
    if page_labels:
        labels = b" ".join(
            b"%d << /S /%s >>" % (first, style.encode()) for first, style in page_labels
        )
        entries.append(b"/PageLabels << /Nums [%s] >>" % labels)
    outline = write_outline(writer, _bookmarks(pack, outline_entries), pack.pages)
    if outline is not None:
        entries.append(b"/Outlines %d 0 R" % outline)
    writer.write(catalog, b"<< " + b" ".join(entries) + b" >>")
    writer.finish(catalog, writer.add(_info(dates, title, properties or {})))


def _copy_part(
    source: pikepdf.Pdf,
    copier: Copier,
    pack: _Pack,
    index: int,
    part: PartPdf,
    claimed: dict[str, str],
    struct_root: int,
    document_elem: int,
) -> None:
    """Number ``part``'s pages, structure, names and bookmarks into ``pack``, adjusted for
    where they sit in it (written at the copier's next flush)."""
    first_page = len(pack.pages)
    source_pages = {page.objgen: number for number, page in enumerate(source.pages)}
    offset = pack.next_key
    prefix = f"p{index}-"
    for page in source.pages:
        page.obj.Parent = source.Root.Pages  # stands for the pack's page tree
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annot in page.obj.get("/Annots", Array()):
            if "/StructParent" in annot:
                annot.StructParent = int(annot.StructParent) + offset
            dest = annot.get("/Dest")
            if isinstance(dest, String) and str(dest) not in claimed:
                annot.Dest = String(prefix + str(dest))
            elif isinstance(dest, String) and claimed[str(dest)]:
                # What screen readers announce for the link, instead of the bare name.
                annot.Contents = String(f"Go to {claimed[str(dest)]}")
        pack.pages.append(copier.number(page.obj))
    struct_tree = source.Root.get("/StructTreeRoot")
    if struct_tree is not None:
        copier.alias(struct_tree, struct_root)
        highest = -1
        for key, value in _number_tree(struct_tree.get("/ParentTree")):
            highest = max(highest, key)
            if not isinstance(value, pikepdf.Object):
                continue  # a null entry: no element to point at
            if not value.is_indirect:
                value = source.make_indirect(value)
            pack.parent_tree.append((key + offset, copier.number(value)))
        pack.next_key = offset + max(highest + 1, int(struct_tree.get("/ParentTreeNextKey", 0)))
        kids = struct_tree.get("/K")
        kids_list = list(kids) if isinstance(kids, Array) else [kids] if kids is not None else []
        document = copier.stand_in(document_elem)
        for kid in kids_list:
            if not kid.is_indirect:
                kid = source.make_indirect(kid)
            if kid.get("/S") == Name.Document:
                kid.S = Name.Part
            kid.P = document
            pack.kids.append(copier.number(kid))
    names_tree = source.Root.get("/Names", Dictionary()).get("/Dests")
    anchors: dict[str, tuple[int, float | None]] = {}
    if names_tree is not None:
        for name, dest in _name_tree(names_tree):
            anchors[name] = place(dest, source_pages, first_page)
            if name not in claimed:
                pack.dests.append((prefix + name, copier.value(dest)))
    pack.marks.append((first_page, read_outline(source, source_pages, first_page), anchors))
    for name in part.names:
        pack.dests.append((name, b"[%d 0 R /Fit]" % pack.pages[first_page]))


def _bookmarks(pack: _Pack, outline_entries: list[OutlineEntry]) -> list[Bookmark]:
    """The pack's top-level bookmarks, each part's own bookmarks beneath its entry."""
    marks = []
    for entry in outline_entries:
        first_page, headings, anchors = pack.marks[entry.part]
        if entry.anchor is not None:
            page_number, top = anchors.get(entry.anchor, (first_page, None))
            marks.append(Bookmark(entry.title, page_number, top))
        else:
            if entry.flatten and len(headings) == 1:
                headings = headings[0].children
            marks.append(
                Bookmark(entry.title, first_page, None, headings if entry.with_headings else [])
            )
    return marks


def _number_tree(tree: object) -> list[tuple[int, object]]:
    """The (key, value) pairs of a PDF number tree, in order."""
    if tree is None:
        return []
    assert isinstance(tree, Dictionary)
    pairs: list[tuple[int, object]] = []
    nums = tree.get("/Nums")
    if nums is not None:
        items = list(nums)
        pairs.extend((int(items[i]), items[i + 1]) for i in range(0, len(items), 2))
    for kid in tree.get("/Kids", Array()):
        pairs.extend(_number_tree(kid))
    return pairs


def _name_tree(tree: Any) -> list[tuple[str, Any]]:
    """The (name, value) pairs of a PDF name tree, in order."""
    assert isinstance(tree, Dictionary)
    pairs: list[tuple[str, object]] = []
    names = tree.get("/Names")
    if names is not None:
        items = list(names)
        pairs.extend((str(items[i]), items[i + 1]) for i in range(0, len(items), 2))
    for kid in tree.get("/Kids", Array()):
        pairs.extend(_name_tree(kid))
    return pairs


def _stamp_pages(
    source: pikepdf.Pdf, copier: Copier, first_page: int, layer: pikepdf.Pdf, layer_copier: Copier
) -> None:
    """Draw page ``first_page + k`` of ``layer`` over page ``k`` of ``source``, marked as
    an artifact."""
    for offset, page in enumerate(source.pages):
        number = first_page + offset
        if number >= len(layer.pages):
            break  # the page count is checked once every part is in
        form = layer_copier.page_as_form(layer.pages[number].obj)
        # One name per page: pages of a part share one /Resources dictionary. A fixed
        # name (not add_resource's random prefix) keeps the output reproducible.
        name = page.add_resource(
            copier.stand_in(form), Name.XObject, Name(f"/BoardpaperPage{number + 1}")
        )
        page.contents_add(source.make_stream(b"q\n"), prepend=True)
        page.contents_add(
            source.make_stream(b"\nQ\n/Artifact BMC\nq " + bytes(name.unparse()) + b" Do Q\nEMC\n")
        )


def _take_metadata(
    source: pikepdf.Pdf,
    copier: Copier,
    title: str,
    language: str,
    properties: dict[str, str] | None,
) -> tuple[int, dict[str, bytes]]:
    """The first part's XMP metadata, retitled, with ``language`` and ``properties``, as an
    object of the pack; and the part's dates and creator, raw, for the Info dictionary."""
    with source.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = title
        meta["dc:language"] = [language]
        for name, value in (properties or {}).items():
            meta[f"{{{XMP_NAMESPACE}}}{name}"] = value
    info = source.docinfo
    dates = {
        key: bytes(info[key]) for key in ("/CreationDate", "/ModDate", "/Creator") if key in info
    }
    return copier.number(source.Root.Metadata), dates


def _info(dates: dict[str, bytes], title: str, properties: dict[str, str]) -> bytes:
    """The Info dictionary: ``properties`` (provenance), title, producer and the first
    part's ``dates``."""
    entries = [
        b"/" + name.encode("ascii") + b" " + literal(value) for name, value in properties.items()
    ]
    entries.append(b"/Title " + literal(title))
    entries.append(b"/Producer " + literal("boardpaper (WeasyPrint, pikepdf)"))
    entries += [key.encode("ascii") + b" " + literal(raw) for key, raw in dates.items()]
    return b"<< " + b" ".join(entries) + b" >>"
