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
    lines = [f"{text} ({need})"]
    if isinstance(spec, SectionSpec):
        lines.extend(_wording_comments(spec))
    return lines


def _wording_comments(spec: SectionSpec) -> list[str]:
    """What the template prints in a section besides the report's words (docs for authors)."""
    lines: list[str] = []
    for wording in spec.standard_wording:
        dates = ""
        if wording.start or wording.end:
            start = wording.start.isoformat() if wording.start else "any date"
            end = wording.end.isoformat() if wording.end else "any date"
            dates = f" (for meetings from {start} to {end})"
        lines.append(f"The template prints first{dates}:")
        lines.extend(f"  {text}" for text in wording.paragraphs)
    if spec.preambles:
        lines.append(f"Printed before the recommendations: {spec.preambles[0]}")
        if len(spec.preambles) > 1:
            lines.append("To use another, write 'preamble:' and 'items:' (see docs), one of:")
            lines.extend(f"  {preamble}" for preamble in spec.preambles[1:])
    if spec.when_absent:
        lines.append(f"Left out, the section says: {spec.when_absent}")
    return lines


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
        return _contact(spec)
    if spec.type == "contacts":
        first, *rest = _contact(spec)
        return [f"- {first}", *(f"  {line}" for line in rest)]
    return _quote(f"{spec.label} goes here")


def _contact(spec: FrontSheetSpec) -> list[str]:
    """A contact's lines: the details the template requires, the others as comments."""
    examples = {
        "name": _quote("Full name"),
        "role": _quote("Role or portfolio"),
        "email": EXAMPLE_EMAIL,
        "phone": _quote("01234 567890"),
    }
    return [
        f"{key}: {value}" if key in spec.requires or key == "name" else f"# {key}: {value}"
        for key, value in examples.items()
    ]


def _officer(spec: SectionSpec, day: str) -> list[str]:
    """Who signed a section off: the details the template requires, the others as comments."""
    examples = {
        "name": _quote("The officer who signed this off"),
        "role": _quote("Their role"),
        "date": day,
        "phone": _quote("01234 567890"),
        "email": EXAMPLE_EMAIL,
    }
    return [
        f"{key}: {value}" if key in spec.requires or key == "name" else f"# {key}: {value}"
        for key, value in examples.items()
    ]


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
            *(f"  {line}" for line in _officer(spec, day)),
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


def fields_table(template: Template) -> str:
    """Every field and section of ``template`` as a Markdown table (key, printed as, required).

    docs/templates.md holds one per built-in template; a test keeps them in step.
    """
    lines = [
        f"#### `{template.name}`",
        "",
        "| key | printed as | type | required |",
        "| --- | --- | --- | --- |",
    ]
    for spec in template.front_sheet:
        if spec.type == "signoffs":
            need = "made from the sign-offs"
        else:
            need = "yes" if spec.required else "no"
        lines.append(f"| `{spec.field}` | {spec.label} | {spec.type} | {need} |")
    for section in template.sections:
        printed = section.heading or "(a heading per item)"
        if section.when_absent:
            need = f"no (left out: {section.when_absent})"
        else:
            need = "yes" if section.required else "no"
        lines.append(f"| `{section.field}` | {printed} | {section.type} | {need} |")
    wording = _wording_list(template)
    if wording:
        lines += ["", "Words the template prints:", "", *wording]
    return "\n".join(lines) + "\n"


def _wording_list(template: Template) -> list[str]:
    """Each section's standard wording, preambles and when_absent text, as a Markdown list."""
    lines: list[str] = []
    for section in template.sections:
        comments = _wording_comments(section)
        if comments:
            lines.append(f"- `{section.field}`:")
            lines.extend(
                f"    - {c.strip()}" if c.startswith("  ") else f"  - {c}" for c in comments
            )
    return lines
