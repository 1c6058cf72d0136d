"""ASGI middleware before the app: bearer-token check for /api/, one access-log line per request."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.applications import Starlette

from boardpaper.service.problems import problem

access_log = logging.getLogger("boardpaper.access")


Scope = MutableMapping[str, Any]


Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]


Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class GuardMiddleware:
    """Bearer-token check for /api/ and an access log line per request, without content.

    The log holds method, path (never the query string or body), status, size and time.
    """

    def __init__(self, app: Starlette, token: str | None):
        self.app = app
        self.token = token
        self.state = app.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        status = 0
        size = 0

        async def logged_send(message: MutableMapping[str, Any]) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            if self.token and scope["path"].startswith("/api/") and not self._authorised(scope):
                response = problem(
                    401,
                    "Token required",
                    "send 'Authorization: Bearer <token>' with every API request",
                    "unauthorised",
                    headers={"WWW-Authenticate": 'Bearer realm="boardpaper"'},
                    instance=scope["path"],
                )
                await response(scope, receive, logged_send)
            else:
                await self.app(scope, receive, logged_send)
        except asyncio.CancelledError:
            # The server is stopping and could not wait for this request (uvicorn would
            # answer a text/plain 500): say so as a problem document, if nothing was sent yet.
            if status == 0:
                with contextlib.suppress(Exception):
                    await problem(
                        503,
                        "Shutting down",
                        "the service stopped before this request finished; send it again",
                        "shutting-down",
                        headers={"Retry-After": "5"},
                    )(scope, receive, logged_send)
            raise
        finally:
            client = scope.get("client") or ("-", 0)
            access_log.info(
                '%s "%s %s" %d %dB %.3fs',
                client[0],
                scope["method"],
                scope["path"],
                status,
                size,
                time.monotonic() - started,
                extra={
                    "client": client[0],
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "bytes": size,
                    "duration_s": round(time.monotonic() - started, 4),
                },
            )

    def _authorised(self, scope: Scope) -> bool:
        assert self.token is not None
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                scheme, _, given = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer":
                    return hmac.compare_digest(given.strip().encode(), self.token.encode())
        return False
