"""A starter report for a template: the template in, YAML text that passes validation out.

Built from the template's manifest (its front-sheet fields and sections), with
placeholders for authors to replace. The service's web page offers it, and the
render workers warm up by rendering it.
"""

from __future__ import annotations

import json

from boardpaper.templates import Template


def starter_yaml(template: Template) -> str:
    """A report skeleton for ``template`` that passes validation, with hints as comments.

    Where the template has headed sections, the starter also shows the narrative
    features (bold, italic, a link, a list) and a table, so authors can copy them
    and the service's workers exercise every renderer path when they warm up.
    """
    lines = [
        f"# A new report for the {template.name} template: {template.description}",
        "# Replace every placeholder; each list item is one numbered paragraph.",
        f"template: {template.name}",
    ]
    groups_open: set[str] = set()
    for spec in template.front_sheet:
        lines.extend(_starter_field(spec.field, spec.type, spec.label, groups_open))
    has_table = False
    for section in template.sections:
        label = section.heading or section.description or section.field
        lines.extend(_starter_field(section.field, section.type, label, groups_open, not has_table))
        has_table = has_table or section.type == "headed_sections"
    if has_table:
        lines += [
            "tables:",
            "  example:",
            "    caption: What the table shows",
            "    columns: [Measure, Last year, This year]",
            "    rows:",
            '      - [Example measure, "10", "12"]',
        ]
    return "\n".join(lines) + "\n"


_SIMPLE_EXAMPLES = {"date": "2030-01-31", "wards": "All", "yesno": "No"}


def _starter_field(
    dotted: str, kind: str, label: str, groups_open: set[str], with_table: bool = False
) -> list[str]:
    """YAML lines for one field (opening its parent mappings the first time)."""
    *groups, name = dotted.split(".")
    lines: list[str] = []
    indent = ""
    for depth, group in enumerate(groups):
        path = ".".join(groups[: depth + 1])
        if path not in groups_open:
            groups_open.add(path)
            lines.append(f"{indent}{group}:")
        indent += "  "
    quoted = json.dumps(label, ensure_ascii=False)
    if kind == "text":
        lines.append(f"{indent}{name}: {quoted}")
    elif kind in _SIMPLE_EXAMPLES:
        lines.append(f"{indent}{name}: {_SIMPLE_EXAMPLES[kind]}")
    elif kind == "contact":
        lines += [
            f"{indent}{name}:",
            f"{indent}  name: Full Name",
            f"{indent}  role: {quoted}",
            f"{indent}  email: name@example.org",
        ]
    elif kind == "headed_sections":
        lines += [
            f"{indent}{name}:",
            f"{indent}  - heading: Introduction",
            f"{indent}    paragraphs:",
            f"{indent}      - The first paragraph. Use **bold**, *italic* and "
            "[links](https://www.example.org).",
            f"{indent}      - |",
            f"{indent}        A paragraph with a list:",
            "",
            f"{indent}        - the first point, and",
            f"{indent}        - the second point.",
        ]
        if with_table:
            lines.append(f"{indent}      - table: example")
    else:
        lines += [f"{indent}{name}:", f"{indent}  - {json.dumps('Write the ' + label + ' here.')}"]
    return lines
