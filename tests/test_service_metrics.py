"""The service's render cache, Prometheus /metrics and JSON log lines (issue 18)."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest

from boardpaper.service.config import ServiceConfig
from boardpaper.service.metrics import JsonLogFormatter
from tests.helpers import SEED_YAML, TEMPLATES
from tests.service_support import running_server

SEED = SEED_YAML.read_bytes()


@pytest.fixture(scope="module")
def cached_service(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("service-cache")
    config = ServiceConfig(workers=1, queue=4, template_dirs=[TEMPLATES], cache_dir=folder)
    with running_server(config) as server:
        yield server


def metric(text: str, name: str) -> float:
    """The value of one sample line (name with labels, exactly as exposed)."""
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0.0


def test_a_repeated_request_is_answered_from_the_cache_with_the_same_bytes(cached_service):
    first = cached_service.post_yaml("/api/v1/papers?format=docx", SEED)
    assert first.status == 200
    page = cached_service.call("GET", "/metrics").body.decode()
    rendered = metric(page, 'boardpaper_renders_total{format="docx",outcome="rendered"}')
    started = time.monotonic()
    again = cached_service.post_yaml("/api/v1/papers?format=docx", SEED)
    took = time.monotonic() - started
    assert again.status == 200 and again.body == first.body
    assert again.headers["content-disposition"] == first.headers["content-disposition"]
    page = cached_service.call("GET", "/metrics").body.decode()
    assert metric(page, 'boardpaper_renders_total{format="docx",outcome="rendered"}') == rendered
    assert metric(page, 'boardpaper_renders_total{format="docx",outcome="cached"}') >= 1
    assert metric(page, 'boardpaper_render_cache_total{result="hit"}') >= 1
    assert took < 5  # far quicker than a render; benchmarks/service.py measures it


def test_different_content_is_rendered_not_taken_from_the_cache(cached_service):
    changed = SEED.replace(b"title: Children's", b"title: Revised Children's", 1)
    first = cached_service.post_yaml("/api/v1/papers?format=docx", SEED)
    second = cached_service.post_yaml("/api/v1/papers?format=docx", changed)
    assert first.status == second.status == 200
    assert first.body != second.body


def test_metrics_page_has_the_counters_operators_need(cached_service):
    reply = cached_service.call("GET", "/metrics")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/plain")
    page = reply.body.decode()
    for name in (
        "boardpaper_queue_depth",
        "boardpaper_workers_ready",
        "boardpaper_worker_recycles_total",
        "boardpaper_worker_replacements_total",
        "boardpaper_render_seconds_bucket",
    ):
        assert name in page, name
    assert metric(page, "boardpaper_workers_ready") == 1


def test_json_log_lines_carry_fields_but_never_content() -> None:
    record = logging.LogRecord(
        "boardpaper.access", logging.INFO, __file__, 1, "%s done", ("x",), None
    )
    record.status = 200
    record.path = "/api/v1/papers"
    record.body = "secret report text"  # not a log field: must not appear
    line = json.loads(JsonLogFormatter().format(record))
    assert line["message"] == "x done" and line["status"] == 200
    assert line["path"] == "/api/v1/papers" and line["level"] == "info"
    assert "secret" not in json.dumps(line)


def test_serve_logs_json_lines(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.service_support import Server, free_port

    port = free_port()
    env = {**os.environ, "BOARDPAPER_TOKEN": "", "BOARDPAPER_CACHE_DIR": str(tmp_path / "c")}
    process = subprocess.Popen(
        [sys.executable, "-m", "boardpaper", "serve", "--port", str(port), "--workers", "1"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        server = Server("127.0.0.1", port)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if server.call("GET", "/healthz", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        assert server.call("GET", "/metrics").status == 200
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert lines, stderr
    access = [line for line in lines if line["logger"] == "boardpaper.access"]
    assert any(line.get("path") == "/metrics" and line.get("status") == 200 for line in access)
