"""Property tests: the loader never fails with anything but diagnostics, and reads back
what a YAML writer wrote, with positions that point at the values."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_schema.load import YamlMap, YamlSeq, load_bytes
from gitops_schema.load.scalars import resolve_plain

keys = st.text(alphabet=st.characters(categories=("L", "N")), min_size=1, max_size=8)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    # Raw control and line-separator characters are written unescaped by PyYAML's
    # writer and folded by every YAML reader (libyaml and go-yaml alike).
    st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20),
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    result = load_bytes(data, "fuzz.yaml")
    for diagnostic in result.report:
        assert diagnostic.location.file == "fuzz.yaml"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab:-[]{}&*!|>'\"#\n\t ,?%@`", max_size=120))
def test_yaml_punctuation_soup_never_raises(text: str) -> None:
    load_bytes(text.encode(), "soup.yaml")


def plain(value: Any) -> Any:
    return json.loads(json.dumps(value))


def check_positions(value: Any, lines: list[str]) -> None:
    if isinstance(value, YamlMap):
        for key, (line, column) in value.key_positions.items():
            assert 1 <= line <= len(lines)
            assert 1 <= column <= len(lines[line - 1]) + 1
            check_positions(value[key], lines)
    elif isinstance(value, YamlSeq):
        for item, (line, _) in zip(value, value.item_positions, strict=True):
            assert 1 <= line <= len(lines)
            check_positions(item, lines)


class KubernetesDumper(yaml.SafeDumper):
    """PyYAML's writer, quoting what Kubernetes (YAML 1.1 as go-yaml v2) would not read
    back as a string: PyYAML leaves ``y``, ``n`` or ``1e5`` plain."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if value and resolve_plain(value) is not value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


KubernetesDumper.add_representer(str, _represent_str)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, values, min_size=1, max_size=5))
def test_round_trip_through_a_yaml_writer(data: dict[str, Any]) -> None:
    text = yaml.dump(data, Dumper=KubernetesDumper, sort_keys=False, allow_unicode=True)
    result = load_bytes(text.encode(), "rt.yaml")
    assert not result.report.diagnostics
    (document,) = result.documents
    assert plain(document.data) == plain(data)
    check_positions(document.data, text.splitlines())


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, values, min_size=1, max_size=5))
def test_round_trip_json(data: dict[str, Any]) -> None:
    text = json.dumps(data, indent="\t")
    (document,) = load_bytes(text.encode(), "rt.json").documents
    assert plain(document.data) == plain(data)
