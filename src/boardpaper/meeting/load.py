"""Meeting files: a YAML meeting in, a validated ``Meeting`` (with its loaded reports) out.

A meeting file names the committee, date, venue, membership, clerk, publication
date and the ordered agenda items. Report items point at report files (relative
to the meeting file, inside the content folder); each report is loaded and
validated with the ordinary report pipeline. Publication deadlines are checked
here too (see ``deadlines``), so every problem in the meeting and in its reports
is reported at once, located, before anything is rendered.

Longer than 400 lines on purpose: the checks that need the whole meeting at once
(items against their reports, exempt and late items, the agenda template, deadlines
counted from the publication date) report into one ``Context`` in one pass, so an
author sees every problem together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from boardpaper.content.model import ListBlock, NumberedParagraph, Paper, Paragraph, format_date
from boardpaper.errors import ContentError, Problem, display_path
from boardpaper.load.validators import (
    INVALID,
    Context,
)
from boardpaper.load.yaml_nodes import Limits, Node, parse_yaml, read_text
from boardpaper.meeting.deadlines import (
    DEFAULT_NATION,
    NATIONS,
    Nation,
    clear_working_days,
    holidays_between,
    last_publication_date,
)
from boardpaper.meeting.documents import ItemDocument, item_documents
from boardpaper.meeting.free_items import free_items
from boardpaper.meeting.schema import (
    DEFAULT_WORDING,
    AgendaItem,
    Clerk,
    Meeting,
    Member,
    Membership,
    meeting_schema,
)
from boardpaper.meeting.summons import load_summons, summons_problems_beside
from boardpaper.meeting.versions import (
    check_versions,
    earlier_versions,
    first_publication,
    version_nodes,
)
from boardpaper.pipeline import LoadedReport, load_report
from boardpaper.template.library import TemplateLibrary, default_library
from boardpaper.template.manifest import Template


def content_root_for(path: Path) -> Path:
    """The content folder a meeting's reports must stay inside.

    The nearest enclosing folder called ``content``; otherwise the meeting file's own folder.
    """
    resolved = path.resolve()
    for parent in resolved.parents:
        if parent.name == "content":
            return parent
    return resolved.parent


def load_meeting(
    path: Path,
    library: TemplateLibrary | None = None,
    content_root: Path | None = None,
    limits: Limits = Limits(),
) -> Meeting:
    """Read and check a meeting file and every report it names.

    Raises ContentError holding every problem: in the meeting file, in any
    report, and every missed publication deadline.
    """
    library = library or default_library()
    display = display_path(path)
    root = (content_root or content_root_for(path)).resolve()
    text = read_text(path, display, limits)
    node = parse_yaml(text, display, limits)
    ctx = Context(display, limits, folder=path.parent)
    data = meeting_schema().check(node, ctx, "")
    problems = list(ctx.problems)

    def error(at: Node, key: str, message: str) -> None:
        problems.append(Problem(display, at.line, at.column, key, message))

    def load_named(holder: Node, key: str) -> LoadedReport | None:
        assert isinstance(holder.value, dict)
        report_node = holder.value.get("report")
        if report_node is None or report_node.kind != "scalar" or report_node.is_null:
            return None
        relative = str(report_node.value).strip()
        target = _resolve_report(path, relative, root)
        if target is None:
            error(
                report_node, key, f"{relative!r} is outside the content folder {display_path(root)}"
            )
        elif not target.is_file():
            error(
                report_node, key, f"no report file {relative!r} (looked for {display_path(target)})"
            )
        else:
            try:
                return load_report(target, library, limits)
            except ContentError as failure:
                problems.extend(failure.problems)
        return None

    # Reports are loaded even when the meeting file has mistakes, so every problem shows at once.
    item_nodes = _item_nodes(node)
    reports: dict[int, LoadedReport] = {}
    earlier: dict[int, list[LoadedReport | None]] = {}
    for index, item_node in enumerate(item_nodes):
        report = load_named(item_node, f"items[{index}].report")
        if report is not None:
            reports[index] = report
        earlier[index] = [
            load_named(version, f"items[{index}].earlier_versions[{number}].report")
            for number, version in enumerate(version_nodes(item_node))
        ]
    if data is INVALID:
        summons_problems_beside(node, library, error)
        raise ContentError(problems)
    assert isinstance(node.value, dict)
    nation = NATIONS[data.get("nation", DEFAULT_NATION)]
    if data["published"] > data["date"]:
        error(node.value["published"], "published", "is after the meeting date")
    supplement = data.get("supplement_published")
    if supplement is not None and not data["published"] <= supplement <= data["date"]:
        error(
            node.value["supplement_published"],
            "supplement_published",
            "must be between the agenda's publication date and the meeting",
        )
    for index, (item, item_node) in enumerate(zip(data["items"], item_nodes, strict=True)):
        if "report" in item:
            _check_exempt(item, item_node, f"items[{index}]", nation, error)
            _check_late(item, item_node, f"items[{index}]", error)
            check_versions(item, item_node, f"items[{index}]", data["published"], error)
        dated = [(reports.get(index), item_node, f"items[{index}].report")] + [
            (report, holder, f"items[{index}].earlier_versions[{number}].report")
            for number, (report, holder) in enumerate(
                zip(earlier[index], version_nodes(item_node), strict=True)
            )
        ]
        for report, holder, where in dated:
            assert isinstance(holder.value, dict)
            if report is not None and report.paper.date != data["date"]:
                error(
                    holder.value["report"],
                    where,
                    f"the report is dated {format_date(report.paper.date)} but the meeting "
                    f"is on {format_date(data['date'])}; correct the report's date",
                )
    documents = item_documents(
        data["items"], item_nodes, reports, path.parent, display, nation, limits, error
    )
    problems.extend(_deadline_problems(data, node, item_nodes, reports, nation, display))
    template = _agenda_template(data, node, reports, library, error)
    summons = load_summons(data, node, template, error)
    if template is None or problems:
        raise ContentError(problems)
    items = _items(data["items"], reports, template, earlier, documents)
    membership = data["membership"]
    clerk = data["clerk"]
    return Meeting(
        committee=str(data["committee"]),
        date=data["date"],
        time=str(data["time"]),
        venue=str(data["venue"]),
        nation=nation,
        published=data["published"],
        supplement_published=data.get("supplement_published"),
        membership=Membership(
            _member(membership["chair"], template),
            _member(membership["vice_chair"], template) if membership.get("vice_chair") else None,
            tuple(_member(m, template) for m in membership["members"]),
        ),
        clerk=Clerk(
            str(clerk["name"]),
            str(clerk["email"]),
            str(clerk["phone"]) if clerk.get("phone") else None,
            str(clerk["role"]) if clerk.get("role") else None,
        ),
        contact=str(data["contact"]) if data.get("contact") else None,
        items=items,
        template=template,
        source_path=display,
        source=text,
        summons=summons,
    )


def _item_nodes(node: Node) -> list[Node]:
    """The agenda items of a meeting file as nodes (only the mappings, for report look-ups)."""
    if node.kind != "map" or not isinstance(node.value, dict):
        return []
    items = node.value.get("items")
    if items is None or items.kind != "seq" or not isinstance(items.value, list):
        return []
    return [
        item if item.kind == "map" else Node("map", {}, "map", item.line, item.column)
        for item in items.value
    ]


def _resolve_report(meeting_path: Path, relative: str, root: Path) -> Path | None:
    """The report file ``relative`` names, or None when it would leave ``root``."""
    target = (meeting_path.resolve().parent / relative).resolve()
    return target if root in target.parents else None


def _check_exempt(
    item: dict[str, Any], item_node: Node, key: str, nation: Nation, error: Any
) -> None:
    assert isinstance(item_node.value, dict)
    paragraph = item.get("exempt_paragraph")
    low, high = nation.exempt_paragraphs[0], nation.exempt_paragraphs[-1]
    if item.get("exempt"):
        if paragraph is None:
            error(
                item_node.value["exempt"],
                f"{key}.exempt_paragraph",
                f"an exempt item needs exempt_paragraph: the {nation.exempt_schedule} paragraph "
                f"({low}-{high} in {nation.label})",
            )
        elif int(paragraph) not in nation.exempt_paragraphs:
            error(
                item_node.value["exempt_paragraph"],
                f"{key}.exempt_paragraph",
                f"{nation.exempt_schedule} paragraph {paragraph} does not apply in "
                f"{nation.label}: use {low}-{high}",
            )
    elif paragraph is not None:
        error(
            item_node.value["exempt_paragraph"],
            f"{key}.exempt_paragraph",
            "given, but the item is not marked 'exempt: yes'",
        )


def _check_late(item: dict[str, Any], item_node: Node, key: str, error: Any) -> None:
    assert isinstance(item_node.value, dict)
    if item.get("late") and not item.get("reason_for_urgency"):
        error(
            item_node.value["late"],
            f"{key}.reason_for_urgency",
            "a late item needs a reason_for_urgency: why it cannot wait for the next meeting",
        )
    elif item.get("reason_for_urgency") and not item.get("late"):
        error(
            item_node.value["reason_for_urgency"],
            f"{key}.late",
            "a reason for urgency is given, but the item is not marked 'late: yes'",
        )


def _agenda_template(
    data: dict[str, Any],
    node: Node,
    reports: dict[int, LoadedReport],
    library: TemplateLibrary,
    error: Any,
) -> Template | None:
    assert isinstance(node.value, dict)
    name = data.get("agenda_template")
    at = node.value.get("agenda_template", node)
    if name is None:
        if not reports:
            if not any("report" in item for item in data["items"]):
                error(node, "agenda_template", "required when the meeting has no report items")
            return None
        template = reports[min(reports)].template
    else:
        try:
            template = library.get(str(name))
        except KeyError:
            error(
                at,
                "agenda_template",
                f"no template called {name!r}; available: {', '.join(library.names())}",
            )
            return None
    if not template.raw.get("agenda"):
        error(
            at,
            "agenda_template",
            f"template {template.name!r} has no 'agenda:' layout in its template.yaml",
        )
        return None
    return template


def _items(
    raw_items: list[dict[str, Any]],
    reports: dict[int, LoadedReport],
    template: Template,
    earlier: dict[int, list[LoadedReport | None]],
    documents: dict[int, tuple[ItemDocument, ...]],
) -> tuple[AgendaItem, ...]:
    wording = template.raw["agenda"].get("procedural_items") or {}
    items = []
    for index, raw in enumerate(raw_items):
        number = str(index + 1)
        if "procedure" in raw:
            word = raw["procedure"]
            default_heading, default_text = DEFAULT_WORDING[word]
            own = wording.get(word) or {}
            heading = str(raw.get("heading") or own.get("heading") or default_heading)
            items.append(
                AgendaItem(
                    number=number,
                    kind="procedural",
                    heading=heading,
                    text=str(raw.get("text") or own.get("text") or default_text),
                    procedure=word,
                    documents=tuple(
                        replace(document, title=document.title or heading)
                        for document in documents.get(index, ())
                    ),
                )
            )
            continue
        if "heading" in raw:
            items.extend(free_items(number, raw))
            continue
        report = reports[index]
        items.append(
            AgendaItem(
                number=number,
                kind="report",
                heading=report.paper.title,
                text=str(raw.get("description") or report_purpose(report.paper)),
                report=report,
                presenter=str(raw["presenter"]) if raw.get("presenter") else None,
                exempt_paragraph=int(raw["exempt_paragraph"]) if raw.get("exempt") else None,
                late=bool(raw.get("late")),
                reason_for_urgency=str(raw.get("reason_for_urgency") or "") or None,
                published=raw.get("published"),
                earlier_versions=earlier_versions(raw, earlier[index]),
                documents=documents.get(index, ()),
            )
        )
    return tuple(items)


def report_purpose(paper: Paper) -> str:
    """A report's agenda description: its purpose section, else its first section's first
    paragraph (a cabinet report's executive summary, say); "" if it has no text at all."""
    sections = [section for part in paper.parts for section in part.sections]
    for section in sections:
        if section.key == "purpose":
            return " ".join(_block_text(block) for block in section.blocks).strip()
    for section in sections:
        for block in section.blocks:
            text = _block_text(block).strip()
            if text:
                return text
    return ""


def _block_text(block: object) -> str:
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, NumberedParagraph):
        return " ".join(_block_text(child) for child in block.blocks)
    if isinstance(block, ListBlock):
        return " ".join(_block_text(child) for item in block.items for child in item.blocks)
    return ""


def _deadline_problems(
    data: dict[str, Any],
    node: Node,
    item_nodes: list[Node],
    reports: dict[int, LoadedReport],
    nation: Nation,
    display: str,
) -> list[Problem]:
    """One problem per report item published with too few clear working days and not late."""
    problems = []
    assert isinstance(node.value, dict)
    meeting_day: dt.date = data["date"]
    agenda_day: dt.date = data["published"]
    needed = nation.clear_days
    latest = last_publication_date(meeting_day, nation.name)
    for index, (item, item_node) in enumerate(zip(data["items"], item_nodes, strict=True)):
        if "report" not in item:
            continue
        assert isinstance(item_node.value, dict)
        key = f"items[{index}]"
        name = reports[index].paper.title if index in reports else str(item["report"])
        # A republished paper meets the deadline if its first version did.
        own, own_node, own_key = first_publication(item, item_node, key)
        published = own or agenda_day
        at = own_node if own_node is not None else node.value["published"]
        where = own_key if own else "published"
        if own and own < agenda_day:
            problems.append(
                Problem(
                    display, at.line, at.column, where, "is before the agenda's publication date"
                )
            )
            continue
        if published > meeting_day:
            problems.append(Problem(display, at.line, at.column, where, "is after the meeting"))
            continue
        days = clear_working_days(published, meeting_day, nation.name)
        if days >= needed or item.get("late"):
            continue
        holidays = holidays_between(published, meeting_day, nation.name)
        holiday_note = (
            " (not counting "
            + ", ".join(f"{holiday}, {format_date(day)}" for day, holiday in holidays)
            + ")"
            if holidays
            else ""
        )
        problems.append(
            Problem(
                display,
                at.line,
                at.column,
                where,
                f"item {index + 1} ({name}) is published on {_long(published)}, "
                f"{days} clear working day{'s' if days != 1 else ''} before the meeting on "
                f"{_long(meeting_day)}{holiday_note}; {nation.label} needs {needed} "
                f"({nation.notice_law}). Publish by {_long(latest)}, or mark the item "
                "'late: yes' with a 'reason_for_urgency' to send it in a supplementary agenda",
            )
        )
    return problems


def _long(day: dt.date) -> str:
    return f"{day:%A} {format_date(day)}"


def _member(given: dict[str, Any], template: Template) -> Member:
    """A member with their own title, or the agenda template's ``member_title``."""
    default = str((template.raw.get("agenda") or {}).get("member_title", ""))
    return Member(str(given["name"]), str(given.get("title", default)))
