"""Agenda and document packs: a validated ``Meeting`` in, the files of its pack out (as bytes).

How the pack is made, and why:

1. Every report is rendered once, to its own tagged PDF, by its own template, in
   warm worker processes reused across reports (``render.parallel.WorkerPool``;
   each imports WeasyPrint once), with any ``-j``, so this process never holds
   WeasyPrint. Exempt reports are rendered with their "NOT FOR PUBLICATION"
   marking; the public pack gets a notice page in their place. The same report
   PDFs serve the public pack, the members' pack and the supplement, so nothing
   is laid out twice.
2. Page counts are now known, so the agenda is rendered with true
   "(Pages N - M)" ranges (re-rendered if the ranges change its own length).
3. Each pack is joined with pikepdf (``render.merge``): one structure tree, one
   outline (one bookmark per agenda item, the report's headings beneath),
   agenda entries linked to their pages, and a page-number layer printing the
   pack's continuous numbers, so the number printed on a page is its page in the
   pack and matches the agenda. The packs are joined in new interpreters
   (``render.fresh``; side by side with more than one job).

Memory: workers write each PDF they make to a private temporary folder and send
back only its page count; joining opens the parts one at a time from there. No
process holds every report's PDF, only the pack being joined.

Nothing is written to the output folder here: ``build_pack`` returns ``{file name:
bytes}`` and the caller writes them all at once (``output.write_atomically``).

Longer than 400 lines on purpose: the three steps above share the rendered parts,
their page counts and the agenda's ranges; split, each step would pass them all
back and forth.
"""

from __future__ import annotations

import hashlib
import html
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from boardpaper import __version__
from boardpaper.meeting.agenda import (
    PackPlan,
    agenda_entries,
    agenda_html,
    agenda_title,
    exempt_statement,
    front_matter_roman,
    notice_html,
    pack_plans,
    render_agenda_docx,
    stamp_html,
)
from boardpaper.meeting.schema import AgendaItem, Meeting
from boardpaper.pipeline import LoadedReport
from boardpaper.progress import Progress
from boardpaper.render.fresh import FreshProcesses
from boardpaper.render.head_start import default_jobs
from boardpaper.render.merge import OutlineEntry, PartPdf, merge_parts_to_file, page_count
from boardpaper.render.parallel import WorkerPool, warm_pdf_worker
from boardpaper.template.manifest import Template


@dataclass(frozen=True)
class Segment:
    """Pages that follow an agenda item in a pack: a report, a notice or an attached PDF."""

    pdf: Path
    pages: int
    marked: bool
    """Printed "NOT FOR PUBLICATION" (exempt information in the members' pack)."""
    title: str
    """The attached document's title (its bookmark); empty for the report or its notice."""


@dataclass(frozen=True)
class RenderJob:
    """Work for a worker process: a report to render, or ready HTML to lay out.

    ``folders`` are the template's chain (its own folder first): relative URLs in the
    HTML are looked up there in that order."""

    folders: tuple[Path, ...]
    stylesheets: tuple[Path, ...]
    report: LoadedReport | None = None
    html: str | None = None
    marking: str | None = None
    properties: dict[str, str] | None = None


def render_pack_part(job: RenderJob, target: Path) -> int:
    """Render one job to the PDF file ``target`` (runs in a worker process); returns its
    page count."""
    from boardpaper.render.html import render_html
    from boardpaper.render.pdf import html_to_pdf

    if job.report is not None:
        # Inside a pack the pack numbers the pages: the paper's own numbers are left out.
        text = render_html(job.report.paper, job.report.template, page_numbers=False)
    else:
        assert job.html is not None
        text = job.html
    if job.marking:
        marking = f'<p class="not-for-publication">{html.escape(job.marking)}</p>'
        text = re.sub(r"(<body\b[^>]*>)", lambda match: match.group(1) + marking, text, count=1)
    pdf = html_to_pdf(
        text,
        job.folders[0],
        properties=job.properties,
        stylesheets=job.stylesheets,
        fallbacks=job.folders[1:],
    )
    target.write_bytes(pdf)
    return page_count(pdf)


def build_pack(
    meeting: Meeting, jobs: int | None = None, progress: Progress | None = None
) -> dict[str, bytes]:
    """Render the meeting's agenda and packs; returns {file name: bytes}.

    ``progress`` hears of each paper and pack part as it is finished.

    Files: agenda.docx, agenda.pdf, public-pack.pdf, members-pack.pdf and, when
    items are late, supplementary-agenda.docx/.pdf, supplement-pack.pdf and
    (if a late item is exempt) members-supplement-pack.pdf.
    """
    reports = [item for item in meeting.items if item.kind == "report"]
    # No more workers than the first batch has jobs: each worker costs a WeasyPrint start-up.
    most = len(reports) + sum(item.exempt for item in reports) + 2
    workers = max(1, min(jobs or default_jobs(), most))
    with tempfile.TemporaryDirectory(prefix="boardpaper-pack-") as temp:
        return _build(meeting, workers, Path(temp), progress or Progress())


class _Renderer:
    """Lays out ``RenderJob``s in the worker pool, each to a new file in ``folder``."""

    def __init__(self, pool: WorkerPool, folder: Path, progress: Progress) -> None:
        self.pool = pool
        self.folder = folder
        self.progress = progress
        self.made = 0

    def render(
        self, jobs: list[RenderJob], names: list[str], stage: str, order: list[int] | None = None
    ) -> list[tuple[Path, int]]:
        """Render ``jobs`` (``names`` say what each makes, for progress; ``stage`` what they
        are), started and waited for in ``order`` (default: as given); returns each one's
        file and page count, in the order of ``jobs``."""
        assert len(names) == len(jobs)
        order = list(range(len(jobs))) if order is None else order
        targets = [self.folder / f"part-{self.made + index}.pdf" for index in range(len(jobs))]
        self.made += len(jobs)
        self.progress.add(len(jobs), stage)
        futures = {
            index: self.pool.submit(render_pack_part, (jobs[index], targets[index]))
            for index in order
        }
        pages = [0] * len(jobs)
        for index in order:
            self.progress.working(names[index])
            pages[index] = futures[index].result()
            self.progress.done(names[index])
        return list(zip(targets, pages, strict=True))


Merge = tuple[
    Path,
    list[PartPdf],
    Path,
    str,
    str,
    list[OutlineEntry],
    dict[str, str],
    tuple[tuple[int, str], ...],
]
"""The arguments of ``merge_parts_to_file`` for one pack (its file first)."""


def _build(meeting: Meeting, workers: int, temp: Path, progress: Progress) -> dict[str, bytes]:
    """``build_pack`` with ``workers`` processes and the temporary folder ``temp``."""
    with WorkerPool(workers, initializer=warm_pdf_worker) as pool:
        agendas, merges = _lay_out(meeting, _Renderer(pool, temp, progress), temp)
    # 3. Join each pack, side by side with more than one job, in new interpreters: they
    # hold neither what this process holds nor WeasyPrint (the layout workers are gone).
    # The Word agendas meanwhile, here.
    provenance = pack_provenance(meeting)
    names = [merge[0].name for merge in merges]
    progress.add(len(merges), "joined")
    with FreshProcesses(workers, temp) as joiner:
        calls = [joiner.submit(merge_parts_to_file, merge) for merge in merges]
        words = {name: render_agenda_docx(meeting, plan, provenance) for name, plan, _ in agendas}
        for name, call in zip(names, calls, strict=True):
            progress.working(name)
            joiner.result(call)
            progress.done(name)
    files: dict[str, bytes] = {}
    for name, _, pdf in agendas:
        files[f"{name}.pdf"] = pdf.read_bytes()
        files[f"{name}.docx"] = words[name]
    for merge in merges:
        files[merge[0].name] = merge[0].read_bytes()
    return files


def _lay_out(
    meeting: Meeting, renderer: _Renderer, temp: Path
) -> tuple[list[tuple[str, PackPlan, Path]], list[Merge]]:
    """Steps 1 and 2 of ``build_pack``: every PDF the packs are made of, as files in
    ``temp``. Returns the agendas on their own (file name without suffix, the plan it
    is made from, its PDF) and what to join for each pack."""
    template = meeting.template
    spec = template.raw["agenda"]
    folder = _folders(template)
    pack_css = (_found(template, spec["stylesheet"]),)
    reports = [item for item in meeting.items if item.kind == "report"]
    # 1. Every report once (exempt ones marked), and a notice page for each exempt one.
    report_jobs = [
        RenderJob(
            _folders(item.report.template),
            _pack_stylesheet(item.report, pack_css),
            report=item.report,
            marking=exempt_statement(item, meeting).replace(
                "Not for publication", "NOT FOR PUBLICATION", 1
            )
            if item.exempt
            else None,
        )
        for item in reports
        if item.report is not None
    ]
    # An exempt appendix of a public item has a notice of its own, named after it.
    exempt_items = [(item.number, item) for item in reports if item.exempt] + [
        (
            f"{item.number}/{index}",
            replace(
                item,
                heading=f"{item.heading}: {document.title}",
                exempt_paragraph=document.exempt_paragraph,
            ),
        )
        for item in meeting.items
        if not item.exempt
        for index, document in enumerate(item.documents)
        if document.exempt
    ]
    notice_jobs = [
        RenderJob(folder, pack_css, html=notice_html(meeting, item)) for _, item in exempt_items
    ]
    plans = pack_plans(meeting)
    provenance = pack_provenance(meeting)
    # The agendas' own length decides where the reports start. Probe it alongside the
    # reports, with the widest page ranges, so the final agendas are usually right first time.
    probes = [plan for plan in plans if not plan.members]
    for plan in probes:
        plan.ranges = {item.number: (998, 999) for item in plan.bodies}
    probe_jobs = [
        RenderJob(folder, pack_css, html=agenda_html(meeting, plan, in_pack=True))
        for plan in probes
    ]
    names = (
        [item.report.source_path for item in reports if item.report is not None]
        + [f"notice page for item {item.number}" for _, item in exempt_items]
        + [f"agenda of {plan.name}.pdf (first layout)" for plan in probes]
    )
    jobs = report_jobs + notice_jobs + probe_jobs
    # The longest reports first, so no worker is left with a long one last.
    order = sorted(
        range(len(jobs)),
        key=lambda index: -len(report.paper.source) if (report := jobs[index].report) else 0,
    )
    rendered = renderer.render(jobs, names, "rendered", order)
    report_pdf = dict(zip((item.number for item in reports), rendered, strict=False))
    notices = rendered[len(reports) : len(reports) + len(exempt_items)]
    notice_pdf = {key: pdf for (key, _), pdf in zip(exempt_items, notices, strict=True)}
    probed = rendered[len(reports) + len(exempt_items) :]
    probe_pages = {plan.supplement: pages for plan, (_, pages) in zip(probes, probed, strict=True)}
    for plan in plans:
        plan.agenda_pages = probe_pages[plan.supplement]

    # Attached documents are copied, checked against the digest taken when they were
    # validated, so the pack is made of what was validated.
    document_pdf = {}
    for item in meeting.items:
        for index, document in enumerate(item.documents):
            copy = temp / f"document-{item.number}-{index}.pdf"
            copy.write_bytes(document.pdf.read())
            document_pdf[(item.number, index)] = copy

    def body(item: AgendaItem, members: bool) -> list[Segment]:
        """What follows the item in a pack: its report (or the notice standing in for an
        exempt one), then each of its documents (or a notice for an exempt appendix)."""
        if item.exempt and not members:
            return [Segment(*notice_pdf[item.number], False, "")]
        found = []
        if item.number in report_pdf:
            found.append(Segment(*report_pdf[item.number], item.exempt and members, ""))
        for index, document in enumerate(item.documents):
            key = f"{item.number}/{index}"
            if document.exempt and not members:
                found.append(Segment(*notice_pdf[key], False, document.title))
                continue
            exempt = (item.exempt or document.exempt) and members
            pdf = document_pdf[(item.number, index)]
            found.append(Segment(pdf, document.pdf.pages, exempt, document.title))
        return found

    # 2. Agendas with true page ranges, the page-number layers and the agendas on their
    # own; again if the ranges changed an agenda's length (rare: a wrapped line).
    public_main = plans[0]
    supplement = next((plan for plan in plans if plan.supplement and not plan.members), None)
    standalone = [public_main] + ([supplement] if supplement is not None else [])
    roman = front_matter_roman(meeting)
    for _ in range(4):
        for plan in plans:
            # Roman front matter: the agenda is i, ii ... and the first report starts at 1.
            page = 1 if roman else plan.agenda_pages + 1
            plan.ranges = {}
            for item in plan.bodies:
                length = sum(segment.pages for segment in body(item, plan.members))
                plan.ranges[item.number] = (page, page + length - 1)
                page += length
        jobs = (
            [
                RenderJob(folder, pack_css, html=agenda_html(meeting, plan, in_pack=True))
                for plan in plans
            ]
            + [RenderJob(folder, (), html=stamp_html(meeting, plan, body)) for plan in plans]
            + [
                RenderJob(
                    folder,
                    (),
                    html=agenda_html(meeting, plan, in_pack=False),
                    properties=provenance,
                )
                for plan in standalone
            ]
        )
        names = (
            [f"agenda of {plan.name}.pdf" for plan in plans]
            + [f"page numbers of {plan.name}.pdf" for plan in plans]
            + ["agenda.pdf"]
            + (["supplementary-agenda.pdf"] if supplement is not None else [])
        )
        # The page-number layers (a page for every page of the pack) take longest: first.
        layers = range(len(plans), 2 * len(plans))
        order = [*layers, *(index for index in range(len(jobs)) if index not in layers)]
        results = renderer.render(jobs, names, "laid out", order)
        changed = False
        for plan, (pdf, pages) in zip(plans, results, strict=False):
            plan.agenda_pdf = pdf
            if pages != plan.agenda_pages:
                plan.agenda_pages = pages
                changed = True
        if not changed:
            break
    stamps = [stamp for stamp, _ in results[len(plans) : 2 * len(plans)]]
    agendas = [
        (name, plan, pdf)
        for name, plan, (pdf, _) in zip(
            ("agenda", "supplementary-agenda"), standalone, results[2 * len(plans) :], strict=False
        )
    ]
    merges: list[Merge] = []
    for plan, stamp in zip(plans, stamps, strict=True):
        assert plan.agenda_pdf is not None
        parts = [PartPdf(plan.agenda_pdf)]
        # The agenda's own bookmark (its headings beneath), then one per item, titled as the
        # agenda's heading for it, so every heading in the pack has its bookmark.
        outline = [OutlineEntry(agenda_title(plan), 0, flatten=True)]
        for entry in agenda_entries(meeting, plan):
            item = entry.item
            # Titled as the agenda prints the heading: "5. Petitions", "(a) Petition about ...".
            title = f"{entry.label} {entry.heading}"
            title += f" {entry.pages_text}" if entry.pages_text else ""
            if item in plan.bodies:
                segments = body(item, plan.members)
                parts.append(
                    PartPdf(
                        segments[0].pdf,
                        names=(item.anchor,),
                        label=f"item {item.number}, {item.heading}",
                    )
                )
                outline.append(OutlineEntry(title, len(parts) - 1))
                for segment in segments[1:]:
                    # An attached document: its own bookmark, after its item's.
                    parts.append(PartPdf(segment.pdf))
                    outline.append(OutlineEntry(segment.title, len(parts) - 1))
            else:
                outline.append(OutlineEntry(title, 0, anchor=item.anchor))
        labels = ((0, "r"), (plan.agenda_pages, "D")) if roman else ()
        target = temp / f"{plan.name}.pdf"
        merges.append(
            (target, parts, stamp, plan.title, template.language, outline, provenance, labels)
        )
    return agendas, merges


def _pack_stylesheet(report: LoadedReport, agenda_css: tuple[Path, ...]) -> tuple[Path, ...]:
    """The pack stylesheet of the report's own template, else the agenda template's."""
    spec = report.template.raw.get("agenda") or {}
    if spec.get("stylesheet"):
        return (_found(report.template, spec["stylesheet"]),)
    return agenda_css


def _folders(template: Template) -> tuple[Path, ...]:
    """The template's folders in lookup order (its own, its parents', the base)."""
    return tuple(link.folder for link in template.chain)


def _found(template: Template, relative: str) -> Path:
    """A file of the template by the lookup order (``load_template`` checked it is there)."""
    return template.find(relative) or template.folder / relative


def pack_provenance(meeting: Meeting) -> dict[str, str]:
    """The provenance every file of a pack carries (``boardpaper inspect`` reads it).

    The same four properties as a paper's: the template is the agenda's; its hash
    covers every template the pack uses; the content hash covers the meeting file
    and each report's text, in agenda order, then the digest of each attached document
    and of the summons's signature picture.
    """
    from boardpaper.render.stamp import Provenance, content_sha256

    templates = {meeting.template.name: meeting.template}
    texts = [meeting.source]
    documents = []
    for item in meeting.items:
        if item.report is not None:
            templates[item.report.template.name] = item.report.template
            texts.append(item.report.paper.source)
        documents += [document.pdf.sha256 for document in item.documents]
    if meeting.summons is not None and meeting.summons.signature is not None:
        documents.append(meeting.summons.signature.picture.sha256)
    template_hash = hashlib.sha256(
        "".join(f"{name}:{templates[name].files_hash}\n" for name in sorted(templates)).encode()
    ).hexdigest()
    return Provenance(
        boardpaper_version=__version__,
        template=meeting.template.name,
        template_sha256=template_hash,
        content_sha256=hashlib.sha256(
            "".join(digest + "\n" for digest in [*map(content_sha256, texts), *documents]).encode()
        ).hexdigest(),
    ).properties()
