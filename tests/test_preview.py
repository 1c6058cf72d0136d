"""`boardpaper preview`: the paper as HTML on 127.0.0.1, rebuilt on save, problems instead of it."""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from boardpaper.preview.server import Preview, make_server
from boardpaper.preview.watch import changes
from boardpaper.template.library import default_library
from tests.helpers import SEED_YAML

SEED = SEED_YAML.read_text(encoding="utf-8")
TITLE = "Children's Improvement Plan Update"
CHROMIUM = Path("/usr/bin/chromium")


def get(port: int, path: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Host": host} if host else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture
def running(tmp_path, monkeypatch):
    """A preview of one report in tmp_path, served on a free port; yields (state, port, file)."""
    monkeypatch.chdir(tmp_path)
    report = tmp_path / "report.yaml"
    report.write_text(SEED, encoding="utf-8")
    state = Preview([report], default_library)
    state.refresh()
    server = make_server(state)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state, server.server_address[1], report
    state.stop()
    server.shutdown()
    server.server_close()


def test_the_page_is_the_papers_html_with_its_css(running):
    state, port, _report = running
    status, headers, _ = get(port, "/")
    assert status == 302
    page_path = headers["Location"]
    assert page_path == "/r/report.yaml/"
    status, headers, body = get(port, page_path)
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert TITLE.replace("'", "&#39;") in page
    assert '<section class="front-sheet"' in page
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
    assert sheets and all(sheet.startswith("_chain/") for sheet in sheets)
    folders = state.entries["report.yaml"].template_folders
    for sheet in sheets:
        status, headers, css = get(port, page_path + sheet)
        assert status == 200 and headers["Content-Type"] == "text/css"
        _, index, relative = sheet.split("/", 2)
        assert css == (folders[int(index)] / relative).read_bytes()


def test_only_template_files_are_served_and_only_to_localhost(running):
    _state, port, _report = running
    for path in ("/r/report.yaml/../../report.yaml", "/r/report.yaml/%2e%2e/template.yaml/x"):
        assert get(port, path)[0] == 404
    assert get(port, "/r/report.yaml/../../../../etc/passwd")[0] == 404
    assert get(port, "/r/nothing.yaml/")[0] == 404
    # DNS rebinding: a page on another site that resolves its name to 127.0.0.1.
    assert get(port, "/r/report.yaml/", host=f"evil.example:{port}")[0] == 403


def test_an_invalid_save_shows_problems_and_no_paper(running):
    state, port, report = running
    before = state.version
    report.write_text(SEED.replace("date: 2021-03-01", "date: 2021-13-45"), encoding="utf-8")
    state.refresh({report.resolve()})
    assert state.version == before + 1
    page = get(port, "/r/report.yaml/")[2].decode()
    assert "1 problem in report.yaml" in page
    assert "Line 6, column 7" in page and "not a real date" in page
    assert "date: 2021-13-45" in page  # the line itself, to find it by eye
    assert "front-sheet" not in page and TITLE.replace("'", "&#39;") not in page
    # Fixed and saved again: the paper is back.
    report.write_text(SEED.replace(TITLE, "A new title"), encoding="utf-8")
    state.refresh({report.resolve()})
    page = get(port, "/r/report.yaml/")[2].decode()
    assert "A new title" in page and "problem" not in page.split("</head>")[1].split("<script")[0]


def test_events_announce_each_new_version(running):
    state, port, report = running
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/events")
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    assert response.fp.readline() == f"data: {state.version}\n".encode()
    response.fp.readline()
    state.refresh({report.resolve()})
    assert response.fp.readline() == f"data: {state.version}\n".encode()
    connection.close()


def test_a_folder_lists_its_reports(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.yaml").write_text(SEED, encoding="utf-8")
    (tmp_path / "content" / "b.yaml").write_text("template: nope\n", encoding="utf-8")
    state = Preview([Path("content")], default_library)
    state.refresh()
    page = state.index().decode()
    assert 'href="/r/content%2Fa.yaml/"' in page and "content/a.yaml</a> (valid)" in page
    assert "content/b.yaml</a> (1 problem)" in page


def test_watch_reports_a_save_in_a_watched_folder(tmp_path):
    report = tmp_path / "report.yaml"
    report.write_text(SEED, encoding="utf-8")
    stop = threading.Event()
    seen: list[set[Path]] = []

    def watch() -> None:
        for batch in changes([report], [], stop):
            seen.append(batch)
            stop.set()

    thread = threading.Thread(target=watch)
    thread.start()
    time.sleep(0.5)  # let the watch start
    (tmp_path / "notes.txt").write_text("not a paper input")
    report.write_text(SEED + "\n", encoding="utf-8")
    thread.join(timeout=20)
    stop.set()
    assert seen and report.resolve() in seen[0]
    assert all(path.suffix == ".yaml" for path in seen[0])


@pytest.fixture
def preview_process(tmp_path):
    """`boardpaper preview FILE --no-open` as a real process; yields (url, report file)."""
    report = tmp_path / "report.yaml"
    shutil.copy(SEED_YAML, report)
    boardpaper = Path(sys.executable).with_name("boardpaper")
    process = subprocess.Popen(
        [str(boardpaper), "preview", "report.yaml", "--no-open"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("report.yaml: preview updated")
        announce = process.stdout.readline()
        assert "Ctrl-C to stop" in announce
        yield announce.split(" at ", 1)[1].split()[0], report
    finally:
        process.terminate()
        process.communicate(timeout=20)


def wcag_violations(page) -> list[dict]:
    """axe-core's WCAG 2.2 AA violations on the page (the pinned copy the publish tests use)."""
    import hashlib

    from tests.test_publish_browser import AXE, AXE_SHA256, run_axe

    source = AXE.read_bytes()
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256
    result = run_axe(page, source.decode("utf-8"))
    assert "html-has-lang" in result["passes"] and "color-contrast" in result["passes"]
    return result["violations"]


@pytest.mark.chromium
def test_browser_page_follows_saves_and_never_shows_a_stale_paper(preview_process):
    from playwright.sync_api import sync_playwright

    url, report = preview_process
    if not CHROMIUM.exists():
        pytest.fail("chromium is missing: run ./scripts/setup-system.sh --test")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context()
        context.route(
            "**/*",
            lambda route: route.continue_() if route.request.url.startswith(url) else route.abort(),
        )
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("section.front-sheet")
        assert wcag_violations(page) == []
        # The template's CSS applies: the paper's own stylesheet was fetched and used.
        assert page.evaluate(
            "[...document.styleSheets].some(s => (s.href || '').endsWith('/paper.css'))"
        )
        time.sleep(0.3)
        report.write_text(SEED.replace("date: 2021-03-01", "date: 2021-13-45"), encoding="utf-8")
        page.wait_for_selector("#problems", timeout=20_000)
        assert page.locator("section.front-sheet").count() == 0
        assert "not a real date" in page.inner_text("#problems")
        assert wcag_violations(page) == []
        time.sleep(0.3)
        report.write_text(SEED.replace(TITLE, "Saved again"), encoding="utf-8")
        page.wait_for_selector("text=Saved again", timeout=20_000)
        assert page.locator("#problems").count() == 0
        # A change of text only: the body is swapped in place, the reader stays where they were.
        page.evaluate("window.scrollTo(0, 900); window.notReloaded = true")
        place = page.evaluate("window.scrollY")
        time.sleep(0.3)
        report.write_text(SEED.replace(TITLE, "Third save"), encoding="utf-8")
        page.wait_for_selector("text=Third save", timeout=20_000)
        assert page.evaluate("window.notReloaded") is True
        # Within a line: under load the swapped body has been seen to settle 36 px higher.
        page.wait_for_function(
            "place => Math.abs(window.scrollY - place) <= 48", arg=place, timeout=5_000
        )
        assert page.title() == "Third save"
        browser.close()


def test_build_watch_rebuilds_on_save_with_the_build_messages(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    report = content / "report.yaml"
    shutil.copy(SEED_YAML, report)
    boardpaper = Path(sys.executable).with_name("boardpaper")
    process = subprocess.Popen(
        [str(boardpaper), "build", "content", "-o", "out", "-f", "docx", "--watch"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = iter(process.stdout.readline, "")

        def read_until(marker: str) -> list[str]:
            seen = []
            for line in lines:
                seen.append(line)
                if marker in line:
                    return seen
            raise AssertionError(f"no {marker!r} in {seen}")

        read_until("watching for saves")
        first = (tmp_path / "out" / "report.docx").read_bytes()
        time.sleep(0.3)
        report.write_text(SEED.replace("date: 2021-03-01", "date: 2021-13-45"), encoding="utf-8")
        said = read_until("nothing was written")
        assert any("content/report.yaml:6:7: date:" in line for line in said)
        assert (tmp_path / "out" / "report.docx").read_bytes() == first
        time.sleep(0.3)
        report.write_text(SEED.replace(TITLE, "Watched title"), encoding="utf-8")
        said = read_until("wrote out/manifest.json")
        assert any(line.startswith("wrote out/report.docx") for line in said)
        from docx import Document

        document = Document(str(tmp_path / "out" / "report.docx"))
        assert any("Watched title" in p.text for p in document.paragraphs)
    finally:
        process.terminate()
        process.communicate(timeout=20)


def test_a_template_broken_while_previewing_is_a_problem_not_a_crash(tmp_path, monkeypatch):
    from boardpaper.preview import server

    monkeypatch.chdir(tmp_path)
    report = tmp_path / "report.yaml"
    report.write_text(SEED, encoding="utf-8")
    state = Preview([report], default_library)
    state.refresh()
    assert not state.entries["report.yaml"].problems

    def broken_layout(*_args: object) -> dict[str, bytes]:
        raise KeyError("no_such_thing")  # as a template being edited can fail

    monkeypatch.setattr(server, "render", broken_layout)
    state.refresh({report.resolve()})
    entry = state.entries["report.yaml"]
    assert "the paper could not be made: KeyError" in entry.problems[0].message
    assert b"front-sheet" not in entry.page


def test_a_port_in_use_is_one_usage_line(tmp_path, runner, monkeypatch):
    import socket

    from boardpaper.cli.main import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "report.yaml").write_text(SEED, encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(cli, ["preview", "report.yaml", "--no-open", "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output
