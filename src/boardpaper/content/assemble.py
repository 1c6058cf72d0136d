"""Assembly: validated report data and its template in, the numbered ``Paper`` (document model) out.

``assemble`` does all numbering and places the template's standard wording, so
renderers never decide words or numbers.
"""

from __future__ import annotations

from typing import Any

from boardpaper.content.indicator_table import indicator_blocks
from boardpaper.content.kinds import TableRef
from boardpaper.content.model import (
    Cell,
    FrontField,
    NumberedParagraph,
    Paper,
    Paragraph,
    Part,
    Run,
    Section,
    Table,
    format_date,
    lower_roman,
)
from boardpaper.content.narrative import parse_narrative
from boardpaper.template.manifest import FrontSheetSpec, SectionSpec, Template


def assemble(data: dict[str, Any], template: Template, source: str = "") -> Paper:
    """Build the numbered ``Paper`` from validated report data and its template."""
    tables = {
        name: Table(
            name=name,
            columns=tuple(str(c) for c in spec["columns"]),
            rows=tuple(tuple(Cell(str(cell)) for cell in row) for row in spec["rows"]),
            caption=str(spec["caption"]) if spec.get("caption") else None,
        )
        for name, spec in (data.get("tables") or {}).items()
    }
    parts: list[Part] = []
    for part_spec in template.parts:
        level = 3 if part_spec.heading else 2
        sections: list[Section] = []
        counter = 0
        for spec in part_spec.sections:
            value = _lookup(data, spec.field)
            if value is None and not spec.standard_wording:
                continue
            if spec.type == "headed_sections":
                for item in value or []:
                    counter += 1
                    number = str(counter) if spec.numbered else None
                    blocks = _numbered(item["paragraphs"], tables, _decimal(number))
                    sections.append(
                        Section(str(item["heading"]), number, level, blocks, spec.field)
                    )
                continue
            counter += 1 if spec.numbered else 0
            number = str(counter) if spec.numbered else None
            wording = tuple(
                block for text in spec.standard_wording for block in parse_narrative(text)[0]
            )
            items = _section_blocks(spec, value, tables, template, number)
            sections.append(Section(spec.heading or "", number, level, wording + items, spec.field))
        parts.append(Part(part_spec.heading, tuple(sections), 2))
    front = tuple(
        _front_field(spec, _lookup(data, spec.field), template, data)
        for spec in template.front_sheet
    )
    return Paper(
        template=template.name,
        title=str(_lookup(data, "title")),
        meeting=str(_lookup(data, "meeting")),
        date=_lookup(data, "date"),
        language=template.language,
        front_sheet=tuple(f for f in front if f is not None),
        parts=tuple(parts),
        fields=_plain(data),
        source=source,
    )


def _section_blocks(
    spec: SectionSpec,
    value: Any,
    tables: dict[str, Table],
    template: Template,
    number: str | None,
) -> tuple[Any, ...]:
    """The blocks of one section, by its type; all words beyond the content come from ``spec``."""
    if value is None:
        return ()
    if spec.type == "recommendations":
        return _numbered(value, tables, _numberer(template.recommendation_numbering, number))
    if spec.type == "options":
        return _options(spec, value, tables, _decimal(number))
    if spec.type == "signed_paragraphs":
        officer = value["signed_off_by"]
        signature = Paragraph(
            (
                Run(spec.labels["signed_off_by"] + " ", bold=True),
                Run(f"{officer['name']}, {officer['role']}, {format_date(officer['date'])}"),
            )
        )
        return (*_numbered(value["paragraphs"], tables, _decimal(number)), signature)
    if spec.type == "rows":
        rows = tuple(tuple(Cell(str(row[c.field])) for c in spec.columns) for row in value)
        columns = tuple(c.heading for c in spec.columns)
        return (Table(spec.field, columns, rows, spec.heading),)
    if spec.type == "indicators":
        return indicator_blocks(spec, value, template.font)
    return _numbered(value, tables, _decimal(number))


def _blocks(narrative: Any, tables: dict[str, Table]) -> tuple[Any, ...]:
    return (tables[narrative.name],) if isinstance(narrative, TableRef) else tuple(narrative)


def _options(
    spec: SectionSpec, options: list[dict[str, Any]], tables: dict[str, Table], numberer: Any
) -> tuple[NumberedParagraph, ...]:
    """One numbered paragraph per option: its title (marked if preferred), text and reasons."""
    result = []
    for count, option in enumerate(options, start=1):
        title = spec.labels["option"].replace("{number}", str(count))
        title = title.replace("{title}", str(option["title"]))
        runs = [Run(title, bold=True)]
        if option.get("preferred"):
            runs.append(Run(" " + spec.labels["preferred"], bold=True))
        blocks: list[Any] = [Paragraph(tuple(runs)), *_blocks(option["description"], tables)]
        if "reasons" in option:
            blocks.append(Paragraph((Run(spec.labels["reasons"], bold=True),)))
            blocks.extend(_blocks(option["reasons"], tables))
        result.append(NumberedParagraph(numberer(count), tuple(blocks)))
    return tuple(result)


def _numbered(
    items: list[Any], tables: dict[str, Table], numberer: Any
) -> tuple[NumberedParagraph, ...]:
    """Number narrative items in order; a placed table takes no number."""
    blocks: list[NumberedParagraph] = []
    count = 0
    for item in items:
        if isinstance(item, TableRef):
            blocks.append(NumberedParagraph(None, (tables[item.name],)))
            continue
        count += 1
        blocks.append(NumberedParagraph(numberer(count), tuple(item)))
    return tuple(blocks)


def _no_number(count: int) -> None:
    return None


def _decimal(section_number: str | None) -> Any:
    if section_number is None:
        return _no_number
    return lambda count: f"{section_number}.{count}"


def _numberer(style: str, section_number: str | None) -> Any:
    if style == "roman":
        return lambda count: f"({lower_roman(count)})"
    if style == "decimal":
        return lambda count: f"{count}."
    if style == "bracketed":
        return lambda count: f"({count})"
    return _decimal(section_number)


def _front_field(
    spec: FrontSheetSpec, value: Any, template: Template, data: dict[str, Any]
) -> FrontField | None:
    if spec.type == "signoffs":
        return _signoffs(spec, template, data)
    if value is None:
        return None
    if spec.type == "date":
        return FrontField(spec.field, spec.label, format_date(value))
    if spec.type == "wards":
        return FrontField(
            spec.field, spec.label, ", ".join(value) if isinstance(value, list) else str(value)
        )
    if spec.type == "contact":
        parts = [value["name"], value["role"], value["email"]]
        if value.get("phone"):
            parts.append(value["phone"])
        return FrontField(
            spec.field, spec.label, ", ".join(str(p) for p in parts), email=str(value["email"])
        )
    if spec.type == "yesno":
        return FrontField(spec.field, spec.label, "Yes" if value else "No")
    if spec.type == "yesno_reason":
        answer = "Yes" if value["answer"] else "No"
        return FrontField(spec.field, spec.label, f"{answer}: {value['reason']}")
    return FrontField(spec.field, spec.label, str(value))


def _signoffs(spec: FrontSheetSpec, template: Template, data: dict[str, Any]) -> FrontField | None:
    """The sign-off table: one row per signed_paragraphs section the report fills in."""
    rows = []
    for section in template.sections:
        value = _lookup(data, section.field)
        if section.type != "signed_paragraphs" or value is None:
            continue
        officer = value["signed_off_by"]
        rows.append(
            (
                Cell(section.heading or section.field),
                Cell(str(officer["name"])),
                Cell(str(officer["role"])),
                Cell(format_date(officer["date"])),
            )
        )
    if not rows:
        return None
    table = Table(spec.field, spec.columns, tuple(rows), spec.label)
    summary = "; ".join(f"{row[0].text}: {row[1].text}" for row in rows)
    return FrontField(spec.field, spec.label, summary, table=table)


def _lookup(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for name in dotted.split("."):
        if not isinstance(value, dict) or name not in value:
            return None
        value = value[name]
    return value


def _plain(value: Any) -> Any:
    """Validated data as plain values for templates (Located text becomes str)."""
    if hasattr(value, "as_plain"):  # checked indicators
        return value.as_plain()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value
