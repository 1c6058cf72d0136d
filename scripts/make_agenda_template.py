"""Make a starting agenda Word template (agenda.docx) from a template folder's paper.docx.

Like make_word_template.py, the .docx this writes is the real source from then on:
democratic services change it in Word. It keeps paper.docx's styles, page setup,
header and footer, and lays out the agenda front sheet with docxtpl tags using the
variables documented in docs/meetings.md.

    python scripts/make_agenda_template.py templates/NAME
"""

from __future__ import annotations

import argparse
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn


def make_agenda_template(folder: Path) -> None:
    doc = Document(str(folder / "paper.docx"))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    header = doc.sections[0].header.paragraphs[0]
    for run in header.runs[1:]:
        run._r.getparent().remove(run._r)
    if header.runs:
        header.runs[0].text = "{{ meeting.committee }}"
    else:
        header.add_run("{{ meeting.committee }}")

    doc.add_paragraph("{{ meeting.committee }}", style="Heading 1")
    doc.add_paragraph("{{ title }}", style="Heading 1")
    for label, value in (
        ("Date", "{{ meeting.date.strftime('%A') }} {{ meeting.date_text }}"),
        ("Time", "{{ meeting.time }}"),
        ("Venue", "{{ meeting.venue }}"),
        ("Published", "{{ published_text }}"),
    ):
        paragraph = doc.add_paragraph(style="Front Sheet Field")
        paragraph.add_run(f"{label}:").bold = True
        paragraph.add_run(f" {value}")
    doc.add_paragraph("Membership", style="Heading 2")
    doc.add_paragraph(
        "Councillor {{ meeting.membership.chair }} (Chair)"
        "{% if meeting.membership.vice_chair %}, Councillor {{ meeting.membership.vice_chair }}"
        " (Vice-Chair){% endif %}"
        "{% for member in meeting.membership.members %}, Councillor {{ member }}{% endfor %}"
    )
    doc.add_paragraph(
        "For information about this meeting, or to ask for this agenda in another format or "
        "language, please contact {{ meeting.clerk.name }}"
        "{% if meeting.clerk.role %}, {{ meeting.clerk.role }}{% endif %}, "
        "{{ meeting.clerk.email }}"
        "{% if meeting.clerk.phone %}, telephone {{ meeting.clerk.phone }}{% endif %}."
        "{% if meeting.contact %} {{ meeting.contact }}{% endif %}"
    )
    doc.add_paragraph("{% if supplement %}Late items{% else %}Items{% endif %}", style="Heading 2")
    doc.add_paragraph("{%p for entry in entries %}")
    doc.add_paragraph(
        "{{ entry.number }}.\t{{ entry.heading }}{% if entry.pages_text %} "
        "{{ entry.pages_text }}{% endif %}",
        style="Heading 3",
    )
    doc.add_paragraph("{{ entry.text }}", style="Continuation")
    doc.add_paragraph("{%p if entry.presenter %}")
    doc.add_paragraph("Presented by: {{ entry.presenter }}", style="Continuation")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p for note in entry.notes %}")
    note = doc.add_paragraph(style="Continuation")
    note.add_run("{{ note }}").bold = True
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    doc.core_properties.title = "boardpaper agenda template"
    doc.save(str(folder / "agenda.docx"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    make_agenda_template(parser.parse_args().folder)


if __name__ == "__main__":
    main()
