"""How much a paper holds: a ``Paper`` and the ``Limits`` in, problems for what is over them out.

Rendering costs grow with what the model holds, not with the file's bytes: a
360 KB file of one-line items is 40,000 paragraphs, and one Markdown text of
50,000 characters can hold 16,000 list items. The PDF lays out about 150
paragraphs a second (10,000 paragraphs took 68 s and 586 MB)
and a table row costs ten times a paragraph, so both are counted over the whole
paper after validation, and a report over either limit is refused before any
rendering starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from boardpaper.content.model import Block, ListBlock, NumberedParagraph, Paper, Paragraph, Table
from boardpaper.errors import Problem
from boardpaper.load.yaml_nodes import Limits


@dataclass
class PaperSize:
    """Paragraphs (list items and front-sheet lines included) and table rows of a paper."""

    blocks: int = 0
    table_rows: int = 0

    def add(self, block: Block | None) -> None:
        if isinstance(block, Paragraph):
            self.blocks += 1
        elif isinstance(block, NumberedParagraph):
            for child in block.blocks:
                self.add(child)
        elif isinstance(block, ListBlock):
            for item in block.items:
                self.blocks += 1
                for child in item.blocks:
                    if not isinstance(child, Paragraph):
                        self.add(child)
        elif isinstance(block, Table):
            self.table_rows += len(block.rows) + 1


def measure(paper: Paper) -> PaperSize:
    """Count what ``paper`` holds, once through the model (linear)."""
    size = PaperSize()
    for line in paper.front_sheet:
        size.blocks += 1
        size.add(line.table)
    for part in paper.parts:
        for section in part.sections:
            size.blocks += 1
            for block in section.blocks:
                size.add(block)
    return size


def size_problems(paper: Paper, limits: Limits, display: str) -> list[Problem]:
    """One whole-file problem per limit ``paper`` is over (none when it fits)."""
    size = measure(paper)
    problems = []
    if size.blocks > limits.max_blocks:
        problems.append(
            Problem(
                display,
                None,
                None,
                "",
                f"the report holds {size.blocks:,} paragraphs, headings and list items; "
                f"the limit is {limits.max_blocks:,} (split it into several reports)",
            )
        )
    if size.table_rows > limits.max_total_table_rows:
        problems.append(
            Problem(
                display,
                None,
                None,
                "",
                f"the report's tables hold {size.table_rows:,} rows together; "
                f"the limit is {limits.max_total_table_rows:,} (put large data in an appendix)",
            )
        )
    return problems
