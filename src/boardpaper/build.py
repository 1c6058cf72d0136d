"""Building papers: report files (or an uploaded report) in, every output's bytes out.

The one orchestration behind ``boardpaper build``, ``boardpaper validate``, the
service's papers and ``verify``: every report is loaded and validated first (all
problems at once, including two reports that would write the same file), the
characters no font can draw and the starter placeholders left in are collected
as warnings, and only then is anything rendered. Nothing here writes a file or
prints; the caller writes the returned bytes atomically
(``output.write_atomically``) or sends them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from boardpaper.content.placeholders import placeholder_problems, report_starter
from boardpaper.errors import ContentError, Problem
from boardpaper.load.yaml_nodes import Limits, Node
from boardpaper.pipeline import (
    FORMATS,
    LoadedReport,
    find_reports,
    load_report_tree,
    parse_report,
    parse_report_tree,
)
from boardpaper.progress import Progress
from boardpaper.rebuild_record import Inputs, file_sha256
from boardpaper.render.cache import RenderCache
from boardpaper.render.glyphs import glyph_warnings
from boardpaper.template.library import TemplateLibrary, default_library

if TYPE_CHECKING:
    from boardpaper.render.head_start import PdfHeadStart


@dataclass
class Build:
    """What a build made: the validated reports, warnings, and path -> bytes to write."""

    reports: list[LoadedReport]
    warnings: list[Problem] = field(default_factory=list)
    files: dict[Path, bytes] = field(default_factory=dict)


def load_reports(
    paths: list[Path],
    library: TemplateLibrary | None = None,
    limits: Limits = Limits(),
    loaded: dict[Path, tuple[LoadedReport, Node]] | None = None,
) -> Build:
    """Find, load and validate every report under ``paths``; nothing is rendered.

    Raises ContentError with every problem of every report (and each pair of
    reports that would write the same output name). Returns the reports and
    their warnings. ``loaded``: reports this build already loaded (with their parsed
    YAML), by the path ``find_reports`` gives, taken as they are.
    """
    library = library or default_library()
    problems: list[Problem] = []
    reports: list[LoadedReport] = []
    trees: list[Node] = []
    for path in find_reports(paths, problems):
        try:
            report, tree = (loaded or {}).get(path) or load_report_tree(path, library, limits)
        except ContentError as error:
            problems.extend(error.problems)
        else:
            reports.append(report)
            trees.append(tree)
    problems.extend(_clashing_output_names(reports))
    if problems:
        raise ContentError(problems)
    warnings = [
        warning
        for report, tree in zip(reports, trees, strict=True)
        for warning in report_warnings(report, limits, tree)
    ]
    return Build(reports, warnings)


def report_warnings(
    report: LoadedReport, limits: Limits = Limits(), tree: Node | None = None
) -> list[Problem]:
    """What a valid report should still fix: starter placeholders left in (``check`` and
    ``pack`` refuse them), then characters no installed font can draw.

    ``tree`` is the report's parsed YAML when the caller has it (it is not parsed again).
    """
    starter = report_starter(report.template)
    display = report.source_path
    return [
        *placeholder_problems(
            report.paper.source, starter, display, warning=True, limits=limits, tree=tree
        ),
        *glyph_warnings(report.paper.source, display),
    ]


def build(
    paths: list[Path],
    outdir: Path,
    formats: tuple[str, ...] = FORMATS,
    library: TemplateLibrary | None = None,
    limits: Limits = Limits(),
    jobs: int | None = 1,
    cache: RenderCache | None = None,
    progress: Progress | None = None,
    head_start: PdfHeadStart | None = None,
    changed_report: Path | None = None,
) -> Build:
    """Validate every report under ``paths``, then render each to OUTDIR/<name>.<format>.

    ``files`` also holds OUTDIR/manifest.json. Raises ContentError (every
    problem) before anything is rendered when any report has a mistake.
    ``jobs`` worker processes render (None: one per core; 1: this process);
    papers already in ``cache`` (``render.cache``) are taken from it.
    ``progress`` hears of each paper as it is rendered. When one paper will probably
    be rendered, a worker starts importing the PDF renderer before validation begins
    (``render.head_start.head_start_for``) unless the caller started one (``head_start``:
    ``build`` stops it). ``changed_report``: the one report the caller knows changed since
    the last build (``rebuild_record.check``); its PDF job goes to the head start before
    the other reports are validated. With ``cache``, workbooks' cells are kept in its
    folder between builds (``load.workbook_memo``).
    """
    from boardpaper.load import workbook_memo
    from boardpaper.provenance.manifest import render_with_manifest
    from boardpaper.render.head_start import head_start_for

    if head_start is None:
        head_start = head_start_for(
            find_reports(paths, []), outdir, formats, jobs, cache is not None
        )
    library = library or default_library()
    kept_before = workbook_memo.keep_in(cache.folder / "workbooks" if cache else None)
    try:
        loaded: dict[Path, tuple[LoadedReport, Node]] = {}
        if head_start is not None and changed_report is not None:
            loaded = _send_early(head_start, changed_report, library, limits)
        result = load_reports(paths, library, limits, loaded)
        result.files = render_with_manifest(
            result.reports,
            formats,
            outdir,
            jobs=jobs,
            cache=cache,
            progress=progress,
            head_start=head_start,
        )
    finally:
        workbook_memo.keep_in(kept_before)
        if head_start is not None:
            head_start.stop()
    return result


def _send_early(
    head_start: PdfHeadStart, path: Path, library: TemplateLibrary, limits: Limits
) -> dict[Path, tuple[LoadedReport, Node]]:
    """Load ``path`` and hand its PDF to ``head_start`` before the other reports are
    validated, so the layout overlaps their validation. Returns the loaded report for
    ``load_reports`` (not loaded twice); nothing is sent if it has a problem
    (``load_reports`` reports it with every other). If the paper is not the one that
    needs laying out after all, ``render_papers`` uses another worker."""
    from boardpaper.render.pdf import prepare_pdf

    try:
        report, tree = load_report_tree(path, library, limits)
    except ContentError:
        return {}
    head_start.send(prepare_pdf(report.paper, report.template), report.paper, report.template)
    return {path: (report, tree)}


def files_read(reports: list[LoadedReport]) -> Inputs | None:
    """What a build of ``reports`` read besides the report files, for ``rebuild_record``:
    the sha256 of the data files and appendices each report read and of every file of every
    template (and the templates it extends), and those templates' folders.

    Each file is hashed now and must match what the build read (a data file's recorded
    digest; a template's ``files_hash``); None when one changed while the build ran, or
    when a report has a Word appendix converted by LibreOffice (a program outside what the
    record watches).
    """
    from boardpaper.template.inherit import ChainLink, chain_files, chain_hash

    read: dict[str, str] = {}
    folders: set[str] = set()
    chain_hashes: dict[tuple[ChainLink, ...], str] = {}
    for report in reports:
        if any(attachment.pdf.converted_by for attachment in report.attachments):
            return None
        folder = Path(report.source_path).parent
        for name, digest in report.paper.data_files:
            path = os.path.abspath(folder / name)
            if read.setdefault(path, file_sha256(path) or "") != digest:
                return None
        chain = report.template.chain
        if chain not in chain_hashes:  # reports sharing a template hash its files once
            folders.update(os.path.abspath(link.folder) for link in chain)
            for _, template_file in chain_files(chain):
                template_digest = file_sha256(os.path.abspath(template_file))
                if template_digest is None:
                    return None
                read[os.path.abspath(template_file)] = template_digest
            chain_hashes[chain] = chain_hash(chain)
        if chain_hashes[chain] != report.template.files_hash:
            return None
    return Inputs(read, sorted(folders), [os.path.abspath(r.source_path) for r in reports])


def build_upload(
    text: bytes,
    display: str,
    formats: tuple[str, ...] = FORMATS,
    library: TemplateLibrary | None = None,
    with_manifest: bool = False,
) -> Build:
    """Validate and render one uploaded report (the service's request body).

    Returns files named ``<format>`` (no folder); with ``with_manifest`` the
    files are ``paper/<stem>.<format>`` plus ``paper/manifest.json``, as
    ``boardpaper build`` would write them. Raises ContentError. No warnings are
    collected (``load_upload`` gives them): the service does not send them with a paper.
    """
    report = parse_report(text, display, library)
    result = Build([report])
    if with_manifest:
        from boardpaper.provenance.manifest import render_with_manifest

        result.files = render_with_manifest(
            [report], FORMATS, Path("paper"), sources={display: text}
        )
    else:
        from boardpaper.pipeline import render

        result.files = {Path(fmt): data for fmt, data in render(report, formats).items()}
    return result


def load_upload(text: bytes, display: str, library: TemplateLibrary | None = None) -> Build:
    """Validate one uploaded report; returns it with its warnings. Raises ContentError."""
    report, tree = parse_report_tree(text, display, library)
    return Build([report], report_warnings(report, tree=tree))


def _clashing_output_names(reports: list[LoadedReport]) -> list[Problem]:
    """A problem for each report whose output name another report already writes."""
    problems: list[Problem] = []
    targets: dict[str, str] = {}
    for report in reports:
        # casefold: on Windows and macOS disks, Report.yaml and report.yaml write one file.
        stem = Path(report.source_path).stem.casefold()
        if stem in targets:
            message = f"writes the same output name {stem!r} as {targets[stem]}; rename one file"
            problems.append(Problem(report.source_path, None, None, "", message))
        targets[stem] = report.source_path
    return problems
