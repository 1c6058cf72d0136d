"""Helpers for the service tests: run the app on a free loopback port, call it over HTTP.

Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from boardpaper.service.app import create_app
from boardpaper.service.config import ServiceConfig
from boardpaper.service.pool import JobResult, render_job

SLOW_MARKER = b"# test: render slowly"


def slow_job(text: bytes, display: str, formats: tuple[str, ...]) -> JobResult:
    """The real render job, except that a report holding SLOW_MARKER hangs first.

    Runs inside the service's worker processes (the pool pickles it by name), so a
    test can make one render outlast the time limit without touching the real code.
    """
    if SLOW_MARKER in text:
        time.sleep(600)
    return render_job(text, display, formats)


FAIL_MARKER = b"# test: fail with the report in the error"


def failing_job(text: bytes, display: str, formats: tuple[str, ...]) -> JobResult:
    """The real job, except that a report holding FAIL_MARKER raises an error quoting it."""
    if FAIL_MARKER in text:
        raise ValueError(f"cannot render {text[:200]!r}")
    return slow_job(text, display, formats)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        import json

        return json.loads(self.body)


@dataclass
class Server:
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        chunked: bool = False,
        timeout: float = 60,
    ) -> Reply:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            if chunked:
                connection.request(
                    method,
                    path,
                    body=iter([body or b""]),
                    headers=headers or {},
                    encode_chunked=True,
                )
            else:
                connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Reply(
                response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
            )
        finally:
            connection.close()

    def post_yaml(self, path: str, text: bytes, **headers: str) -> Reply:
        return self.call("POST", path, text, {"Content-Type": "application/yaml", **headers})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def multipart(field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body holding one file; returns (body, content type)."""
    boundary = "boardpaper-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: application/yaml\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@contextmanager
def running_server(config: ServiceConfig) -> Iterator[Server]:
    """Serve ``create_app(config)`` with uvicorn in a thread; stop it (and its workers) after."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config), host="127.0.0.1", port=port, access_log=False, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, name="boardpaper-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 90
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield Server("127.0.0.1", port)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
