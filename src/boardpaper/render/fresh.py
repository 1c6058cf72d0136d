"""Calls run in new Python interpreters: ``(function, args)`` in, ``function(*args)`` out.

For work whose memory should not add to what a process already holds, such as
joining a pack with pikepdf (``meeting.pack``): a forked worker starts out holding
everything its parent does (and counts it in its resident memory); a new
interpreter starts with only what the call imports. ``multiprocessing``'s "spawn"
start would do that too, but it runs the caller's main script again in the child,
which a script without an ``if __name__ == "__main__"`` guard does not survive; here
the child runs this module (``python -m boardpaper.render.fresh CALL RESULT``) and
nothing else. The call and its result pass through files in a folder the caller owns.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any


class FreshProcesses:
    """Runs calls in new interpreters, at most ``jobs`` at a time, in the order submitted.

    A new folder in ``folder`` (the caller's, private) holds each call's arguments and
    result. Use it as
    a context manager: leaving it on an error (or Ctrl-C) stops every running call.
    """

    def __init__(self, jobs: int, folder: Path) -> None:
        self.jobs = max(1, jobs)
        self.folder = Path(tempfile.mkdtemp(prefix="calls-", dir=folder))
        self.calls: list[tuple[Path, Path, Path]] = []
        self.processes: list[subprocess.Popen[bytes]] = []

    def submit(self, function: Callable[..., Any], args: tuple[Any, ...]) -> int:
        """Queue ``function(*args)`` (importable, arguments picklable); returns its number
        for ``result``. It starts as soon as fewer than ``jobs`` calls are running."""
        number = len(self.calls)
        call = self.folder / f"call-{number}.pickle"
        call.write_bytes(pickle.dumps((function, args)))
        self.calls.append((call, self.folder / f"result-{number}.pickle", call.with_suffix(".err")))
        self._start()
        return number

    def result(self, number: int) -> Any:
        """Wait for call ``number``; its return value, or its exception raised here."""
        while len(self.processes) <= number:
            self._running()[0].wait()
            self._start()
        code = self.processes[number].wait()
        self._start()
        _, result, errors = self.calls[number]
        if result.exists():
            succeeded, value = pickle.loads(result.read_bytes())
            if succeeded:
                return value
            raise value
        tail = errors.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
        raise RuntimeError(f"a worker process ended with code {code}: " + " / ".join(tail))

    def _running(self) -> list[subprocess.Popen[bytes]]:
        return [process for process in self.processes if process.poll() is None]

    def _start(self) -> None:
        """Start queued calls while fewer than ``jobs`` run."""
        while len(self.processes) < len(self.calls) and len(self._running()) < self.jobs:
            call, result, errors = self.calls[len(self.processes)]
            # The child finds boardpaper where this process found it.
            source = str(Path(__file__).resolve().parents[2])
            path = os.environ.get("PYTHONPATH")
            env = {**os.environ, "PYTHONPATH": source + (os.pathsep + path if path else "")}
            with errors.open("wb") as stderr:
                self.processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "boardpaper.render.fresh", str(call), str(result)],
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=stderr,
                        env=env,
                    )
                )

    def __enter__(self) -> FreshProcesses:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is not None:
            # Ctrl-C or a failed call: no worker outlives the command.
            for process in self._running():
                process.kill()
        for process in self.processes:
            process.wait()


def _main(call: Path, result: Path) -> None:
    """The child's side: run the pickled call, pickle what it returned or raised."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops its calls on Ctrl-C
    function, args = pickle.loads(call.read_bytes())
    try:
        outcome: tuple[bool, Any] = (True, function(*args))
    except Exception as error:
        outcome = (False, error)
    try:
        data = pickle.dumps(outcome)
    except Exception as error:  # what does not pickle comes back as its description
        message = f"{outcome[1]!r} could not be passed back from a worker process: {error}"
        data = pickle.dumps((False, RuntimeError(message)))
    partial = result.with_suffix(".partial")
    partial.write_bytes(data)
    partial.replace(result)


if __name__ == "__main__":
    _main(Path(sys.argv[1]), Path(sys.argv[2]))
