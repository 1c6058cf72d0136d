"""A bounded pool of warm render worker processes for the service.

Each worker is a separate process that imports WeasyPrint and loads every installed
template once, then renders reports one at a time. A render that runs past its
time limit is stopped for real: the worker process is killed and a fresh one
started in its place. The pool admits at most ``workers + queue`` requests at a
time; past that it refuses at once (the service answers 503 with Retry-After)
instead of letting work pile up.

Jobs in: report text (bytes), its display name, the formats wanted. Results out:
``("ok", {format: bytes})`` or ``("problems", [Problem.as_dict(), ...])``.

Longer than 400 lines on purpose: starting, dispatching, timing out, killing and
recycling workers are one state machine over shared private state.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import multiprocessing
import os
import threading
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

JobResult = tuple[str, Any]
JobFunction = Callable[[bytes, str, tuple[str, ...]], JobResult]

# How long a fresh worker may take to import WeasyPrint and load the templates.
START_TIMEOUT_SECONDS = 60.0

VALIDATE = "validate"
"""The job "format" that asks a worker to validate only."""


class Saturated(Exception):
    """Every worker is busy and the queue is full."""


class RenderTimeout(Exception):
    """A render ran past the time limit; its worker was killed and replaced."""


class WorkerFailed(Exception):
    """A worker died or could not start (not the content's fault)."""


class ShuttingDown(Exception):
    """The service is stopping: no new work is started."""


def render_job(text: bytes, display: str, formats: tuple[str, ...]) -> JobResult:
    """The work one request asks for: validate, then render with the CLI's pipeline.

    Runs inside a worker process. ``formats`` holds "pdf" and/or "docx", or "zip":
    both formats plus the build manifest (as ``boardpaper build`` writes it), zipped;
    or "validate": only validation (it costs as much CPU as a render can, so it runs
    under the same pool, time limit and queue). Returns ("ok", {format: bytes}) or
    ("problems", [problem dicts]) when the report has mistakes.
    """
    from boardpaper.build import build_upload, load_upload
    from boardpaper.errors import ContentError

    zipped = formats == ("zip",)
    try:
        if formats == (VALIDATE,):
            checked = load_upload(text, display, _worker_library)
            return ("ok", {"warnings": [warning.as_dict() for warning in checked.warnings]})
        # A template failing while rendering is a ContentError too: located, in the template.
        built = build_upload(text, display, formats, _worker_library, with_manifest=zipped)
    except ContentError as error:
        return ("problems", [problem.as_dict() for problem in error.problems])
    if not zipped:
        return ("ok", {path.name: data for path, data in built.files.items()})
    folder = Path("paper")
    named = {p.relative_to(folder).as_posix(): b for p, b in built.files.items()}
    named["manifest.json"] = public_manifest(named["manifest.json"])
    return ("ok", {"zip": zip_files(named)})


def public_manifest(data: bytes) -> bytes:
    """A build manifest fit to hand to anyone: no server paths, no package inventory.

    Template files are named by template and file (``council-standard/paper.html``),
    fonts by name and hash; the environment keeps only the boardpaper version. The
    hashes still let an author check what their paper was made from.
    """
    import json

    manifest = json.loads(data)

    def public_path(path: str) -> str:
        return "/".join(path.split("/")[-2:]) if path.startswith("/") else path

    for name, entry in manifest.get("templates", {}).items():
        if entry.get("folder", "").startswith("/"):
            entry["folder"] = name
    for entry in manifest.get("inputs", []):
        entry["path"] = public_path(entry["path"])
    environment = manifest.get("environment", {})
    manifest["environment"] = {
        "boardpaper": environment.get("python_packages", {}).get("boardpaper"),
        "fonts": [
            {key: font.get(key) for key in ("name", "family", "sha256")}
            for font in environment.get("fonts", [])
        ],
    }
    manifest["about"] = "What this paper was made from (as served: no server paths)."
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def zip_files(files: dict[str, bytes]) -> bytes:
    """A zip of name -> bytes, with fixed entry times and order so equal files zip equally."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


_worker_library: Any = None


def _warm_up(template_dirs: list[str]) -> None:
    """Import the renderers, load every template and lay out a scrap of HTML with each
    (its fonts), then render one template's starter report to both formats.

    A first render in a process pays for code paths and caches a scrap of HTML does not
    touch (bold and italic faces, tables, the tagging pass, the Word writer): about 0.15 s,
    paid here so the first request a worker takes is as quick as the rest. One starter is
    enough for that; every template's would make each recycled worker cost seconds more.
    """
    global _worker_library
    from boardpaper.pipeline import parse_report
    from boardpaper.render.parallel import render_paper
    from boardpaper.render.pdf import html_to_pdf
    from boardpaper.template.library import default_library
    from boardpaper.template.starter import starter_yaml

    _worker_library = default_library([Path(d) for d in template_dirs])
    names = _worker_library.names()
    for name in names:
        template = _worker_library.get(name)
        # Fonts and Pango loaded in the font configuration this template's papers will
        # reuse (render.reuse).
        html_to_pdf(
            f'<html lang="{template.language}"><title>warm</title><p>.</p>',
            template.folder,
            fallbacks=tuple(link.folder for link in template.chain[1:]),
        )
    if names:
        template = _worker_library.get(names[0])
        report = parse_report(starter_yaml(template), f"{names[0]}.yaml", _worker_library)
        render_paper(report.paper, report.template, ("docx", "pdf"))


RELEASE_ABOVE_BYTES = 32 << 20
"""Memory a worker may gain over its level after warm-up before it is handed back."""


def _release_memory() -> Callable[[], bool]:
    """A function that hands freed memory back to the system once a worker has grown.

    WeasyPrint's native libraries (Pango, HarfBuzz) leave the C heap fragmented;
    glibc's malloc_trim returns the free pages (elsewhere only garbage is collected).
    Doing it after every job cost about 0.07 s a job while a worker gains well under
    1 MiB a job, so it is done when the worker's resident memory is RELEASE_ABOVE_BYTES
    over its level after the last release. Returns whether it released.
    """
    import ctypes
    import ctypes.util
    import gc

    trim = None
    name = ctypes.util.find_library("c")
    if name:
        with contextlib.suppress(OSError, AttributeError):
            trim = ctypes.CDLL(name).malloc_trim
    mark = [-1]

    def release() -> bool:
        resident = _resident_bytes()
        if resident is not None and mark[0] >= 0 and resident < mark[0] + RELEASE_ABOVE_BYTES:
            return False
        gc.collect()
        if trim is not None:
            trim(0)
        mark[0] = _resident_bytes() or 0
        return True

    return release


def _resident_bytes() -> int | None:
    """This process's resident memory (Linux ``/proc``), or None where that cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as stream:
            return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _worker_main(conn: Connection, template_dirs: list[str], job: JobFunction) -> None:
    """Worker process body: warm up, say ready, then answer jobs until told to stop."""
    release = _release_memory()
    try:
        _warm_up(template_dirs)
    except Exception as error:  # reported to the parent, which logs it
        conn.send(("failed", f"{type(error).__name__}: {error}"))
        return
    release()
    # What warm-up made (modules, templates, fonts) lives as long as the worker: kept out
    # of the garbage collector's full passes, which otherwise walk it again and again
    # (about 5% of a render's CPU).
    gc.freeze()
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        text, display, formats = message
        try:
            result = job(text, display, formats)
        except Exception as error:
            # The kind of error only: its text can quote the report, which logs must not hold.
            result = ("error", type(error).__name__)
        conn.send(result)
        del result
        release()


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    ready: bool = False
    jobs_done: int = 0
    # Held while waiting for the "ready" message: by a watcher thread from the start,
    # and by the first job, whichever comes first.
    starting: threading.Lock = field(default_factory=threading.Lock)


class WorkerPool:
    """Warm worker processes plus a bounded queue, driven from an asyncio server.

    ``submit`` waits for a free worker (or raises Saturated at once when
    ``workers + queue`` requests are already admitted), then runs the job with a
    time limit; on timeout the worker is killed, replaced, and RenderTimeout raised.
    A worker is also replaced after ``max_jobs_per_worker`` jobs (0: never), so
    memory that native libraries keep cannot build up.
    """

    def __init__(
        self,
        workers: int,
        queue: int,
        timeout: float,
        template_dirs: list[Path] | None = None,
        job: JobFunction = render_job,
        max_jobs_per_worker: int = 50,
    ):
        self.size = max(1, workers)
        self.capacity = self.size + max(0, queue)
        self.timeout = timeout
        self.template_dirs = [str(d) for d in template_dirs or []]
        self.job = job
        self.max_jobs_per_worker = max_jobs_per_worker
        self.admitted = 0
        self.replaced = 0
        self.retired = 0
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._threads = ThreadPoolExecutor(self.size, thread_name_prefix="boardpaper-render")
        self._lock = threading.Lock()
        self._workers: list[_Worker] = []
        self.closing = False
        self.in_flight = 0

    async def start(self) -> None:
        """Start every worker; returns once all of them are warm."""
        self._idle = asyncio.Queue()
        workers = [self._spawn() for _ in range(self.size)]
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(self._threads, self._wait_ready, w) for w in workers)
        )
        for worker in workers:
            self._idle.put_nowait(worker)

    def _stopping(self) -> bool:
        return self.closing

    async def drain(self, timeout: float) -> None:
        """Admit nothing new and wait (up to ``timeout`` s) for the jobs running now to end."""
        self.closing = True
        deadline = time.monotonic() + timeout
        while self.in_flight and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        """Ask every worker to finish, then make sure each process is gone."""
        self.closing = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in workers:
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self._threads.shutdown(wait=False, cancel_futures=True)

    def pids(self) -> list[int]:
        """Process ids of the current workers (for memory figures)."""
        with self._lock:
            return [w.process.pid for w in self._workers if w.process.pid is not None]

    def status(self) -> dict[str, int]:
        """Counts for /healthz: workers alive and warm, requests admitted, workers replaced."""
        with self._lock:
            alive = sum(1 for w in self._workers if w.process.is_alive())
            ready = sum(1 for w in self._workers if w.ready and w.process.is_alive())
        return {
            "workers": self.size,
            "workers_alive": alive,
            "workers_ready": ready,
            "admitted": self.admitted,
            "capacity": self.capacity,
            "replaced": self.replaced,
            "retired": self.retired,
        }

    async def submit(self, text: bytes, display: str, formats: tuple[str, ...]) -> JobResult:
        """Run one job on a warm worker. Raises Saturated, RenderTimeout or WorkerFailed."""
        assert self._idle is not None, "start() the pool first"
        if self.closing:
            raise ShuttingDown()
        if self.admitted >= self.capacity:
            raise Saturated()
        self.admitted += 1
        try:
            worker = await self._idle.get()
        except BaseException:
            self.admitted -= 1
            raise
        if self._stopping():  # the pool began to close while this request waited
            self.admitted -= 1
            self._idle.put_nowait(worker)
            raise ShuttingDown()
        # The job runs to its end (answer, timeout or failure) even if the client goes
        # away, so a worker is never handed to two requests at once.
        task = asyncio.ensure_future(self._run_and_release(worker, (text, display, formats)))
        outcome = await asyncio.shield(task)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def _run_and_release(
        self, worker: _Worker, message: tuple[Any, ...]
    ) -> JobResult | Exception:
        assert self._idle is not None
        loop = asyncio.get_running_loop()
        outcome: JobResult | Exception
        self.in_flight += 1
        try:
            outcome, worker = await loop.run_in_executor(self._threads, self._run, worker, message)
        except Exception as error:
            worker = await loop.run_in_executor(self._threads, self._replace, worker)
            outcome = WorkerFailed(f"a render worker failed ({type(error).__name__}); replaced")
        finally:
            self.admitted -= 1
            self.in_flight -= 1
        self._idle.put_nowait(worker)
        return outcome

    # The methods below run in the pool's threads, never on the event loop.

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main,
            args=(child, self.template_dirs, self.job),
            name="boardpaper-worker",
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._workers.append(worker)
        threading.Thread(target=self._watch_start, args=(worker,), daemon=True).start()
        return worker

    def _watch_start(self, worker: _Worker) -> None:
        """Notice when a worker is warm, so /healthz can say how many are ready."""
        with contextlib.suppress(WorkerFailed, OSError):
            self._wait_ready(worker)

    def _wait_ready(self, worker: _Worker) -> None:
        with worker.starting:
            if worker.ready:
                return
            if not worker.conn.poll(START_TIMEOUT_SECONDS):
                raise WorkerFailed("a render worker did not start in time")
            try:
                message = worker.conn.recv()
            except EOFError:
                raise WorkerFailed("a render worker exited while starting") from None
            if message[0] != "ready":
                raise WorkerFailed(f"a render worker could not start: {message[1]}")
            worker.ready = True

    def _replace(self, worker: _Worker) -> _Worker:
        """Kill ``worker`` (whatever it is doing) and start a fresh one in its place."""
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
        self.replaced += 1
        return self._spawn()

    def _run(
        self, worker: _Worker, message: tuple[Any, ...]
    ) -> tuple[JobResult | Exception, _Worker]:
        """Send one job and wait for its answer: (result or exception, the worker to keep).

        A worker that died while idle (killed, out of memory) is noticed before the job
        is handed over, and replaced: the job goes to the fresh worker, not to a 500.
        """
        try:
            self._wait_ready(worker)
        except WorkerFailed as error:
            return error, self._replace(worker)
        if not worker.process.is_alive():
            worker = self._replace(worker)
            try:
                self._wait_ready(worker)
            except WorkerFailed as error:
                return error, self._replace(worker)
        started = time.monotonic()
        try:
            worker.conn.send(message)
            finished = worker.conn.poll(self.timeout)
            result = worker.conn.recv() if finished else None
        except (EOFError, OSError):
            return WorkerFailed("a render worker died; it was replaced"), self._replace(worker)
        if result is None:
            elapsed = time.monotonic() - started
            timeout = RenderTimeout(f"the render was stopped after {elapsed:.1f} s")
            return timeout, self._replace(worker)
        worker.jobs_done += 1
        if self.max_jobs_per_worker and worker.jobs_done >= self.max_jobs_per_worker:
            try:
                worker.conn.send(None)
                worker.process.join(timeout=5)
            except OSError:
                pass
            worker = self._replace(worker)
            self.replaced -= 1
            self.retired += 1
        return result, worker
