"""The PDF renderer: a ``Paper`` in, tagged PDF/UA-1 bytes out, by WeasyPrint.

WeasyPrint is imported once per process (it costs about a second) and fetches
only ``data:`` URLs and files inside the template folder: no network, no other
files, whatever the template or content says.
"""

from __future__ import annotations

import io
import mimetypes
from pathlib import Path
from typing import Any

from boardpaper.model import Paper
from boardpaper.render_html import render_html
from boardpaper.templates import Template

_weasyprint: Any = None


def _load_weasyprint() -> Any:
    global _weasyprint
    if _weasyprint is None:
        import weasyprint

        _weasyprint = weasyprint
    return _weasyprint


class BlockedURL(ValueError):
    """Raised for a URL the renderer will not fetch."""


def make_fetcher(allowed_folders: list[Path]) -> Any:
    """A WeasyPrint URL fetcher that serves ``data:`` and files under ``allowed_folders`` only."""
    weasyprint = _load_weasyprint()
    roots = [folder.resolve() for folder in allowed_folders]

    class FolderFetcher(weasyprint.urls.URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=1)
            self.blocked: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                from urllib.request import url2pathname

                path = Path(url2pathname(url.split("?")[0].split("#")[0].removeprefix("file:")))
                resolved = path.resolve()
                if (
                    any(resolved == root or root in resolved.parents for root in roots)
                    and resolved.is_file()
                ):
                    mime = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
                    return weasyprint.urls.URLFetcherResponse(
                        url, body=resolved.read_bytes(), headers={"Content-Type": mime}
                    )
            self.blocked.append(url)
            raise BlockedURL(f"boardpaper does not fetch {url}")

    return FolderFetcher()


def render_pdf(paper: Paper, template: Template, extra: dict[str, Any] | None = None) -> bytes:
    """Render ``paper`` as a tagged PDF (PDF/UA-1 identified); returns the PDF bytes."""
    html = render_html(paper, template, extra)
    return html_to_pdf(html, template.folder)


def html_to_pdf(html: str, folder: Path) -> bytes:
    """Lay out HTML whose relative URLs point into ``folder``; returns PDF bytes."""
    weasyprint = _load_weasyprint()
    document = weasyprint.HTML(
        string=html,
        base_url=folder.resolve().as_uri() + "/",
        url_fetcher=make_fetcher([folder]),
    )
    return finish_tagging(document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True))


def finish_tagging(data: bytes) -> bytes:
    """Complete WeasyPrint's PDF/UA tagging; PDF bytes in, PDF bytes out (reproducibly).

    WeasyPrint 70 leaves two gaps that PDF/UA-1 checkers report:

    * text of page margin boxes (running header, "Page N of M") is marked
      content tied to structure elements that hang outside the structure tree;
      here it becomes ``/Artifact`` marked content and leaves the parent tree;
    * ``TH`` cells carry no ``/Scope``; header cells in ``THead`` get
      ``/Column`` and those in a body row (``<th scope="row">``) get ``/Row``.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            return data
        in_tree = _mark_header_scopes(tree)
        _artifact_orphans(pdf, tree, in_tree)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


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
        instructions = []
        for operands, operator in pikepdf.parse_content_stream(page):
            if (
                str(operator) == "BDC"
                and len(operands) == 2
                and isinstance(operands[1], pikepdf.Dictionary)
                and int(operands[1].get("/MCID", -1)) in orphans
            ):
                operands = [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)]
            instructions.append(pikepdf.ContentStreamInstruction(operands, operator))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        kept = [None if mcid in orphans else element for mcid, element in enumerate(parents)]
        while kept and kept[-1] is None:
            kept.pop()
        nums[slots[key]] = pikepdf.Array(kept)
