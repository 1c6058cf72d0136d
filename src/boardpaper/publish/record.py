"""The meeting's open data: a published meeting in, MEETING/meeting.json out.

For a council website or open-data portal: the meeting's details, its items (with
their pages in the pack, publication dates, files and appendices: each public one's
file, each exempt one's paragraph and note), and the sha256 of every
other file in the meeting's folder, so anyone can check a downloaded PDF against
the record. Paths are relative to the meeting's folder. Stable JSON: sorted keys,
two-space indent, LF, a final newline.
"""

from __future__ import annotations

import json
from typing import Any

from boardpaper import __version__
from boardpaper.publish.documents import Document
from boardpaper.publish.site import PublishedItem, PublishedMeeting, SiteOptions

RECORD_NAME = "meeting.json"
RECORD_FORMAT = 1


def _document(document: Document, folder: str) -> dict[str, Any]:
    return {
        "title": document.title,
        "path": document.path.removeprefix(folder + "/"),
        "format": document.format,
        "published": document.published.isoformat(),
        "pages": document.pages,
        "bytes": len(document.data),
        "sha256": document.sha256,
    }


def _item(published: PublishedItem, folder: str) -> dict[str, Any]:
    item = published.item
    record: dict[str, Any] = {
        "number": item.number,
        "kind": item.kind,
        "heading": item.heading,
        "text": item.text,
    }
    if item.kind == "procedural":
        record["procedure"] = item.procedure
    if item.kind != "report":
        return record
    record.update(
        {
            "presenter": item.presenter,
            "published": published.published.isoformat() if published.published else None,
            "exempt": item.exempt,
            "exempt_paragraph": item.exempt_paragraph,
            "late": item.late,
            "reason_for_urgency": item.reason_for_urgency,
            "notes": list(published.notes),
            "pack": published.pack,
            "pages": {"first": published.pages[0], "last": published.pages[1]}
            if published.pages
            else None,
            "documents": [
                _document(document, folder)
                for document in (published.html, published.pdf, published.docx)
                if document is not None
            ],
            "appendices": [
                {
                    "title": appendix.title,
                    "exempt": appendix.exempt_paragraph is not None,
                    "exempt_paragraph": appendix.exempt_paragraph,
                    "note": appendix.statement or None,
                    "document": _document(appendix.document, folder)
                    if appendix.document is not None
                    else None,
                }
                for appendix in published.appendices
            ],
            "earlier_versions": [
                {
                    "published": version.published.isoformat(),
                    "replaced": version.replaced.isoformat(),
                    "reason": version.reason,
                    "documents": [
                        _document(document, folder)
                        for document in (version.html, version.pdf, version.docx)
                        if document is not None
                    ],
                }
                for version in published.versions
            ],
        }
    )
    return record


def meeting_record(entry: PublishedMeeting, options: SiteOptions) -> Document:
    """MEETING/meeting.json, describing every other file of the meeting's folder."""
    meeting = entry.meeting
    folder = entry.slug
    files = [document for document in entry.files if document.name != RECORD_NAME]
    record = {
        "boardpaper_meeting_record": RECORD_FORMAT,
        "generator": f"boardpaper {__version__}",
        "committee": meeting.committee,
        "date": meeting.date.isoformat(),
        "time": meeting.time,
        "venue": meeting.venue,
        "nation": meeting.nation.name,
        "published": meeting.published.isoformat(),
        "supplement_published": meeting.supplement_date.isoformat() if meeting.late_items else None,
        "page": f"{options.base_url}{folder}/index.html" if options.base_url else "index.html",
        "documents": [_document(document, folder) for document in entry.documents],
        "items": [_item(published, folder) for published in entry.items],
        "files": [
            {
                "path": document.path.removeprefix(folder + "/"),
                "bytes": len(document.data),
                "sha256": document.sha256,
            }
            for document in sorted(files, key=lambda document: document.path)
        ],
    }
    data = (json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    return Document(f"{folder}/{RECORD_NAME}", data, "Meeting data", "json", meeting.published)
