"""Every .docx boardpaper writes has a core.xml Word reads: one element per property, right ns.

docxcompose rebinds python-docx's ``cp`` prefix when imported (python-docx #1037,
docxcompose #101); these tests read every sample paper and the sample agenda back.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from boardpaper import __version__
from boardpaper.pipeline import load_report, render
from boardpaper.template.library import TemplateLibrary
from tests.helpers import ROOT

CORE = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
# The elements ECMA-376 part 2 allows in core.xml, with their namespaces.
ALLOWED = {
    (CORE, "category"),
    (CORE, "contentStatus"),
    (DCTERMS, "created"),
    (DC, "creator"),
    (DC, "description"),
    (DC, "identifier"),
    (CORE, "keywords"),
    (DC, "language"),
    (CORE, "lastModifiedBy"),
    (CORE, "lastPrinted"),
    (DCTERMS, "modified"),
    (CORE, "revision"),
    (DC, "subject"),
    (DC, "title"),
    (CORE, "version"),
}


@pytest.fixture(scope="module")
def every_docx(library: TemplateLibrary, sample_pack: dict[str, bytes]) -> dict[str, bytes]:
    """Each sample report's .docx and the sample meeting's agenda .docx, by name."""
    outputs = {
        path.name: render(load_report(path, library), formats=("docx",))["docx"]
        for path in sorted((ROOT / "content").glob("*.yaml"))
    }
    agendas = {name: data for name, data in sample_pack.items() if name.endswith(".docx")}
    assert agendas, "the sample meeting wrote no Word agenda"
    return outputs | agendas


def _core_xml(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read("docProps/core.xml"))


def test_core_xml_has_one_element_per_property_in_its_own_namespace(
    every_docx: dict[str, bytes],
) -> None:
    for name, data in every_docx.items():
        root = _core_xml(data)
        assert etree.QName(root).namespace == CORE, name
        found = [(etree.QName(child).namespace, etree.QName(child).localname) for child in root]
        unknown = [element for element in found if element not in ALLOWED]
        assert unknown == [], f"{name}: elements Word cannot read: {unknown}"
        twice = [element for element, count in Counter(found).items() if count > 1]
        assert twice == [], f"{name}: elements written twice: {twice}"
        values = {local: child.text for (_, local), child in zip(found, root, strict=True)}
        assert values["lastModifiedBy"] == "boardpaper", name
        assert values["version"] == __version__, name
        assert values["category"] in {"Committee report", "Committee agenda"}, name
        assert values["lastPrinted"] == values["created"], name


READ_BACK = """
import io, json, sys, docx
props = docx.Document(io.BytesIO(sys.stdin.buffer.read())).core_properties
print(json.dumps({name: str(getattr(props, name)) for name in (
    "category", "version", "last_modified_by", "last_printed", "created", "title")}))
"""


def test_python_docx_reads_category_and_version_back(every_docx: dict[str, bytes]) -> None:
    """Read as any python-docx user would: a fresh process that never imported docxcompose."""
    for name, data in every_docx.items():
        completed = subprocess.run(
            [sys.executable, "-c", READ_BACK], input=data, capture_output=True, check=True
        )
        props = json.loads(completed.stdout)
        expected = "Committee agenda" if name.endswith(".docx") else "Committee report"
        assert props["category"] == expected, name
        assert props["version"] == __version__, name
        assert props["last_modified_by"] == "boardpaper", name
        assert props["last_printed"] == props["created"] != "None", name
        assert props["title"], name


def test_reading_properties_in_process_is_not_fooled_by_docxcompose(
    every_docx: dict[str, bytes],
) -> None:
    import docx
    import docxtpl  # noqa: F401  (imports docxcompose, which rebinds the prefix)

    from boardpaper.render.word_properties import read_core_properties

    for name, data in every_docx.items():
        props = read_core_properties(docx.Document(io.BytesIO(data)))
        assert props["version"] == __version__, name
        assert props["category"].startswith("Committee "), name


def test_custom_properties_of_the_template_are_kept_and_ours_replaced(tmp_path: Path) -> None:
    import docx

    from boardpaper.render.stamp import read_docx_properties
    from boardpaper.render.word_properties import set_custom_properties

    document = docx.Document()
    set_custom_properties(document, {"Department": "Legal", "BoardpaperVersion": "old"})
    set_custom_properties(document, {"BoardpaperVersion": __version__})
    buffer = io.BytesIO()
    document.save(buffer)
    _, custom = read_docx_properties(buffer.getvalue())
    assert custom == {"Department": "Legal", "BoardpaperVersion": __version__}
