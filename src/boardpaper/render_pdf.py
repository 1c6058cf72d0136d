"""The PDF renderer: a ``Paper`` in, tagged PDF/UA-1 bytes out, by WeasyPrint.

WeasyPrint is imported once per process (it costs about a second) and fetches
only ``data:`` URLs and files inside the template folder: no network, no other
files, whatever the template or content says.
"""

from __future__ import annotations

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


def html_to_pdf(html: str, folder: Path, stylesheets: tuple[Path, ...] = ()) -> bytes:
    """Lay out HTML whose relative URLs point into ``folder``; returns PDF bytes.

    ``stylesheets`` (files inside ``folder``) are applied after the document's own CSS.
    """
    weasyprint = _load_weasyprint()
    fetcher = make_fetcher([folder])
    document = weasyprint.HTML(
        string=html,
        base_url=folder.resolve().as_uri() + "/",
        url_fetcher=fetcher,
    )
    extra = [
        weasyprint.CSS(
            filename=str(sheet), base_url=folder.resolve().as_uri() + "/", url_fetcher=fetcher
        )
        for sheet in stylesheets
    ]
    return document.write_pdf(stylesheets=extra, pdf_variant="pdf/ua-1", custom_metadata=True)
