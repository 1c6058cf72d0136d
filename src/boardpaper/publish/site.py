"""The static site: validated meetings in, every file of the published website out (as bytes).

Layout (all links relative, so the folder can be served from anywhere, or opened
from disk)::

    index.html                     committees and their meetings
    site.css  meetings.ics  papers.atom
    MEETING/index.html             the meeting: details, documents, agenda, history
    MEETING/meeting.json           open data: items, page ranges, dates, sha256 of every file
    MEETING/agenda.pdf, .docx, public-pack.pdf (and supplement files, when items are late)
    MEETING/REPORT.html, .pdf, .docx   each public report (earlier versions: REPORT-DATE.*)
    MEETING/REPORT.appendix-N.pdf      each public appendix of it (N: its place in attachments:)

Only public material is published: an exempt report is named on the agenda with
its Schedule 12A paragraph and is never rendered into the site, and so is an
exempt appendix of a public report (the report's page says which, and why);
members' packs are dropped. Nothing here reads the clock: every date comes from the content.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from boardpaper.content.model import format_date
from boardpaper.errors import ContentError, Problem
from boardpaper.meeting.agenda import exempt_appendix_statement, exempt_statement
from boardpaper.meeting.pack import build_pack
from boardpaper.meeting.schema import AgendaItem, Meeting
from boardpaper.pipeline import LoadedReport, render
from boardpaper.publish.documents import Document, pack_ranges, pages_text, pdf_pages

DEFAULT_TITLE = "Meetings and papers"

PUBLIC_PACK_FILES = {
    "agenda.pdf": "Agenda",
    "agenda.docx": "Agenda",
    "public-pack.pdf": "Public document pack",
    "supplementary-agenda.pdf": "Supplementary agenda",
    "supplementary-agenda.docx": "Supplementary agenda",
    "supplement-pack.pdf": "Supplementary document pack",
}
"""The files of ``build_pack`` that are published, with their titles; members' packs never."""


@dataclass(frozen=True)
class SiteOptions:
    """What the command line can change: the site's title, and its address for the feeds."""

    title: str = DEFAULT_TITLE
    base_url: str = ""
    """The address the site is served from ("https://example.gov.uk/meetings/"); when empty,
    the feeds use relative links."""


@dataclass
class PublishedVersion:
    """A version of a paper that was published and later replaced, kept on the site."""

    report: LoadedReport
    stem: str
    published: dt.date
    replaced: dt.date
    reason: str
    pdf: Document
    docx: Document
    html: Document | None = None

    @property
    def published_text(self) -> str:
        return format_date(self.published)

    @property
    def replaced_text(self) -> str:
        return format_date(self.replaced)


@dataclass(frozen=True)
class PublishedAppendix:
    """A document attached to a report: its own PDF when public; an exempt one has none,
    only the statement saying it is exempt and under which paragraph."""

    title: str
    document: Document | None
    exempt_paragraph: int | None = None
    statement: str = ""


@dataclass
class PublishedItem:
    """An agenda item as the site shows it; ``html``/``pdf``/``docx`` only for public reports."""

    item: AgendaItem
    published: dt.date | None
    notes: tuple[str, ...]
    pack: str | None = None
    pages: tuple[int, int] | None = None
    html: Document | None = None
    pdf: Document | None = None
    docx: Document | None = None
    versions: list[PublishedVersion] = field(default_factory=list)
    appendices: list[PublishedAppendix] = field(default_factory=list)

    @property
    def pages_text(self) -> str:
        return pages_text(self.pages)

    @property
    def pack_title(self) -> str:
        return PUBLIC_PACK_FILES.get(self.pack or "", "").lower()


@dataclass
class PublishedMeeting:
    """One meeting's part of the site."""

    meeting: Meeting
    slug: str
    documents: list[Document]
    items: list[PublishedItem]
    pages: list[Document] = field(default_factory=list)
    record: Document | None = None

    @property
    def files(self) -> list[Document]:
        """Every file of the meeting's folder, the record last."""
        reports = [
            document
            for published in self.items
            for document in (published.pdf, published.docx)
            if document is not None
        ]
        reports += [
            appendix.document
            for published in self.items
            for appendix in published.appendices
            if appendix.document is not None
        ]
        earlier = [
            document
            for published in self.items
            for version in published.versions
            for document in (version.pdf, version.docx, version.html)
            if document is not None
        ]
        files = self.documents + reports + earlier + self.pages
        return files + ([self.record] if self.record is not None else [])


def slug(text: str) -> str:
    """A safe file or folder name: lower case letters, digits and single hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "meeting"


def item_published(meeting: Meeting, item: AgendaItem) -> dt.date:
    """When an item's papers are published: its own date, the supplement's if late, else the
    agenda's (documented in docs/publish.md)."""
    if item.published is not None:
        return item.published
    return meeting.supplement_date if item.late else meeting.published


def build_site(
    meetings: list[Meeting], options: SiteOptions = SiteOptions(), jobs: int | None = None
) -> dict[str, bytes]:
    """Render the whole site; returns {path inside the site (POSIX): bytes}, sorted.

    Raises ContentError when two meetings (or two reports of one meeting) would be
    published under the same name.
    """
    from boardpaper.publish.feeds import atom_feed, icalendar_feed
    from boardpaper.publish.pages import index_page, meeting_page, report_pages, site_css
    from boardpaper.publish.record import meeting_record

    slugs = _meeting_slugs(meetings)
    published = [_publish_meeting(meeting, slugs[id(meeting)], jobs) for meeting in meetings]
    published.sort(key=lambda entry: (entry.meeting.committee, entry.meeting.date, entry.slug))
    files: dict[str, bytes] = {}
    for entry in published:
        entry.pages = [*report_pages(entry, options), meeting_page(entry, options)]
        entry.record = meeting_record(entry, options)
        for document in entry.files:
            files[document.path] = document.data
    files["index.html"] = index_page(published, options)
    files["site.css"] = site_css()
    files["meetings.ics"] = icalendar_feed(published, options)
    files["papers.atom"] = atom_feed(published, options)
    return dict(sorted(files.items()))


def _meeting_slugs(meetings: list[Meeting]) -> dict[int, str]:
    """Each meeting's folder name, from its file name; two meetings may not share one."""
    taken: dict[str, str] = {}
    slugs: dict[int, str] = {}
    problems = []
    for meeting in meetings:
        name = slug(PurePosixPath(meeting.source_path.replace("\\", "/")).stem)
        if name in taken:
            problems.append(
                Problem(
                    meeting.source_path,
                    None,
                    None,
                    "",
                    f"would be published in the same folder {name!r} as {taken[name]}; "
                    "rename one file",
                )
            )
        taken[name] = meeting.source_path
        slugs[id(meeting)] = name
    if problems:
        raise ContentError(problems)
    return slugs


def _report_stems(meeting: Meeting) -> dict[str, str]:
    """Each public report item's file name in the site (number -> stem), unique per meeting."""
    stems: dict[str, str] = {}
    taken: dict[str, str] = {}
    problems = []
    for item in meeting.items:
        if item.report is None or item.exempt:
            continue
        stem = slug(PurePosixPath(item.report.source_path.replace("\\", "/")).stem)
        if stem in ("index", "meeting", *(PurePosixPath(n).stem for n in PUBLIC_PACK_FILES)):
            stem = f"item-{item.number}-{stem}"
        if stem in taken:
            problems.append(
                Problem(
                    meeting.source_path,
                    None,
                    None,
                    f"items[{int(item.number) - 1}].report",
                    f"item {item.number} and item {taken[stem]} name the same report file name "
                    f"{stem!r}; a meeting publishes each report once",
                )
            )
        taken[stem] = item.number
        stems[item.number] = stem
    if problems:
        raise ContentError(problems)
    return stems


def _notes(meeting: Meeting, item: AgendaItem) -> tuple[str, ...]:
    notes = []
    if item.exempt:
        notes.append(exempt_statement(item, meeting))
    if item.late:
        notes.append(
            f"Late item, published in the supplementary agenda on "
            f"{format_date(item_published(meeting, item))}. "
            f"Reason for urgency: {item.reason_for_urgency}"
        )
    return tuple(notes)


def _report_documents(
    report: LoadedReport, folder: str, stem: str, title: str, published: dt.date
) -> tuple[Document, Document]:
    """The report's PDF and Word file, exactly as ``boardpaper build`` makes them."""
    rendered = render(report, ("pdf", "docx"))
    pdf = Document(
        f"{folder}/{stem}.pdf", rendered["pdf"], title, "pdf", published, pdf_pages(rendered["pdf"])
    )
    docx = Document(f"{folder}/{stem}.docx", rendered["docx"], title, "docx", published)
    return pdf, docx


def _appendices(
    meeting: Meeting, item: AgendaItem, folder: str, stem: str, published: dt.date
) -> list[PublishedAppendix]:
    """A public report's attached documents: each public one as its own PDF (the file as
    attached, or as converted from Word), each exempt one as a statement only."""
    found = []
    for index, document in enumerate(item.documents, start=1):
        if document.exempt_paragraph is not None:
            statement = exempt_appendix_statement(
                item, document.title, document.exempt_paragraph, meeting
            )
            found.append(
                PublishedAppendix(document.title, None, document.exempt_paragraph, statement)
            )
            continue
        # A dot never occurs in a slug: no report or version of the meeting can take this name.
        path = f"{folder}/{stem}.appendix-{index}.pdf"
        data = document.pdf.read()
        pdf = Document(path, data, document.title, "pdf", published, document.pdf.pages)
        found.append(PublishedAppendix(document.title, pdf))
    return found


def _pack_file_date(meeting: Meeting, name: str) -> dt.date:
    """When a file of the pack was (last) published: a pack holding a paper published
    after the agenda (a republished one) was issued again that day."""
    if name.startswith("supplement"):
        return meeting.supplement_date
    if name == "public-pack.pdf":
        on_time = [item for item in meeting.items if item.kind == "report" and not item.late]
        return max([meeting.published, *(item_published(meeting, item) for item in on_time)])
    return meeting.published


def _publish_meeting(meeting: Meeting, folder: str, jobs: int | None) -> PublishedMeeting:
    stems = _report_stems(meeting)
    pack = build_pack(meeting, jobs)
    documents = []
    for name, title in PUBLIC_PACK_FILES.items():
        if name not in pack:
            continue
        day = _pack_file_date(meeting, name)
        pages = pdf_pages(pack[name]) if name.endswith(".pdf") else None
        fmt = PurePosixPath(name).suffix.lstrip(".")
        documents.append(Document(f"{folder}/{name}", pack[name], title, fmt, day, pages))
    ranges = {"public-pack.pdf": pack_ranges(pack["public-pack.pdf"])}
    if "supplement-pack.pdf" in pack:
        ranges["supplement-pack.pdf"] = pack_ranges(pack["supplement-pack.pdf"])
    items = []
    for item in meeting.items:
        published = item_published(meeting, item) if item.kind == "report" else None
        entry = PublishedItem(item, published, _notes(meeting, item))
        if item.kind == "report":
            entry.pack = "supplement-pack.pdf" if item.late else "public-pack.pdf"
            entry.pages = ranges.get(entry.pack, {}).get(item.anchor)
        if item.report is not None and not item.exempt:
            assert published is not None
            stem = stems[item.number]
            entry.pdf, entry.docx = _report_documents(
                item.report, folder, stem, item.heading, published
            )
            entry.appendices = _appendices(meeting, item, folder, stem, published)
            for version in item.earlier_versions:
                earlier = f"{stem}-{version.published.isoformat()}"
                pdf, docx = _report_documents(
                    version.report, folder, earlier, item.heading, version.published
                )
                entry.versions.append(
                    PublishedVersion(
                        version.report,
                        earlier,
                        version.published,
                        version.replaced,
                        version.reason,
                        pdf,
                        docx,
                    )
                )
        items.append(entry)
    return PublishedMeeting(meeting, folder, documents, items)
