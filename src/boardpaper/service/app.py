"""The HTTP service: render and validate reports for authors, the intranet and other systems.

A Starlette app over the same pipeline as the CLI (``pipeline.parse_report``,
``pipeline.render``, ``Problem.as_dict``). Requests in: report YAML as the body
or as a multipart file upload. Responses out: the paper (PDF, .docx or a zip of
both), located problems as JSON, or an RFC 9457 problem-details error.

Safe by default: a body size limit, renders in a bounded pool of warm worker
processes with a real time limit (``service.pool``), an optional bearer token
(``BOARDPAPER_TOKEN``) and an access log that holds no content.

Longer than 400 lines on purpose: the routes are closures over one config, pool
and cache inside ``create_app``, so a request's whole path reads top to bottom.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import time
from collections.abc import AsyncIterator, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from boardpaper import __version__
from boardpaper.render.cache import CachedPaper, RenderCache, environment_fingerprint
from boardpaper.service.config import DEFAULT_DISPLAY, MEDIA_TYPES, YAML_TYPES, ServiceConfig
from boardpaper.service.connections import (
    HeaderTimeoutProtocol,
    install_repeat_filter,
    raise_file_limit,
)
from boardpaper.service.guard import GuardMiddleware
from boardpaper.service.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from boardpaper.service.metrics import ServiceMetrics, configure_logging
from boardpaper.service.openapi import openapi_document
from boardpaper.service.pool import (
    VALIDATE,
    RenderTimeout,
    Saturated,
    ShuttingDown,
    WorkerFailed,
    WorkerPool,
)
from boardpaper.service.problems import RequestError, problem
from boardpaper.template.library import TemplateLibrary, default_library
from boardpaper.template.manifest import Template
from boardpaper.template.starter import starter_yaml

STATIC = Path(__file__).parent / "static"


log = logging.getLogger("boardpaper.service.app")


def create_app(config: ServiceConfig) -> ASGIApp:
    """The ASGI application for ``config``; its lifespan starts and stops the worker pool."""
    library = default_library(list(config.template_dirs))
    pool = WorkerPool(
        config.workers,
        config.queue,
        config.render_timeout,
        config.template_dirs,
        config.job,
        config.recycle_after,
    )

    metrics = ServiceMetrics(pool.status)
    cache = RenderCache(config.cache_dir) if config.cache_dir is not None else None
    request_keys = RequestKeys()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Load every template now: a broken template stops the service at start, not later.
        for name in library.names():
            library.get(name)
        if cache is not None:
            await anyio.to_thread.run_sync(request_keys.prepare, library)
        await pool.start()
        log.info("boardpaper service ready: %d render workers", pool.size)
        try:
            yield
        finally:
            await pool.drain(config.render_timeout)
            await pool.stop()

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    async def metrics_page(request: Request) -> Response:
        return Response(metrics.exposition(), media_type=METRICS_CONTENT_TYPE)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__, **pool.status()})

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document(config))

    async def templates(request: Request) -> Response:
        return JSONResponse(
            {"templates": [describe_template(library.get(n)) for n in library.names()]}
        )

    async def starter(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in library.names():
            raise RequestError(
                404, "Unknown template", f"no template called {name!r}", "unknown-template"
            )
        return Response(starter_yaml(library.get(name)), media_type="application/yaml")

    async def validate(request: Request) -> Response:
        # Validating 1 MB can cost as much CPU as a render: same pool, limit and queue.
        text, display = await read_report(request, config.max_body_bytes, config.body_timeout)
        kind, value = await submit(text, display, VALIDATE)
        if kind == "problems":
            return JSONResponse({"valid": False, **capped(value), "warnings": []})
        if kind != "ok":
            log.error("validation failed in a worker: %s", value)  # the error's kind only
            raise RequestError(
                500, "Validation failed", "the report could not be checked", "render-failed"
            )
        return JSONResponse({"valid": True, "problems": [], "warnings": value["warnings"]})

    async def papers(request: Request) -> Response:
        wanted = request.query_params.get("format", "pdf")
        if wanted not in MEDIA_TYPES:
            raise RequestError(
                400,
                "Unknown format",
                f"format must be one of pdf, docx, zip; got {wanted!r}",
                "unknown-format",
            )
        text, display = await read_report(request, config.max_body_bytes, config.body_timeout)
        started = time.monotonic()
        key = request_keys.key(text, display, wanted) if cache is not None else ""
        if cache is not None:
            cached = await anyio.to_thread.run_sync(cache.get, key)
            metrics.cache.labels("hit" if cached else "miss").inc()
            if cached is not None:
                metrics.renders.labels(wanted, "cached").inc()
                metrics.render_seconds.labels(wanted).observe(time.monotonic() - started)
                return paper_response(cached.files[wanted], display, wanted)
        try:
            files = await render(text, display, wanted)
        finally:
            metrics.render_seconds.labels(wanted).observe(time.monotonic() - started)
        if cache is not None:
            await anyio.to_thread.run_sync(cache.put, key, CachedPaper(files, ()))
        return paper_response(files[wanted], display, wanted)

    async def submit(text: bytes, display: str, wanted: str) -> tuple[str, Any]:
        """Run one job on a warm worker; the pool's refusals become the RequestError to send."""
        try:
            return await pool.submit(text, display, (wanted,))
        except ShuttingDown:
            raise RequestError(
                503,
                "Shutting down",
                "the service is stopping; send the request again in a moment",
                "shutting-down",
                headers={"Retry-After": "5"},
            ) from None
        except Saturated:
            metrics.renders.labels(wanted, "busy").inc()
            retry = str(max(1, math.ceil(config.render_timeout / 10)))
            raise RequestError(
                503,
                "Busy",
                "every render worker is busy and the queue is full; try again shortly",
                "busy",
                headers={"Retry-After": retry},
            ) from None
        except RenderTimeout as error:
            metrics.renders.labels(wanted, "timeout").inc()
            raise RequestError(
                504,
                "Render timed out",
                f"{error}: the limit is {config.render_timeout:g} s",
                "render-timeout",
            ) from None
        except WorkerFailed as error:
            metrics.renders.labels(wanted, "failed").inc()
            raise RequestError(500, "Render failed", str(error), "worker-failed") from None

    async def render(text: bytes, display: str, wanted: str) -> dict[str, bytes]:
        """Render on a warm worker; returns format -> bytes or raises the RequestError to send."""
        kind, value = await submit(text, display, wanted)
        if kind == "problems":
            metrics.renders.labels(wanted, "problems").inc()
            raise content_problem(value)
        if kind != "ok":
            metrics.renders.labels(wanted, "failed").inc()
            log.error("render failed in a worker: %s", value)  # the error's kind, no content
            raise RequestError(
                500, "Render failed", "the paper could not be rendered", "render-failed"
            )
        metrics.renders.labels(wanted, "rendered").inc()
        files: dict[str, bytes] = value
        return files

    routes = [
        Route("/", index),
        Route("/healthz", healthz),
        Route("/metrics", metrics_page),
        Route("/api/v1/openapi.json", openapi),
        Route("/api/v1/templates", templates),
        Route("/api/v1/templates/{name}/starter", starter),
        Route("/api/v1/validate", validate, methods=["POST"]),
        Route("/api/v1/papers", papers, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            ClientDisconnect: _client_gone,
            RequestError: _request_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    app.state.pool = pool
    return GuardMiddleware(app, config.token)


async def _client_gone(request: Request, error: Exception) -> Response:
    """The client went away before its request body ended: nobody to answer, nothing broken."""
    log.info("client left before sending the whole request: %s", request.url.path)
    return Response(status_code=400)


async def _request_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestError)
    return problem(*error.args_for_problem, **error.extra, instance=request.url.path)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    from http import HTTPStatus

    title = HTTPStatus(error.status_code).phrase
    return problem(error.status_code, title, str(error.detail), "http", dict(error.headers or {}))


async def _server_error(request: Request, error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(500, "Internal Server Error", "something went wrong on the server", "internal")


def paper_response(data: bytes, display: str, wanted: str) -> Response:
    """The rendered file, named after the report."""
    stem = Path(display).stem or "paper"
    return Response(
        data,
        media_type=MEDIA_TYPES[wanted],
        headers={"Content-Disposition": f'attachment; filename="{stem}.{wanted}"'},
    )


class RequestKeys:
    """Render-cache keys for requests: the same body, name and format with the same
    templates and environment give the same paper (a zip's manifest names the upload)."""

    def __init__(self) -> None:
        self.context = ""

    def prepare(self, library: TemplateLibrary) -> None:
        """Fingerprint the templates and environment once, at start-up."""
        templates = {name: library.get(name).files_hash for name in library.names()}
        self.context = hashlib.sha256(
            json.dumps([templates, environment_fingerprint()], sort_keys=True).encode()
        ).hexdigest()

    def key(self, text: bytes, display: str, wanted: str) -> str:
        request = [self.context, hashlib.sha256(text).hexdigest(), display, wanted]
        return hashlib.sha256(json.dumps(request).encode()).hexdigest()


MAX_PROBLEMS = 200
"""Problems sent back in one response; a file of 1 MB of unknown keys has 50,000 of them."""


def capped(problems: list[dict[str, Any]]) -> dict[str, Any]:
    """The first ``MAX_PROBLEMS`` problems, the total, and whether any were left out."""
    return {
        "problems": problems[:MAX_PROBLEMS],
        "problem_count": len(problems),
        "truncated": len(problems) > MAX_PROBLEMS,
    }


def content_problem(problems: list[dict[str, Any]]) -> RequestError:
    """422 for a report with mistakes: the located problems (at most MAX_PROBLEMS), as the CLI
    prints them."""
    count = len(problems)
    return RequestError(
        422,
        "The report has problems",
        f"{count:,} problem{'s' if count != 1 else ''} in the report; nothing was rendered",
        "content",
        **capped(problems),
    )


async def read_report(request: Request, limit: int, timeout: float = 30.0) -> tuple[bytes, str]:
    """The report bytes and a display name from a YAML body or a multipart upload.

    Raises RequestError: 413 over ``limit`` bytes, 415 for another content type,
    400 for a multipart body without a file, 408 for a body still arriving after
    ``timeout`` seconds (a slow client holds a connection and memory meanwhile).
    """
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if media not in YAML_TYPES and media != "multipart/form-data":
        raise RequestError(
            415,
            "Unsupported content type",
            "send the report as application/yaml (or text/yaml, text/plain), "
            f"or as a multipart/form-data file upload; got {media or 'none'!r}",
            "unsupported-type",
        )
    too_large = RequestError(
        413,
        "Report too large",
        f"the request body is over the limit of {limit:,} bytes",
        "too-large",
    )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    try:
        with anyio.fail_after(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise too_large
                chunks.append(chunk)
    except TimeoutError:
        raise RequestError(
            408,
            "Request body too slow",
            f"the request body did not arrive within {timeout:g} s",
            "body-timeout",
            headers={"Connection": "close"},
        ) from None
    body = b"".join(chunks)
    if media != "multipart/form-data":
        return body, DEFAULT_DISPLAY
    return await _read_upload(request, body)


async def _read_upload(request: Request, body: bytes) -> tuple[bytes, str]:
    sent = False

    async def replay() -> MutableMapping[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    replayed = Request(request.scope, receive=replay)
    try:
        form = await replayed.form(max_files=1, max_fields=10, max_part_size=len(body) + 1)
    except HTTPException as error:
        raise RequestError(400, "Bad upload", str(error.detail), "bad-upload") from None
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise RequestError(
            400, "Bad upload", "attach the report as a form field named 'file'", "bad-upload"
        )
    data = await upload.read()
    await form.close()
    return data, safe_display_name(upload.filename)


def safe_display_name(filename: str | None) -> str:
    """A file name an author sent, reduced to a safe base name (no folders)."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = re.sub(r"[^A-Za-z0-9._-]", "_", base).lstrip(".")
    return base[:100] or DEFAULT_DISPLAY


def describe_template(template: Template) -> dict[str, Any]:
    """A template as JSON: description, language, front-sheet fields and sections."""
    return {
        "name": template.name,
        "description": template.description,
        "language": template.language,
        "front_sheet": [
            {
                "field": spec.field,
                "label": spec.label,
                "type": spec.type,
                "required": spec.required,
                "description": spec.description,
            }
            for spec in template.front_sheet
        ],
        "sections": [
            {
                "field": section.field,
                "heading": section.heading,
                "type": section.type,
                "required": section.required,
                "description": section.description,
            }
            for section in template.sections
        ],
        "required_sections": [s.field for s in template.sections if s.required],
    }


def serve(config: ServiceConfig, host: str, port: int, log_format: str = "json") -> None:
    """Run the service with uvicorn until interrupted; logs go to stderr as JSON lines."""
    import uvicorn

    configure_logging(log_format)
    settings = uvicorn_config(config, host, port)
    install_repeat_filter("uvicorn", "uvicorn.error", "asyncio")
    uvicorn.Server(settings).run()


def uvicorn_config(config: ServiceConfig, host: str, port: int, **overrides: Any) -> Any:
    """uvicorn's settings for the service: time limits and caps for slow or many clients."""
    import uvicorn

    files = raise_file_limit()
    settings: dict[str, Any] = dict(
        app=create_app(config),
        host=host,
        port=port,
        http=HeaderTimeoutProtocol,
        log_config=None,  # uvicorn's records go through the handler configured by serve
        access_log=False,
        log_level="info",
        server_header=False,
        timeout_keep_alive=5,
        h11_max_incomplete_event_size=16 * 1024,
        # Connections and requests at once, past which uvicorn answers 503: well under
        # the descriptors this process may open, so /healthz and the workers always can.
        limit_concurrency=max(16, min(config.max_connections, files // 4)),
        # On SIGTERM a render in flight finishes (it is bounded by the render limit).
        timeout_graceful_shutdown=int(config.render_timeout + config.body_timeout + 5),
    )
    settings.update(overrides)
    return uvicorn.Config(**settings)
