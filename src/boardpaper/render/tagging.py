"""Completing WeasyPrint's PDF/UA tagging: PDF bytes in, better-tagged PDF bytes out.

WeasyPrint 70 writes a structure tree, but an element crossing a page break
becomes several structure elements, running headers and page numbers are left
as marked content outside the tree, and TH cells carry no /Scope. This module
notes, while WeasyPrint tags, which HTML element each structure element came
from (``record_origins``), then repairs the tree with pikepdf
(``finish_tagging``), reproducibly.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

ORIGIN = "BoardpaperOrigin"
"""A temporary key on structure elements naming the HTML element they were made from."""


def record_origins() -> None:
    """Make WeasyPrint's tagger note, on each structure element, which HTML element made it.

    WeasyPrint 70 builds the structure tree page by page, so an element that
    crosses a page break becomes several structure elements (WeasyPrint issues
    #2902, #2903). With the origin noted, ``finish_tagging`` joins the pieces
    again. If a WeasyPrint release changes this private function, pieces simply
    stay apart (the PDF is still valid).
    """
    import pydyf

    from boardpaper.render.weasyprint_internals import wrap_box_tree_builder

    def build_box_tree(original: Any, box: Any, *args: Any) -> Iterator[Any]:
        element = getattr(box, "element", None)
        for structure in original(box, *args):
            if element is not None and ORIGIN not in structure:
                tag = getattr(box, "element_tag", "")
                structure[ORIGIN] = pydyf.String(f"{id(element)}:{tag}")
            yield structure

    wrap_box_tree_builder(build_box_tree)


def finish_tagging(data: bytes) -> bytes:
    """Complete WeasyPrint's PDF/UA tagging; PDF bytes in, PDF bytes out (reproducibly).

    WeasyPrint 70 leaves gaps that PDF/UA-1 checkers or screen readers trip on:

    * an element crossing a page break is tagged as one structure element per
      page; the pieces (noted by ``record_origins``) are joined again, and a
      table header row repeated on the next page becomes an artifact;
    * text of page margin boxes (running header, "Page N of M") is marked
      content tied to structure elements that hang outside the structure tree;
      here it becomes ``/Artifact`` marked content and leaves the parent tree;
    * ``TH`` cells carry no ``/Scope``; header cells in ``THead`` get
      ``/Column`` and those in a body row (``<th scope="row">``) get ``/Row``;
    * link annotations lack the Print flag; it is set.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            return data
        _join_fragments(tree)
        in_tree = _mark_header_scopes(tree)
        _artifact_orphans(pdf, tree, in_tree)
        _print_annotations(pdf)
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and f"/{ORIGIN}" in obj:
                del obj[f"/{ORIGIN}"]
        # WeasyPrint's /ID hashed the temporary origin keys, which hold memory
        # addresses; a fresh ID computed from the final content is reproducible.
        if "/ID" in pdf.trailer:
            del pdf.trailer["/ID"]
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def _print_annotations(pdf: Any) -> None:
    """Set the Print flag on every link: WeasyPrint leaves /F unset, so a printed copy (or a
    checker comparing print and screen) would differ from what is shown."""
    import pikepdf

    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            if annotation.get("/Subtype") == "/Link":
                annotation[pikepdf.Name.F] = int(annotation.get("/F", 0)) | 4


def _mark_header_scopes(tree: Any) -> set[tuple[int, int]]:
    """Give every TH a /Scope; returns the object ids of every element in the tree."""
    import pikepdf

    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Any, str]] = [(tree, "")]
    while stack:
        node, section = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") in ("/OBJR", "/MCR"):
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        role = str(node.get("/S", ""))
        if role in ("/THead", "/TBody", "/TFoot"):
            section = role
        if role == "/TH":
            attributes = node.get("/A")
            if not isinstance(attributes, pikepdf.Dictionary):
                attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
                node.A = attributes
            if "/Scope" not in attributes:
                scope = "/Column" if section == "/THead" else "/Row"
                attributes.Scope = pikepdf.Name(scope)
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend((kid, section) for kid in kids)
        elif kids is not None:
            stack.append((kids, section))
    return seen


def _artifact_orphans(pdf: Any, tree: Any, in_tree: set[tuple[int, int]]) -> None:
    """Turn marked content whose structure element is outside the tree into artifacts."""
    import pikepdf

    parent_tree = tree.get("/ParentTree")
    if parent_tree is None:
        return
    nums = parent_tree.get("/Nums")
    if nums is None:
        return
    slots: dict[int, int] = {}  # StructParents key -> index of its array in /Nums
    for index in range(0, len(nums) - 1, 2):
        if isinstance(nums[index + 1], pikepdf.Array):
            slots[int(nums[index])] = index + 1
    bdc = pikepdf.Operator("BDC")
    artifact = [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)]
    for page_index, page in enumerate(pdf.pages):
        key = int(page.get("/StructParents", page_index))
        if key not in slots:
            continue
        parents = nums[slots[key]]
        orphans = {
            mcid
            for mcid, element in enumerate(parents)
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in in_tree
        }
        if not orphans:
            continue
        # The stream is written again from its parsed instructions (that normalises how
        # numbers are written, "1." -> "1", which the bytes depend on); only the orphans'
        # BDC instructions are replaced, in place: making a new object for each of the
        # thousands of instructions was most of this pass's time.
        instructions = pikepdf.parse_content_stream(page)
        for index, instruction in enumerate(instructions):
            if instruction.operator != bdc:
                continue
            operands = instruction.operands
            if (
                len(operands) == 2
                and isinstance(operands[1], pikepdf.Dictionary)
                and int(operands[1].get("/MCID", -1)) in orphans
            ):
                instructions[index] = pikepdf.ContentStreamInstruction(artifact, bdc)
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        kept = [None if mcid in orphans else element for mcid, element in enumerate(parents)]
        while kept and kept[-1] is None:
            kept.pop()
        nums[slots[key]] = pikepdf.Array(kept)


def _is_element(kid: Any) -> bool:
    import pikepdf

    return isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR")


def _kid_list(element: Any) -> list[Any]:
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _origin(element: Any) -> str:
    return str(element.get(f"/{ORIGIN}", ""))


def _join_fragments(tree: Any) -> None:
    """Join structure elements made from the same HTML element and split by a page break.

    Adjacent siblings with the same origin become one element (content from
    other pages is kept as marked-content references with their page). A
    ``THead``/``TFoot`` that repeats an earlier one of the same table is taken
    out of the tree (its text then becomes an artifact), and the data cells'
    ``/Headers`` point to the first header row's cells instead.
    """
    import pikepdf

    absorbed: dict[tuple[int, int], Any] = {}
    header_ids: dict[str, str] = {}

    def absorb(survivor: Any, kids: list[Any], piece: Any) -> None:
        """Move ``piece``'s kids onto ``kids`` (the survivor's, written back once at the end)."""
        page = piece.get("/Pg")
        same_page = page is not None and survivor.get("/Pg") is not None
        same_page = same_page and page.objgen == survivor.Pg.objgen
        for kid in _kid_list(piece):
            if isinstance(kid, pikepdf.Dictionary):
                if _is_element(kid):
                    kid.P = survivor
                kids.append(kid)
            elif same_page or page is None:
                kids.append(kid)
            else:
                kids.append(pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=page, MCID=int(kid)))
        absorbed[piece.objgen] = survivor

    def visit(element: Any) -> None:
        # Linear in the number of kids: each survivor's /K is rebuilt once, not once per
        # piece it absorbs, and the first header of each origin is found by dictionary.
        joined: list[Any] = []
        grown: dict[int, list[Any]] = {}  # index in joined -> the survivor's growing kids
        first_header: dict[str, Any] = {}
        previous_origin = ""
        for kid in _kid_list(element):
            origin = _origin(kid) if _is_element(kid) else ""
            if origin:
                if origin == previous_origin:
                    survivor_index = len(joined) - 1
                    survivor = joined[survivor_index]
                    if survivor_index not in grown:
                        grown[survivor_index] = _kid_list(survivor)
                    absorb(survivor, grown[survivor_index], kid)
                    continue
                if str(kid.get("/S")) in ("/THead", "/TFoot"):
                    first = first_header.get(origin)
                    if first is not None:
                        _map_header_ids(first, kid, header_ids)
                        continue  # a repeated header row: dropped, its text an artifact
                    first_header[origin] = kid
            joined.append(kid)
            previous_origin = origin
        for survivor_index, kids in grown.items():
            joined[survivor_index].K = pikepdf.Array(kids)
        if "/K" in element and isinstance(element.K, pikepdf.Array):
            element.K = pikepdf.Array(joined)
        for kid in joined:
            if _is_element(kid):
                visit(kid)

    visit(tree)
    if header_ids:
        _rename_headers(tree, header_ids)
    _redirect_parent_tree(tree, absorbed)


def _header_cells(element: Any) -> list[Any]:
    cells: list[Any] = []
    for kid in _kid_list(element):
        if _is_element(kid):
            if str(kid.get("/S")) == "/TH":
                cells.append(kid)
            else:
                cells.extend(_header_cells(kid))
    return cells


def _map_header_ids(first: Any, repeat: Any, header_ids: dict[str, str]) -> None:
    for original, copy in zip(_header_cells(first), _header_cells(repeat), strict=False):
        if "/ID" in original and "/ID" in copy:
            header_ids[bytes(copy.ID).decode("latin-1")] = bytes(original.ID).decode("latin-1")


def _rename_headers(tree: Any, header_ids: dict[str, str]) -> None:
    import pikepdf

    stack = [tree]
    while stack:
        element = stack.pop()
        attributes = element.get("/A")
        for attribute in (
            attributes
            if isinstance(attributes, pikepdf.Array)
            else [attributes]
            if attributes
            else []
        ):
            headers = (
                attribute.get("/Headers") if isinstance(attribute, pikepdf.Dictionary) else None
            )
            if isinstance(headers, pikepdf.Array):
                renamed = []
                for header in headers:
                    name = bytes(header).decode("latin-1")
                    renamed.append(pikepdf.String(header_ids.get(name, name)))
                attribute.Headers = pikepdf.Array(renamed)
        stack.extend(kid for kid in _kid_list(element) if _is_element(kid))


def _redirect_parent_tree(tree: Any, absorbed: dict[tuple[int, int], Any]) -> None:
    """Point parent-tree entries of joined pieces at the element that absorbed them."""
    import pikepdf

    if not absorbed:
        return
    nums = tree.get("/ParentTree", {}).get("/Nums")
    if nums is None:
        return

    def survivor(element: Any) -> Any:
        while isinstance(element, pikepdf.Dictionary) and element.objgen in absorbed:
            element = absorbed[element.objgen]
        return element

    for index in range(1, len(nums), 2):
        value = nums[index]
        if isinstance(value, pikepdf.Array):
            nums[index] = pikepdf.Array([survivor(element) for element in value])
        elif isinstance(value, pikepdf.Dictionary):
            nums[index] = survivor(value)
