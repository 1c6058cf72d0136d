"""Template lint: a template folder in, located problems out.

Finds what a council's edits in Word or in the HTML can break: tags split across
Word runs or unbalanced, unknown variables and attributes, missing contract
styles, a missing ``{{p body}}``, images without alt text.
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from boardpaper.audit.template_access import unsafe_accesses
from boardpaper.errors import ContentError, Problem, display_path
from boardpaper.render.template_data import template_view
from boardpaper.render.word_file import word_file_problem
from boardpaper.template.library import TemplateLibrary, load_template
from boardpaper.template.manifest import Template

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


WORD_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")


TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


STATEMENT = re.compile(r"\{%-?\s*(?:(?:p|tr|tc|r)\s+)?(\w+)")


OPENERS = {"for", "if", "macro", "call", "filter", "with", "block", "raw", "autoescape"}


MIDDLES = {"else": {"if", "for"}, "elif": {"if"}}


def lint_template(folder: Path, library: TemplateLibrary | None = None) -> list[Problem]:
    """Every problem of one template folder: manifest (and those it extends), Word, HTML."""
    try:
        template = load_template(folder, library=library)
    except ContentError as error:
        return list(error.problems)
    problems: list[Problem] = []
    for lint, path in (
        (lint_word_template, template.word_template),
        (lint_html_template, template.html_template),
    ):
        try:
            problems.extend(lint(template))
        except Exception as error:  # a file too broken to lint is itself the finding
            problems.append(Problem(display_path(path), None, None, "", f"cannot be read: {error}"))
    return problems


# --- Word templates -------------------------------------------------------------------------


def lint_word_template(template: Template) -> list[Problem]:
    """Tags split across runs or unbalanced, unknown variables and missing styles."""
    path = template.word_template
    display = display_path(path)
    too_large = word_file_problem(path)
    if too_large:
        return [Problem(display, None, None, "", too_large)]
    try:
        with zipfile.ZipFile(path) as archive:
            parts = {
                name: archive.read(name)
                for name in sorted(archive.namelist())
                if WORD_PARTS.fullmatch(name)
            }
    except (OSError, zipfile.BadZipFile) as error:
        return [Problem(display, None, None, "", f"not a Word (.docx) file: {error}")]
    problems: list[Problem] = []
    for name, xml in parts.items():
        problems.extend(_lint_word_part(display, name, xml))
        problems.extend(_lint_word_images(display, name, xml))
    problems.extend(_lint_styles(path, display))
    problems.extend(_lint_fonts(template))
    if not problems:  # the Jinja checks need tags that survived
        problems.extend(_lint_word_variables(template, display))
    return problems


def _paragraphs(xml: bytes) -> Iterator[tuple[int, list[str]]]:
    """(1-based number, text of each run) for each paragraph of a Word XML part."""
    root = ElementTree.fromstring(xml)
    for number, paragraph in enumerate(root.iter(f"{W}p"), start=1):
        runs = []
        for run in paragraph.iter(f"{W}r"):
            runs.append("".join(node.text or "" for node in run.iter(f"{W}t")))
        yield number, runs


def _lint_word_part(display: str, part: str, xml: bytes) -> list[Problem]:
    problems: list[Problem] = []
    stack: list[tuple[str, str]] = []

    def report(place: str, message: str) -> None:
        problems.append(Problem(display, None, None, f"{part} {place}", message))

    for number, runs in _paragraphs(xml):
        text = "".join(runs)
        place = f"paragraph {number}"
        excerpt = f" (in {_excerpt(text)})"
        bounds = []
        offset = 0
        for run in runs:
            bounds.append((offset, offset + len(run)))
            offset += len(run)
        for match in TAG.finditer(text):
            touched = [
                i for i, (a, b) in enumerate(bounds) if a < match.end() and b > match.start()
            ]
            if len(touched) > 1:
                report(
                    place,
                    f"tag {match.group()!r} is split across {len(touched)} runs (Word formatting "
                    "or spell-check broke it up); delete it and type it again in one go" + excerpt,
                )
        leftover = TAG.sub("", text)
        for opener, closer in (("{{", "}}"), ("{%", "%}"), ("{#", "#}")):
            if opener in leftover or closer in leftover:
                report(
                    place, f"unbalanced tag: {opener!r} without {closer!r} or the reverse{excerpt}"
                )
        structural = re.findall(r"\{%-?\s*(?:p|tr|tc|r)\s", text)
        if len(structural) > 1:
            report(
                place,
                f"{len(structural)} '{{%p/tr/tc/r %}}' tags in one paragraph; docxtpl needs "
                f"each alone in its own paragraph{excerpt}",
            )
        for match in TAG.finditer(text):
            statement = STATEMENT.match(match.group())
            if not statement:
                continue
            word = statement.group(1)
            if word in OPENERS:
                stack.append((word, place))
            elif word in MIDDLES:
                if not stack or stack[-1][0] not in MIDDLES[word]:
                    report(place, f"'{{% {word} %}}' outside any {'/'.join(MIDDLES[word])} block")
            elif word.startswith("end"):
                opened = word[3:]
                if not stack:
                    report(place, f"'{{% {word} %}}' closes nothing{excerpt}")
                elif stack[-1][0] != opened:
                    began, where = stack.pop()
                    report(
                        place,
                        f"'{{% {word} %}}' found, but '{{% {began} %}}' opened at {where} "
                        f"is still open{excerpt}",
                    )
                else:
                    stack.pop()
    for word, where in stack:
        report(where, f"'{{% {word} %}}' is never closed ('{{% end{word} %}}' is missing)")
    return problems


def _lint_word_images(display: str, part: str, xml: bytes) -> list[Problem]:
    """Every image (a logo in the header, say) needs alt text, or to be marked decorative."""
    problems = []
    root = ElementTree.fromstring(xml)
    for number, properties in enumerate(root.iter(f"{WP}docPr"), start=1):
        decorative = any(child.tag.endswith("}decorative") for child in properties.iter())
        if not (properties.get("descr") or "").strip() and not decorative:
            name = properties.get("name") or f"image {number}"
            problems.append(
                Problem(
                    display,
                    None,
                    None,
                    f"{part} image {number}",
                    f"{name!r} has no alt text; in Word right-click it, Edit Alt Text, and say "
                    "what it shows (or tick 'Mark as decorative')",
                )
            )
    return problems


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _lint_fonts(template: Template) -> list[Problem]:
    """What the Word file or ``pdf_look:`` asks for that the PDF cannot honour."""
    from boardpaper.render.pdf_look import pdf_problems

    return pdf_problems(template)


def _lint_styles(path: Path, display: str) -> list[Problem]:
    import docx

    from boardpaper.render.docx import STYLE_CONTRACT

    styles = docx.Document(str(path)).styles
    names = {style.name for style in styles}
    problems = [
        Problem(
            display,
            None,
            None,
            "styles",
            f"style {name!r} is missing; the renderer needs every style of the style contract "
            "(docs/templates.md)",
        )
        for name in STYLE_CONTRACT
        if name not in names
    ]
    for name in STYLE_CONTRACT:
        if name.startswith("List Number") and name in names:
            ppr = styles[name].element.pPr
            if ppr is None or ppr.find(f"{W}numPr") is None:
                problems.append(
                    Problem(display, None, None, "styles", f"style {name!r} has no list numbering")
                )
    return problems


def _lint_word_variables(template: Template, display: str) -> list[Problem]:
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError

    from boardpaper.render.docx import WORD_VARIABLES, jinja_environment

    env = jinja_environment()
    document = DocxTemplate(str(template.word_template))
    try:
        unknown = document.get_undeclared_template_variables(env, dict.fromkeys(WORD_VARIABLES))
        source = _docxtpl_source(document)
        tree = env.parse(source)
    except TemplateSyntaxError as error:
        return [Problem(display, None, None, "", f"Jinja syntax error: {error.message}")]
    problems = [
        Problem(
            display,
            None,
            None,
            "variables",
            f"uses {name!r}, which boardpaper does not provide; available: "
            + ", ".join(WORD_VARIABLES),
        )
        for name in sorted(unknown - _assigned_names(tree))
    ]
    for name, attribute, _line in _unknown_attributes(tree, template):
        problems.append(
            Problem(display, None, None, "variables", _attribute_message(name, attribute))
        )
    for message, _line in unsafe_accesses(tree):
        problems.append(Problem(display, None, None, "variables", message))
    if "body" not in _loaded_names(tree):
        problems.append(
            Problem(
                display,
                None,
                None,
                "body",
                "the numbered body is never placed: add a paragraph holding only {{p body }}",
            )
        )
    return problems


def _docxtpl_source(document: Any) -> str:
    """The Jinja source docxtpl renders: body, headers and footers, as it patches them."""
    from docx.oxml import parse_xml

    document.init_docx()
    docx = document.docx
    source = document.patch_xml(document.xml_to_string(docx._element.body))
    for rel in docx._part.rels.values():
        if rel.reltype in (document.HEADER_URI, document.FOOTER_URI) and rel.target_part.blob:
            source += document.patch_xml(document.xml_to_string(parse_xml(rel.target_part.blob)))
    return str(source)


# --- HTML templates -------------------------------------------------------------------------


def lint_html_template(template: Template) -> list[Problem]:
    """Syntax errors and names or model attributes the HTML template uses that do not exist."""
    from jinja2 import TemplateSyntaxError, meta

    from boardpaper.render.html import HTML_VARIABLES, _environment

    display = display_path(template.html_template)
    env = _environment(template.chain)
    source = template.html_template.read_text(encoding="utf-8")
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as error:
        return [Problem(display, error.lineno, None, "", f"Jinja syntax error: {error.message}")]
    provided = set(HTML_VARIABLES) | set(env.globals) | _defined_names(env, tree)
    problems = []
    for name in sorted(meta.find_undeclared_variables(tree) - provided):
        problems.append(
            Problem(
                display,
                _first_line(tree, name),
                None,
                "variables",
                f"uses {name!r}, which boardpaper does not provide; available: "
                + ", ".join(HTML_VARIABLES),
            )
        )
    for name, attribute, line in _unknown_attributes(tree, template):
        problems.append(
            Problem(display, line, None, "variables", _attribute_message(name, attribute))
        )
    for message, line in unsafe_accesses(tree, env):
        problems.append(Problem(display, line, None, "variables", message))
    return problems


def _defined_names(env: Any, tree: Any, depth: int = 0) -> set[str]:
    """Names the template (and the files it extends or imports from) defines: what it sets,
    and its macros, which Jinja counts as undeclared where a block uses them."""
    from jinja2 import TemplateError, nodes

    names = _assigned_names(tree) | {node.name for node in tree.find_all(nodes.Macro)}
    if depth > 8:
        return names
    for node in tree.find_all((nodes.Extends, nodes.FromImport, nodes.Import)):
        if isinstance(node.template, nodes.Const):
            try:
                source = env.loader.get_source(env, node.template.value)[0]
                names |= _defined_names(env, env.parse(source), depth + 1)
            except TemplateError:
                continue  # a missing parent is the renderer's error, not a variable problem
    return names


def _assigned_names(tree: Any) -> set[str]:
    """Names the template sets itself. Jinja counts a name set inside an ``if`` within a
    loop as undeclared; it is the template's own, not one boardpaper must provide."""
    from jinja2 import nodes

    return {node.name for node in tree.find_all(nodes.Name) if node.ctx in ("store", "param")}


def _loaded_names(tree: Any) -> set[str]:
    from jinja2 import nodes

    return {node.name for node in tree.find_all(nodes.Name) if node.ctx == "load"}


def _first_line(tree: Any, name: str) -> int | None:
    from jinja2 import nodes

    lines = [node.lineno for node in tree.find_all(nodes.Name) if node.name == name]
    return min(lines) if lines else None


def _unknown_attributes(tree: Any, template: Template) -> list[tuple[str, str, int]]:
    """``paper.x``, ``template.x`` and ``fields.x`` where the model has no ``x``."""
    from jinja2 import nodes

    known = _known_attributes(template)
    found = []
    for node in tree.find_all(nodes.Getattr):
        target = node.node
        if (
            isinstance(target, nodes.Name)
            and target.name in known
            and node.attr not in known[target.name]
        ):
            found.append((target.name, node.attr, node.lineno))
    return found


def _known_attributes(template: Template) -> dict[str, set[str]]:
    from boardpaper.content.model import Paper
    from boardpaper.content.validate import report_schema

    def public(cls: type) -> set[str]:
        names = {f.name for f in dataclasses.fields(cls)}
        return names | {n for n in dir(cls) if not n.startswith("_")}

    return {
        "paper": public(Paper),
        "template": set(template_view(template)) | {n for n in dir(dict) if n[0] != "_"},
        "fields": set(report_schema(template).fields) | {n for n in dir(dict) if n[0] != "_"},
    }


def _attribute_message(name: str, attribute: str) -> str:
    return f"uses '{name}.{attribute}', but the {name} has no {attribute!r} (docs/templates.md)"
