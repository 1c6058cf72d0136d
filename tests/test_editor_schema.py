"""What an author's editor does with the files `boardpaper new` writes: the YAML language
server (the engine of VS Code's YAML extension, pinned in tests/editor) is started over
stdio, opens the file, follows its schema line and answers as it would in VS Code.
"""

from __future__ import annotations

import contextlib
import json
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from boardpaper.cli.main import cli
from tests.helpers import ROOT

pytestmark = pytest.mark.node

SERVER = ROOT / "tests" / "editor" / "node_modules" / "yaml-language-server" / "bin"
SERVER = SERVER / "yaml-language-server"
SETTINGS = {"validate": True, "completion": True, "hover": True, "schemaStore": {"enable": False}}


class LanguageServer:
    """A language-server client just big enough for diagnostics, completion and hover."""

    def __init__(self, root: Path) -> None:
        node = shutil.which("node")
        if node is None or not SERVER.exists():
            pytest.fail(
                "node or the YAML language server is missing: ./scripts/setup-system.sh --test"
            )
        self.process = subprocess.Popen(
            [node, str(SERVER), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.last_id = 0
        self.versions: dict[str, int] = {}
        threading.Thread(target=self._read, daemon=True).start()
        capabilities = {"workspace": {"configuration": True}}
        self.request(
            "initialize",
            {"processId": None, "rootUri": root.as_uri(), "capabilities": capabilities},
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": SETTINGS}})

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := stream.readline().decode()) not in ("\r\n", ""):
                name, _, value = line.partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not line:
                return
            self.messages.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        data = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.last_id += 1
        number = self.last_id
        self._send({"id": number, "method": method, "params": params})
        return self._wait(lambda m: m.get("id") == number and "method" not in m)["result"]

    def _wait(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        deadline = time.monotonic() + 60
        while True:
            message = self.messages.get(timeout=max(0.1, deadline - time.monotonic()))
            if message.get("method") == "workspace/configuration":
                items = message["params"]["items"]
                self._send({"id": message["id"], "result": [SETTINGS] * len(items)})
            elif "method" in message and "id" in message:  # other requests from the server
                self._send({"id": message["id"], "result": None})
            elif wanted(message):
                return message

    def problems(self, path: Path, text: str) -> list[tuple[int, str]]:
        """Open (or change) ``path`` to ``text``; its diagnostics as (line, first line of text)."""
        uri = path.resolve().as_uri()
        version = self.versions.get(uri, 0) + 1
        self.versions[uri] = version
        if version == 1:
            document = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
            self.notify("textDocument/didOpen", {"textDocument": document})
        else:
            self.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"text": text}],
                },
            )
        message = self._wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and m["params"].get("version", version) == version
            )
        )
        return [
            (d["range"]["start"]["line"] + 1, d["message"].splitlines()[0])
            for d in message["params"]["diagnostics"]
        ]

    def at(self, method: str, path: Path, line: int, column: int) -> Any:
        """``method`` (completion, hover) at 1-based ``line`` and ``column``."""
        place = {"line": line - 1, "character": column - 1}
        return self.request(
            f"textDocument/{method}",
            {"textDocument": {"uri": path.resolve().as_uri()}, "position": place},
        )


@pytest.fixture
def project(tmp_path: Path, runner) -> Iterator[tuple[Path, LanguageServer]]:
    with contextlib.chdir(tmp_path):
        for args in (
            ["new", "report", "content/r.yaml", "--template", "council-standard"],
            ["new", "meeting", "content/meetings/m.yaml"],
        ):
            result = runner.invoke(cli, args)
            assert result.exit_code == 0, result.output
    server = LanguageServer(tmp_path)
    try:
        yield tmp_path, server
    finally:
        server.process.kill()
        server.process.communicate()


def line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if line.startswith(start))


def test_the_editor_checks_a_new_report_against_its_schema(project):
    folder, server = project
    report = folder / "content" / "r.yaml"
    starter = report.read_text(encoding="utf-8")
    assert server.problems(report, starter) == []
    # A misspelt key is underlined on its own line.
    typo = starter.replace("\ntitle:", "\ntitel:")
    assert sorted(server.problems(report, typo)) == [
        (line_of(typo, "template:"), 'Missing property "title".'),
        (line_of(typo, "titel:"), "Property titel is not allowed."),
    ]
    # A table row with a cell missing is marked on that row.
    table = "tables:\n  t:\n    columns: [A, B, C]\n    rows:\n      - [x, y, z]\n      - [x, y]\n"
    short = starter + table
    assert server.problems(report, short) == [
        (line_of(short, "      - [x, y]"), "Array has too few items. Expected 3 or more.")
    ]
    # Completion offers the keys still missing; hovering a key says what it is for.
    without_title = "\n".join(line for line in starter.split("\n") if not line.startswith("title:"))
    server.problems(report, without_title + "\n\n")
    labels = {
        item["label"]
        for item in server.at("completion", report, without_title.count("\n") + 2, 1)["items"]
    }
    assert "title" in labels
    hover = server.at("hover", report, line_of(without_title, "meeting:"), 2)
    assert "The committee or board the report goes to" in hover["contents"]["value"]


def test_the_editor_checks_a_new_meeting_against_its_schema(project):
    folder, server = project
    meeting = folder / "content" / "meetings" / "m.yaml"
    starter = meeting.read_text(encoding="utf-8")
    assert server.problems(meeting, starter) == []
    broken = starter + "bogus: 1\n"
    problems = server.problems(meeting, broken)
    assert problems == [(line_of(broken, "bogus:"), "Property bogus is not allowed.")]
