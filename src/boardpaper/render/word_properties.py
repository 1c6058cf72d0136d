"""Word document properties: a python-docx ``Document`` and values in, core.xml and custom.xml set.

Every .docx boardpaper writes (papers and agendas) gets its core properties
here, so each has exactly one element per property, in the namespaces Word
reads, with dates from the content, never the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from docx.oxml.ns import nsmap
from docxcompose.properties import CustomProperties

from boardpaper import __version__

CORE_PROPERTIES_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


@contextmanager
def core_properties_namespace() -> Iterator[None]:
    """Bind python-docx's ``cp`` prefix to the core-properties namespace while inside.

    Importing docxcompose (docxtpl's subdocuments need it) rebinds the shared
    ``docx.oxml.ns.nsmap["cp"]`` to the custom-properties namespace, so
    python-docx no longer finds ``cp:category``, ``cp:version``,
    ``cp:lastPrinted`` ... in core.xml and writes a second copy in the wrong
    namespace, which Word reports as unreadable content (python-docx #1037,
    docxcompose #101). docxcompose reads custom.xml with its own prefix map, so
    restoring the binding for the duration of a core-properties access is safe.
    """
    saved = nsmap.get("cp")
    nsmap["cp"] = CORE_PROPERTIES_NS
    try:
        yield
    finally:
        if saved is None:
            del nsmap["cp"]
        else:
            nsmap["cp"] = saved


def set_core_properties(
    docx: Any,
    *,
    title: str,
    subject: str,
    language: str,
    day: dt.date,
    comments: str,
    category: str,
) -> None:
    """Set a document's core properties; every date is ``day`` at midnight.

    Never the clock: the same content gives the same bytes (reproducibility).
    """
    moment = dt.datetime.combine(day, dt.time(0, 0))
    with core_properties_namespace():
        props = docx.core_properties
        # Validation keeps titles within Word's 255 characters; composed ones ("Agenda:
        # <committee>, <date>") may still go over: shorten, not fail (the page shows it all).
        props.title = _property_text(title)
        props.subject = _property_text(subject)
        props.language = language
        props.author = "boardpaper"
        props.last_modified_by = "boardpaper"
        props.created = moment
        props.modified = moment
        props.last_printed = moment
        props.revision = 1
        props.comments = comments
        props.keywords = ""
        props.category = category
        props.version = __version__


def _property_text(text: str, limit: int = 255) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def read_core_properties(docx: Any) -> dict[str, Any]:
    """The core properties python-docx reads back, by python-docx's attribute names."""
    names = (
        "author",
        "category",
        "comments",
        "content_status",
        "created",
        "identifier",
        "keywords",
        "language",
        "last_modified_by",
        "last_printed",
        "modified",
        "revision",
        "subject",
        "title",
        "version",
    )
    with core_properties_namespace():
        props = docx.core_properties
        return {name: getattr(props, name) for name in names}


def set_custom_properties(docx: Any, properties: dict[str, str]) -> None:
    """Set text custom properties (docProps/custom.xml), keeping the template's own.

    docxcompose's ``CustomProperties`` (already installed for docxtpl's
    subdocuments) reads and writes the part; a property of the same name is
    replaced in place.
    """
    custom = CustomProperties(docx)
    for name, value in properties.items():
        custom[name] = value
