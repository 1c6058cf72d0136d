"""The site's web pages: published meetings in, HTML bytes out (index, meeting, report pages).

Pages are Jinja files in ``publish/web/``, rendered in the same sandbox as the
papers' HTML (autoescaped, StrictUndefined). Report pages are laid out from the
same document model as the report's PDF and Word file, so the words and numbers
are the same; every word about files (sizes, pages, dates) is decided here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from boardpaper.content.model import format_date
from boardpaper.pipeline import LoadedReport
from boardpaper.publish.documents import Document
from boardpaper.publish.site import PublishedItem, PublishedMeeting, PublishedVersion, SiteOptions

WEB = Path(__file__).parent / "web"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_LANGUAGE = "en-GB"


def day_text(day: dt.date) -> str:
    """ "Monday 1 March 2021", whatever the process locale."""
    return f"{DAYS[day.weekday()]} {format_date(day)}"


def _render(name: str, context: dict[str, Any]) -> bytes:
    """Render a page of ``publish/web`` in the papers' sandbox (autoescaped, StrictUndefined)."""
    from boardpaper import __version__
    from boardpaper.render.html import _environment
    from boardpaper.template.inherit import ChainLink

    env = _environment((ChainLink("publish", WEB),))
    text = env.get_template(name).render({"boardpaper_version": __version__, **context})
    return text.encode("utf-8")


def _page(
    title: str,
    options: SiteOptions,
    language: str,
    root: str,
    breadcrumbs: list[tuple[str, str | None]],
    description: str = "",
) -> dict[str, Any]:
    return {
        "title": title,
        "site_title": options.title,
        "language": language,
        "root": root,
        "breadcrumbs": breadcrumbs,
        "description": description,
    }


def site_css() -> bytes:
    return (WEB / "site.css").read_bytes()


def meeting_title(entry: PublishedMeeting) -> str:
    return f"{entry.meeting.committee}, {format_date(entry.meeting.date)}"


def index_page(meetings: list[PublishedMeeting], options: SiteOptions) -> bytes:
    """The front page: each committee (A to Z) and its meetings, newest first."""
    committees: dict[str, list[PublishedMeeting]] = {}
    for entry in meetings:
        committees.setdefault(entry.meeting.committee, []).append(entry)
    language = meetings[0].meeting.template.language if meetings else DEFAULT_LANGUAGE
    return _render(
        "index.html",
        {
            "page": _page(options.title, options, language, "", []),
            "committees": [
                {
                    "name": name,
                    "meetings": [
                        {
                            "href": f"{entry.slug}/index.html",
                            "day_text": day_text(entry.meeting.date),
                            "time": entry.meeting.time,
                            "published_text": format_date(entry.meeting.published),
                        }
                        for entry in sorted(
                            committees[name], key=lambda e: (e.meeting.date, e.slug), reverse=True
                        )
                    ],
                }
                for name in sorted(committees)
            ],
        },
    )


def _links(published: PublishedItem) -> list[dict[str, str]]:
    links = []
    if published.html is not None:
        links.append({"href": published.html.name, "label": "Read the report online", "meta": ""})
    for document, label in (
        (published.pdf, "Download the PDF"),
        (published.docx, "Download the Word file"),
    ):
        if document is not None:
            links.append({"href": document.name, "label": label, "meta": document.meta()})
    return links + _appendix_links(published)


def _appendix_links(published: PublishedItem) -> list[dict[str, str]]:
    """A download link for each public appendix of the report, as its own PDF."""
    return [
        {
            "href": appendix.document.name,
            "label": f"Download {appendix.title}",
            "meta": appendix.document.meta(),
        }
        for appendix in published.appendices
        if appendix.document is not None
    ]


def _appendix_notes(published: PublishedItem) -> list[str]:
    """What the site says in place of each exempt appendix: its title, that it is exempt,
    and the paragraph (the words of the agenda and the public pack's notice)."""
    return [appendix.statement for appendix in published.appendices if appendix.statement]


def _version(version: PublishedVersion) -> dict[str, str]:
    assert version.html is not None
    return {
        "href": version.html.name,
        "pdf_href": version.pdf.name,
        "published_text": version.published_text,
        "replaced_text": version.replaced_text,
        "reason": version.reason,
    }


def _first_published(published: PublishedItem) -> dt.date | None:
    return published.versions[0].published if published.versions else published.published


def history(entry: PublishedMeeting) -> list[dict[str, str]]:
    """What was published when, oldest first: the agenda, late items, republished papers."""
    meeting = entry.meeting
    events: list[tuple[dt.date, int, str]] = []
    on_time = [p for p in entry.items if p.item.kind == "report" and not p.item.late]
    with_agenda = [
        p for p in on_time if not p.item.exempt and _first_published(p) == meeting.published
    ]
    exempt = sum(1 for p in on_time if p.item.exempt)
    summary = (
        f"Agenda and public document pack published, with {len(with_agenda)} "
        f"report{'s' if len(with_agenda) != 1 else ''}"
    )
    if exempt:
        summary += f" ({exempt} exempt report{'s' if exempt != 1 else ''} not published)"
    events.append((meeting.published, 0, summary + "."))
    for published in on_time:
        first = _first_published(published)
        if first is not None and first != meeting.published and not published.item.exempt:
            item = published.item
            events.append((first, 1, f"Item {item.number} ({item.heading}) published."))
    late = [p for p in entry.items if p.item.late]
    if late:
        names = "; ".join(
            f"item {p.item.number} ({p.item.heading}): {p.item.reason_for_urgency}" for p in late
        )
        events.append(
            (meeting.supplement_date, 2, f"Supplementary agenda published with late {names}")
        )
    for published in entry.items:
        for index, version in enumerate(published.versions):
            following = (
                published.versions[index + 1].published
                if index + 1 < len(published.versions)
                else published.published
            )
            assert following is not None
            events.append(
                (
                    following,
                    3,
                    f"Item {published.item.number} ({published.item.heading}) republished: "
                    f"{version.reason} The version published {version.published_text} "
                    "stays listed.",
                )
            )
    events.sort(key=lambda event: (event[0], event[1]))
    return [{"date_text": format_date(day), "text": text} for day, _, text in events]


def meeting_page(entry: PublishedMeeting, options: SiteOptions) -> Document:
    """The meeting's page: details, documents, the agenda with each item's files, history."""
    meeting = entry.meeting
    entries = []
    for published in entry.items:
        item = published.item
        entries.append(
            {
                "number": item.number,
                "label": item.label or f"{item.number}.",
                "sub_item": item.sub_item,
                "heading": item.heading,
                "text": item.text,
                "presenter": item.presenter,
                "notes": [*published.notes, *_appendix_notes(published)],
                "anchor": item.anchor,
                "exempt": item.exempt,
                "pages_text": published.pages_text,
                "pack_title": published.pack_title,
                "links": _links(published),
                "versions": [_version(version) for version in published.versions],
            }
        )
    title = meeting_title(entry)
    data = _render(
        "meeting.html",
        {
            "page": _page(
                title,
                options,
                meeting.template.language,
                "../",
                [(options.title, "../index.html"), (title, None)],
                f"Agenda and papers: {title}",
            ),
            "meeting": {
                "committee": meeting.committee,
                "day_text": day_text(meeting.date),
                "time": meeting.time,
                "venue": meeting.venue,
                "published_text": format_date(meeting.published),
                "supplement_text": format_date(meeting.supplement_date)
                if meeting.late_items
                else "",
                "membership": meeting.membership,
                "clerk": meeting.clerk,
                "contact": meeting.contact,
            },
            "documents": [
                {
                    "href": document.name,
                    "title": document.title,
                    "format_label": document.format_label,
                    "pages": document.pages,
                    "size_text": document.size_text,
                    "published_text": document.published_text,
                }
                for document in entry.documents
            ],
            "entries": entries,
            "history": history(entry),
        },
    )
    return Document(f"{entry.slug}/index.html", data, title, "html", meeting.published)


def report_pages(entry: PublishedMeeting, options: SiteOptions) -> list[Document]:
    """Each public report's page, and a page for each earlier version it had."""
    pages = []
    for published in entry.items:
        if published.pdf is None or published.item.report is None:
            continue
        assert published.published is not None and published.docx is not None
        stem = published.pdf.name.removesuffix(".pdf")
        for version in published.versions:
            version.html = _report_page(
                entry,
                published,
                options,
                version.report,
                version.stem,
                version.published,
                version.pdf,
                version.docx,
                superseded={
                    "replaced_text": version.replaced_text,
                    "reason": version.reason,
                    "current_href": f"{stem}.html",
                },
                versions=[],
            )
            pages.append(version.html)
        published.html = _report_page(
            entry,
            published,
            options,
            published.item.report,
            stem,
            published.published,
            published.pdf,
            published.docx,
            superseded=None,
            versions=published.versions,
        )
        pages.append(published.html)
    return pages


def _report_page(
    entry: PublishedMeeting,
    published: PublishedItem,
    options: SiteOptions,
    report: LoadedReport,
    stem: str,
    day: dt.date,
    pdf: Document,
    docx: Document,
    superseded: dict[str, str] | None,
    versions: list[PublishedVersion],
) -> Document:
    paper = report.paper
    meeting_name = meeting_title(entry)
    title = paper.title if superseded is None else f"{paper.title} (version of {format_date(day)})"
    links = [
        {"href": pdf.name, "label": "Download this report as a PDF", "meta": pdf.meta()},
        {"href": docx.name, "label": "Download this report as a Word file", "meta": docx.meta()},
    ]
    # The current version's appendices; an earlier version's are inside its PDF.
    current = superseded is None
    if current:
        links += _appendix_links(published)
    data = _render(
        "report.html",
        {
            "page": _page(
                title,
                options,
                paper.language,
                "../",
                [
                    (options.title, "../index.html"),
                    (meeting_name, "index.html"),
                    (f"Item {published.item.number}", None),
                ],
                f"Report to {paper.meeting}, {paper.date_text}",
            ),
            "paper": paper,
            "item": published.item,
            "meeting_day_text": format_date(entry.meeting.date),
            "published_text": format_date(day),
            "pages_text": published.pages_text if superseded is None else "",
            "pack_title": published.pack_title,
            "links": links,
            "superseded": superseded,
            "appendix_notes": _appendix_notes(published) if current else [],
            "versions": [_version(version) for version in versions if version.html is not None],
        },
    )
    return Document(f"{entry.slug}/{stem}.html", data, paper.title, "html", day)
