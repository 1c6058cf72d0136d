"""Template folders: find them, read and check their manifests.

A template is a folder holding ``template.yaml`` (the manifest: fields,
sections, headings, numbering style, standard wording), a Word template and an
HTML template with its CSS. Everything a council changes lives there, never in
Python. A name or path in; a ``Template`` (or located problems) out.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from boardpaper.errors import ContentError, Problem, TemplateError, display_path
from boardpaper.load.validators import (
    INVALID,
    Context,
)
from boardpaper.load.yaml_nodes import Limits, load_yaml
from boardpaper.template.manifest import (
    AGENDA_FILES,
    DEFAULT_LANGUAGE,
    INDICATOR_COLUMNS,
    REQUIRED_LABELS,
    RULE_WORDS,
    SIGNOFF_COLUMNS,
    TEMPLATE_NAME,
    ChoiceSpec,
    Column,
    FrontSheetSpec,
    Logo,
    PartSpec,
    SectionSpec,
    Template,
    manifest_schema,
)


def builtin_templates_dir() -> Path:
    """The templates shipped with boardpaper (the repository's ``templates/``)."""
    packaged = Path(__file__).parents[1] / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"


def load_template(folder: Path, limits: Limits = Limits()) -> Template:
    """Read ``folder/template.yaml`` and check it. Raises TemplateError with every problem."""
    manifest = folder / "template.yaml"
    display = display_path(manifest)
    try:
        node = load_yaml(manifest, display, limits)
    except ContentError as error:
        raise TemplateError(error.problems) from None
    ctx = Context(display, limits)
    data = manifest_schema().check(node, ctx, "")
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
                line, column = node.value["agenda"].key_places[key]  # type: ignore[index]
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
                            Column(c["field"], c["heading"], c.get("against"))
                            for c in s.get("columns", ())
                        ),
                        statuses=tuple(ChoiceSpec(**c) for c in s.get("statuses", ())),
                        directions=tuple(ChoiceSpec(**c) for c in s.get("directions", ())),
                        labels=dict(s.get("labels", {})),
                        chart_colours={k: str(v) for k, v in s.get("chart", {}).items()},
                        amber_within=(
                            Decimal(str(s["rules"]["amber_within"]).rstrip("%"))
                            if "rules" in s
                            else None
                        ),
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
            need(item["field"], f"{key}.columns", SIGNOFF_COLUMNS)
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
                    given = {str(choice["value"]) for choice in section.get(choices, ())}
                    missing = [w for w in RULE_WORDS[choices] if w not in given]
                    if "rules" in section and missing:
                        need(
                            where,
                            f"{key}.{choices}",
                            f"computing status and direction needs {choices}: "
                            + ", ".join(missing),
                        )
            for c_index, column in enumerate(section.get("columns", ())):
                if "against" in column and (kind != "indicators" or column["field"] != "direction"):
                    need(
                        column["field"],
                        f"{key}.columns[{c_index}].against",
                        "only a direction column of an 'indicators' section uses this",
                    )
            if kind != "indicators":
                for extra in ("statuses", "directions", "rules", "chart"):
                    if extra in section:
                        need(where, f"{key}.{extra}", "only an 'indicators' section uses this")
    return problems


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
