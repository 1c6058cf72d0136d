"""Writing outputs: all or nothing, no temporary files left, and one build at a time per folder."""

from __future__ import annotations

import fcntl
import os
import signal
import tempfile
import threading
import time
from pathlib import Path

import pytest

from boardpaper import output
from boardpaper.output import OutputError, write_atomically


def test_a_folder_in_an_outputs_place_fails_before_anything_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "a.docx").write_bytes(b"old docx")
    (tmp_path / "a.pdf").mkdir()
    with pytest.raises(OutputError, match=r"a\.pdf"):
        write_atomically({tmp_path / "a.docx": b"new docx", tmp_path / "a.pdf": b"new pdf"})
    assert (tmp_path / "a.docx").read_bytes() == b"old docx"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "a.pdf"]


def test_a_file_in_an_output_folders_place_fails_before_anything_is_replaced(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.docx").write_bytes(b"old docx")
    (tmp_path / "meetings").write_bytes(b"a file")
    with pytest.raises(OutputError, match="meetings"):
        write_atomically(
            {tmp_path / "a.docx": b"new", tmp_path / "meetings" / "x" / "agenda.pdf": b"new"}
        )
    assert (tmp_path / "a.docx").read_bytes() == b"old docx"


def test_stale_temporary_files_of_a_killed_build_are_removed(tmp_path: Path) -> None:
    stale = tmp_path / ".a.pdf.k3j_9x0q.tmp"
    stale.write_bytes(b"")
    someone_elses = tmp_path / ".notes.txt.abcdefgh.tmp"
    someone_elses.write_bytes(b"keep")
    write_atomically({tmp_path / "a.pdf": b"pdf"})
    assert not stale.exists()
    assert someone_elses.exists()
    assert (tmp_path / "a.pdf").read_bytes() == b"pdf"


def test_a_signal_as_a_temporary_file_is_created_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_mkstemp = tempfile.mkstemp

    def mkstemp_then_interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        made = real_mkstemp(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)
        return made

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp_then_interrupted)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            write_atomically({tmp_path / "a.pdf": b"pdf", tmp_path / "a.docx": b"docx"})
    finally:
        signal.signal(signal.SIGINT, previous)
    assert list(tmp_path.iterdir()) == []


def test_two_builds_into_one_folder_take_turns(tmp_path: Path) -> None:
    holder = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    writer = threading.Thread(target=write_atomically, args=({tmp_path / "a.pdf": b"pdf"},))
    try:
        writer.start()
        time.sleep(0.5)
        assert not (tmp_path / "a.pdf").exists(), "wrote while another build held the folder"
    finally:
        os.close(holder)
    writer.join(timeout=10)
    assert (tmp_path / "a.pdf").read_bytes() == b"pdf"


def test_a_build_that_cannot_get_the_folder_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output, "LOCK_WAIT_SECONDS", 0.2)
    holder = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        with pytest.raises(OutputError, match="another build"):
            write_atomically({tmp_path / "a.pdf": b"pdf"})
    finally:
        os.close(holder)
    assert list(tmp_path.iterdir()) == []


def test_replace_file_swaps_a_cache_file_whole_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one helper the render cache, build records, workbook memo and conversion cache
    write through: new folders made, the old bytes or the new ones, never a temporary."""
    target = tmp_path / "entries" / "ab" / "key.json"
    output.replace_file(target, b"first")
    output.replace_file(target, b"second")
    assert target.read_bytes() == b"second"
    assert sorted(path.name for path in target.parent.iterdir()) == ["key.json"]

    def full_disk(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        output.replace_file(target, b"third")
    assert target.read_bytes() == b"second"
    assert sorted(path.name for path in target.parent.iterdir()) == ["key.json"]
