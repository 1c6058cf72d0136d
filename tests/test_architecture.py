"""The package's shape, as docs/architecture.md describes it: imports run down the stages,
and a module over 400 lines says at its top why it is that long (issue 12)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "boardpaper"

STAGES = [
    # Shared by all stages.
    "errors",
    "cachedir",
    "fingerprints",
    "output",
    "progress",
    "sources",
    "rebuild_record",
    # The stages, in the order docs/architecture.md lists them.
    "load",
    "template",
    "content",
    "render",
    "pipeline",
    "provenance",
    "build",
    "meeting",
    "audit",
    "publish",
    # On top: they call the stages and nothing calls them.
    "preview",
    "service",
    "cli",
]
"""Top-level modules and packages, lowest first: one may import only from its own or a lower one."""

LONG_MODULE_LINES = 400
LONG_MODULE_REASON = "Longer than 400 lines on purpose:"


def _stage(module: str) -> str:
    """``boardpaper.meeting.pack`` -> ``meeting``; ``boardpaper.build`` -> ``build``."""
    return module.split(".")[1]


def _boardpaper_imports(path: Path) -> list[tuple[int, str]]:
    """Every ``boardpaper.*`` module a file imports (also inside functions), with its line."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [(node.lineno, name) for name in names if name.startswith("boardpaper.")]
    return found


def _modules() -> list[Path]:
    return sorted(
        path for path in PACKAGE.rglob("*.py") if path.parent != PACKAGE or path.stem[0] != "_"
    )


def test_every_top_level_module_has_a_stage() -> None:
    tops = {path.relative_to(PACKAGE).parts[0].removesuffix(".py") for path in _modules()}
    assert tops - set(STAGES) == set(), "add the new module or package to STAGES and the docs"


def test_imports_run_down_the_stages() -> None:
    rank = {stage: index for index, stage in enumerate(STAGES)}
    upward = []
    for path in _modules():
        own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        for line, module in _boardpaper_imports(path):
            if rank.get(_stage(module), -1) > rank[own]:
                upward.append(f"{path.relative_to(PACKAGE)}:{line}: imports {module}")
    assert upward == []


def test_long_modules_say_why_at_their_top() -> None:
    unexplained = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > LONG_MODULE_LINES:
            docstring = ast.get_docstring(ast.parse(text)) or ""
            if LONG_MODULE_REASON not in docstring:
                unexplained.append(f"{path.relative_to(PACKAGE)}: {text.count(chr(10))} lines")
    assert unexplained == []
