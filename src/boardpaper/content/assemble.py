"""Assembly: validated report data and its template in, the numbered ``Paper`` (document model) out.

``assemble`` does all numbering and places the template's standard wording, so
renderers never decide words or numbers.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from boardpaper.content.contacts import contact_text, contacts_text
from boardpaper.content.indicator_table import indicator_blocks
from boardpaper.content.kinds import NumberedItem, TableRef
from boardpaper.content.model import (
    Cell,
    FrontField,
    ListBlock,
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
from boardpaper.content.recommendations import preamble_and_items
from boardpaper.content.tables import StatusCell
from boardpaper.template.manifest import FOOTER_FIELD, FrontSheetSpec, SectionSpec, Template
from boardpaper.template.wording import wording_for


def assemble(data: dict[str, Any], template: Template, source: str = "") -> Paper:
    """Build the numbered ``Paper`` from validated report data and its template."""
    tables = {
        name: Table(
            name=name,
            columns=tuple(str(c) for c in spec["columns"]),
            rows=tuple(tuple(_cell(cell, template) for cell in row) for row in spec["rows"]),
            caption=str(spec["caption"]) if spec.get("caption") else None,
            align=tuple(spec.get("align", ())),
            column_groups=tuple(
                (str(group["heading"]), int(group["columns"]))
                for group in spec.get("column_groups", ())
            ),
        )
        for name, spec in (data.get("tables") or {}).items()
    }
    parts = _parts(data, template, tables)
    numbers = _paragraph_numbers(parts)
    if numbers:
        parts = [_resolve(part, numbers) for part in parts]
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
        footer=_footer(template.footer, front),
    )


def _parts(data: dict[str, Any], template: Template, tables: dict[str, Table]) -> list[Part]:
    """The numbered parts of the paper: sections, standard wording, the report's paragraphs."""
    parts: list[Part] = []
    counter = 0
    suffix = ".0" if template.heading_number_style == "1.0" else "."
    for part_spec in template.parts:
        level = 3 if part_spec.heading else 2
        sections: list[Section] = []
        if template.section_numbering == "per_part":
            counter = 0
        for spec in part_spec.sections:
            value = _lookup(data, spec.field)
            standard = wording_for(spec.standard_wording, _lookup(data, "date"))
            if value is None and not standard and not spec.when_absent:
                continue
            if spec.type == "headed_sections":
                for item in value or []:
                    counter += 1
                    number = str(counter) if spec.numbered else None
                    blocks: tuple[Any, ...] = _numbered(
                        item["paragraphs"], tables, _decimal(number)
                    )
                    if item.get("signed_off_by"):
                        blocks = (*blocks, _signature(spec, item["signed_off_by"]))
                    sections.append(
                        Section(str(item["heading"]), number, level, blocks, spec.field, suffix)
                    )
                continue
            counter += 1 if spec.numbered else 0
            number = str(counter) if spec.numbered else None
            if value is None and spec.when_absent:
                standard = (*standard, spec.when_absent)
            wording = tuple(block for text in standard for block in parse_narrative(text)[0])
            items = _section_blocks(spec, value, tables, template, number)
            blocks = wording + items
            sections.append(Section(spec.heading or "", number, level, blocks, spec.field, suffix))
        parts.append(Part(part_spec.heading, tuple(sections), 2))
    return parts


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
        preamble, items = preamble_and_items(value, spec.preambles)
        lead = parse_narrative(preamble)[0] if preamble else ()
        numberer = _numberer(template.recommendation_numbering, number)
        return (*lead, *_numbered(items, tables, numberer))
    if spec.type == "options":
        return _options(spec, value, tables, _decimal(number))
    if spec.type == "signed_paragraphs":
        signature = _signature(spec, value["signed_off_by"])
        return (*_numbered(value["paragraphs"], tables, _decimal(number)), signature)
    if spec.type == "rows":
        rows = tuple(tuple(Cell(str(row[c.field])) for c in spec.columns) for row in value)
        columns = tuple(c.heading for c in spec.columns)
        return (Table(spec.field, columns, rows, spec.heading),)
    if spec.type == "indicators":
        return indicator_blocks(spec, value, template.font)
    return _numbered(value, tables, _decimal(number))


def _signature(spec: SectionSpec, officer: dict[str, Any]) -> Paragraph:
    """ "Signed off by: name, role, phone, email, date": the details the report gives."""
    details = [str(officer[key]) for key in ("name", "role", "phone") if officer.get(key)]
    runs = [Run(spec.labels["signed_off_by"] + " ", bold=True), Run(", ".join(details))]
    if officer.get("email"):
        runs += [Run(", "), Run(str(officer["email"]), href=f"mailto:{officer['email']}")]
    if officer.get("date"):
        runs.append(Run(f", {format_date(officer['date'])}"))
    return Paragraph(tuple(_joined(runs)))


def _joined(runs: list[Run]) -> list[Run]:
    """Neighbouring plain runs as one, so a signature without links is two runs as before."""
    joined: list[Run] = []
    for run in runs:
        previous = joined[-1] if joined else None
        if previous and not previous.bold and not previous.href and not run.bold and not run.href:
            joined[-1] = Run(previous.text + run.text)
        else:
            joined.append(run)
    return joined


def _cell(value: Any, template: Template) -> Cell:
    """A table cell as typed; one holding a link ([words](https://...)) keeps it as runs;
    a status cell says the template's word for it (then its text) and has its colour."""
    if isinstance(value, StatusCell):
        choice = next(c for c in template.statuses if c.value == value.status)
        text = f"{choice.label}: {value.text}" if value.text else choice.label
        return Cell(text, status=choice.value, fill=choice.colour)
    text = str(value)
    if "](" not in text:
        return Cell(text)
    blocks = parse_narrative(text)[0]
    if len(blocks) != 1 or not isinstance(blocks[0], Paragraph):
        return Cell(text)
    runs = blocks[0].runs
    if not any(run.href for run in runs):
        return Cell(text)
    return Cell("".join(run.text for run in runs), runs=runs)


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
    """Number narrative items in order; a placed table takes no number.

    A ``NumberedItem``'s sub-paragraphs are numbered one level down (2.1.1).
    """
    blocks: list[NumberedParagraph] = []
    count = 0
    for item in items:
        if isinstance(item, TableRef):
            blocks.append(NumberedParagraph(None, (tables[item.name],)))
            continue
        count += 1
        number = numberer(count)
        if isinstance(item, NumberedItem):
            children = _numbered(list(item.children), tables, _decimal(number))
            blocks.append(NumberedParagraph(number, (*item.blocks, *children), item.id))
            continue
        blocks.append(NumberedParagraph(number, tuple(item)))
    return tuple(blocks)


def _paragraph_numbers(blocks: Any) -> dict[str, str]:
    """Paragraph id -> the number it was given, over a whole paper."""
    found: dict[str, str] = {}
    for block in blocks:
        if isinstance(block, NumberedParagraph):
            if block.id and block.number:
                found[block.id] = block.number
            found.update(_paragraph_numbers(block.blocks))
        elif isinstance(block, Part):
            found.update(_paragraph_numbers(block.sections))
        elif isinstance(block, Section):
            found.update(_paragraph_numbers(block.blocks))
    return found


def _resolve(block: Any, numbers: dict[str, str]) -> Any:
    """``block`` with every cross-reference run's text replaced by its paragraph's number."""
    if isinstance(block, Paragraph):
        if not any(run.ref for run in block.runs):
            return block
        runs = tuple(
            replace(run, text=numbers.get(run.ref, run.text)) if run.ref else run
            for run in block.runs
        )
        return replace(block, runs=runs)
    if isinstance(block, ListBlock):
        items = tuple(
            replace(item, blocks=tuple(_resolve(b, numbers) for b in item.blocks))
            for item in block.items
        )
        return replace(block, items=items)
    if isinstance(block, NumberedParagraph | Section):
        return replace(block, blocks=tuple(_resolve(b, numbers) for b in block.blocks))
    if isinstance(block, Part):
        return replace(block, sections=tuple(_resolve(s, numbers) for s in block.sections))
    return block


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
        email = str(value["email"]) if value.get("email") else None
        return FrontField(spec.field, spec.label, contact_text(value), email=email)
    if spec.type == "contacts":
        emails = tuple(str(c["email"]) for c in value if c.get("email"))
        return FrontField(spec.field, spec.label, contacts_text(value), emails=emails)
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
        if value is None:
            continue
        if section.type == "signed_paragraphs":
            signed = [(section.heading or section.field, value["signed_off_by"])]
        elif section.type == "headed_sections":
            signed = [(i["heading"], i["signed_off_by"]) for i in value if i.get("signed_off_by")]
        else:
            continue
        for heading, officer in signed:
            rows.append(
                (
                    Cell(str(heading)),
                    Cell(str(officer["name"])),
                    Cell(str(officer.get("role", ""))),
                    Cell(format_date(officer["date"]) if officer.get("date") else ""),
                )
            )
    if not rows:
        return None
    table = Table(spec.field, spec.columns, tuple(rows), spec.label)
    summary = "; ".join(f"{row[0].text}: {row[1].text}" for row in rows)
    return FrontField(spec.field, spec.label, summary, table=table)


def _footer(text: str, front: tuple[FrontField | None, ...]) -> str:
    """The template's footer text with each {field} replaced by that field as printed."""
    printed = {field.key: field.text for field in front if field is not None}
    return FOOTER_FIELD.sub(lambda match: printed.get(match.group(1), ""), text)


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
