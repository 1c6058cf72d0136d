"""Template folders: find them, read and check their manifests.

A template is a folder holding ``template.yaml`` (the manifest: fields,
sections, headings, numbering style, standard wording), a Word template and an
HTML template with its CSS. Everything a council changes lives there, never in
Python. A name or path in; a ``Template`` (or located problems) out.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from boardpaper.content.validators import (
    INVALID,
    Choice,
    Context,
    Field,
    ListOf,
    Record,
    Text,
    YesNo,
)
from boardpaper.errors import ContentError, Problem, TemplateError, display_path
from boardpaper.load.yaml_nodes import Limits, load_yaml

TEMPLATE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
FRONT_SHEET_TYPES = ["text", "date", "wards", "contact", "yesno", "yesno_reason", "signoffs"]
SECTION_TYPES = [
    "paragraphs",
    "recommendations",
    "headed_sections",
    "options",
    "signed_paragraphs",
    "rows",
    "indicators",
]
LABELS = [
    "option",
    "preferred",
    "reasons",
    "signed_off_by",
    "provisional",
    "provisional_note",
]
"""Words a template may set for its sections (``labels:``); see docs/templates.md."""
REQUIRED_LABELS = {
    "options": ("option", "preferred", "reasons"),
    "signed_paragraphs": ("signed_off_by",),
    "indicators": ("provisional", "provisional_note"),
}
INDICATOR_COLUMNS = ["indicator", "previous", "value", "target", "status", "direction"]
COLOUR = r"#[0-9a-fA-F]{6}"
NUMBERING_STYLES = ["roman", "decimal", "bracketed", "section"]
DEFAULT_LANGUAGE = "en-GB"
"""Document language (PDF /Lang, Word w:lang) when a template names none."""


def builtin_templates_dir() -> Path:
    """The templates shipped with boardpaper (the repository's ``templates/``)."""
    packaged = Path(__file__).parents[1] / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"


def _manifest_schema() -> Record:
    front_field = Record(
        {
            "field": Field(
                Text(pattern=r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*", hint="a field name")
            ),
            "label": Field(Text()),
            "type": Field(Choice(FRONT_SHEET_TYPES), required=False),
            "required": Field(YesNo(), required=False),
            "description": Field(Text(), required=False),
            "columns": Field(ListOf(Text()), required=False),
        }
    )
    column = Record({"field": Field(Text(pattern=r"[a-z_][a-z0-9_]*")), "heading": Field(Text())})
    choice = Record(
        {
            "value": Field(Text(pattern=r"[a-z_][a-z0-9_]*", hint="a lower-case word")),
            "label": Field(Text()),
            "colour": Field(Text(pattern=COLOUR, hint="a colour like #f4cccc"), required=False),
        }
    )
    labels = Record({name: Field(Text(), required=False) for name in LABELS})
    section = Record(
        {
            "field": Field(
                Text(pattern=r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*", hint="a field name")
            ),
            "heading": Field(Text(), required=False),
            "type": Field(Choice(SECTION_TYPES), required=False),
            "required": Field(YesNo(), required=False),
            "numbered": Field(YesNo(), required=False),
            "standard_wording": Field(ListOf(Text()), required=False),
            "description": Field(Text(), required=False),
            "columns": Field(ListOf(column), required=False),
            "statuses": Field(ListOf(choice), required=False),
            "directions": Field(ListOf(choice), required=False),
            "labels": Field(labels, required=False),
        }
    )
    part = Record(
        {
            "heading": Field(Text(), required=False),
            "sections": Field(ListOf(section)),
        }
    )
    return Record(
        {
            "name": Field(Text(pattern=TEMPLATE_NAME.pattern, hint="a lower-case name")),
            "description": Field(Text()),
            "language": Field(
                Text(pattern=r"[a-z]{2,3}(-[A-Z]{2})?", hint="a language tag like en-GB"),
                required=False,
            ),
            "font": Field(Text(), required=False),
            "recommendation_numbering": Field(Choice(NUMBERING_STYLES)),
            "word_template": Field(Text()),
            "html_template": Field(Text()),
            "front_sheet": Field(ListOf(front_field)),
            "parts": Field(ListOf(part)),
            "logo": Field(
                Record(
                    {
                        "file": Field(Text(), description="An image file in the template folder"),
                        "alt": Field(Text(), description="What the logo says, for screen readers"),
                    }
                ),
                required=False,
            ),
            "agenda": Field(agenda_manifest_schema(), required=False),
        }
    )


AGENDA_FILES = ("html_template", "notice_template", "stamp_template", "word_template", "stylesheet")
PROCEDURAL_ITEMS = ["apologies", "declarations_of_interest", "minutes", "public_questions"]


def agenda_manifest_schema() -> Record:
    """The optional ``agenda:`` block: the files and wording of agendas and packs."""
    wording = Record(
        {
            "heading": Field(Text()),
            "text": Field(Text(), required=False),
        }
    )
    return Record(
        {
            "html_template": Field(Text(), description="Agenda front sheet (Jinja HTML)"),
            "notice_template": Field(Text(), description="Page replacing an exempt report"),
            "stamp_template": Field(Text(), description="Page-number layer of a pack"),
            "word_template": Field(Text(), description="Agenda front sheet (Word, docxtpl)"),
            "stylesheet": Field(Text(), description="CSS added to every document in a pack"),
            "procedural_items": Field(
                Record({name: Field(wording, required=False) for name in PROCEDURAL_ITEMS}),
                required=False,
            ),
        },
        description="How this template lays out agendas and document packs",
    )


@dataclass(frozen=True)
class FrontSheetSpec:
    field: str
    label: str
    type: str = "text"
    required: bool = True
    description: str = ""
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChoiceSpec:
    """One allowed value of a status or direction, with the words (and colour) it shows as."""

    value: str
    label: str
    colour: str | None = None


@dataclass(frozen=True)
class Column:
    """A table column of a ``rows`` or ``indicators`` section: the key and its heading."""

    field: str
    heading: str


@dataclass(frozen=True)
class SectionSpec:
    field: str
    heading: str | None
    type: str = "paragraphs"
    required: bool = True
    numbered: bool = True
    standard_wording: tuple[str, ...] = ()
    description: str = ""
    columns: tuple[Column, ...] = ()
    statuses: tuple[ChoiceSpec, ...] = ()
    directions: tuple[ChoiceSpec, ...] = ()
    labels: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class PartSpec:
    heading: str | None
    sections: tuple[SectionSpec, ...]


@dataclass(frozen=True)
class Logo:
    """The logo of the PDF paper: a file in the template folder and its alt text."""

    file: str
    alt: str


@dataclass(frozen=True)
class Template:
    """A loaded template folder."""

    name: str
    folder: Path
    description: str
    language: str
    font: str
    recommendation_numbering: str
    word_template: Path
    html_template: Path
    front_sheet: tuple[FrontSheetSpec, ...]
    parts: tuple[PartSpec, ...]
    raw: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    logo: Logo | None = None

    @property
    def sections(self) -> tuple[SectionSpec, ...]:
        return tuple(section for part in self.parts for section in part.sections)

    @cached_property
    def files_hash(self) -> str:
        """sha256 over the folder's files (``template_files``): names and bytes, in a fixed order.

        Text files count with LF line endings, so a checkout with CRLF endings
        (git on Windows) hashes, and so renders, the same.
        """
        digest = hashlib.sha256()
        for path in template_files(self.folder):
            digest.update(path.relative_to(self.folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(_normalised_text(path.read_bytes())).digest())
        return digest.hexdigest()


def template_files(folder: Path) -> list[Path]:
    """The files that make up a template folder, sorted: all but hidden ones (.git, .DS_Store)."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def _normalised_text(data: bytes) -> bytes:
    """Text (no NUL in the first 8000 bytes, as git decides) with CRLF/CR made LF; else as is."""
    if b"\0" in data[:8000]:
        return data
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def load_template(folder: Path, limits: Limits = Limits()) -> Template:
    """Read ``folder/template.yaml`` and check it. Raises TemplateError with every problem."""
    manifest = folder / "template.yaml"
    display = display_path(manifest)
    try:
        node = load_yaml(manifest, display, limits)
    except ContentError as error:
        raise TemplateError(error.problems) from None
    ctx = Context(display, limits)
    data = _manifest_schema().check(node, ctx, "")
    problems = list(ctx.problems)
    if data is not INVALID:
        if data["name"] != folder.name:
            problems.append(
                Problem(
                    display,
                    node.line,
                    node.column,
                    "name",
                    f"must match the folder name {folder.name!r}, found {data['name']!r}",
                )
            )
        for key in ("word_template", "html_template"):
            target = _inside(folder, data[key])
            if target is None or not target.is_file():
                line, column = node.key_places[key]
                problems.append(
                    Problem(
                        display,
                        line,
                        column,
                        key,
                        f"file {data[key]!r} not found in the template folder",
                    )
                )
        agenda = data.get("agenda") or {}
        for key in AGENDA_FILES:
            if key in agenda and (
                _inside(folder, agenda[key]) is None
                or not (folder / agenda[key]).resolve().is_file()
            ):
                line, column = node.value["agenda"].key_places[key]  # type: ignore[index, union-attr]
                problems.append(
                    Problem(
                        display,
                        line,
                        column,
                        f"agenda.{key}",
                        f"file {agenda[key]!r} not found in the template folder",
                    )
                )
        logo = data.get("logo")
        if logo is not None:
            target = _inside(folder, logo["file"])
            if target is None or not target.is_file():
                problems.append(
                    Problem(
                        display,
                        logo["file"].line,
                        logo["file"].column,
                        "logo.file",
                        f"file {logo['file']!r} not found in the template folder",
                    )
                )
        fields = [item["field"] for item in data["front_sheet"]]
        fields += [s["field"] for part in data["parts"] for s in part["sections"]]
        for required in ("title", "date", "meeting"):
            if required not in fields:
                problems.append(
                    Problem(
                        display,
                        node.line,
                        node.column,
                        "front_sheet",
                        f"every template needs a {required!r} field",
                    )
                )
        problems.extend(_check_section_options(data, node, display))
        seen: set[str] = set()
        for name in fields:
            if name in seen:
                problems.append(
                    Problem(display, node.line, node.column, "", f"field {name!r} is used twice")
                )
            seen.add(name)
    if problems:
        raise TemplateError(problems)
    return Template(
        name=data["name"],
        folder=folder,
        description=data["description"],
        language=data.get("language", DEFAULT_LANGUAGE),
        font=data.get("font", "Arial"),
        recommendation_numbering=data["recommendation_numbering"],
        word_template=folder / data["word_template"],
        html_template=folder / data["html_template"],
        front_sheet=tuple(
            FrontSheetSpec(
                field=item["field"],
                label=item["label"],
                type=item.get("type", "text"),
                required=item.get("required", True),
                description=item.get("description", ""),
                columns=tuple(item.get("columns", ())),
            )
            for item in data["front_sheet"]
        ),
        parts=tuple(
            PartSpec(
                heading=part.get("heading"),
                sections=tuple(
                    SectionSpec(
                        field=s["field"],
                        heading=s.get("heading"),
                        type=s.get("type", "paragraphs"),
                        required=s.get("required", True),
                        numbered=s.get("numbered", True),
                        standard_wording=tuple(s.get("standard_wording", ())),
                        description=s.get("description", ""),
                        columns=tuple(
                            Column(c["field"], c["heading"]) for c in s.get("columns", ())
                        ),
                        statuses=tuple(ChoiceSpec(**c) for c in s.get("statuses", ())),
                        directions=tuple(ChoiceSpec(**c) for c in s.get("directions", ())),
                        labels=dict(s.get("labels", {})),
                    )
                    for s in part["sections"]
                ),
            )
            for part in data["parts"]
        ),
        raw=data,
        logo=Logo(str(data["logo"]["file"]), str(data["logo"]["alt"])) if "logo" in data else None,
    )


def _check_section_options(data: dict[str, Any], node: Any, display: str) -> list[Problem]:
    """Each section and front-sheet type has the manifest keys it needs (columns, labels...)."""
    problems: list[Problem] = []

    def need(item: Any, key: str, message: str) -> None:
        line, column = getattr(item, "line", node.line), getattr(item, "column", node.column)
        problems.append(Problem(display, line, column, key, message))

    signed = [
        section
        for part in data["parts"]
        for section in part["sections"]
        if section.get("type") == "signed_paragraphs"
    ]
    for index, item in enumerate(data["front_sheet"]):
        key = f"front_sheet[{index}]"
        if item.get("type") == "signoffs" and len(item.get("columns", ())) != 4:
            need(item["field"], f"{key}.columns", _SIGNOFF_COLUMNS)
        if item.get("type") == "signoffs" and not signed:
            need(
                item["field"],
                f"{key}.type",
                "a 'signoffs' field lists the officers of 'signed_paragraphs' sections; "
                "this template has none",
            )
    for p_index, part in enumerate(data["parts"]):
        for s_index, section in enumerate(part["sections"]):
            key = f"parts[{p_index}].sections[{s_index}]"
            kind = section.get("type", "paragraphs")
            where = section["field"]
            for label in REQUIRED_LABELS.get(kind, ()):
                if label not in section.get("labels", {}):
                    need(where, f"{key}.labels.{label}", f"a {kind!r} section needs this wording")
            if kind in ("rows", "indicators") and not section.get("columns"):
                need(where, f"{key}.columns", f"a {kind!r} section needs its table columns")
            if kind == "indicators":
                for c_index, column in enumerate(section.get("columns", ())):
                    if column["field"] not in INDICATOR_COLUMNS:
                        need(
                            column["field"],
                            f"{key}.columns[{c_index}].field",
                            f"expected one of {', '.join(INDICATOR_COLUMNS)}",
                        )
                for choices in ("statuses", "directions"):
                    if not section.get(choices):
                        need(where, f"{key}.{choices}", f"an 'indicators' section needs {choices}")
            if kind != "indicators":
                for extra in ("statuses", "directions"):
                    if extra in section:
                        need(where, f"{key}.{extra}", "only an 'indicators' section uses this")
    return problems


_SIGNOFF_COLUMNS = "a 'signoffs' field needs four column headings: implication, officer, role, date"


class TemplateLibrary:
    """The templates available to a project: a search path of template folders.

    Folders earlier in ``roots`` win, so a council's ``templates/`` can replace
    a built-in template of the same name.
    """

    def __init__(self, roots: list[Path], limits: Limits = Limits()):
        self.roots = [root for root in roots if root.is_dir()]
        self.limits = limits
        self._cache: dict[str, Template] = {}

    def names(self) -> list[str]:
        found: set[str] = set()
        for root in self.roots:
            for child in root.iterdir():
                if (child / "template.yaml").is_file() and TEMPLATE_NAME.fullmatch(child.name):
                    found.add(child.name)
        return sorted(found)

    def folder(self, name: str) -> Path | None:
        if not TEMPLATE_NAME.fullmatch(name):
            return None
        for root in self.roots:
            candidate = root / name
            if (candidate / "template.yaml").is_file() and _inside(root, name) is not None:
                return candidate
        return None

    def get(self, name: str) -> Template:
        """Load the template called ``name``. Raises KeyError if there is none."""
        if name not in self._cache:
            folder = self.folder(name)
            if folder is None:
                raise KeyError(name)
            self._cache[name] = load_template(folder, self.limits)
        return self._cache[name]


def default_library(extra: list[Path] | None = None) -> TemplateLibrary:
    """Templates from ``extra`` folders, ``./templates`` and the built-in set, in that order."""
    roots = list(extra or [])
    env = os.environ.get("BOARDPAPER_TEMPLATES")
    if env:
        roots.append(Path(env))
    roots.append(Path.cwd() / "templates")
    builtin = builtin_templates_dir()
    if builtin.resolve() not in {root.resolve() for root in roots if root.exists()}:
        roots.append(builtin)
    return TemplateLibrary(roots)


def _inside(folder: Path, relative: str) -> Path | None:
    """Resolve ``relative`` under ``folder``; None if it would leave the folder."""
    target = (folder / relative).resolve()
    root = folder.resolve()
    return target if target == root or root in target.parents else None
