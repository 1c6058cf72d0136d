"""The HTTP API: the same papers and problems as the CLI, and safe answers to bad requests."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import subprocess
import sys
import threading
import time
import zipfile

import pytest

from boardpaper.pipeline import parse_report
from boardpaper.service.config import PROBLEM_JSON, ServiceConfig
from conftest import SEED_YAML, TEMPLATES
from service_support import SLOW_MARKER, multipart, running_server, slow_job

SEED = SEED_YAML.read_bytes()
BROKEN = (
    SEED.replace(b"date: 2021-03-01", b"date: 2021-13-45").rstrip(b"\n") + b"\nbogus_field: 1\n"
)


def assert_problem(reply, status: int) -> dict:
    """The reply is RFC 9457 problem details with this status; returns its body."""
    assert reply.status == status, reply.body[:500]
    assert reply.headers["content-type"].startswith(PROBLEM_JSON)
    body = reply.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:boardpaper:problem:")
    assert body["title"] and body["detail"]
    return body


def assert_still_serving(server) -> None:
    assert server.call("GET", "/healthz").json()["status"] == "ok"
    assert server.post_yaml("/api/v1/validate", SEED).json() == {
        "valid": True,
        "problems": [],
        "warnings": [],
    }


def test_validate_warns_about_starter_placeholders(service):
    starter = service.call("GET", "/api/v1/templates/council-standard/starter").body
    reply = service.post_yaml("/api/v1/validate", starter).json()
    assert reply["valid"] is True and reply["problems"] == []
    meeting = next(w for w in reply["warnings"] if w["key"] == "meeting")
    lines = starter.decode().splitlines()
    assert meeting["line"] == lines.index('meeting: "Meeting goes here"') + 1
    assert meeting["message"].startswith("warning: still the starter's placeholder")


def test_seed_comes_back_identical_to_the_pipeline_output(service, seed_outputs):
    for fmt in ("pdf", "docx"):
        reply = service.post_yaml(f"/api/v1/papers?format={fmt}", SEED)
        assert reply.status == 200
        assert reply.body == seed_outputs[fmt], f"{fmt} differs from pipeline.render"
    assert reply.headers["content-type"].startswith("application/vnd.openxmlformats")


def test_zip_of_an_uploaded_file_holds_both_formats(service, seed_outputs):
    body, content_type = multipart("file", "childrens-improvement-plan.yaml", SEED)
    reply = service.call("POST", "/api/v1/papers?format=zip", body, {"Content-Type": content_type})
    assert reply.status == 200
    assert 'filename="childrens-improvement-plan.zip"' in reply.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(reply.body)) as archive:
        assert sorted(archive.namelist()) == [
            "childrens-improvement-plan.docx",
            "childrens-improvement-plan.pdf",
            "manifest.json",
        ]
        assert archive.read("childrens-improvement-plan.pdf") == seed_outputs["pdf"]
        assert archive.read("childrens-improvement-plan.docx") == seed_outputs["docx"]
        manifest = json.loads(archive.read("manifest.json"))
    # The manifest records the uploaded report's bytes and both papers, as a build's does.
    [report] = [item for item in manifest["inputs"] if item["role"] == "report"]
    assert report["path"] == "childrens-improvement-plan.yaml"
    assert report["sha256"] == hashlib.sha256(SEED).hexdigest()
    outputs = {item["path"]: item["sha256"] for item in manifest["outputs"]}
    assert outputs == {
        f"childrens-improvement-plan.{fmt}": hashlib.sha256(seed_outputs[fmt]).hexdigest()
        for fmt in ("docx", "pdf")
    }


def cli_problems(tmp_path, text: bytes) -> list[dict]:
    report = tmp_path / "broken.yaml"
    report.write_bytes(text)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "boardpaper",
            "validate",
            "--json",
            "--templates",
            str(TEMPLATES),
            str(report),
        ],
        capture_output=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    return json.loads(result.stdout)


def test_broken_report_gets_422_with_the_cli_problems(service, tmp_path):
    expected = cli_problems(tmp_path, BROKEN)
    assert {p["key"] for p in expected} == {"date", "bogus_field"}
    body, content_type = multipart("file", "broken.yaml", BROKEN)
    reply = service.call("POST", "/api/v1/papers?format=pdf", body, {"Content-Type": content_type})
    problem = assert_problem(reply, 422)
    assert problem["problems"] == expected
    # The validate endpoint lists the same problems for a body without a file name.
    checked = service.post_yaml("/api/v1/validate", BROKEN)
    assert checked.status == 200
    result = checked.json()
    assert result["valid"] is False
    assert [{**p, "path": "broken.yaml"} for p in result["problems"]] == expected


def test_unknown_template_is_a_located_content_problem(service):
    text = SEED.replace(b"template: council-standard", b"template: ../../etc/passwd")
    problem = assert_problem(service.post_yaml("/api/v1/papers?format=pdf", text), 422)
    [only] = problem["problems"]
    assert (only["line"], only["key"]) == (4, "template")
    assert "no template called" in only["message"]
    starter = service.call("GET", "/api/v1/templates/no-such-template/starter")
    assert_problem(starter, 404)
    assert_still_serving(service)


def test_oversized_body_gets_413(service):
    big = SEED + b"# " + b"x" * 1_000_000 + b"\n"
    assert_problem(service.post_yaml("/api/v1/papers?format=pdf", big), 413)
    # Without a Content-Length (chunked), the limit holds while reading.
    reply = service.call(
        "POST", "/api/v1/validate", big, {"Content-Type": "application/yaml"}, chunked=True
    )
    assert_problem(reply, 413)
    assert_still_serving(service)


def test_wrong_content_type_gets_415(service):
    for content_type in ("application/json", "image/png", None):
        headers = {"Content-Type": content_type} if content_type else {}
        reply = service.call("POST", "/api/v1/papers?format=pdf", SEED, headers)
        assert_problem(reply, 415)
    assert_still_serving(service)


def test_unknown_format_gets_400(service):
    assert_problem(service.post_yaml("/api/v1/papers?format=html", SEED), 400)


def test_templates_list_descriptions_and_required_sections(service):
    reply = service.call("GET", "/api/v1/templates")
    [template] = [t for t in reply.json()["templates"] if t["name"] == "council-standard"]
    assert template["description"].startswith("Report to an overview and scrutiny board")
    assert "purpose" in template["required_sections"]
    assert "recommendations" in template["required_sections"]
    assert any(f["field"] == "date" and f["type"] == "date" for f in template["front_sheet"])


def test_starter_is_a_valid_report_for_its_template(service, library):
    reply = service.call("GET", "/api/v1/templates/council-standard/starter")
    assert reply.status == 200
    report = parse_report(reply.body, "starter.yaml", library)
    assert report.template.name == "council-standard"


def test_health_and_openapi(service):
    health = service.call("GET", "/healthz").json()
    assert health["status"] == "ok" and health["workers_alive"] == 1
    document = service.call("GET", "/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    responses = document["paths"]["/api/v1/papers"]["post"]["responses"]
    assert {"200", "413", "415", "422", "503", "504"} <= set(responses)


def test_access_log_never_holds_content(service, caplog):
    marker = b"Zanzibar-quokka-7731"
    text = SEED.replace(b"Children's Improvement Plan Update", marker)
    with caplog.at_level(logging.INFO, logger="boardpaper.access"):
        assert service.post_yaml("/api/v1/validate", text).status == 200
        assert service.post_yaml("/api/v1/papers?format=zip&secret=q", BROKEN).status == 422
        # The line is logged just after the response is sent: give the server a moment.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
            "/api/v1/papers" in r.getMessage() for r in caplog.records
        ):
            time.sleep(0.05)
    lines = [r.getMessage() for r in caplog.records if r.name == "boardpaper.access"]
    assert any('"POST /api/v1/validate" 200' in line for line in lines)
    assert any('"POST /api/v1/papers" 422' in line for line in lines)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert marker.decode() not in logged
    assert "bogus_field" not in logged and "secret" not in logged


@pytest.fixture(scope="module")
def strict_service():
    """Token required, one worker, no queue, a short render limit and a test-only slow report."""
    config = ServiceConfig(
        workers=1,
        queue=0,
        render_timeout=5.0,
        token="s3cret-token",
        template_dirs=[TEMPLATES],
        job=slow_job,
        recycle_after=1,
    )
    with running_server(config) as server:
        yield server


AUTH = {"Authorization": "Bearer s3cret-token"}


def test_missing_or_wrong_token_gets_401(strict_service):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret-token"}):
        reply = strict_service.post_yaml("/api/v1/validate", SEED, **headers)
        assert_problem(reply, 401)
        assert reply.headers["www-authenticate"].startswith("Bearer")
    assert_problem(strict_service.call("GET", "/api/v1/templates"), 401)
    # Health checks and the page itself need no token; the API works with it.
    assert strict_service.call("GET", "/healthz").status == 200
    assert strict_service.call("GET", "/").status == 200
    assert strict_service.post_yaml("/api/v1/validate", SEED, **AUTH).json()["valid"] is True


def test_saturation_gets_503_and_a_long_render_is_stopped_with_504(strict_service, seed_outputs):
    before = strict_service.call("GET", "/healthz").json()
    slow = SEED + SLOW_MARKER + b"\n"
    replies = {}

    def post_slow() -> None:
        replies["slow"] = strict_service.post_yaml("/api/v1/papers?format=pdf", slow, **AUTH)

    started = time.monotonic()
    thread = threading.Thread(target=post_slow)
    thread.start()
    while strict_service.call("GET", "/healthz").json()["admitted"] < 1:
        time.sleep(0.02)
    # The one worker is busy and there is no queue: refused at once, with Retry-After.
    busy = strict_service.post_yaml("/api/v1/papers?format=pdf", SEED, **AUTH)
    assert_problem(busy, 503)
    assert int(busy.headers["retry-after"]) >= 1
    thread.join()
    elapsed = time.monotonic() - started
    assert_problem(replies["slow"], 504)
    assert elapsed < 25, "the render was not stopped at its time limit"
    # The hung worker was killed and replaced; the next paper renders normally (a .docx,
    # the quick format, so a busy test machine cannot push it past the short limit).
    after = strict_service.call("GET", "/healthz").json()
    assert after["replaced"] == before["replaced"] + 1
    reply = strict_service.post_yaml("/api/v1/papers?format=docx", SEED, **AUTH)
    assert reply.status == 200 and reply.body == seed_outputs["docx"]


def test_workers_are_recycled_and_papers_stay_identical(strict_service, seed_outputs):
    """With recycle_after=1 every render retires its worker; the fresh one renders the same."""
    before = strict_service.call("GET", "/healthz").json()
    for _ in range(2):
        reply = strict_service.post_yaml("/api/v1/papers?format=docx", SEED, **AUTH)
        assert reply.status == 200 and reply.body == seed_outputs["docx"]
    after = strict_service.call("GET", "/healthz").json()
    assert after["retired"] == before["retired"] + 2
    assert after["replaced"] == before["replaced"]
    assert after["workers_alive"] == 1


def test_serve_command_listens_on_loopback_by_default(tmp_path):
    from service_support import Server, free_port

    port = free_port()
    env = {**os.environ, "BOARDPAPER_TOKEN": ""}
    process = subprocess.Popen(
        [sys.executable, "-m", "boardpaper", "serve", "--port", str(port), "--workers", "1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        server = Server("127.0.0.1", port)
        deadline = time.monotonic() + 60
        while True:
            try:
                if server.call("GET", "/healthz", timeout=2).status == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
        assert server.call("GET", "/api/v1/templates").status == 200
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}" in output
    assert "Traceback" not in output


def test_renderer_restrictions_hold_for_requests(service):
    """Content that tries to pull in local files or the network stays literal text."""
    sneaky = SEED.replace(
        b"  - This report has been prepared",
        b'  - "<link rel=attachment href=file:///etc/passwd> ![x](file:///etc/passwd) '
        b'<img src=http://192.0.2.1/x.png> {{ 7*7 }}"\n  - This report has been prepared',
    )
    reply = service.post_yaml("/api/v1/papers?format=pdf", sneaky)
    if reply.status == 422:  # refused as content: nothing was fetched either
        assert reply.json()["problems"]
        return
    assert reply.status == 200
    import pypdf

    pdf = pypdf.PdfReader(io.BytesIO(reply.body))
    assert pdf.attachments == {}
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "root:x:0:0" not in text
    assert "{{ 7*7 }}" in text and "<link rel=attachment" in text
