"""Provenance: what made a paper, written inside the paper and read back out.

Every paper records four facts: the boardpaper version, the template's name,
a sha256 of the template's files and a sha256 of the report's content. They
go into the .docx custom document properties (File > Info > Properties >
Advanced > Custom in Word) and into the PDF's Info dictionary and XMP
metadata, under the same names (``PROPERTY_NAMES``). ``read_provenance``
reads them back for ``boardpaper inspect``.

Nothing here reads the clock: the only inputs are the content and template.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from boardpaper import __version__
from boardpaper.content.model import Paper
from boardpaper.template.manifest import Template

XMP_NAMESPACE = "urn:boardpaper:provenance:1"
"""Namespace of boardpaper's XMP properties (prefix ``boardpaper``)."""

PROPERTY_NAMES = {
    "boardpaper_version": "BoardpaperVersion",
    "template": "BoardpaperTemplate",
    "template_sha256": "BoardpaperTemplateSHA256",
    "content_sha256": "BoardpaperContentSHA256",
    "data_sha256": "BoardpaperDataSHA256",
}
"""Provenance field -> the property name used in .docx, PDF Info and XMP."""

OPTIONAL_FIELDS = ("data_sha256",)
"""Provenance written only when there is something to say (reports without data files)."""

_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"


@dataclass(frozen=True)
class Provenance:
    """What a paper was made from and with."""

    boardpaper_version: str
    template: str
    template_sha256: str
    content_sha256: str
    data_sha256: str = ""
    """The data files read, "name=sha256" joined by "; "; empty (and not written) if none."""

    def properties(self) -> dict[str, str]:
        """The provenance as named properties (``PROPERTY_NAMES``), in a fixed order."""
        return {
            name: getattr(self, field)
            for field, name in PROPERTY_NAMES.items()
            if getattr(self, field) or field not in OPTIONAL_FIELDS
        }

    @classmethod
    def from_properties(cls, properties: dict[str, str]) -> Provenance | None:
        """Read named properties back; None unless every required field is there."""
        values = {field: properties.get(name) for field, name in PROPERTY_NAMES.items()}
        if any(value is None for field, value in values.items() if field not in OPTIONAL_FIELDS):
            return None
        return cls(**{field: value or "" for field, value in values.items()})


def content_sha256(text: str) -> str:
    """sha256 of report text, as UTF-8 with line endings normalised to LF.

    For a UTF-8 file with LF line endings and no byte-order mark (what git
    checks out on Linux and macOS) this equals ``sha256sum FILE``; a Windows
    checkout with CRLF endings gives the same hash, as it gives the same paper.
    """
    normalised = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def provenance_of(paper: Paper, template: Template) -> Provenance:
    """The provenance of ``paper`` rendered with ``template`` by this boardpaper."""
    return Provenance(
        boardpaper_version=__version__,
        template=template.name,
        template_sha256=template.files_hash,
        content_sha256=content_sha256(paper.source),
        data_sha256="; ".join(f"{name}={digest}" for name, digest in paper.data_files),
    )


# --- PDF ---------------------------------------------------------------------------------


def add_pdf_properties(pdf: Any, properties: dict[str, str]) -> None:
    """Write ``properties`` into a pydyf PDF (a WeasyPrint finisher's ``pdf``) before it is saved.

    Each goes into the Info dictionary under its own name and into the XMP
    metadata stream as ``boardpaper:<name>`` (namespace ``XMP_NAMESPACE``).
    Names must be PDF name characters (letters and digits).
    """
    from xml.sax.saxutils import escape  # imports urllib: only when a PDF is stamped

    import pydyf

    for name, value in properties.items():
        if not name.isalnum():
            raise ValueError(f"PDF property names are letters and digits: {name!r}")
        pdf.info[name] = pydyf.String(value)
    description = (
        f'<rdf:Description rdf:about="" xmlns:boardpaper="{XMP_NAMESPACE}">'
        + "".join(
            f"<boardpaper:{name}>{escape(value)}</boardpaper:{name}>"
            for name, value in properties.items()
        )
        + "</rdf:Description>"
    ).encode()
    metadata = _pdf_metadata_stream(pdf)
    if metadata is None:
        packet = (
            b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            + description
            + b'</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="r"?>'
        )
        stream = pydyf.Stream([packet], {"Type": "/Metadata", "Subtype": "/XML"})
        pdf.add_object(stream)
        pdf.catalog["Metadata"] = stream.reference
        return
    packet = b"".join(_as_bytes(chunk) for chunk in metadata.stream)
    if b"</rdf:RDF>" not in packet:
        raise ValueError("the PDF's XMP metadata has no rdf:RDF element")
    metadata.stream = [packet.replace(b"</rdf:RDF>", description + b"</rdf:RDF>", 1)]


def _pdf_metadata_stream(pdf: Any) -> Any:
    reference = pdf.catalog.get("Metadata")
    if reference is None:
        return None
    number = int(_as_bytes(reference).split()[0])
    return pdf.objects[number]


def _as_bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def read_pdf_properties(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """The Info dictionary and boardpaper's XMP properties of a PDF: (info, xmp).

    Info keys lose their leading slash ("Title", "BoardpaperVersion").
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    info = {str(key).lstrip("/"): str(value) for key, value in (reader.metadata or {}).items()}
    xmp: dict[str, str] = {}
    root: Any = reader.trailer["/Root"]
    if "/Metadata" in root:
        packet = root["/Metadata"].get_object().get_data()
        start, end = packet.find(b"<x:xmpmeta"), packet.rfind(b"</x:xmpmeta>")
        if start >= 0 and end > start:
            tree = ElementTree.fromstring(packet[start : end + len(b"</x:xmpmeta>")])
            for element in tree.iter():
                if element.tag.startswith(f"{{{XMP_NAMESPACE}}}"):
                    xmp[element.tag.split("}", 1)[1]] = element.text or ""
    return info, xmp


# --- Word ----------------------------------------------------------------------------------


def set_docx_custom_properties(document: Any, properties: dict[str, str]) -> None:
    """Set text custom properties on a python-docx ``Document`` (docProps/custom.xml).

    Properties the template's Word file already has are kept; ones with the
    same names are replaced.
    """
    from boardpaper.render.word_properties import set_custom_properties

    set_custom_properties(document, properties)


def read_docx_properties(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """The core properties and the text custom properties of a .docx: (core, custom)."""
    import docx

    from boardpaper.render.word_file import check_word_bytes
    from boardpaper.render.word_properties import read_core_properties

    check_word_bytes(data)
    core_props = read_core_properties(docx.Document(io.BytesIO(data)))
    core: dict[str, str] = {}
    for name in ("title", "subject", "author", "comments", "version", "language", "identifier"):
        value = core_props[name]
        if value:
            core[name] = str(value)
    for name in ("created", "modified"):
        value = core_props[name]
        if value is not None:
            core[name] = value.isoformat()
    custom: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "docProps/custom.xml" in archive.namelist():
            root = ElementTree.fromstring(archive.read("docProps/custom.xml"))
            for prop in root.findall(f"{{{_CUSTOM_NS}}}property"):
                custom[prop.get("name", "")] = "".join(prop.itertext())
    return core, custom


# --- Either ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileProvenance:
    """What ``read_provenance`` found in a file."""

    format: str
    provenance: Provenance | None
    metadata: dict[str, str]
    problems: tuple[str, ...] = ()


def read_provenance(data: bytes) -> FileProvenance:
    """Read the provenance of a PDF or .docx paper. Raises ValueError for other files.

    For a PDF the Info dictionary and the XMP must agree; any disagreement is
    listed in ``problems``.
    """
    if data.startswith(b"%PDF-"):
        info, xmp = read_pdf_properties(data)
        from_info = Provenance.from_properties(info)
        from_xmp = Provenance.from_properties(xmp)
        problems: list[str] = []
        if from_info != from_xmp:
            if from_info is None or from_xmp is None:
                where = "Info dictionary" if from_info is None else "XMP metadata"
                problems.append(f"no boardpaper provenance in the {where}")
            else:
                problems.append("the Info dictionary and the XMP metadata disagree")
        metadata = {
            key: value
            for key, value in info.items()
            if key in ("Title", "Subject", "Creator", "Producer", "CreationDate", "ModDate")
        }
        return FileProvenance("pdf", from_info or from_xmp, metadata, tuple(problems))
    if data.startswith(b"PK"):
        try:
            core, custom = read_docx_properties(data)
        except Exception as error:  # python-docx raises several kinds for a non-Word zip
            raise ValueError(f"not a Word document: {error}") from None
        return FileProvenance("docx", Provenance.from_properties(custom), core)
    raise ValueError("not a PDF or Word (.docx) file")
