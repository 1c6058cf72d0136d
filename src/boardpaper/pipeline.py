"""The pipeline every entry point shares: files in, validated papers and rendered bytes out.

load -> validate -> model -> render (docx, pdf) -> write. The CLI and the
service call these functions; nothing here prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from boardpaper.content.assemble import assemble
from boardpaper.content.attachments import Attachment
from boardpaper.content.model import Paper
from boardpaper.content.size import size_problems
from boardpaper.content.validate import validate_report
from boardpaper.errors import ContentError, Problem, display_path
from boardpaper.load.validators import Context, did_you_mean
from boardpaper.load.yaml_nodes import Limits, Node, decode_text, parse_yaml, read_text
from boardpaper.output import FORMATS as FORMATS  # re-exported: the pipeline's formats
from boardpaper.sources import yaml_files
from boardpaper.template.library import TemplateLibrary, default_library
from boardpaper.template.manifest import Template

if TYPE_CHECKING:
    from boardpaper.render.environment import FontUse


@dataclass(frozen=True)
class LoadedReport:
    """A validated report: its model and the template it uses."""

    paper: Paper
    template: Template
    source_path: str
    attachments: tuple[Attachment, ...] = ()
    """Its appendices as PDF files (``attachments:``), which follow it in a pack."""


def load_report(
    path: Path,
    library: TemplateLibrary | None = None,
    limits: Limits = Limits(),
    display: str | None = None,
) -> LoadedReport:
    """Read, validate and assemble one report file. Raises ContentError with every problem."""
    return load_report_tree(path, library, limits, display)[0]


def load_report_tree(
    path: Path,
    library: TemplateLibrary | None = None,
    limits: Limits = Limits(),
    display: str | None = None,
) -> tuple[LoadedReport, Node]:
    """``load_report``, and the parsed YAML tree of the file (for checks that read it again)."""
    display = display or display_path(path)
    text = read_text(path, display, limits)
    return parse_report_tree(text, display, library, limits, folder=path.parent)


def parse_report(
    text: str | bytes,
    display: str,
    library: TemplateLibrary | None = None,
    limits: Limits = Limits(),
    folder: Path | None = None,
) -> LoadedReport:
    """Validate report text (as from a file or an HTTP body). Raises ContentError.

    ``folder`` is where the report's data files (CSV, XLSX) are read from; without
    it (an HTTP body) a report must give its indicators inline.
    """
    return parse_report_tree(text, display, library, limits, folder)[0]


def parse_report_tree(
    text: str | bytes,
    display: str,
    library: TemplateLibrary | None = None,
    limits: Limits = Limits(),
    folder: Path | None = None,
) -> tuple[LoadedReport, Node]:
    """``parse_report``, and the parsed YAML tree (for checks that would read it again)."""
    if isinstance(text, bytes):
        text = decode_text(text, display, limits)
    library = library or default_library()
    # Problems found while reading (duplicate keys, tags) are reported with the schema's.
    read_problems: list[Problem] = []
    node = parse_yaml(text, display, limits, read_problems)
    try:
        template = _template_for(node, display, library)
    except ContentError as error:
        # A broken template stays a TemplateError (the CLI and service tell them apart).
        raise type(error)([*read_problems, *error.problems]) from None
    ctx = Context(display, limits, problems=read_problems, folder=folder)
    data = validate_report(node, template, ctx)
    # Attached files go to the pack, not into the paper's own fields (templates see those).
    attachments = tuple(data.pop("attachments", None) or ())
    paper = assemble(data, template, source=text)
    # Attached appendices are inputs of the paper like data files: in its provenance,
    # the build manifest (verify names a changed one) and the render cache's key.
    read = [(table.name, table.sha256) for table in ctx.data_files.values()]
    read += [(attachment.pdf.name, attachment.pdf.sha256) for attachment in attachments]
    if read:
        paper = replace(paper, data_files=tuple(sorted(set(read))))
    # Rendering time grows with what the paper holds: refuse what would not finish in time.
    problems = size_problems(paper, limits, display)
    if problems:
        raise ContentError(problems)
    return LoadedReport(paper, template, display, attachments), node


def _template_for(node: Node, display: str, library: TemplateLibrary) -> Template:
    if node.kind != "map":
        raise ContentError(
            [
                Problem(
                    display,
                    node.line,
                    node.column,
                    "",
                    "expected a mapping of report fields (key: value lines)",
                )
            ]
        )
    assert isinstance(node.value, dict)
    template_node = node.value.get("template")
    if template_node is None:
        names = ", ".join(library.names())
        raise ContentError(
            [
                Problem(
                    display,
                    node.line,
                    node.column,
                    "template",
                    f"required but missing: say which template the report uses ({names})",
                )
            ]
        )
    name = str(template_node.value).strip() if template_node.kind == "scalar" else ""
    try:
        return library.get(name)
    except KeyError:
        known = library.names()
        hint = did_you_mean(name, known) or f"; available: {', '.join(known)}"
        raise ContentError(
            [
                Problem(
                    display,
                    template_node.line,
                    template_node.column,
                    "template",
                    f"no template called {name!r}{hint}",
                )
            ]
        ) from None


def render(
    report: LoadedReport,
    formats: tuple[str, ...] = FORMATS,
    fonts: list[FontUse] | None = None,
) -> dict[str, bytes]:
    """Render a validated report to each format; returns format -> file bytes.

    Both formats carry the report's provenance. Fonts the PDF embeds are
    appended to ``fonts`` when a list is given (for the build manifest).
    ``html`` (not one of ``FORMATS``: no file is built from it) is the HTML the
    PDF is laid out from, as UTF-8, for ``boardpaper preview``.
    """
    from boardpaper.render.parallel import render_paper

    rendered = render_paper(report.paper, report.template, formats)
    if fonts is not None:
        fonts.extend(rendered.fonts)
    return with_attachments(report, rendered.files)


def with_attachments(report: LoadedReport, files: dict[str, bytes]) -> dict[str, bytes]:
    """``files`` with the paper's PDF followed by its attached appendices, each bookmarked.

    An exempt appendix is never put into the paper, which is published: it goes to
    the members' pack only (``meeting.pack``). The Word paper is the report alone.
    """
    public = [attachment for attachment in report.attachments if not attachment.exempt]
    if "pdf" not in files or not public:
        return files
    from boardpaper.render.merge import OutlineEntry, PartPdf, merge_parts
    from boardpaper.render.stamp import provenance_of

    paper = report.paper
    pdfs = [files["pdf"]] + [attachment.pdf.read() for attachment in public]
    parts = [PartPdf(pdf) for pdf in pdfs]
    # An appendix's own bookmarks (a Word file's headings) sit beneath its title; one whose
    # only top bookmark is that title already gives its children, not a second entry.
    outline = [OutlineEntry(paper.title, 0, flatten=True)] + [
        OutlineEntry(attachment.title, index, flatten=_only_bookmark(pdfs[index], attachment.title))
        for index, attachment in enumerate(public, start=1)
    ]
    properties = provenance_of(paper, report.template).properties()
    pdf = merge_parts(parts, None, paper.title, paper.language, outline, properties)
    return {**files, "pdf": pdf}


def _only_bookmark(pdf: bytes, title: str) -> bool:
    """Whether the PDF's outline is one top-level bookmark titled ``title`` (its children aside)."""
    import io

    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(pdf)) as document, document.open_outline() as outline:
            tops = list(outline.root)
    except (pikepdf.PdfError, pikepdf.OutlineStructureError, ValueError):
        return False  # a damaged outline: keep it beneath the title as it is
    return len(tops) == 1 and " ".join(str(tops[0].title).split()) == " ".join(title.split())


def find_reports(paths: list[Path], problems: list[Problem] | None = None) -> list[Path]:
    """Expand folders into the report YAML files they hold (sorted); files pass through.

    A symlink may not lead out of the folder it was found in (for a file named
    directly: out of the folder holding it), so content cannot pull in files
    from elsewhere on the machine. Each such link is a problem: appended to
    ``problems`` when a list is given (the other reports are still returned),
    else raised as a ContentError.
    """
    found: list[Path] = []
    collect = problems is not None
    problems = problems if problems is not None else []
    for path in paths:
        named = not path.is_dir()
        root = path.parent.resolve() if named else path.resolve()
        for candidate in yaml_files([path]):
            if not _stays_inside(candidate, root):
                problems.append(_escaping_link(candidate, root))
            elif named or (candidate.is_file() and _is_report(candidate)):
                found.append(candidate)
    if problems and not collect:
        raise ContentError(problems)
    return found


def find_meetings(paths: list[Path]) -> list[Path]:
    """The meeting files among ``paths`` (folders searched), sorted; symlinks leaving are skipped.

    A meeting file names a ``committee:`` and no ``template:`` (see ``_is_report``);
    ``find_reports`` reports escaping symlinks, so they are only left out here.
    """
    found: list[Path] = []
    for path in paths:
        root = path.resolve() if path.is_dir() else path.parent.resolve()
        found.extend(
            candidate
            for candidate in yaml_files([path])
            if candidate.is_file()
            and candidate.name != "template.yaml"
            and _stays_inside(candidate, root)
            and not _is_report(candidate)
        )
    return found


def _stays_inside(path: Path, root: Path) -> bool:
    """Whether ``path``, with every symlink followed, is still inside ``root``."""
    resolved = path.resolve()
    return resolved == root or root in resolved.parents


def _escaping_link(path: Path, root: Path) -> Problem:
    return Problem(
        display_path(path),
        None,
        None,
        "",
        f"is a symlink leading out of {display_path(root)}; "
        "boardpaper only reads files inside the content folder",
    )


def _is_report(path: Path) -> bool:
    """Whether a YAML file is a report rather than a meeting file.

    A meeting file has a top-level ``committee:`` key and no ``template:`` key;
    anything else is a report (and, lacking ``template:``, gets a located error
    rather than being skipped). Only top-level keys count: text that mentions
    "committee:" inside a paragraph does not make a report a meeting.
    """
    try:
        with path.open("rb") as stream:
            head = stream.read(65536).decode("utf-8", errors="replace")
    except OSError:
        return True
    keys = {match.group(2) for match in _TOP_LEVEL_KEY.finditer(head)}
    return "template" in keys or "committee" not in keys


_TOP_LEVEL_KEY = re.compile(r"""^(['"]?)([A-Za-z_][\w-]*)\1[ \t]*:""", re.MULTILINE)
"""A key at the start of a line, plain or quoted (``'template':`` is the key template)."""
