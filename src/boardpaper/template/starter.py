"""Starter reports: a template in, the text of a commented report YAML out.

``starter_yaml`` writes every field and section of a template's manifest in
order, with a placeholder that already validates and a comment saying what
belongs there, so an author fills in blanks instead of learning the format.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from boardpaper.template.manifest import FrontSheetSpec, SectionSpec, Template

INDENT = "  "
EXAMPLE_EMAIL = "name@council.gov.uk"
"""The starter's example address: a placeholder like its quoted texts."""


def starter_yaml(template: Template, today: dt.date | None = None) -> str:
    """The starter report for ``template``; ``today`` fills date placeholders."""
    day = (today or dt.date.today()).isoformat()
    tree: dict[str, Any] = {}
    for spec in template.front_sheet:
        if spec.type != "signoffs":
            _place(tree, spec.field, spec)
    for section in template.sections:
        _place(tree, section.field, section)
    lines = [
        f"# A new report for the {template.name!r} template.",
        f"# {template.description}",
        "# Replace every placeholder; keep the keys. Each '- ' item under a section is",
        "# one numbered paragraph. Check with: boardpaper validate THIS_FILE",
        f"template: {template.name}",
    ]
    for spec in template.front_sheet:
        if spec.type == "signoffs":
            lines.append(f"# {spec.label}: made for you from each implication's 'signed_off_by'.")
    _emit(tree, 0, lines, day)
    return "\n".join(lines) + "\n"


def _place(tree: dict[str, Any], dotted: str, spec: Any) -> None:
    head, _, rest = dotted.partition(".")
    if not rest:
        tree[head] = spec
        return
    _place(tree.setdefault(head, {}), rest, spec)


def _emit(tree: dict[str, Any], depth: int, lines: list[str], day: str) -> None:
    pad = INDENT * depth
    for name, value in tree.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{name}:")
            _emit(value, depth + 1, lines, day)
            continue
        lines.append("")
        lines.extend(f"{pad}# {text}" for text in _comments(value))
        body = _front(value, day) if isinstance(value, FrontSheetSpec) else _section(value, day)
        if isinstance(body, str):
            lines.append(f"{pad}{name}: {body}")
        else:
            lines.append(f"{pad}{name}:")
            lines.extend(f"{pad}{INDENT}{line}" for line in body)


def _comments(spec: FrontSheetSpec | SectionSpec) -> list[str]:
    title = spec.label if isinstance(spec, FrontSheetSpec) else spec.heading or spec.field
    text = f"{title}: {spec.description}" if spec.description else title
    need = "required" if spec.required else "optional: delete it if you do not need it"
    return [f"{text} ({need})"]


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _front(spec: FrontSheetSpec, day: str) -> str | list[str]:
    if spec.type == "date":
        return day
    if spec.type == "wards":
        return "All"
    if spec.type == "yesno":
        return "no"
    if spec.type == "yesno_reason":
        return ["answer: no", f"reason: {_quote('Why it is or is not')}"]
    if spec.type == "contact":
        return [
            f"name: {_quote('Full name')}",
            f"role: {_quote('Role or portfolio')}",
            f"email: {EXAMPLE_EMAIL}",
        ]
    return _quote(f"{spec.label} goes here")


def _paragraph(what: str) -> str:
    return f"- {_quote(what)}"


def _section(spec: SectionSpec, day: str) -> list[str]:
    heading = spec.heading or spec.field
    if spec.type == "recommendations":
        return [_paragraph("The first recommendation."), _paragraph("The second, if any.")]
    if spec.type == "headed_sections":
        return [
            f"- heading: {_quote('A heading of your own')}",
            "  paragraphs:",
            f"    {_paragraph('The first paragraph of this section.')}",
        ]
    if spec.type == "options":
        return [
            f"- title: {_quote('The option you recommend')}",
            "  preferred: yes",
            f"  description: {_quote('What this option means.')}",
            f"  reasons: {_quote('Why it is preferred.')}",
            f"- title: {_quote('Another option')}",
            f"  description: {_quote('What this option means.')}",
            f"  reasons: {_quote('Why it was rejected.')}",
        ]
    if spec.type == "signed_paragraphs":
        return [
            "paragraphs:",
            f"  {_paragraph(f'What the {heading.lower()} are, or N/A and why.')}",
            "signed_off_by:",
            f"  name: {_quote('The officer who signed this off')}",
            f"  role: {_quote('Their role')}",
            f"  date: {day}",
        ]
    if spec.type == "rows":
        first, *rest = spec.columns
        lines = [f"- {first.field}: {_quote(first.heading)}"]
        lines.extend(f"  {column.field}: {_quote(column.heading)}" for column in rest)
        return lines
    if spec.type == "indicators":
        return [
            f"period: {_quote('This period, e.g. Q2 2025/26')}",
            f"previous_periods: [{_quote('The same period last year')}]",
            "measures:   # or data: {file: kpis.xlsx}, a spreadsheet next to this report",
            f"  - name: {_quote('The indicator')}",
            "    polarity: higher   # higher or lower: which way is better",
            "    previous: [40%]    # one figure per previous period",
            "    value: 44%",
            "    target: 43%        # status and direction are computed from the figures"
            if spec.amber_within is not None
            else "    target: 43%",
            *(
                ()
                if spec.amber_within is not None
                else (
                    f"    status: {spec.statuses[0].value}   # "
                    + ", ".join(choice.value for choice in spec.statuses),
                    f"    direction: {spec.directions[0].value}   # "
                    + ", ".join(choice.value for choice in spec.directions),
                )
            ),
            "    provisional: no",
        ]
    return [_paragraph(f"The first paragraph of {heading}.")]
