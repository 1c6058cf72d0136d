"""A starter report for a template: the template in, YAML text that passes validation out.

Built from the template's manifest (its front-sheet fields and sections), with
placeholders for authors to replace. The service's web page offers it, and the
render workers warm up by rendering it.
"""

from __future__ import annotations

import json

from boardpaper.templates import Template


def starter_yaml(template: Template) -> str:
    """A report skeleton for ``template`` that passes validation, with hints as comments."""
    lines = [
        f"# A new report for the {template.name} template: {template.description}",
        "# Replace every placeholder; each list item is one numbered paragraph.",
        f"template: {template.name}",
    ]
    groups_open: set[str] = set()
    for spec in template.front_sheet:
        lines.extend(_starter_field(spec.field, spec.type, spec.label, groups_open))
    for section in template.sections:
        lines.extend(
            _starter_field(
                section.field,
                section.type,
                section.heading or section.description or section.field,
                groups_open,
            )
        )
    return "\n".join(lines) + "\n"


_FRONT_EXAMPLES = {
    "text": ["{label}"],
    "date": ["2030-01-31"],
    "wards": ["All"],
    "yesno": ["No"],
}


def _starter_field(dotted: str, kind: str, label: str, groups_open: set[str]) -> list[str]:
    *groups, name = dotted.split(".")
    lines: list[str] = []
    indent = ""
    for depth, group in enumerate(groups):
        path = ".".join(groups[: depth + 1])
        if path not in groups_open:
            groups_open.add(path)
            lines.append(f"{indent}{group}:")
        indent += "  "
    label_text = json.dumps(label, ensure_ascii=False)
    if kind in _FRONT_EXAMPLES:
        value = _FRONT_EXAMPLES[kind][0].format(label=label)
        value = label_text if kind == "text" else value
        lines.append(f"{indent}{name}: {value}")
    elif kind == "contact":
        lines += [
            f"{indent}{name}:",
            f"{indent}  name: Full Name",
            f"{indent}  role: {json.dumps(label, ensure_ascii=False)}",
            f"{indent}  email: name@example.org",
        ]
    elif kind == "headed_sections":
        lines += [
            f"{indent}{name}:",
            f"{indent}  - heading: Introduction",
            f"{indent}    paragraphs:",
            f"{indent}      - The first paragraph of this section.",
        ]
    else:
        lines += [f"{indent}{name}:", f"{indent}  - {json.dumps('Write the ' + label + ' here.')}"]
    return lines
