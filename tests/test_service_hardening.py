"""The service under hostile or unlucky conditions: validation in the pool with its limits,
capped problem lists, slow clients, dead workers, clients that leave, shutdown while busy,
and logs and zips that hold no content, server paths or package inventory.

Every connection goes to 127.0.0.1 only; every loop is bounded in count and time.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest

from boardpaper.service.app import uvicorn_config
from boardpaper.service.config import PROBLEM_JSON, ServiceConfig
from boardpaper.service.connections import HeaderTimeoutProtocol, RepeatFilter
from service_support import (
    FAIL_MARKER,
    SLOW_MARKER,
    Server,
    failing_job,
    free_port,
)
from tests.helpers import ROOT, SEED_YAML, TEMPLATES

SEED = SEED_YAML.read_bytes()


class Running:
    def __init__(self, server: Server, uvicorn_server, thread: threading.Thread) -> None:
        self.server = server
        self.uvicorn = uvicorn_server
        self.thread = thread
        self.pool = uvicorn_server.config.app.state.pool


def start(config: ServiceConfig) -> Running:
    import uvicorn

    port = free_port()
    settings = uvicorn_config(config, "127.0.0.1", port, log_level="warning")
    server = uvicorn.Server(settings)
    thread = threading.Thread(target=server.run, name="boardpaper-hardening", daemon=True)
    thread.start()
    deadline = time.monotonic() + 90
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return Running(Server("127.0.0.1", port), server, thread)


def stop(running: Running) -> None:
    running.uvicorn.should_exit = True
    running.thread.join(timeout=60)


@pytest.fixture(scope="module")
def hardened(monkeypatch_module) -> Iterator[Running]:
    monkeypatch_module.setattr(HeaderTimeoutProtocol, "header_timeout", 1.0)
    config = ServiceConfig(
        workers=1,
        queue=1,
        render_timeout=15.0,
        body_timeout=2.0,
        template_dirs=[TEMPLATES],
        job=failing_job,
    )
    running = start(config)
    try:
        yield running
    finally:
        stop(running)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    patch = pytest.MonkeyPatch()
    yield patch
    patch.undo()


def problem_body(reply, status: int) -> dict:
    assert reply.status == status, reply.body[:300]
    assert reply.headers["content-type"].startswith(PROBLEM_JSON)
    return reply.json()


def test_validation_runs_in_the_pool_under_its_time_limit(hardened: Running) -> None:
    started = time.monotonic()
    reply = hardened.server.post_yaml("/api/v1/validate", SEED + SLOW_MARKER + b"\n")
    assert problem_body(reply, 504)["type"].endswith("render-timeout")
    assert time.monotonic() - started < 30
    assert hardened.server.post_yaml("/api/v1/validate", SEED).json()["valid"] is True


def test_problems_per_response_are_capped(hardened: Running) -> None:
    unknown = "".join(f"unknown_key_{i}: x\n" for i in range(3000)).encode()
    reply = hardened.server.post_yaml("/api/v1/validate", SEED + unknown)
    body = reply.json()
    assert body["valid"] is False
    assert len(body["problems"]) == 200
    assert body["problem_count"] >= 3000 and body["truncated"] is True
    assert len(reply.body) < 200_000
    rendered = hardened.server.post_yaml("/api/v1/papers?format=pdf", SEED + unknown)
    assert len(problem_body(rendered, 422)["problems"]) == 200


def test_an_idle_worker_killed_is_replaced_before_the_next_job(hardened: Running) -> None:
    [pid] = hardened.pool.pids()
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while hardened.server.call("GET", "/healthz").json()["workers_alive"] and (
        time.monotonic() < deadline
    ):
        time.sleep(0.05)
    reply = hardened.server.post_yaml("/api/v1/papers?format=docx", SEED)
    assert reply.status == 200, reply.body[:300]
    assert hardened.pool.pids() != [pid]


def test_a_failed_render_logs_no_report_content(
    hardened: Running, caplog: pytest.LogCaptureFixture
) -> None:
    secret = b"Quokka-Zanzibar-5521"
    text = SEED.replace(b"Children's Improvement Plan Update", secret) + FAIL_MARKER + b"\n"
    with caplog.at_level(logging.INFO):
        reply = hardened.server.post_yaml("/api/v1/papers?format=pdf", text)
    assert problem_body(reply, 500)
    assert secret not in reply.body
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "ValueError" in logged and secret.decode() not in logged


def test_a_client_leaving_mid_body_is_not_a_server_error(
    hardened: Running, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        with socket.create_connection(("127.0.0.1", hardened.server.port), timeout=5) as sock:
            sock.sendall(
                b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/yaml\r\nContent-Length: 5000\r\n\r\ntemplate: c"
            )
            time.sleep(0.3)
        time.sleep(1.0)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert hardened.server.call("GET", "/healthz").status == 200


def test_slow_headers_are_cut_off(hardened: Running) -> None:
    with socket.create_connection(("127.0.0.1", hardened.server.port), timeout=10) as sock:
        sock.sendall(b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        sock.settimeout(10)
        data = sock.recv(100)
        assert data == b"", data
        assert time.monotonic() - started < 5


def test_slow_body_gets_408(hardened: Running) -> None:
    with socket.create_connection(("127.0.0.1", hardened.server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/yaml\r\nContent-Length: 5000\r\n\r\ntemplate: c"
        )
        sock.settimeout(10)
        started = time.monotonic()
        data = sock.recv(4096)
        assert data.startswith(b"HTTP/1.1 408"), data[:200]
        assert time.monotonic() - started < 6


def test_zip_manifest_holds_no_server_paths_or_package_versions(hardened: Running) -> None:
    reply = hardened.server.post_yaml("/api/v1/papers?format=zip", SEED)
    assert reply.status == 200
    with zipfile.ZipFile(BytesIO(reply.body)) as archive:
        text = archive.read("manifest.json").decode()
    manifest = json.loads(text)
    assert str(ROOT) not in text and str(Path.home()) not in text
    assert "/usr/" not in text and "site-packages" not in text
    assert "python_packages" not in manifest["environment"]
    assert manifest["environment"]["boardpaper"]
    assert all(not entry["path"].startswith("/") for entry in manifest["inputs"])


def test_repeated_log_messages_are_held_back() -> None:
    repeat = RepeatFilter(burst=3, window=60)
    records = [
        logging.LogRecord("asyncio", logging.ERROR, "x", 1, "accept failed: %s", ("EMFILE",), None)
        for _ in range(1000)
    ]
    passed = [record for record in records if repeat.filter(record)]
    assert len(passed) == 3
    other = logging.LogRecord("asyncio", logging.ERROR, "x", 1, "another", (), None)
    assert repeat.filter(other)


def test_shutdown_with_a_render_in_flight_answers_problem_json() -> None:
    config = ServiceConfig(
        workers=1, queue=0, render_timeout=3.0, template_dirs=[TEMPLATES], job=failing_job
    )
    running = start(config)
    replies = {}

    def post() -> None:
        replies["slow"] = running.server.post_yaml(
            "/api/v1/papers?format=pdf", SEED + SLOW_MARKER + b"\n"
        )

    thread = threading.Thread(target=post)
    thread.start()
    deadline = time.monotonic() + 20
    while running.server.call("GET", "/healthz").json()["admitted"] < 1:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    running.uvicorn.should_exit = True  # what SIGTERM does
    thread.join(timeout=60)
    running.thread.join(timeout=60)
    reply = replies["slow"]
    assert reply.headers["content-type"].startswith(PROBLEM_JSON), reply.body[:200]
    assert reply.status in (503, 504)
