"""The WeasyPrint internals boardpaper relies on are all in one module, and still there."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from boardpaper.render import weasyprint_internals

SRC = Path(__file__).resolve().parents[1] / "src" / "boardpaper"
PRIVATE = re.compile(
    r"_build_box_tree|get_hb_object_data|hb_face|\.harfbuzz_subset\b"
    r"|weasyprint\.(pdf|text|layout|css|draw|formatting_structure)\b"
    r"|from weasyprint\.\w+ import"
)


def test_installed_weasyprint_is_in_the_tested_range_and_pyproject_says_the_same() -> None:
    tested = SpecifierSet(",".join(weasyprint_internals.TESTED_VERSIONS))
    assert metadata.version("weasyprint") in tested
    requires = metadata.requires("boardpaper") or []
    declared = next(r for r in requires if r.lower().startswith("weasyprint"))
    assert SpecifierSet(declared.removeprefix("weasyprint")) == tested


def test_no_other_module_touches_weasyprint_internals() -> None:
    offenders = [
        f"{path.relative_to(SRC)}: {match.group()}"
        for path in SRC.rglob("*.py")
        if path.name != "weasyprint_internals.py"
        for match in PRIVATE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_tagger_hook_is_installed_and_notes_origins() -> None:
    from weasyprint.pdf import tags

    from boardpaper.render.pdf import _load_weasyprint

    _load_weasyprint()
    assert getattr(tags._build_box_tree, "boardpaper_wrapped", False)


def test_harfbuzz_subset_answer_without_weasyprint_matches_weasyprints_own() -> None:
    code = (
        "import sys\n"
        "from boardpaper.render.weasyprint_internals import harfbuzz_subset_available as h\n"
        "before = h()\n"
        "assert 'weasyprint' not in sys.modules\n"
        "import weasyprint.pdf.fonts\n"
        "print(before, h())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    before, after = result.stdout.split()
    assert before == after


def test_font_face_bytes_are_the_font_file() -> None:
    from boardpaper.render.pdf import _load_weasyprint

    weasyprint = _load_weasyprint()
    fonts: list[object] = []
    weasyprint.HTML(string='<p style="font-family: Liberation Sans">Font</p>').write_pdf(
        finisher=lambda document, pdf: fonts.extend(document.fonts.values())
    )
    assert fonts
    data = weasyprint_internals.font_face_bytes(fonts[0])
    assert data[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")
    listing = subprocess.run(
        ["fc-list", "--format", "%{file}\n", "Liberation Sans"], capture_output=True, text=True
    ).stdout.split()
    if not listing:
        pytest.skip("fc-list lists no Liberation Sans")
    digests = {hashlib.sha256(Path(path).read_bytes()).hexdigest() for path in listing}
    assert hashlib.sha256(data).hexdigest() in digests


def test_the_stylesheet_hook_is_installed_by_a_render(seed_report) -> None:
    from weasyprint import css

    from boardpaper.render.pdf import render_pdf

    render_pdf(seed_report.paper, seed_report.template)
    assert getattr(css.CSS, "boardpaper_wrapped", False)


def _dlopen_names_in_weasyprint() -> list[tuple[str, ...]]:
    """The names each ``_dlopen(ffi, ...)`` call of the installed WeasyPrint tries, in order."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec("weasyprint.text.ffi")
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    return [
        tuple(arg.value for arg in node.args[1:] if isinstance(arg, ast.Constant))
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_dlopen"
    ]


def test_every_library_name_weasyprint_tries_has_an_answer() -> None:
    answered = {names for names in weasyprint_internals._WEASYPRINT_LIBRARIES.values()}
    assert set(_dlopen_names_in_weasyprint()) == answered


_IMPORT_AND_REPORT = """
import ctypes.util, json, sys
asked = []
original = ctypes.util.find_library
def counting(name):
    asked.append(name)
    return original(name)
ctypes.util.find_library = counting
if sys.argv[1] == "plain":
    import weasyprint
else:
    from boardpaper.render.weasyprint_internals import import_weasyprint
    weasyprint = import_weasyprint()
assert ctypes.util.find_library is counting
with open("/proc/self/maps") as maps:
    files = sorted({line.split()[-1] for line in maps if ".so" in line and "/" in line})
wanted = ("gobject", "pango", "harfbuzz", "fontconfig")
print(json.dumps({
    "asked": asked,
    "libraries": [f for f in files if any(w in f for w in wanted)],
    "subset": weasyprint.pdf.fonts.harfbuzz_subset is not None,
}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the answers are Linux's")
def test_import_asks_find_library_nothing_and_loads_the_same_libraries() -> None:
    import json

    def run(how: str) -> dict[str, object]:
        done = subprocess.run(
            [sys.executable, "-c", _IMPORT_AND_REPORT, how],
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(done.stdout)

    plain, ours = run("plain"), run("ours")
    assert len(plain["asked"]) > 5  # WeasyPrint's own import asks for many names
    assert ours["asked"] == []
    assert ours["libraries"] == plain["libraries"]
    assert any("libpango-1.0" in f for f in ours["libraries"])
    assert ours["subset"] == plain["subset"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux file names")
def test_libraries_load_by_any_of_weasyprints_names_without_find_library(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ctypes.util

    def refused(name: str) -> None:
        raise AssertionError(f"find_library({name!r}) starts ldconfig")

    monkeypatch.setattr(ctypes.util, "find_library", refused)
    for name in ("pango-1.0", "libpango-1.0.so.0", "harfbuzz", "fontconfig"):
        assert weasyprint_internals.load_library(name) is not None, name
