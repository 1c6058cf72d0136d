"""libyaml's fast parser and PyYAML's own give the same located nodes; errors read as before."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from boardpaper.errors import ContentError
from boardpaper.load import yaml_nodes
from boardpaper.load.yaml_nodes import Limits, parse_yaml

ROOT = Path(__file__).resolve().parents[1]
YAML_FILES = sorted(
    path
    for folder in ("content", "templates", "tests", "docs")
    for path in (ROOT / folder).rglob("*.yaml")
)


def nodes(parser: type, text: str) -> object:
    loader = parser(text)
    try:
        return shape(loader.get_single_node())
    finally:
        loader.dispose()


def shape(node: yaml.Node | None) -> object:
    if node is None:  # an empty file
        return None
    place = (node.tag, node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return (*place, node.value, node.style or None, node.end_mark.line, node.end_mark.column)
    if isinstance(node, yaml.SequenceNode):
        return (*place, [shape(item) for item in node.value])
    return (*place, [(shape(key), shape(value)) for key, value in node.value])


@pytest.mark.skipif(yaml_nodes._FAST_PARSER is None, reason="PyYAML without libyaml")
def test_both_parsers_give_the_same_nodes_for_every_yaml_file_here() -> None:
    compared = 0
    for path in YAML_FILES:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            expected = nodes(yaml_nodes._SafeComposer, text)
        except yaml.YAMLError:
            continue  # not valid YAML (test inputs): the pure parser reports it
        assert nodes(yaml_nodes._FAST_PARSER, text) == expected, path
        compared += 1
    assert compared >= 10


@pytest.mark.parametrize(
    "text",
    [
        "title: [unclosed\n",
        "a: 1\n  b: 2\n",
        "a: &x 1\nb: *x\n",
        "title: 'open quote\n",
        "x: \x07\n",
        "- " * 60 + "deep\n",
    ],
)
def test_errors_are_the_pure_parsers_messages(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ContentError) as fast:
        parse_yaml(text, "x.yaml", Limits())
    monkeypatch.setattr(yaml_nodes, "_FAST_PARSER", None)
    with pytest.raises(ContentError) as pure:
        parse_yaml(text, "x.yaml", Limits())
    assert [str(p) for p in fast.value.problems] == [str(p) for p in pure.value.problems]
