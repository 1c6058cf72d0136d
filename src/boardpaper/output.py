"""Writing outputs safely: everything rendered first, then each file replaced atomically.

A failed or interrupted build leaves the previous good outputs in place and no
temporary files behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path


class OutputError(Exception):
    """An output could not be written (read-only folder, disk full...)."""


def write_atomically(files: dict[Path, bytes]) -> list[Path]:
    """Write every file: each goes to a temporary file beside it, then replaces the target.

    All temporary files are written and synced before any target is replaced,
    so a full disk or a read-only folder fails the build before it changes
    anything. A target that already holds exactly these bytes is left alone (its
    time stamp too, so tools that watch files see no change). Returns the files left
    alone. Raises OutputError naming the file.
    """
    staged: list[tuple[Path, Path]] = []
    unchanged = [target for target, data in files.items() if _holds(target, data)]
    try:
        for target, data in files.items():
            if target in unchanged:
                continue
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
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
                os.replace(temp, target)
            staged.clear()
    finally:
        for temp, _ in staged:
            with contextlib.suppress(OSError):
                temp.unlink()
    return unchanged


def _holds(target: Path, data: bytes) -> bool:
    """Whether ``target`` is a regular file with exactly ``data`` in it."""
    try:
        if not target.is_file() or target.is_symlink() or target.stat().st_size != len(data):
            return False
        return target.read_bytes() == data
    except OSError:
        return False


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
