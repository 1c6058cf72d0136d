"""``boardpaper check``: content and templates in, every problem a CI run should fail on out.

``check_project`` validates every report, renders each in both formats in
memory, audits the outputs for accessibility, and lints every template
(manifest, Word file, HTML file). ``audit_built`` audits papers already built.
Each result is a ``Case`` (one report, template or file) holding its located
problems; ``junit_xml`` turns cases into a JUnit report that CI systems show.
Nothing here writes files or prints.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from boardpaper.audit.template_lint import lint_html_template, lint_template, lint_word_template
from boardpaper.content.placeholders import placeholder_problems, report_starter
from boardpaper.errors import ContentError, Problem, display_path
from boardpaper.meeting.starter import meeting_placeholders
from boardpaper.progress import Progress
from boardpaper.template.library import TemplateLibrary


@dataclass
class Case:
    """One thing checked (a report, a template, a built file) and the problems found in it."""

    kind: str
    name: str
    problems: list[Problem] = dataclasses.field(default_factory=list)


def check_project(
    paths: list[Path],
    library: TemplateLibrary,
    render: bool = True,
    jobs: int | None = 1,
    progress: Progress | None = None,
) -> list[Case]:
    """Lint every template the reports can use, validate, render and audit every report,
    then validate every meeting file (its items, reports and publication deadlines).

    ``progress`` hears of each report and meeting as it is checked."""
    from boardpaper.pipeline import find_meetings, find_reports

    cases = [
        Case("template", name, lint_template(folder, library))
        for name, folder in _template_folders(paths, library)
    ]
    refused: list[Problem] = []  # symlinks leading out of the content folder
    found = find_reports(paths, refused)
    cases.extend(Case("report", problem.path, [problem]) for problem in refused)
    reports = [p for p in found if not (p.parent / "template.yaml").is_file()]
    meetings = find_meetings(paths)
    progress = progress or Progress()
    progress.add(len(reports) + len(meetings), "checked")
    # Reports are rendered and audited by ``jobs`` worker processes (None: one per core).
    from boardpaper.render.parallel import map_in_workers

    arguments = [(path, library, render) for path in reports]
    cases.extend(
        map_in_workers(
            check_report,
            arguments,
            jobs if render else 1,
            on_result=lambda position: progress.done(display_path(reports[position])),
            on_wait=lambda position: progress.working(display_path(reports[position])),
        )
    )
    for path in meetings:
        progress.working(display_path(path))
        cases.append(check_meeting(path, library))
        progress.done(display_path(path))
    return cases


def check_meeting(path: Path, library: TemplateLibrary) -> Case:
    """Validate one meeting file, the reports it names and its deadlines (no pack is built)."""
    from boardpaper.meeting.load import load_meeting

    display = display_path(path)
    case = Case("meeting", display)
    try:
        meeting = load_meeting(path, library)
    except ContentError as error:
        case.problems.extend(error.problems)
        return case
    # Its reports' placeholders are their own cases' problems; only the meeting file's here.
    case.problems.extend(meeting_placeholders(meeting, with_reports=False))
    return case


def _template_folders(paths: list[Path], library: TemplateLibrary) -> list[tuple[str, Path]]:
    """The library's templates, and template folders found under ``paths``, each once."""
    found: dict[Path, str] = {}
    for name in library.names():
        folder = library.folder(name)
        if folder is not None:
            found.setdefault(folder.resolve(), name)
    for path in paths:
        manifests = [path] if path.name == "template.yaml" else []
        if path.is_dir():
            manifests = sorted(path.rglob("template.yaml"))
        for manifest in manifests:
            found.setdefault(manifest.parent.resolve(), manifest.parent.name)
    return sorted(((name, folder) for folder, name in found.items()), key=lambda x: str(x[1]))


def check_report(path: Path, library: TemplateLibrary, render: bool = True) -> Case:
    """Validate one report; render it to each format and audit what comes out."""
    from boardpaper.audit.docx import audit_docx
    from boardpaper.audit.pdf import audit_pdf
    from boardpaper.pipeline import FORMATS, load_report
    from boardpaper.pipeline import render as render_formats

    display = display_path(path)
    case = Case("report", display)
    try:
        report = load_report(path, library, display=display)
    except ContentError as error:
        case.problems.extend(error.problems)
        return case
    starter = report_starter(report.template)
    case.problems.extend(placeholder_problems(report.paper.source, starter, display))
    if not render:
        return case
    audits = {"pdf": audit_pdf, "docx": audit_docx}
    for fmt in FORMATS:
        try:
            data = render_formats(report, (fmt,))[fmt]
        except Exception as error:  # a broken template must be reported, not crash CI
            message = f"rendering with the {report.template.name!r} template failed: {error}"
            case.problems.append(Problem(display, None, None, fmt, message))
            continue
        case.problems.extend(audits[fmt](data, f"{display} ({fmt})"))
    return case


def audit_built(paths: list[Path]) -> list[Case]:
    """Audit .pdf and .docx files already built under ``paths`` for accessibility."""
    from boardpaper.audit.docx import audit_docx
    from boardpaper.audit.pdf import audit_pdf

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.suffix in (".pdf", ".docx") and p.is_file())
            )
        else:
            files.append(path)
    cases = []
    for file in files:
        display = display_path(file)
        audit = audit_pdf if file.suffix == ".pdf" else audit_docx
        try:
            problems = audit(file.read_bytes(), display)
        except Exception as error:  # an unreadable file is a finding, not a crash
            problems = [Problem(display, None, None, "file", f"cannot be read: {error}")]
        cases.append(Case("built paper", display, problems))
    return cases


# --- reporting ------------------------------------------------------------------------------


def junit_xml(cases: list[Case]) -> str:
    """A JUnit XML report: one test case per report, template or file, failing on problems."""
    failures = sum(1 for case in cases if case.problems)
    suites = ElementTree.Element("testsuites", tests=str(len(cases)), failures=str(failures))
    suite = ElementTree.SubElement(
        suites,
        "testsuite",
        name="boardpaper check",
        tests=str(len(cases)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for case in cases:
        element = ElementTree.SubElement(
            suite, "testcase", classname=f"boardpaper.{case.kind.replace(' ', '_')}", name=case.name
        )
        if case.problems:
            failure = ElementTree.SubElement(
                element,
                "failure",
                message=f"{len(case.problems)} problem(s)",
                type="boardpaper",
            )
            failure.text = "\n".join(str(problem) for problem in case.problems)
    ElementTree.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + ElementTree.tostring(suites, encoding="unicode")
        + "\n"
    )


__all__ = [
    "Case",
    "audit_built",
    "check_project",
    "check_report",
    "junit_xml",
    "lint_html_template",
    "lint_template",
    "lint_word_template",
]
