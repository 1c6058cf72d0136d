"""A template in, the look of its PDF out: the Word file's, under the manifest's ``pdf_look:``.

``template_look`` and ``template_running`` are what the PDF renderer reads;
``override_problems`` lists, located in ``template.yaml``, fonts the manifest
asks for that this machine cannot draw (``boardpaper check`` reports them, as
it reports the Word file's own).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from boardpaper.errors import Problem, display_path
from boardpaper.render.word_look import TextLook, WordLook, font_problems, word_look
from boardpaper.render.word_running import Box, Running, read_running, unsupported_pictures
from boardpaper.template.manifest import Template
from boardpaper.template.pdf_look import millimetres, points

_STYLE_KEYS = {
    "font": "font",
    "size": "size_pt",
    "colour": "colour",
    "bold": "bold",
    "italic": "italic",
    "space_before": "space_before_pt",
    "space_after": "space_after_pt",
    "line_spacing": "line",
}


def overrides(template: Template) -> dict[str, Any]:
    """The manifest's ``pdf_look:`` block (merged along the chain); {} when there is none."""
    found = template.raw.get("pdf_look") if isinstance(template.raw, dict) else None
    return found if isinstance(found, dict) else {}


def _text_look(base: TextLook, given: dict[str, Any]) -> TextLook:
    changes: dict[str, Any] = {}
    for key, value in given.items():
        name = _STYLE_KEYS[key]
        if key in ("size", "space_before", "space_after"):
            changes[name] = points(str(value))[0]
        elif key == "line_spacing":
            changes[name] = float(str(value))
        elif key == "colour":
            changes[name] = str(value).lower()
        elif key == "font":
            changes[name] = str(value)
        else:
            changes[name] = bool(value)
    return replace(base, **changes)


def apply_overrides(look: WordLook, given: dict[str, Any]) -> WordLook:
    """``look`` with each value ``given`` (a ``pdf_look:`` block) in place of the Word file's."""
    changes: dict[str, Any] = {}
    if "page_size" in given:
        width, height = millimetres(str(given["page_size"]))
        changes["page_mm"] = (width, height)
    if "margins" in given:
        top, right, bottom, left = millimetres(str(given["margins"]))
        changes["margins_mm"] = (top, right, bottom, left)
    if "link_colour" in given:
        changes["link_colour"] = str(given["link_colour"]).lower()
    if "number_indent" in given:
        changes["number_indent_pt"] = points(str(given["number_indent"]))[0]
    if "table_border" in given:
        border = str(given["table_border"])
        changes["table_border"] = "none" if border == "none" else border.lower()
    if "table_header_fill" in given:
        changes["table_header_fill"] = str(given["table_header_fill"]).lower()
    if "table_cell_padding" in given:
        top, right, bottom, left = points(str(given["table_cell_padding"]))
        changes["table_cell_padding_pt"] = (top, right, bottom, left)
    styles = dict(look.styles)
    for name, style in (given.get("styles") or {}).items():
        styles[name] = _text_look(styles.get(name, TextLook()), style)
    return replace(look, styles=styles, **changes)


def template_look(template: Template) -> WordLook:
    """The look of the template's PDF: its Word file's, with ``pdf_look:`` applied."""
    return apply_overrides(word_look(template.word_template), overrides(template))


def template_running(template: Template) -> Running:
    """The template's running header and footer, with ``pdf_look:`` distances and styles."""
    running = read_running(template.word_template)
    given = overrides(template)
    changes: dict[str, Any] = {}
    if "header_from_top" in given:
        changes["header_mm"] = millimetres(str(given["header_from_top"]))[0]
    if "footer_from_bottom" in given:
        changes["footer_mm"] = millimetres(str(given["footer_from_bottom"]))[0]
    styles = given.get("styles") or {}
    if "Header" in styles or "Footer" in styles:

        def restyle(boxes: tuple[Box, ...]) -> tuple[Box, ...]:
            return tuple(
                replace(box, look=_text_look(box.look, styles[name]))
                if (name := "Header" if box.region == "top" else "Footer") in styles
                else box
                for box in boxes
            )

        changes["other"] = restyle(running.other)
        if running.first is not None:
            changes["first"] = restyle(running.first)
    return replace(running, **changes) if changes else running


def override_problems(template: Template) -> list[Problem]:
    """Fonts ``pdf_look:`` asks for that the PDF cannot draw, located in the manifest."""
    styles = overrides(template).get("styles") or {}
    problems = []
    look = WordLook(
        page_mm=(0, 0),
        margins_mm=(0, 0, 0, 0),
        styles={
            name: TextLook(font=str(style["font"]))
            for name, style in styles.items()
            if "font" in style
        },
    )
    for name, message in font_problems(look):
        font = styles[name]["font"]
        where = _defined_in(template, font)
        problems.append(
            Problem(
                display_path(where.folder / "template.yaml"),
                getattr(font, "line", None),
                getattr(font, "column", None),
                f"pdf_look.styles.{name}.font",
                message.replace("choose an installed font in Word", "choose an installed font"),
            )
        )
    return problems


def _defined_in(template: Template, value: Any) -> Template:
    """The template of the chain whose own manifest holds ``value`` (the same object)."""
    found = template
    parent = template.parent
    while parent is not None:
        styles = (overrides(parent).get("styles") or {}).values()
        if not any(style.get("font") is value for style in styles):
            break
        found, parent = parent, parent.parent
    return found


def pdf_problems(template: Template) -> list[Problem]:
    """What the template's Word file (or ``pdf_look:``) asks for that the PDF cannot honour.

    Fonts of the look's styles (unless ``pdf_look:`` gives the style another font) and
    of the header's and footer's own runs that are not installed; header and footer
    pictures of a type the PDF cannot draw; fonts ``pdf_look:`` names that are not
    installed (located in template.yaml).
    """
    path = template.word_template
    display = display_path(path)
    replaced = {
        name for name, style in (overrides(template).get("styles") or {}).items() if "font" in style
    }
    look = word_look(path)
    problems = [
        Problem(display, None, None, f"style {style!r}", message)
        for style, message in font_problems(look)
        if style not in replaced
    ]
    running = read_running(path)
    reported = {look.styles[name].font for name in look.styles}
    boxes: dict[str, Box] = {}
    for box in (*running.other, *(running.first or ())):
        if box.look.font and box.look.font not in reported:
            boxes.setdefault(box.look.font, box)
    header_fonts = WordLook(
        page_mm=(0, 0),
        margins_mm=(0, 0, 0, 0),
        styles={f"{box.region}-{box.place}": box.look for box in boxes.values()},
    )
    for place, message in font_problems(header_fonts):
        where = "header" if place.startswith("top") else "footer"
        problems.append(Problem(display, None, None, f"{where} text", message))
    for part, name, kind in unsupported_pictures(path):
        problems.append(
            Problem(
                display,
                None,
                None,
                f"{part} picture {name!r}",
                f"is {kind}, which the PDF cannot draw; insert it as PNG or JPEG",
            )
        )
    return problems + override_problems(template)
