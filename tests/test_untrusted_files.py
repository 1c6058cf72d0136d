"""Untrusted content and the file system: no escaping symlinks, no clashing outputs, no lost work.

Builds run through the CLI as an author would. Interrupting a build is tested
with a real subprocess and a real SIGINT.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from boardpaper import output
from boardpaper.cli.main import cli
from tests.helpers import TEMPLATES
from tests.untrusted import MINIMAL, no_network, table_report

__all__ = ["no_network"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """content/report.yaml (the minimal corpus report) and templates/, as the working folder."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "report.yaml").write_text(MINIMAL, encoding="utf-8")
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_symlinked_report_leading_out_of_content_is_refused(project: Path, runner) -> None:
    outside = project / "elsewhere.yaml"
    outside.write_text(MINIMAL, encoding="utf-8")
    (project / "content" / "linked.yaml").symlink_to(outside)
    (project / "content" / "passwd.yaml").symlink_to("/etc/passwd")
    for command in (["validate"], ["build", "-o", "out"], ["check"]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 1, result.output
        lines = result.output.splitlines()
        assert (
            "content/linked.yaml: is a symlink leading out of content; "
            "boardpaper only reads files inside the content folder"
        ) in lines
        assert (
            "content/passwd.yaml: is a symlink leading out of content; "
            "boardpaper only reads files inside the content folder"
        ) in lines
        assert "root:x" not in result.output
    assert not (project / "out").exists()


def test_symlink_named_directly_may_not_leave_its_folder(project: Path, runner) -> None:
    (project / "content" / "passwd.yaml").symlink_to("/etc/passwd")
    result = runner.invoke(cli, ["validate", "content/passwd.yaml"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "content/passwd.yaml: is a symlink leading out of content; "
        "boardpaper only reads files inside the content folder"
    )


def test_symlink_inside_content_is_followed(project: Path, runner) -> None:
    (project / "content" / "sub").mkdir()
    (project / "content" / "sub" / "alias.yaml").symlink_to(project / "content" / "report.yaml")
    result = runner.invoke(cli, ["validate"])
    assert (result.exit_code, result.output) == (0, "2 report(s) valid\n")


def test_symlinked_folder_is_not_walked(project: Path, runner) -> None:
    (project / "content" / "etc").symlink_to("/etc", target_is_directory=True)
    result = runner.invoke(cli, ["validate"])
    assert (result.exit_code, result.output) == (0, "1 report(s) valid\n")


def test_a_special_file_is_refused_not_read(project: Path, runner) -> None:
    fifo = project / "content" / "pipe.yaml"
    os.mkfifo(fifo)
    result = runner.invoke(cli, ["validate", "content/pipe.yaml"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "content/pipe.yaml: not a regular file"


def test_two_reports_writing_the_same_output_are_refused(project: Path, runner) -> None:
    for folder in ("a", "b"):
        (project / "content" / folder).mkdir()
    (project / "content" / "a" / "same.yaml").write_text(MINIMAL, encoding="utf-8")
    (project / "content" / "b" / "same.yaml").write_text(MINIMAL, encoding="utf-8")
    (project / "content" / "b" / "Report.yaml").write_text(MINIMAL, encoding="utf-8")
    result = runner.invoke(cli, ["build", "-o", "out"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "content/b/same.yaml: writes the same output name 'same' as content/a/same.yaml; "
        "rename one file",
        "content/report.yaml: writes the same output name 'report' as content/b/Report.yaml; "
        "rename one file",
        "2 problems in 2 files; nothing was written",
    ]
    assert not (project / "out").exists()


@pytest.fixture
def previous_build(project: Path, runner) -> dict[Path, bytes]:
    """A good earlier build of content/ in out/ (docx only, to be quick): its files and bytes."""
    result = runner.invoke(cli, ["build", "-f", "docx", "-o", "out"])
    assert result.exit_code == 0, result.output
    (project / "content" / "report.yaml").write_text(
        MINIMAL.replace("Minimal Report", "Changed Report"), encoding="utf-8"
    )
    return {path: path.read_bytes() for path in (project / "out").iterdir()}


def assert_unchanged(project: Path, before: dict[Path, bytes]) -> None:
    """The earlier outputs are byte for byte as they were, and nothing else is in out/."""
    assert {path: path.read_bytes() for path in (project / "out").iterdir()} == before


def test_read_only_output_folder_is_one_error_and_keeps_earlier_outputs(
    project: Path, runner, previous_build, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.geteuid() != 0:  # a real read-only folder; root ignores permissions, so simulate it
        (project / "out").chmod(0o555)
    else:

        def read_only(*args: object, **kwargs: object) -> None:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))

        monkeypatch.setattr(output.tempfile, "mkstemp", read_only)
    try:
        result = runner.invoke(cli, ["build", "-f", "docx", "-o", "out"])
    finally:
        (project / "out").chmod(0o755)
    assert result.exit_code == 1
    reason = "Permission denied" if os.geteuid() != 0 else "Read-only file system"
    assert result.output.splitlines() == [
        f"error: out/report.docx: cannot write here: {reason}; nothing was written"
    ]
    assert_unchanged(project, previous_build)


def test_full_disk_is_one_error_and_keeps_earlier_outputs(
    project: Path, runner, previous_build, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle: int, mode: str) -> None:
            self.stream = real_fdopen(handle, mode)

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.stream.close()

        def write(self, data: bytes) -> int:
            self.stream.write(data[:100])  # some bytes reach the disk, then it is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output.os, "fdopen", FullDisk)
    result = runner.invoke(cli, ["build", "-f", "docx", "-o", "out"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "error: out/report.docx: cannot write: No space left on device; nothing was written"
    ]
    assert_unchanged(project, previous_build)


def test_output_path_that_is_a_file_is_one_error(project: Path, runner) -> None:
    (project / "out").write_text("not a folder", encoding="utf-8")
    result = runner.invoke(cli, ["build", "-f", "docx", "-o", "out/papers"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "error: out: is a file, but a folder is needed here; nothing was written"
    ]
    assert (project / "out").read_text(encoding="utf-8") == "not a folder"


def _default_sigint() -> None:
    """Give the child Ctrl-C's default meaning.

    A shell that starts a job in the background without job control (as CI
    runners may) makes it ignore SIGINT, and children inherit that: a terminal
    user's Ctrl-C is what these tests are about, so restore it.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def ctrl_c_raises() -> Iterator[None]:
    """Make SIGINT raise KeyboardInterrupt in this process, as in a terminal (see above)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def _process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (build renders in worker processes)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                pending.extend(int(child) for child in (task / "children").read_text().split())
            except OSError:
                continue
    return found


def wait_until_rendering_pdf(process: subprocess.Popen[str]) -> None:
    """Wait until ``process`` or one of its workers has loaded Pango (WeasyPrint is laying
    out a PDF), then a moment."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if any(
                "libpango" in Path(f"/proc/{pid}/maps").read_text(errors="replace")
                for pid in _process_tree(process.pid)
            ):
                break
        except OSError:
            pass
        time.sleep(0.05)
    time.sleep(0.5)


def test_ctrl_c_during_rendering_keeps_earlier_outputs_and_leaves_no_temporary_files(
    project: Path,
) -> None:
    command = [sys.executable, "-m", "boardpaper", "build", "-o", "out"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    before = {path: path.read_bytes() for path in (project / "out").iterdir()}
    # Reports big enough that rendering takes several seconds; interrupt it half-way.
    for number in range(3):
        (project / "content" / f"big{number}.yaml").write_text(
            table_report(rows=250), encoding="utf-8"
        )
    (project / "content" / "report.yaml").write_text(
        MINIMAL.replace("Minimal Report", "Changed Report"), encoding="utf-8"
    )
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    )
    wait_until_rendering_pdf(process)
    assert process.poll() is None, "the build finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stdout == ""
    assert stderr == "interrupted: nothing was written; earlier papers are unchanged\n"
    assert {path: path.read_bytes() for path in (project / "out").iterdir()} == before


def test_ctrl_c_while_files_are_swapped_in_waits_until_all_are_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ctrl_c_raises: None
) -> None:
    targets = [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    for target in targets:
        target.write_bytes(b"old")
    real_replace = os.replace

    def replace_then_interrupt(source: Path, target: Path) -> None:
        real_replace(source, target)
        signal.raise_signal(signal.SIGINT)  # Ctrl-C after the first file is in place

    monkeypatch.setattr(output.os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomically({target: b"new" for target in targets})
    assert [target.read_bytes() for target in targets] == [b"new", b"new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.pdf"]


def test_the_network_guard_is_active() -> None:
    with pytest.raises(pytest.fail.Exception, match="network connection was attempted"):
        socket.create_connection(("169.254.169.254", 80), timeout=1)
    with (
        socket.socket() as sock,
        pytest.raises(pytest.fail.Exception, match="network connection was attempted"),
    ):
        sock.connect(("127.0.0.1", 9))
