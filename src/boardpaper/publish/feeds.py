"""The site's feeds: published meetings in, meetings.ics (iCalendar) and papers.atom (Atom) out.

Both are reproducible: every timestamp comes from the content (meeting and
publication dates), never the clock. The calendar has one event per meeting
(RFC 5545, written with the ``icalendar`` package); the Atom feed (RFC 4287) has
one entry per public paper and per agenda, newest first, with the paper's first
publication date as ``published`` and its latest version's as ``updated``.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

from boardpaper import __version__
from boardpaper.content.model import format_date
from boardpaper.publish.site import PublishedMeeting, SiteOptions

UK_TIME = ZoneInfo("Europe/London")
ATOM = "http://www.w3.org/2005/Atom"
TIME_PATTERN = re.compile(
    r"\s*(?P<hour>\d{1,2})(?:[.:](?P<minute>\d{2}))?\s*(?:(?P<half>[ap])\.?\s*m\.?)?\s*",
    re.IGNORECASE,
)


def meeting_start(day: dt.date, time: str) -> dt.datetime | None:
    """The meeting's start in UTC, from its date and time as written ("5.30 pm", "17:30",
    "10am"); None when the time cannot be read (the calendar then shows an all-day event)."""
    match = TIME_PATTERN.fullmatch(time)
    if not match:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    half = (match["half"] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    elif match["minute"] is None:
        return None  # a bare "5" could be morning or evening
    if hour > 23 or minute > 59:
        return None
    local = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UK_TIME)
    return local.astimezone(dt.UTC)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _publication_dates(entry: PublishedMeeting) -> list[dt.date]:
    dates = [entry.meeting.published]
    for published in entry.items:
        if published.published is not None:
            dates.append(published.published)
        dates.extend(version.published for version in published.versions)
    return sorted(set(dates))


def _domain(entry: PublishedMeeting) -> str:
    """The council's domain (from the clerk's email), which names its calendar and feed ids."""
    return entry.meeting.clerk.email.rsplit("@", 1)[-1].lower()


def _url(options: SiteOptions, path: str) -> str:
    return f"{options.base_url}{path}" if options.base_url else path


def icalendar_feed(meetings: list[PublishedMeeting], options: SiteOptions) -> bytes:
    """meetings.ics: one VEVENT per meeting, its DTSTAMP the meeting's latest publication."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", f"-//boardpaper//boardpaper {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", options.title)
    for entry in sorted(meetings, key=lambda e: (e.meeting.date, e.slug)):
        meeting = entry.meeting
        dates = _publication_dates(entry)
        event = Event()
        event.add("uid", f"{entry.slug}@{_domain(entry)}")
        event.add("dtstamp", _midnight(dates[-1]))
        event.add("sequence", len(dates) - 1)
        start = meeting_start(meeting.date, meeting.time)
        event.add("dtstart", start if start is not None else meeting.date)
        event.add("summary", meeting.committee)
        event.add("location", meeting.venue)
        page = _url(options, f"{entry.slug}/index.html")
        event.add(
            "description",
            f"{meeting.committee}, {format_date(meeting.date)}, {meeting.time}. "
            f"Agenda and papers: {page}",
        )
        if options.base_url:
            event.add("url", page)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _atom_id(options: SiteOptions, entry: PublishedMeeting, path: str, day: dt.date) -> str:
    """A permanent entry id: the file's address, or a tag URI (RFC 4151) on the council's
    domain when the site's address is not given."""
    if options.base_url:
        return options.base_url + path
    return f"tag:{_domain(entry)},{day.isoformat()}:{path}"


def atom_feed(meetings: list[PublishedMeeting], options: SiteOptions) -> bytes:
    """papers.atom: one entry per public paper and per agenda, newest first."""
    entries: list[tuple[dt.date, str, ET.Element]] = []
    for entry in meetings:
        meeting = entry.meeting
        where = f"{meeting.committee}, {format_date(meeting.date)}"
        author = (meeting.clerk.name, meeting.clerk.email)
        for document in entry.documents:
            if document.format != "pdf" or "agenda" not in document.name:
                continue
            element = _entry(
                options,
                entry,
                f"{document.title}: {where}",
                document.published,
                document.published,
                f"{entry.slug}/index.html",
                document.path,
                len(document.data),
                f"{document.title} for the meeting on {format_date(meeting.date)}.",
                author,
                f"{entry.slug}/{document.name}",
            )
            entries.append((document.published, document.path, element))
        for published in entry.items:
            if published.html is None or published.pdf is None or published.published is None:
                continue
            first = published.versions[0].published if published.versions else published.published
            summary = published.item.text
            if published.versions:
                latest = published.versions[-1]
                summary += f" Republished {format_date(published.published)}: {latest.reason}"
            element = _entry(
                options,
                entry,
                f"{published.item.heading} ({where})",
                first,
                published.published,
                published.html.path,
                published.pdf.path,
                len(published.pdf.data),
                summary,
                author,
                published.html.path,
            )
            entries.append((published.published, published.html.path, element))
    entries.sort(key=lambda item: (item[0], item[1]), reverse=True)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    feed.set("xml:lang", meetings[0].meeting.template.language if meetings else "en-GB")
    first_meeting = min(meetings, key=lambda e: (e.meeting.published, e.slug), default=None)
    _text(
        feed,
        "id",
        _atom_id(options, first_meeting, "papers.atom", first_meeting.meeting.published)
        if first_meeting
        else _url(options, "papers.atom"),
    )
    _text(feed, "title", f"{options.title}: newly published papers")
    updated = entries[0][0] if entries else dt.date(1980, 1, 1)
    _text(feed, "updated", _midnight(updated).isoformat().replace("+00:00", "Z"))
    _link(feed, "self", _url(options, "papers.atom"), "application/atom+xml")
    _link(feed, "alternate", _url(options, "index.html"), "text/html")
    generator = _text(feed, "generator", "boardpaper")
    generator.set("version", __version__)
    for _, _, element in entries:
        feed.append(element)
    ET.indent(feed)
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True)) + b"\n"


def _entry(
    options: SiteOptions,
    entry: PublishedMeeting,
    title: str,
    first: dt.date,
    updated: dt.date,
    page: str,
    pdf: str,
    pdf_length: int,
    summary: str,
    author: tuple[str, str],
    id_path: str,
) -> ET.Element:
    element = ET.Element(f"{{{ATOM}}}entry")
    _text(element, "id", _atom_id(options, entry, id_path, first))
    _text(element, "title", title)
    _text(element, "published", _midnight(first).isoformat().replace("+00:00", "Z"))
    _text(element, "updated", _midnight(updated).isoformat().replace("+00:00", "Z"))
    _link(element, "alternate", _url(options, page), "text/html")
    related = _link(element, "related", _url(options, pdf), "application/pdf")
    related.set("length", str(pdf_length))
    person = ET.SubElement(element, f"{{{ATOM}}}author")
    _text(person, "name", author[0])
    _text(person, "email", author[1])
    _text(element, "summary", summary)
    return element


def _text(parent: ET.Element, name: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    child.text = text
    return child


def _link(parent: ET.Element, rel: str, href: str, kind: str) -> ET.Element:
    return ET.SubElement(parent, f"{{{ATOM}}}link", {"rel": rel, "href": href, "type": kind})
