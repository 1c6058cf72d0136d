"""Rendering many papers at once: (paper, template) pairs in, each one's files and fonts out.

Papers found in the render cache (``render.cache``) are not rendered again. The
rest go to warm worker processes, reused across papers: a pebble ``ProcessPool``
(a maintained pool with per-task timeouts and worker recycling, so none of that is
hand-written here); each worker imports WeasyPrint and the Word renderer once, before
its first paper. The longest papers go first so no worker is left with a long one at
the end. With one job everything runs in this process. One paper to render (an author
saved one report) is split instead: its PDF is laid out by one worker process, started
before validation when a build can guess it will be needed (``PdfHeadStart``), while this
process makes its HTML and .docx.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from types import TracebackType
from typing import Any, TypeVar

from boardpaper.content.model import Paper
from boardpaper.progress import Progress
from boardpaper.render.cache import CachedPaper, RenderCache, paper_key
from boardpaper.render.environment import FontUse, native_libraries, python_packages
from boardpaper.render.head_start import PdfHeadStart, can_split, default_jobs
from boardpaper.template.manifest import Template

T = TypeVar("T")

RECYCLE_AFTER = 50
"""Papers one worker renders before a fresh process replaces it (native memory stays bounded)."""


def render_paper(paper: Paper, template: Template, formats: tuple[str, ...]) -> CachedPaper:
    """Render one paper to each format (in a worker, or here); returns its files and fonts."""
    files: dict[str, bytes] = {}
    fonts: list[FontUse] = []
    for fmt in formats:
        if fmt == "docx":
            from boardpaper.render.docx import render_docx

            files["docx"] = render_docx(paper, template)
        elif fmt == "pdf":
            from boardpaper.render.pdf import render_pdf

            files["pdf"] = render_pdf(paper, template, fonts=fonts)
        elif fmt == "html":  # the HTML the PDF is laid out from: boardpaper preview's page
            from boardpaper.render.html import render_html

            files["html"] = render_html(paper, template).encode("utf-8")
        else:
            raise ValueError(f"unknown format {fmt!r}")
    return CachedPaper(files, tuple(fonts))


def worker_signals() -> None:
    """Worker start-up for any pool: leave Ctrl-C to the parent, which stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the pool on Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # pebble stops workers with SIGTERM


def warm_pdf_worker() -> None:
    """Worker start-up for PDF layout: ``worker_signals``, import WeasyPrint, load fonts."""
    worker_signals()
    from boardpaper.render.pdf import _load_weasyprint

    weasyprint = _load_weasyprint()
    weasyprint.HTML(string='<p style="font-family: Arial, sans-serif"><b>Warm</b> up</p>').render()


def _warm_worker() -> None:
    """Worker start-up for papers: ``warm_pdf_worker`` and the Word renderer's imports."""
    warm_pdf_worker()
    from boardpaper.render.docx import render_docx  # noqa: F401  (import cost paid here)


def render_papers(
    papers: Sequence[tuple[Paper, Template]],
    formats: tuple[str, ...],
    jobs: int | None = None,
    cache: RenderCache | None = None,
    timeout: float | None = None,
    progress: Progress | None = None,
    names: Sequence[str] = (),
    head_start: PdfHeadStart | None = None,
) -> list[CachedPaper]:
    """Render every paper to ``formats``; returns their files and fonts in the same order.

    ``jobs`` worker processes (default: ``default_jobs()``); ``cache`` is consulted
    first and filled after; ``timeout`` (seconds per paper) stops a runaway render,
    raising ``TimeoutError``. Any error in a render is raised here. ``progress``
    hears of each paper as it is done, by its name in ``names``. ``head_start`` lays
    out the PDF when exactly one paper is to be rendered; it is stopped either way.
    """
    progress = progress or Progress()
    progress.add(len(papers), "rendered")

    def name(index: int) -> str:
        return names[index] if index < len(names) else f"paper {index + 1}"

    results: list[CachedPaper | None] = [None] * len(papers)
    keys: list[str] = []
    if cache is not None:
        for index, (paper, template) in enumerate(papers):
            key = paper_key(
                paper.source, template.name, template.files_hash, formats, paper.data_files
            )
            keys.append(key)
            results[index] = cache.get(key)
    todo = [index for index, result in enumerate(results) if result is None]
    for index, result in enumerate(results):
        if result is not None:
            progress.done(f"{name(index)} (unchanged, from the cache)")
    todo.sort(key=lambda index: -len(papers[index][0].source))
    workers = min(jobs or default_jobs(), len(todo))
    split = len(todo) == 1 and "pdf" in formats and can_split(jobs)
    if head_start is not None and not split:  # nothing to lay out, or several papers
        head_start.stop()
    if split:
        # One paper changed (an author saving a report): its PDF lays out in a worker
        # while this process writes the HTML and the other formats, not one after another.
        index = todo[0]
        progress.working(name(index))
        results[index] = _render_split(*papers[index], formats, timeout, head_start)
        progress.done(name(index))
    elif workers <= 1:
        for index in todo:
            progress.working(name(index))
            results[index] = render_paper(*papers[index], formats)
            progress.done(name(index))
    else:
        rendered = map_in_workers(
            render_paper,
            [(*papers[index], formats) for index in todo],
            workers,
            timeout,
            on_result=lambda position: progress.done(name(todo[position])),
            on_wait=lambda position: progress.working(name(todo[position])),
        )
        for index, result in zip(todo, rendered, strict=True):
            results[index] = result
    if cache is not None and todo:
        for index in todo:
            result = results[index]
            assert result is not None
            cache.put(keys[index], result)
        cache.prune()
    return [result for result in results if result is not None]


class WorkerPool:
    """Worker processes kept warm for several rounds of work (a pebble ``ProcessPool``).

    ``initializer`` runs once in each worker (``_warm_worker`` imports the renderers);
    a worker is replaced by a fresh one after ``recycle_after`` tasks. Use it as a
    context manager: leaving it normally waits for the workers to finish; leaving it
    on an error (or Ctrl-C) stops every worker, so none outlives the command.
    """

    def __init__(
        self,
        jobs: int,
        initializer: Callable[[], None] = _warm_worker,
        recycle_after: int = RECYCLE_AFTER,
    ) -> None:
        from pebble import ProcessPool

        self._pool = ProcessPool(max_workers=jobs, max_tasks=recycle_after, initializer=initializer)

    def submit(
        self, function: Callable[..., T], args: tuple[Any, ...], timeout: float | None = None
    ) -> Future[T]:
        """Start ``function(*args)`` in a worker; its future result (errors raised there)."""
        future: Future[T] = self._pool.schedule(function, args, timeout=timeout)
        return future

    def map(
        self,
        function: Callable[..., T],
        arguments: Sequence[tuple[Any, ...]],
        timeout: float | None = None,
        on_result: Callable[[int], None] | None = None,
        on_wait: Callable[[int], None] | None = None,
    ) -> list[T]:
        """``[function(*args) for args in arguments]`` in the workers, as ``map_in_workers``."""
        futures = [self.submit(function, args, timeout) for args in arguments]
        results = []
        for position, future in enumerate(futures):
            if on_wait is not None:
                on_wait(position)
            results.append(future.result())
            if on_result is not None:
                on_result(position)
        return results

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self._pool.close()  # type: ignore[no-untyped-call]
        else:
            # Ctrl-C, a timeout or a failed render: no worker outlives the command.
            self._pool.stop()  # type: ignore[no-untyped-call]
        self._pool.join()


def _render_split(
    paper: Paper,
    template: Template,
    formats: tuple[str, ...],
    timeout: float | None,
    head_start: PdfHeadStart | None,
) -> CachedPaper:
    """``render_paper``, its PDF laid out by a worker process (``head_start``'s, or one
    started now) while this process makes the HTML and the other formats. A head start
    that was already sent another paper's PDF is left alone (its caller stops it)."""
    from boardpaper.render.pdf import prepare_pdf

    sent = head_start.sent(paper, template) if head_start is not None else None
    worker = head_start if head_start is not None and sent is not False else PdfHeadStart()
    with worker:
        if not sent:
            worker.send(prepare_pdf(paper, template), paper, template)
        rest = render_paper(paper, template, tuple(fmt for fmt in formats if fmt != "pdf"))
        # While the worker lays out: what the build manifest will ask of this machine.
        native_libraries()
        python_packages()
        laid_out = worker.result(timeout)
    files = {fmt: (laid_out if fmt == "pdf" else rest).files[fmt] for fmt in formats}
    return CachedPaper(files, laid_out.fonts)


def map_in_workers(
    function: Callable[..., T],
    arguments: Sequence[tuple[Any, ...]],
    jobs: int | None = None,
    timeout: float | None = None,
    on_result: Callable[[int], None] | None = None,
    on_wait: Callable[[int], None] | None = None,
) -> list[T]:
    """``[function(*args) for args in arguments]``, run by ``jobs`` warm worker processes.

    ``function`` must be importable (a module-level function) and its arguments and
    result picklable. Results come back in order; the first error is raised here, and
    on any error (or Ctrl-C) every worker is stopped. ``on_result(i)`` is called as
    the i-th result is taken, ``on_wait(i)`` as the wait for it begins (for progress).
    """
    workers = min(jobs or default_jobs(), len(arguments))
    if workers <= 1:
        results = []
        for position, args in enumerate(arguments):
            if on_wait is not None:
                on_wait(position)
            results.append(function(*args))
            if on_result is not None:
                on_result(position)
        return results
    with WorkerPool(workers) as pool:
        return pool.map(function, arguments, timeout, on_result, on_wait)
