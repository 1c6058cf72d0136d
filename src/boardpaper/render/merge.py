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

The result is written with a deterministic /ID, so the same parts give the same bytes.

Parts may be files: each is opened, copied and closed before the next is opened, so
only the joined document is held in memory, not every part besides (the bytes are the
same as with every part held open; joining a 529-page pack peaked at 184 MiB so,
296 MiB with every part open).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, PageLocation, String

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


@dataclass
class _Bookmark:
    title: str
    page: int
    top: float | None
    children: list[_Bookmark] = field(default_factory=list)


def _open(pdf: bytes | Path) -> pikepdf.Pdf:
    """Open a PDF given as bytes or as a file."""
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
    _save(_merged(parts, stamp, title, language, outline_entries, properties, page_labels), buffer)
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
    """``merge_parts``, written to the file ``target`` instead of returned (for a worker
    process: the pack's bytes need not pass through memory twice)."""
    _save(_merged(parts, stamp, title, language, outline_entries, properties, page_labels), target)


def _save(out: pikepdf.Pdf, target: Path | io.BytesIO) -> None:
    """Write the joined document, the same bytes every time."""
    with out:
        out.save(target, deterministic_id=True, compress_streams=True, min_version="1.7")


def _merged(
    parts: list[PartPdf],
    stamp: bytes | Path | None,
    title: str,
    language: str,
    outline_entries: list[OutlineEntry],
    properties: dict[str, str] | None,
    page_labels: tuple[tuple[int, str], ...],
) -> pikepdf.Pdf:
    """The joined document of ``merge_parts``, not yet written."""
    out = pikepdf.new()
    document_elem = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    parent_nums = Array()
    next_key = 0
    dests: list[tuple[str, Array]] = []
    part_marks: list[tuple[int, list[_Bookmark], dict[str, tuple[int, float | None]]]] = []
    claimed = {name: part.label for part in parts for name in part.names}
    dates: dict[str, bytes] = {}
    for index, part in enumerate(parts):
        with _open(part.pdf) as source:
            if index == 0:
                dates = _take_metadata(out, source)
            first_page = len(out.pages)
            source_pages = {page.objgen: number for number, page in enumerate(source.pages)}
            with warnings.catch_warnings():
                # Named destinations are carried over below, renamed per part.
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                out.pages.extend(source.pages)
            new_pages = out.pages[first_page:]
            offset = next_key
            prefix = f"p{index}-"
            for page in new_pages:
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
            struct_root = source.Root.get("/StructTreeRoot")
            if struct_root is not None:
                highest = -1
                for key, value in _number_tree(struct_root.get("/ParentTree")):
                    parent_nums.append(key + offset)
                    parent_nums.append(_copy(out, value))
                    highest = max(highest, key)
                next_key = offset + max(highest + 1, int(struct_root.get("/ParentTreeNextKey", 0)))
                kids = struct_root.get("/K")
                kids_list = (
                    list(kids) if isinstance(kids, Array) else [kids] if kids is not None else []
                )
                for kid in kids_list:
                    copied = _copy(out, kid)
                    if copied.get("/S") == Name.Document:
                        copied.S = Name.Part
                    copied.P = document_elem
                    document_elem.K.append(copied)
            names_tree = source.Root.get("/Names", Dictionary()).get("/Dests")
            anchors: dict[str, tuple[int, float | None]] = {}
            if names_tree is not None:
                for name, dest in _name_tree(names_tree):
                    anchors[name] = _place(dest, source_pages, first_page)
                    if name in claimed:
                        continue
                    dests.append((prefix + name, _copy(out, dest)))
            part_marks.append(
                (first_page, _read_outline(source, source_pages, first_page), anchors)
            )
            for name in part.names:
                dests.append((name, Array([new_pages[0].obj, Name.Fit])))
    struct_tree = out.make_indirect(
        Dictionary(
            Type=Name.StructTreeRoot,
            K=Array([document_elem]),
            ParentTree=out.make_indirect(Dictionary(Nums=parent_nums)),
            ParentTreeNextKey=next_key,
        )
    )
    document_elem.P = struct_tree
    out.Root.StructTreeRoot = struct_tree
    out.Root.MarkInfo = Dictionary(Marked=True)
    out.Root.Lang = String(language)
    out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    out.Root.PageMode = Name.UseOutlines
    if dests:
        dests.sort(key=lambda pair: pair[0])
        flat = Array()
        for name, dest in dests:
            flat.append(String(name))
            flat.append(dest)
        out.Root.Names = Dictionary(Dests=out.make_indirect(Dictionary(Names=flat)))
    if page_labels:
        nums = Array()
        for first, style in page_labels:
            nums.append(first)
            nums.append(Dictionary(S=Name("/" + style)))
        out.Root.PageLabels = Dictionary(Nums=nums)
    if stamp is not None:
        _stamp_pages(out, stamp)
    marks = []
    for entry in outline_entries:
        first_page, headings, anchors = part_marks[entry.part]
        if entry.anchor is not None:
            page_number, top = anchors.get(entry.anchor, (first_page, None))
            marks.append(_Bookmark(entry.title, page_number, top))
        else:
            if entry.flatten and len(headings) == 1:
                headings = headings[0].children
            marks.append(
                _Bookmark(entry.title, first_page, None, headings if entry.with_headings else [])
            )
    _write_outline(out, marks)
    _set_metadata(out, dates, title, language, properties or {})
    return out


def _copy(out: pikepdf.Pdf, value: Any) -> Any:
    """Copy a value from another PDF; direct arrays and dictionaries item by item."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return out.copy_foreign(value)
    if isinstance(value, Array):
        return Array([_copy(out, item) for item in value])
    if isinstance(value, Dictionary):
        return Dictionary({key: _copy(out, item) for key, item in value.items()})
    return value


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


def _place(dest: Any, pages: dict[Any, int], first_page: int) -> tuple[int, float | None]:
    """Where an explicit destination ``[page /XYZ left top zoom]`` lands in the pack."""
    if isinstance(dest, Dictionary):
        dest = dest.get("/D")
    if not isinstance(dest, Array) or len(dest) < 1:
        return first_page, None
    page = first_page + pages.get(dest[0].objgen, 0)
    top = None
    if len(dest) >= 4 and dest[1] == Name.XYZ and dest[3] is not None:
        top = float(dest[3])
    return page, top


def _read_outline(source: pikepdf.Pdf, pages: dict[Any, int], first_page: int) -> list[_Bookmark]:
    """A part's own outline, its destinations moved to where its pages sit in the pack."""

    def convert(items: list[OutlineItem]) -> list[_Bookmark]:
        found = []
        for item in items:
            page, top = _place(item.destination, pages, first_page)
            mark = _Bookmark(item.title, page, top)
            mark.children = convert(item.children)
            found.append(mark)
        return found

    with source.open_outline() as outline:
        return convert(list(outline.root))


def _write_outline(out: pikepdf.Pdf, marks: list[_Bookmark]) -> None:
    def build(mark: _Bookmark) -> OutlineItem:
        if mark.top is None:
            item = OutlineItem(mark.title, mark.page, PageLocation.Fit)
        else:
            item = OutlineItem(mark.title, mark.page, PageLocation.XYZ, top=mark.top)
        item.children.extend(build(child) for child in mark.children)
        return item

    with out.open_outline() as outline:
        outline.root.extend(build(mark) for mark in marks)


def _stamp_pages(out: pikepdf.Pdf, stamp: bytes | Path) -> None:
    """Draw page ``k`` of ``stamp`` over page ``k`` of ``out``, marked as an artifact."""
    with _open(stamp) as layer:
        if len(layer.pages) != len(out.pages):
            raise ValueError(
                f"page-number layer has {len(layer.pages)} pages for {len(out.pages)} pages"
            )
        for number, (page, stamp_page) in enumerate(zip(out.pages, layer.pages, strict=True)):
            form = out.copy_foreign(stamp_page.as_form_xobject())
            # One name per page: pages of a part share one /Resources dictionary. A fixed
            # name (not add_resource's random prefix) keeps the output reproducible.
            name = page.add_resource(form, Name.XObject, Name(f"/BoardpaperPage{number + 1}"))
            page.contents_add(out.make_stream(b"q\n"), prepend=True)
            page.contents_add(
                out.make_stream(b"\nQ\n/Artifact BMC\nq " + bytes(name.unparse()) + b" Do Q\nEMC\n")
            )


def _take_metadata(out: pikepdf.Pdf, source: pikepdf.Pdf) -> dict[str, bytes]:
    """Copy the first part's XMP metadata into ``out`` (``_set_metadata`` retitles it) and
    return its dates and creator, raw, to carry over once the part is closed."""
    if "/Metadata" in source.Root:
        out.Root.Metadata = out.copy_foreign(source.Root.Metadata)
    info = source.docinfo
    return {
        key: bytes(info[key]) for key in ("/CreationDate", "/ModDate", "/Creator") if key in info
    }


def _set_metadata(
    out: pikepdf.Pdf,
    dates: dict[str, bytes],
    title: str,
    language: str,
    properties: dict[str, str],
) -> None:
    """Title, language and the PDF/UA identifier, in the first part's XMP (already copied,
    ``_take_metadata``) with a new title; the first part's ``dates`` in the Info dictionary."""
    with out.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = title
        meta["dc:language"] = [language]
        for name, value in properties.items():
            meta[f"{{{XMP_NAMESPACE}}}{name}"] = value
    for name, value in properties.items():
        out.docinfo[Name(f"/{name}")] = String(value)
    out.docinfo[Name.Title] = String(title)
    out.docinfo[Name.Producer] = String("boardpaper (WeasyPrint, pikepdf)")
    for key, raw in dates.items():
        out.docinfo[Name(key)] = String(raw)
