"""The preview server: report paths in, live HTML pages on 127.0.0.1 out.

``Preview`` keeps one ready page per report (the paper, or its problems) and a
version number that goes up after every rebuild. Pages are rendered when a
file is saved, not when the browser asks, so a reload is served at once. The
browser listens on ``/events`` (server-sent events) and reloads when the
version changes. Only 127.0.0.1 is listened on, and requests must name it as
their host, so other web pages cannot read a report through the browser.
"""

from __future__ import annotations

import mimetypes
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from boardpaper.content.placeholders import placeholder_problems, report_starter
from boardpaper.errors import ContentError, Problem, display_path
from boardpaper.load.yaml_nodes import Limits
from boardpaper.pipeline import find_reports, load_report, render
from boardpaper.preview.page import index_page, paper_page, problems_page
from boardpaper.render.glyphs import glyph_warnings
from boardpaper.template.library import TemplateLibrary

KEEPALIVE_SECONDS = 15.0


@dataclass
class Entry:
    """One report's current page: the paper, or its problems."""

    display: str
    page: bytes
    problems: list[Problem]
    warnings: list[Problem]
    template_folders: tuple[Path, ...]
    seconds: float


@dataclass
class Preview:
    """The reports being previewed and their pages, rebuilt by ``refresh``."""

    paths: list[Path]
    make_library: Callable[[], TemplateLibrary]
    limits: Limits = field(default_factory=Limits)
    version: int = 0
    entries: dict[str, Entry] = field(default_factory=dict)
    path_problems: list[Problem] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    stopping: bool = False

    def __post_init__(self) -> None:
        self.library = self.make_library()
        self._sources: dict[str, Path] = {}

    def refresh(self, changed: set[Path] | None = None) -> list[Entry]:
        """Rebuild the pages ``changed`` can affect (all when None); returns the rebuilt entries.

        A change to anything but a report (a template file) rebuilds every page
        with a fresh template library.
        """
        problems: list[Problem] = []
        found = find_reports(self.paths, problems)
        sources = {_key(path): path for path in found}
        report_files = {path.resolve() for path in found}
        known = report_files | {path.resolve() for path in self._sources.values()}
        if changed is None or not changed <= known:
            self.library = self.make_library()
            todo = list(sources)
        else:
            todo = [
                key
                for key, path in sources.items()
                if path.resolve() in changed or key not in self.entries
            ]
        version = self.version + 1
        rebuilt = {key: self._build(sources[key], version) for key in todo}
        with self.changed:
            self._sources = sources
            self.path_problems = problems
            self.entries = {key: rebuilt.get(key) or self.entries[key] for key in sources}
            self.version = version
            self.changed.notify_all()
        return list(rebuilt.values())

    def _build(self, path: Path, version: int) -> Entry:
        started = time.perf_counter()
        display = display_path(path)
        problems: list[Problem] = []
        try:
            report = load_report(path, self.library, self.limits, display)
            paper_html = render(report, ("html",))["html"].decode("utf-8")
        except ContentError as error:
            problems = error.problems
        except Exception as error:  # a template being edited may break: say so, keep watching
            message = f"the paper could not be made: {type(error).__name__}: {error}"
            problems = [Problem(display, None, None, "", message)]
        if problems:
            try:
                source = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                source = None
            page = problems_page(display, problems, source, version)
            return Entry(display, page.encode(), problems, [], (), time.perf_counter() - started)
        warnings = [
            *placeholder_problems(
                report.paper.source,
                report_starter(report.template),
                display,
                warning=True,
                limits=self.limits,
            ),
            *glyph_warnings(report.paper.source, display),
        ]
        # The layout links its stylesheets by file URL (each template of its chain has its
        # own folder); the browser asks this server for them instead, by chain position.
        folders = (report.template.folder, *(link.folder for link in report.template.chain))
        for index, folder in enumerate(folders):
            paper_html = paper_html.replace(folder.resolve().as_uri() + "/", f"_chain/{index}/")
        page = paper_page(paper_html, report, version, warnings)
        return Entry(
            display,
            page.encode(),
            [],
            warnings,
            folders,
            time.perf_counter() - started,
        )

    def index(self) -> bytes:
        with self.changed:
            rows = [
                (entry.display, f"/r/{key}/", len(entry.problems))
                for key, entry in sorted(self.entries.items(), key=lambda kv: kv[1].display)
            ]
            return index_page(rows, self.version).encode()

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()


def _key(path: Path) -> str:
    """The URL segment of a report: its path, %-encoded into one segment."""
    return quote(display_path(path), safe="")


def make_server(preview: Preview, port: int = 0) -> ThreadingHTTPServer:
    """An HTTP server for ``preview`` on 127.0.0.1 (``port`` 0: any free port)."""

    class Handler(PreviewHandler):
        state = preview

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    Handler.port = server.server_port
    return server


class PreviewHandler(BaseHTTPRequestHandler):
    """Serves the index, each report's page, its template's assets and the reload events."""

    state: Preview
    port: int
    protocol_version = "HTTP/1.1"
    server_version = "boardpaper-preview"

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged: the terminal is for the author's messages."""

    def do_GET(self) -> None:
        port = self.port
        if self.headers.get("Host") not in {f"127.0.0.1:{port}", f"localhost:{port}"}:
            self._send(HTTPStatus.FORBIDDEN, b"preview answers on 127.0.0.1 only", "text/plain")
            return
        path = urlsplit(self.path).path
        if path == "/events":
            self._events()
        elif path == "/":
            entries = self.state.entries
            if len(entries) == 1 and not self.state.path_problems:
                self._redirect(f"/r/{next(iter(entries))}/")
            else:
                self._send(HTTPStatus.OK, self.state.index(), "text/html; charset=utf-8")
        elif path.startswith("/r/"):
            key, _, rest = path[3:].partition("/")
            entry = self.state.entries.get(key)
            if entry is None:
                self._send(HTTPStatus.NOT_FOUND, b"no such report", "text/plain")
            elif not rest:
                self._send(HTTPStatus.OK, entry.page, "text/html; charset=utf-8")
            else:
                self._asset(entry, unquote(rest))
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")

    def _asset(self, entry: Entry, relative: str) -> None:
        """A file of the report's template folder (its CSS, fonts, images), nothing else."""
        folders = entry.template_folders
        folder = folders[0] if folders else None
        _first, _, rest = relative.partition("/")
        if relative.startswith("_chain/"):
            position, _, relative = rest.partition("/")
            index = int(position) if position.isdigit() else len(folders)
            folder = folders[index] if index < len(folders) else None
        target = (folder / relative).resolve() if folder else None
        root = folder.resolve() if folder else None
        if target is None or root is None or root not in target.parents or not target.is_file():
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._send(HTTPStatus.OK, target.read_bytes(), kind)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        state = self.state
        sent: int | None = None
        try:
            while True:
                last = sent

                def news(last: int | None = last) -> bool:
                    return state.stopping or state.version != last

                with state.changed:
                    state.changed.wait_for(news, KEEPALIVE_SECONDS)
                    if state.stopping:
                        return
                    version = state.version
                if version != sent:
                    self.wfile.write(f"data: {version}\n\n".encode())
                    sent = version
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)
