"""Make the files the sample full Council meeting attaches (run once; the outputs are committed).

    .venv/bin/python scripts/make_council_sample_files.py

Writes, as a council would receive them from elsewhere:

- content/meetings/council-minutes-2026-05-21.pdf: the minutes of the last meeting,
  attached to the minutes item (``document:``);
- content/pay-policy-statement-2026-appendix-a.pdf: the pay policy report's appendix
  (``attachments:``);
- content/meetings/signature-chief-executive.png: the signature on the summons.

The PDFs are laid out and tagged by boardpaper's own PDF stage (language, title,
headings, a table with header cells), so the pack they go into passes the
accessibility audit; a council's own exports should be tagged the same way (Word:
Save As PDF with "Document structure tags for accessibility").
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MINUTES = (
    "Minutes of the meeting of the Council",
    "2026-05-21",
    [
        ("h1", "Minutes of the meeting of the Council"),
        ("p", "Thursday 21 May 2026, 5.30 pm, Council Chamber, Town Hall, Torquay."),
        (
            "p",
            "Present: the Mayor (Elected Mayor Dave Brown), Councillors Amil, Bye, Darling, "
            "Law, Stockman and Tranter.",
        ),
        ("h2", "1. Election of the Chairman of the Council"),
        (
            "p",
            "Resolved: that Councillor Nicole Amil be elected Chairman of the Council for "
            "the municipal year 2026/27.",
        ),
        ("h2", "2. Apologies for absence"),
        ("p", "Apologies were received from Councillor Atiya-Alla."),
        ("h2", "3. Appointment of committees"),
        (
            "p",
            "Resolved: that the committees and their memberships set out in the report be "
            "appointed for 2026/27.",
        ),
        ("h2", "4. Calendar of meetings"),
        ("p", "Resolved: that the calendar of meetings for 2026/27 be approved."),
    ],
)

APPENDIX = (
    "Appendix A: Pay multiples 2025/26",
    "2026-07-16",
    [
        ("h1", "Appendix A: Pay multiples 2025/26"),
        (
            "p",
            "The ratio between the pay of the highest paid employee and the median pay of "
            "the Council's workforce, as the Localism Act 2011 and the Transparency Code ask.",
        ),
        (
            "table",
            [
                ("Measure", "2024/25", "2025/26"),
                ("Highest paid employee (Chief Executive)", "£165,000", "£169,950"),
                ("Median full-time equivalent pay", "£27,711", "£28,598"),
                ("Pay multiple", "5.95 : 1", "5.94 : 1"),
                ("Lowest pay point (full-time equivalent)", "£23,656", "£24,790"),
            ],
        ),
    ],
)


def page(title: str, day: str, blocks: list[tuple[str, object]]) -> str:
    """A plain HTML document for one attached file."""
    parts = []
    for kind, value in blocks:
        if kind == "table":
            assert isinstance(value, list)
            head, *rows = value
            cells = "".join(f'<th scope="col">{html.escape(cell)}</th>' for cell in head)
            body = "".join(
                "<tr>"
                + f'<th scope="row">{html.escape(row[0])}</th>'
                + "".join(f"<td>{html.escape(cell)}</td>" for cell in row[1:])
                + "</tr>"
                for row in rows
            )
            parts.append(f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>")
        else:
            parts.append(f"<{kind}>{html.escape(str(value))}</{kind}>")
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f'<meta name="dcterms.created" content="{day}T00:00:00Z">'
        f'<meta name="dcterms.modified" content="{day}T00:00:00Z">'
        "<style>@page { size: A4; margin: 25mm 20mm; } body { font-family: Arial, sans-serif; "
        "font-size: 11pt; } table { border-collapse: collapse; } th, td { border: 0.5pt solid "
        "#000; padding: 3pt 6pt; text-align: left; }</style>"
        f"</head><body>{''.join(parts)}</body></html>"
    )


def signature_png() -> bytes:
    """A made-up handwritten signature: a few pen strokes on a transparent background."""
    import io
    import math

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (480, 150), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [
        (30 + step * 2.1, 85 - 38 * math.sin(step / 9) * math.exp(-step / 260) + step * 0.08)
        for step in range(200)
    ]
    draw.line(points, fill=(20, 30, 90, 255), width=5, joint="curve")
    draw.line([(60, 120), (420, 104)], fill=(20, 30, 90, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def main() -> None:
    from boardpaper.render.pdf import html_to_pdf

    with tempfile.TemporaryDirectory() as folder:
        for (title, day, blocks), target in (
            (MINUTES, ROOT / "content" / "meetings" / "council-minutes-2026-05-21.pdf"),
            (APPENDIX, ROOT / "content" / "pay-policy-statement-2026-appendix-a.pdf"),
        ):
            target.write_bytes(html_to_pdf(page(title, day, blocks), Path(folder)))
    signature = ROOT / "content" / "meetings" / "signature-chief-executive.png"
    signature.write_bytes(signature_png())


if __name__ == "__main__":
    main()
