"""The PDF renderer: a ``Paper`` in, tagged PDF/UA-1 bytes out, by WeasyPrint.

WeasyPrint is imported once per process (it costs about a second); a template's
stylesheets are parsed and its fonts configured once per process (``render.reuse``).
It fetches only ``data:`` URLs and files inside the template's chain of folders (its own,
its parents', the built-in base): no network, no other files, whatever the
template or content says.
"""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from boardpaper.content.model import Paper
from boardpaper.render.environment import FontUse, fonts_in
from boardpaper.render.html import render_html
from boardpaper.render.reuse import layout_options
from boardpaper.render.stamp import add_pdf_properties, provenance_of
from boardpaper.render.tagging import finish_tagging, record_origins
from boardpaper.render.weasyprint_internals import harfbuzz_subset_available, import_weasyprint
from boardpaper.template.inherit import inside
from boardpaper.template.manifest import Template

_weasyprint: Any = None


def _load_weasyprint() -> Any:
    global _weasyprint
    if _weasyprint is None:
        _weasyprint = import_weasyprint()
        record_origins()
    return _weasyprint


class BlockedURL(ValueError):
    """Raised for a URL the renderer will not fetch."""


def make_fetcher(allowed_folders: list[Path]) -> Any:
    """A WeasyPrint URL fetcher that serves ``data:`` and files under ``allowed_folders`` only.

    A file missing from the first folder is looked for, at the same relative path, in the
    others in turn: the template lookup order, for a logo or font a parent template holds.
    """
    weasyprint = _load_weasyprint()
    roots = [folder.resolve() for folder in allowed_folders]

    class FolderFetcher(weasyprint.urls.URLFetcher):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=1)
            self.blocked: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                from urllib.request import url2pathname

                path = Path(url2pathname(url.split("?")[0].split("#")[0].removeprefix("file:")))
                resolved = _look_up(path, roots)
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


def _look_up(path: Path, roots: list[Path]) -> Path:
    """``path`` resolved; if missing from the first root, the same file in a later root."""
    resolved = path.resolve()
    if resolved.exists() or not roots or roots[0] not in resolved.parents:
        return resolved
    relative = resolved.relative_to(roots[0]).as_posix()
    for root in roots[1:]:
        found = inside(root, relative)
        if found is not None and found.is_file():
            return found
    return resolved


@dataclass(frozen=True)
class PdfJob:
    """What laying out one paper's PDF needs, made from the paper here (``prepare_pdf``) and
    picklable, so the layout can run in another process: the HTML, the template's folder
    and its parents' folders, and the provenance properties."""

    html: str
    folder: Path
    properties: dict[str, str]
    fallbacks: tuple[Path, ...]

    def lay_out(self, fonts: list[FontUse] | None = None) -> bytes:
        """The PDF's bytes (``html_to_pdf``); fonts it embeds are appended to ``fonts``."""
        return html_to_pdf(
            self.html,
            self.folder,
            properties=self.properties,
            fonts=fonts,
            fallbacks=self.fallbacks,
        )


def prepare_pdf(paper: Paper, template: Template, extra: dict[str, Any] | None = None) -> PdfJob:
    """Everything of ``render_pdf`` but the layout: the paper's HTML and its properties."""
    return PdfJob(
        render_html(paper, template, extra),
        template.folder,
        provenance_of(paper, template).properties(),
        tuple(link.folder for link in template.chain[1:]),
    )


def render_pdf(
    paper: Paper,
    template: Template,
    extra: dict[str, Any] | None = None,
    fonts: list[FontUse] | None = None,
) -> bytes:
    """Render ``paper`` as a tagged PDF (PDF/UA-1 identified); returns the PDF bytes.

    The PDF carries the paper's provenance (``provenance_of``) in its Info
    dictionary and XMP metadata. Fonts it embeds are appended to ``fonts``
    when a list is given (for the build manifest).
    """
    return prepare_pdf(paper, template, extra).lay_out(fonts)


FIXED_FONT_EPOCH = "315532800"
"""1980-01-01, in seconds: the time fontTools writes into subset fonts (as in our zips)."""


def html_to_pdf(
    html: str,
    folder: Path,
    properties: dict[str, str] | None = None,
    fonts: list[FontUse] | None = None,
    stylesheets: tuple[Path, ...] = (),
    fallbacks: tuple[Path, ...] = (),
) -> bytes:
    """Lay out HTML whose relative URLs point into ``folder``; returns reproducible PDF bytes.

    ``properties`` (letters-and-digits names) go into the Info dictionary and
    the XMP metadata. Dates come only from the HTML's ``dcterms.created`` and
    ``dcterms.modified`` meta; the file identifier (/ID) is a hash of the
    PDF's content (qpdf's deterministic id, in ``finish_tagging``). Fonts the
    PDF embeds are appended to ``fonts`` if given.
    ``stylesheets`` (files inside ``folder``) are applied as user stylesheets, after
    the document's own CSS (packs use this to drop each paper's own page numbers).
    ``fallbacks`` are the folders of the template's parents, in lookup order: their
    files may be fetched too, and a relative URL missing from ``folder`` is found there.
    """
    weasyprint = _load_weasyprint()
    fetcher = make_fetcher([folder, *fallbacks])
    base_url = folder.resolve().as_uri() + "/"
    source = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    user_css = [
        weasyprint.CSS(filename=str(sheet), base_url=base_url, url_fetcher=fetcher)
        for sheet in stylesheets
    ]

    def finish(document: Any, pdf: Any) -> None:
        if properties:
            add_pdf_properties(pdf, properties)
        if fonts is not None:
            fonts.extend(fonts_in(document))

    if not harfbuzz_subset_available():
        # fontTools (WeasyPrint's fallback subsetter) stamps the clock into each
        # font unless SOURCE_DATE_EPOCH says otherwise.
        os.environ["SOURCE_DATE_EPOCH"] = FIXED_FONT_EPOCH
    # No pdf_identifier: finish_tagging drops WeasyPrint's /ID anyway and saves with
    # qpdf's deterministic id, computed from the finished content.
    data = source.write_pdf(
        stylesheets=user_css,
        pdf_variant="pdf/ua-1",
        custom_metadata=True,
        finisher=finish,
        **layout_options([folder, *fallbacks], html),
    )
    return finish_tagging(data)
