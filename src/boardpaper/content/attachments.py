"""A report's ``attachments:``: the YAML list in, checked PDF appendices out.

An appendix that is a document of its own (a policy, a plan, a spreadsheet
printed to PDF, a Word file LibreOffice converts) is attached as a file, not
retyped: it follows the report in the meeting's document pack, counted in the
agenda's "(Pages N - M)". An appendix with ``exempt_paragraph:`` is exempt
information: the public pack gets a notice page in its place and the members'
pack marks its pages "NOT FOR PUBLICATION",
as for an exempt report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boardpaper.load.attached import (
    ATTACHABLE,
    AttachedFileError,
    AttachedPdf,
    read_attached_pdf,
)
from boardpaper.load.validators import INVALID, Context, Field, Kind, ListOf, Record, Text
from boardpaper.load.yaml_nodes import Node


@dataclass(frozen=True)
class Attachment:
    """An appendix file of a report: its title, its checked PDF, and whether it is exempt."""

    title: str
    pdf: AttachedPdf
    exempt_paragraph: int | None = None

    @property
    def exempt(self) -> bool:
        return self.exempt_paragraph is not None


class AttachmentsKind(Kind):
    """``attachments:``: a list of ``{file: x.pdf, title: ..., exempt_paragraph: 3}``."""

    expected = "a list of attached files (file: and title:)"

    def __init__(self) -> None:
        self.items = ListOf(
            Record(
                {
                    "file": Field(
                        Text(pattern=ATTACHABLE, hint="a file name ending .pdf or .docx"),
                        description="The PDF or Word (.docx) file, next to the report",
                    ),
                    "title": Field(Text(), description="e.g. Appendix A: Allocations Policy"),
                    "exempt_paragraph": Field(
                        Text(pattern=r"\d{1,2}", hint="a paragraph number"),
                        required=False,
                        description="Exempt information under this Schedule 12A paragraph",
                    ),
                }
            )
        )

    def check(self, node: Node, ctx: Context, key: str) -> Any:
        items = self.items.check(node, ctx, key)
        if items is INVALID:
            return INVALID
        if ctx.folder is None:
            return ctx.error(node, key, "files are attached only when building from a folder")
        assert isinstance(node.value, list)
        found: list[Attachment] = []
        for index, (item, item_node) in enumerate(zip(items, node.value, strict=True)):
            assert isinstance(item_node.value, dict)
            name = str(item["file"])
            folder_display = ctx.path.rsplit("/", 1)[0] if "/" in ctx.path else ""
            display = f"{folder_display}/{name}" if folder_display else name
            try:
                pdf = read_attached_pdf(ctx.folder, name, display, ctx.limits)
            except AttachedFileError as error:
                ctx.error(item_node.value["file"], f"{key}[{index}].file", str(error))
                continue
            paragraph = item.get("exempt_paragraph")
            found.append(Attachment(str(item["title"]), pdf, int(paragraph) if paragraph else None))
        return tuple(found) if len(found) == len(items) else INVALID

    def json_schema(self) -> dict[str, Any]:
        return self.items.json_schema()
