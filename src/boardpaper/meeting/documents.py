"""Documents that follow an agenda item in a pack: a meeting's items in, checked PDFs out.

A report's appendices (its ``attachments:``) follow the report; an item of the
meeting file may name a ``document:`` of its own (the minutes of the last
meeting). Each is checked here, located at the line that names it: the file
(``load.attached``), and an exempt appendix's Schedule 12A paragraph against the
meeting's nation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from boardpaper.load.attached import AttachedFileError, AttachedPdf, read_attached_pdf
from boardpaper.load.yaml_nodes import Limits, Node
from boardpaper.meeting.deadlines import Nation
from boardpaper.pipeline import LoadedReport


@dataclass(frozen=True)
class ItemDocument:
    """A PDF that follows an agenda item in the pack, titled as the agenda and bookmarks say."""

    title: str
    pdf: AttachedPdf
    exempt_paragraph: int | None = None

    @property
    def exempt(self) -> bool:
        return self.exempt_paragraph is not None


def item_documents(
    raw_items: list[dict[str, Any]],
    item_nodes: list[Node],
    reports: dict[int, LoadedReport],
    folder: Path,
    display: str,
    nation: Nation,
    limits: Limits,
    error: Callable[[Node, str, str], None],
) -> dict[int, tuple[ItemDocument, ...]]:
    """Each item's documents, by the item's index in the meeting file."""
    found: dict[int, tuple[ItemDocument, ...]] = {}
    low, high = nation.exempt_paragraphs[0], nation.exempt_paragraphs[-1]
    for index, (raw, node) in enumerate(zip(raw_items, item_nodes, strict=True)):
        if index in reports:
            documents = []
            for attachment in reports[index].attachments:
                paragraph = attachment.exempt_paragraph
                if paragraph is not None and paragraph not in nation.exempt_paragraphs:
                    error(
                        node,
                        f"items[{index}].report",
                        f"{attachment.pdf.display}: {nation.exempt_schedule} paragraph "
                        f"{paragraph} does not apply in {nation.label}: use {low}-{high}",
                    )
                documents.append(ItemDocument(attachment.title, attachment.pdf, paragraph))
            found[index] = tuple(documents)
        elif "document" in raw:
            assert isinstance(node.value, dict)
            name = str(raw["document"])
            folder_display = display.rsplit("/", 1)[0] if "/" in display else ""
            shown = f"{folder_display}/{name}" if folder_display else name
            try:
                pdf = read_attached_pdf(folder, name, shown, limits)
            except AttachedFileError as failure:
                error(node.value["document"], f"items[{index}].document", str(failure))
                continue
            found[index] = (ItemDocument(str(raw.get("document_title") or ""), pdf),)
    return found
