"""Template folders: find them, read and check their manifests (and those they extend).

A template is a folder holding ``template.yaml`` (the manifest: fields,
sections, headings, numbering style, standard wording), a Word template and an
HTML template with its CSS, or only what it changes of the template it
``extends`` (``template.inherit``). Everything a council changes lives there,
never in Python. A name or path in; a ``Template`` (or located problems) out.

Longer than 400 lines on purpose: loading a chain and checking it (overrides,
section options, cross-field rules) is one procedure over the same raw manifest.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from boardpaper.errors import ContentError, Problem, TemplateError, display_path
from boardpaper.load.validators import (
    INVALID,
    Context,
    did_you_mean,
)
from boardpaper.load.yaml_nodes import Limits, load_yaml
from boardpaper.sources import template_folders
from boardpaper.template.inherit import (
    BASE_NAME,
    MAX_CHAIN,
    ChainLink,
    apply_overrides,
    base_folder,
    find_file,
    inside,
    merge_manifests,
    template_files,
)
from boardpaper.template.manifest import (
    AGENDA_FILES,
    DEFAULT_CONTACT_REQUIRES,
    DEFAULT_LANGUAGE,
    DEFAULT_SIGNOFF_REQUIRES,
    FOOTER_FIELD,
    FRONT_FIELD_CHANGES,
    INDICATOR_COLUMNS,
    REQUIRED_LABELS,
    RULE_WORDS,
    SECTION_CHANGES,
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


def load_template(
    folder: Path, limits: Limits = Limits(), library: TemplateLibrary | None = None
) -> Template:
    """Read ``folder/template.yaml`` and the templates it extends, and check them.

    The parent named by ``extends`` is found beside ``folder`` first, then in
    ``library`` (default: ``default_library()``); ``base`` is the built-in base.
    Raises TemplateError with every problem, each located in the file that has it.
    """
    return _load(folder, limits, library, ())


def _load(
    folder: Path, limits: Limits, library: TemplateLibrary | None, below: tuple[Path, ...]
) -> Template:
    manifest = folder / "template.yaml"
    display = display_path(manifest)
    try:
        node = load_yaml(manifest, display, limits)
    except ContentError as error:
        raise TemplateError(error.problems) from None
    is_base = folder.resolve() == base_folder().resolve()
    ctx = Context(display, limits)
    own = manifest_schema(partial=True).check(node, ctx, "")
    problems = list(ctx.problems)
    if own is INVALID:
        raise TemplateError(problems)

    def problem(key: str, message: str, place: Any = None) -> None:
        line, column = node.key_places.get(key.split(".")[0], (node.line, node.column))
        if place is not None:
            line, column = place
        problems.append(Problem(display, line, column, key, message))

    for path in template_files(folder):
        if inside(folder, path.relative_to(folder).as_posix()) is None:
            message = "is a symlink to a file outside the template folder; copy the file in"
            problems.append(Problem(display_path(path), None, None, "", message))
    if own["name"] != folder.name:
        problem("name", f"must match the folder name {folder.name!r}, found {own['name']!r}")
    parent = None
    if "extends" in own:
        parent_folder = _parent_folder(str(own["extends"]), folder, library, below)
        if len(below) + 2 > MAX_CHAIN:
            problem("extends", f"a template may extend at most {MAX_CHAIN - 2} others in a row")
        elif parent_folder is None:
            problem(
                "extends",
                f"no template called {own['extends']!r} to extend (a template cannot extend "
                "itself, or one that extends it)",
            )
        else:
            try:
                parent = _load(parent_folder, limits, library, (*below, folder))
            except TemplateError as error:
                problems.extend(error.problems)
                problem("extends", f"the template {own['extends']!r} has problems (listed above)")
    if problems:
        raise TemplateError(problems)
    chain = (ChainLink(str(own["name"]), folder), *(parent.chain if parent else ()))
    data = merge_manifests(parent.raw if parent else {}, own)
    data.pop("overrides", None)
    if "extends" not in own:
        data.pop("extends", None)
    data, unused = apply_overrides(data, own.get("overrides", {}))
    for name in unused:
        place = node.value["overrides"].key_places[name]  # type: ignore[index]
        problem(f"overrides.{name}", "no inherited field or section has this name", place)
    problems.extend(_check_override_keys(own.get("overrides", {}), data, node, display))
    if is_base:
        if problems:
            raise TemplateError(problems)
        return _template(data, folder, chain, parent, complete=False)
    inherited = " (not set here, nor in the templates it extends)" if parent else ""
    for key in REQUIRED_KEYS:
        if key not in data:
            problem(key, "required but missing" + inherited)
    for key in AGENDA_FILES if "agenda" in data else ():
        if key not in data["agenda"]:
            problem(f"agenda.{key}", "required but missing" + inherited)
    if problems:
        raise TemplateError(problems)
    where = " or the templates it extends" if parent else ""

    def need_file(key: str, relative: str, place: Any = None) -> None:
        if find_file(chain, relative) is None:
            problem(key, f"file {relative!r} not found in the template folder{where}", place)

    for key in ("word_template", "html_template"):
        need_file(key, data[key])
    agenda = data.get("agenda") or {}
    for key in AGENDA_FILES:
        if key in agenda:
            agenda_node = node.value.get("agenda") if isinstance(node.value, dict) else None
            place = (agenda_node.key_places.get(key) if agenda_node is not None else None) or (
                node.key_places.get("agenda")
            )
            need_file(f"agenda.{key}", agenda[key], place)
    logo = data.get("logo")
    if logo is not None:
        need_file("logo.file", logo["file"], (logo["file"].line, logo["file"].column))
    fields = [item["field"] for item in data["front_sheet"]]
    fields += [s["field"] for part in data["parts"] for s in part["sections"]]
    for required in ("title", "date", "meeting"):
        if required not in fields:
            message = f"every template needs a {required!r} field"
            problem("front_sheet", message, (node.line, node.column))
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
    return _template(data, folder, chain, parent)


REQUIRED_KEYS = (
    "description",
    "recommendation_numbering",
    "word_template",
    "html_template",
    "front_sheet",
    "parts",
)
"""What a template's manifest, merged with those it extends, must have."""


def _parent_folder(
    name: str, folder: Path, library: TemplateLibrary | None, below: tuple[Path, ...]
) -> Path | None:
    """The folder of the template ``name`` that ``folder`` extends: beside it, then in the
    library; never ``folder`` itself or one that (indirectly) extends it."""
    if name == BASE_NAME:
        return base_folder()
    taken = {path.resolve() for path in (*below, folder)}
    library = library or default_library()
    for root in (folder.parent, *library.roots):
        candidate = root / name
        if (
            (candidate / "template.yaml").is_file()
            and inside(root, name) is not None
            and candidate.resolve() not in taken
        ):
            return candidate
    return None


def _check_override_keys(
    overrides: dict[str, Any], data: dict[str, Any], node: Any, display: str
) -> list[Problem]:
    """An override changes only what its field or section has (no ``heading`` on a field)."""
    front = {str(item["field"]) for item in data.get("front_sheet", ())}
    problems = []
    for name, changes in overrides.items():
        allowed = FRONT_FIELD_CHANGES if name in front else SECTION_CHANGES
        kind = "front-sheet field" if name in front else "section"
        for key in changes:
            if key not in allowed:
                line, column = node.value["overrides"].value[name].key_places[key]
                problems.append(
                    Problem(
                        display,
                        line,
                        column,
                        f"overrides.{name}.{key}",
                        f"a {kind} has no {key!r}; it may change: {', '.join(allowed)}",
                    )
                )
    return problems


def _template(
    data: dict[str, Any],
    folder: Path,
    chain: tuple[ChainLink, ...],
    parent: Template | None,
    complete: bool = True,
) -> Template:
    def found(relative: str) -> Path:
        return find_file(chain, relative) or folder / relative

    return Template(
        name=data["name"],
        folder=folder,
        description=data.get("description", ""),
        language=data.get("language", DEFAULT_LANGUAGE),
        font=data.get("font", "Arial"),
        recommendation_numbering=data.get("recommendation_numbering", "decimal"),
        word_template=found(data.get("word_template", "paper.docx")),
        html_template=found(data.get("html_template", "paper.html")),
        front_sheet=tuple(
            FrontSheetSpec(
                field=item["field"],
                label=item["label"],
                type=item.get("type", "text"),
                required=item.get("required", True),
                description=item.get("description", ""),
                columns=tuple(item.get("columns", ())),
                requires=tuple(item.get("requires", DEFAULT_CONTACT_REQUIRES)),
            )
            for item in data.get("front_sheet", ())
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
                        preambles=tuple(str(p) for p in s.get("preambles", ())),
                        when_absent=str(s.get("when_absent", "")),
                        requires=tuple(s.get("requires", DEFAULT_SIGNOFF_REQUIRES)),
                        unit_formats=dict(s.get("number_formats", {})),
                    )
                    for s in part["sections"]
                ),
            )
            for part in data.get("parts", ())
        ),
        raw=data,
        logo=Logo(str(data["logo"]["file"]), str(data["logo"]["alt"])) if "logo" in data else None,
        footer=str(data.get("footer", "")),
        statuses=tuple(ChoiceSpec(**c) for c in data.get("statuses", ())),
        section_numbering=str(data.get("section_numbering", "per_part")),
        heading_number_style=str(data.get("heading_number_style", "1.")),
        chain=chain,
        parent=parent,
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
    front_fields = [str(item["field"]) for item in data["front_sheet"]]
    for name in FOOTER_FIELD.findall(str(data.get("footer", ""))):
        if name not in front_fields:
            need(
                data["footer"],
                "footer",
                f"{{{name}}} is not a front-sheet field" + did_you_mean(name, front_fields),
            )
    for index, item in enumerate(data["front_sheet"]):
        key = f"front_sheet[{index}]"
        if "requires" in item and item.get("type") not in ("contact", "contacts"):
            need(item["field"], f"{key}.requires", "only a 'contact' or 'contacts' field uses this")
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
            if kind != "recommendations" and "preambles" in section:
                need(where, f"{key}.preambles", "only a 'recommendations' section uses this")
            signs = kind == "signed_paragraphs" or (
                kind == "headed_sections" and "signed_off_by" in section.get("labels", {})
            )
            if "requires" in section and not signs:
                need(where, f"{key}.requires", "only a section with sign-offs uses this")
            if section.get("required", True) and "when_absent" in section:
                need(where, f"{key}.when_absent", "only a section with 'required: no' uses this")
            if kind != "indicators":
                for extra in ("statuses", "directions", "rules", "number_formats", "chart"):
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
        """The templates reports can use (not ``base``, which only other templates extend)."""
        found: set[str] = set()
        for root in self.roots:
            for child in root.iterdir():
                if (child / "template.yaml").is_file() and TEMPLATE_NAME.fullmatch(child.name):
                    found.add(child.name)
        return sorted(found - {BASE_NAME})

    def folder(self, name: str) -> Path | None:
        if not TEMPLATE_NAME.fullmatch(name) or name == BASE_NAME:
            return None
        for root in self.roots:
            candidate = root / name
            if (candidate / "template.yaml").is_file() and inside(root, name) is not None:
                return candidate
        return None

    def get(self, name: str) -> Template:
        """Load the template called ``name``. Raises KeyError if there is none."""
        if name not in self._cache:
            folder = self.folder(name)
            if folder is None:
                raise KeyError(name)
            self._cache[name] = load_template(folder, self.limits, self)
        return self._cache[name]


def default_library(extra: list[Path] | None = None) -> TemplateLibrary:
    """Templates from ``extra`` folders, ``./templates`` and the built-in set, in that order."""
    roots = template_folders(extra)
    builtin = builtin_templates_dir()
    if builtin.resolve() not in {root.resolve() for root in roots if root.exists()}:
        roots.append(builtin)
    return TemplateLibrary(roots)
