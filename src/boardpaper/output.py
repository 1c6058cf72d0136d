"""Writing outputs safely: rendered bytes by path in, files replaced atomically, all or none.

Every target is checked before anything is written; each file goes to a
temporary file beside it, and only when all are written and synced are they
swapped in, with Ctrl-C and SIGTERM held back. A failed or interrupted build
leaves the previous good outputs in place and no temporary files behind; the
temporary files of a build that was killed outright (SIGKILL, power cut) are
removed by the next build into the same folder. Two builds writing into one
folder take turns (an exclusive ``flock`` on the folder itself), so their files
never interleave.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

FORMATS = ("docx", "pdf")
"""The files built for each report, in the order they are listed."""

LOCK_WAIT_SECONDS = 120.0
"""How long a build waits for another build writing into the same folder."""

_TEMP_NAME = re.compile(r"\.(?P<target>.+)\.[A-Za-z0-9_]{8}\.tmp")
"""A temporary file of ours: ``.<target name>.<8 characters of mkstemp>.tmp``."""


class OutputError(Exception):
    """An output could not be written (read-only folder, disk full...)."""


def replace_file(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target`` (named as ``_TEMP_NAME`` says;
    its folder made if missing), then rename it into place, so a reader sees the old file
    or the new one, never half of one. On any error the temporary file is removed and the
    error raised. For one file of a cache; outputs go through ``write_atomically``
    (locks, checks, fsync)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def write_atomically(files: dict[Path, bytes]) -> list[Path]:
    """Write every file: each goes to a temporary file beside it, then replaces the target.

    Every target is checked first, and all temporary files are written and
    synced before any target is replaced, so a full disk, a read-only folder
    or a folder in a file's place fails the build before it changes anything.
    A target that already holds exactly these bytes is left alone (its time
    stamp too, so tools that watch files see no change). Returns the files left
    alone. Raises OutputError naming the file.
    """
    preflight(list(files))
    folders = sorted({target.parent for target in files})
    with contextlib.ExitStack() as locks:
        for folder in folders:
            locks.enter_context(folder_lock(folder))
        for folder in folders:
            remove_stale_temporaries(folder, {target.name for target in files})
        unchanged = [target for target, data in files.items() if _holds(target, data)]
        _stage_and_replace({t: d for t, d in files.items() if t not in unchanged})
    return unchanged


def _holds(target: Path, data: bytes) -> bool:
    """Whether ``target`` is a regular file with exactly ``data`` in it."""
    try:
        if not target.is_file() or target.is_symlink() or target.stat().st_size != len(data):
            return False
        return target.read_bytes() == data
    except OSError:
        return False


def preflight(targets: list[Path]) -> None:
    """Raise OutputError if any target cannot be replaced by a file (a folder is in its place,
    or a file is where its folder should be); creates missing folders."""
    for target in targets:
        for parent in reversed(target.parents):
            if parent.exists() and not parent.is_dir():
                raise OutputError(f"{parent}: is a file, but a folder is needed here")
        if target.is_dir() and not target.is_symlink():
            raise OutputError(f"{target}: is a folder; move it away or choose another output")
        if target.exists() and not target.is_file():
            raise OutputError(f"{target}: is not a regular file; move it away")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputError(f"{target.parent}: cannot create folder: {error.strerror}") from None


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (flock on the folder itself: no lock file left)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise OutputError(f"{folder}: cannot open folder: {error.strerror}") from None
    try:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OutputError(
                        f"{folder}: another build has been writing here for "
                        f"{LOCK_WAIT_SECONDS:.0f} s; try again when it has finished"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def remove_stale_temporaries(folder: Path, names: set[str]) -> list[Path]:
    """Remove temporary files an earlier, killed build left for these target names.

    Called with the folder locked, so no running build owns them.
    """
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            match = _TEMP_NAME.fullmatch(entry.name)
            if match and match.group("target") in names and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def _stage_and_replace(files: dict[Path, bytes]) -> None:
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            # Held while the name is created and recorded: a signal between the two left an
            # empty temporary file that nothing removed.
            with _signals_held():
                try:
                    handle, temp_name = tempfile.mkstemp(
                        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
                    )
                except OSError as error:
                    raise OutputError(f"{target}: cannot write here: {error.strerror}") from None
                temp = Path(temp_name)
                staged.append((temp, target))
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                    stream.flush()
                    os.fsync(stream.fileno())
                os.chmod(temp, 0o644)
            except OSError as error:
                raise OutputError(f"{target}: cannot write: {error.strerror}") from None
        with _signals_held():
            for temp, target in staged:
                try:
                    os.replace(temp, target)
                except OSError as error:
                    raise OutputError(f"{target}: cannot replace: {error.strerror}") from None
            staged.clear()
    finally:
        with _signals_held():
            for temp, _ in staged:
                with contextlib.suppress(OSError):
                    temp.unlink()


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while files are swapped in, so a build is never half-replaced.

    A signal that arrives meanwhile is delivered (as KeyboardInterrupt) once all are in place.
    """
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
