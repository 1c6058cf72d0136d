"""A head start for laying out one PDF: a worker process that imports WeasyPrint early.

``head_start_for`` guesses, before validation, whether a build will lay out exactly one
PDF; ``PdfHeadStart`` is the worker, which ``render.parallel`` hands that PDF's layout
(``render.pdf.PdfJob``) while the command's own process makes the HTML and the .docx.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING, Any

from boardpaper.render.cache import CachedPaper

if TYPE_CHECKING:
    from pathlib import Path

    from boardpaper.content.model import Paper
    from boardpaper.render.environment import FontUse
    from boardpaper.render.pdf import PdfJob
    from boardpaper.template.manifest import Template


class PdfHeadStart:
    """One worker process that imports WeasyPrint while this process is still validating.

    A one-paper render (an author built the report they saved) spends about a quarter of
    its time importing WeasyPrint and loading fonts. A build that will probably render
    one paper starts this first (``head_start_for``); ``render_papers`` then hands that
    paper's PDF layout to the already warm worker (``send``, then ``result``) and makes
    the HTML and the other formats here in the meantime. The bytes are those of a
    one-process render. Use it as a context manager: the worker is stopped on leaving,
    used or not.

    A forked ``multiprocessing`` process and a pipe, not a pebble pool: it does one job,
    and stopping a pebble pool waits up to 0.1 s for the pool's manager thread, which
    a rebuild that turns out to need no layout would pay for nothing.
    """

    def __init__(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")  # starts with this process's imports
        self._connection, child_end = context.Pipe()
        self._process = context.Process(target=_head_start_worker, args=(child_end,), daemon=True)
        self._process.start()
        child_end.close()
        self._sent: tuple[Paper, str, str] | None = None

    def send(self, job: PdfJob, paper: Paper, template: Template) -> None:
        """Start laying out ``job``, the PDF of ``paper`` with ``template``, in the worker (as
        soon as its imports are done). One job per worker."""
        self._connection.send(job)
        self._sent = (paper, template.name, template.files_hash)

    def sent(self, paper: Paper, template: Template) -> bool | None:
        """None if nothing was sent yet; else whether the job sent is ``paper``'s PDF with
        ``template`` (a paper sent early, before validation, is compared by value)."""
        if self._sent is None:
            return None
        return self._sent == (paper, template.name, template.files_hash)

    def result(self, timeout: float | None = None) -> CachedPaper:
        """The PDF (as ``"pdf"``) and its fonts; the worker's error is raised here.

        Raises TimeoutError when no result comes within ``timeout`` seconds.
        """
        try:
            if not self._connection.poll(timeout):
                raise TimeoutError(f"laying out the PDF took longer than {timeout:g} s")
            outcome, value = self._connection.recv()
        except (EOFError, OSError):
            raise RuntimeError("the PDF layout process ended without an answer") from None
        if outcome == "error":
            raise value
        assert isinstance(value, CachedPaper)
        return value

    def stop(self) -> None:
        """Stop the worker, whatever it is doing, and wait for it to end."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._connection.close()

    def __enter__(self) -> PdfHeadStart:
        return self

    def __exit__(self, *_exception: object) -> None:
        self.stop()


def _head_start_worker(connection: Any) -> None:
    """A ``PdfHeadStart``'s process: import and warm up, then lay out the one job sent."""
    from boardpaper.render.parallel import warm_pdf_worker

    with contextlib.suppress(Exception):  # the job below meets the same problem and reports it
        warm_pdf_worker()
    try:
        job = connection.recv()
    except EOFError:  # stopped before a job came
        return
    try:
        answer: tuple[str, Any] = ("done", _lay_out(job))
    except BaseException as error:
        answer = ("error", error)
    try:
        connection.send(answer)
    except Exception:  # an error that cannot be pickled: its words still reach the parent
        connection.send(("error", RuntimeError(f"{type(answer[1]).__name__}: {answer[1]}")))


def _lay_out(job: PdfJob) -> CachedPaper:
    fonts: list[FontUse] = []
    return CachedPaper({"pdf": job.lay_out(fonts)}, tuple(fonts))


def head_start_for(
    reports: list[Path],
    outdir: Path,
    formats: tuple[str, ...],
    jobs: int | None,
    cached: bool = True,
) -> PdfHeadStart | None:
    """A ``PdfHeadStart`` when this build will probably lay out exactly one PDF, else None.

    Guessed before validation: without the cache (``cached`` False) every report is
    laid out; with it, a report is likely to be when OUTDIR/manifest.json does not
    record an output of it made from the report's present text (a changed template or
    data file is not noticed: those papers are split without a head start). A wrong
    guess costs one stopped worker, never a different result. Needs ``jobs`` to allow a
    second process, and Linux (the worker is forked).
    """
    if "pdf" not in formats or not can_split(jobs):
        return None
    if not cached:
        return PdfHeadStart() if len(reports) == 1 else None
    import json

    from boardpaper.render.stamp import content_sha256

    try:
        manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
        made_from = {
            entry["path"]: entry["content_sha256"]
            for entry in manifest["outputs"]
            if entry.get("kind") == "report"
        }
    except (OSError, ValueError, KeyError, TypeError):
        made_from = {}
    stale = 0
    for report in reports:
        try:
            text = report.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # validation says what is wrong; nothing will be laid out
        now = content_sha256(text)
        names = [f"{report.stem}.{fmt}" for fmt in formats]
        stale += any(made_from.get(name) != now or not (outdir / name).exists() for name in names)
        if stale > 1:
            return None
    return PdfHeadStart() if stale == 1 else None


def can_split(jobs: int | None) -> bool:
    """Whether one paper's PDF may be laid out by a second process (``PdfHeadStart``): ``jobs``
    (None: one per core) allows two, and the system is Linux, where the worker is forked."""
    return (jobs or default_jobs()) > 1 and sys.platform.startswith("linux")


def default_jobs() -> int:
    """Worker processes when ``-j`` is not given: every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
