"""What a template may see: a ``Paper`` and a ``Template`` in, plain data out; and its errors.

Templates are files councils download and share, so they are untrusted: Jinja's
sandbox stops ``__class__`` and friends, but an object's public methods are
still callable, and a ``pathlib.Path`` reached from a template reads and writes
any file. So templates get the frozen document model (strings, numbers, dates,
tuples) and the manifest as dicts and lists of strings: no Path, no loader, no
method that touches the machine. ``located_template_error`` turns a Jinja error
raised while rendering into the one located line authors get for any mistake.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import traceback
from pathlib import Path, PurePath
from typing import Any

from jinja2 import TemplateError as JinjaError
from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from boardpaper.content.model import Paper
from boardpaper.errors import Problem, TemplateError
from boardpaper.template.manifest import Template

TEMPLATE_KEYS = ("name", "description", "language", "font", "recommendation_numbering", "logo")
"""The documented attributes of ``template`` (docs/templates.md); the manifest's keys join them."""


class PlainDataSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox that also never hands a template a path or a loaded template.

    Contexts are plain data already (``template_view``, ``paper_view``); this is
    the second wall, for contexts that carry richer objects (a meeting, an
    agenda item): a ``Path`` anywhere, or anything reached through one, is unsafe.
    """

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, PurePath | Template) or isinstance(value, PurePath | Template):
            return False
        return bool(super().is_safe_attribute(obj, attr, value))


def plain(value: Any) -> Any:
    """``value`` as plain data: dataclasses become dicts, Paths strings, sets sorted lists.

    Strings, numbers, booleans, dates and None pass through; anything else
    becomes its text, so no object with methods reaches a template.
    """
    if value is None or isinstance(value, str | bool | int | float | dt.date):
        return value
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(plain(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return {field.name: plain(getattr(value, field.name)) for field in fields}
    if isinstance(value, Path):
        return value.name
    return str(value)


def template_view(template: Template) -> dict[str, Any]:
    """The manifest as templates see it: its own keys (plain), and the documented names."""
    view: dict[str, Any] = plain(template.raw) if isinstance(template.raw, dict) else {}
    view.update(
        name=template.name,
        description=template.description,
        language=template.language,
        font=template.font,
        recommendation_numbering=template.recommendation_numbering,
        logo=({"file": template.logo.file, "alt": template.logo.alt} if template.logo else None),
    )
    return view


def paper_view(paper: Paper) -> Paper:
    """The model, with the report's own values (``fields``) as plain data."""
    return dataclasses.replace(paper, fields=plain(paper.fields))


def located_template_error(error: Exception, file: Path, display: str) -> TemplateError:
    """A Jinja error raised while rendering ``file`` as one located problem.

    The line is the template line Jinja was running (its traceback names the
    template file) or, for a syntax error, the line Jinja reports.
    """
    line = getattr(error, "lineno", None) if isinstance(error, TemplateSyntaxError) else None
    if line is None:
        for frame in traceback.extract_tb(error.__traceback__):
            if frame.filename and Path(frame.filename).name == file.name:
                line = frame.lineno
    return TemplateError([Problem(display, line, None, "", _message(error))])


def _message(error: Exception) -> str:
    if isinstance(error, TemplateNotFound):
        return (
            f"cannot include {error.name!r}: a template may include only files inside its own "
            "folder (no symlinks leading out of it, and none at all from a Word template)"
        )
    if isinstance(error, SecurityError):
        return f"not allowed in a template: {error}"
    if isinstance(error, UndefinedError):
        return f"{error} (templates see only the variables in docs/templates.md)"
    if isinstance(error, TemplateSyntaxError):
        return f"Jinja syntax error: {error.message}"
    return f"template error: {error}"


TEMPLATE_ERRORS: tuple[type[Exception], ...] = (JinjaError,)
"""What a template can raise while rendering: caught and located by the renderers."""
