"""The YAML reader: positions, Kubernetes scalar semantics and every bad input."""

from __future__ import annotations

import math

import pytest

from gitops_schema.load import LoadOptions, YamlMap, YamlSeq, load_bytes
from gitops_schema.load.document import Document
from gitops_schema.load.yaml import parse_documents


def one(text: str) -> Document:
    result = load_bytes(text.encode(), "t.yaml")
    assert not result.report.diagnostics, [str(d) for d in result.report]
    assert len(result.documents) == 1
    return result.documents[0]


def test_positions_of_keys_values_and_items() -> None:
    doc = one(
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: demo   # trailing comment\n"
        "data:\n"
        "  list:\n"
        "    - a\n"
        "    -   b\n"
    )
    data = doc.data
    assert isinstance(data, YamlMap)
    assert data.position == (1, 1)
    assert data.key_positions["metadata"] == (3, 1)
    assert data["metadata"].value_positions["name"] == (4, 9)
    seq = data["data"]["list"]
    assert isinstance(seq, YamlSeq)
    assert seq.item_positions == [(7, 7), (8, 9)]
    loc = doc.locate(("metadata", "name"))
    assert (loc.file, loc.line, loc.column, loc.json_path) == ("t.yaml", 4, 9, "$.metadata.name")
    assert doc.locate(("metadata", "name"), key=True).column == 3
    assert doc.locate(("data", "list", 1)).line == 8


def test_locate_missing_path_points_at_deepest_ancestor() -> None:
    doc = one("spec:\n  source:\n    path: x\n")
    loc = doc.locate(("spec", "source", "repoURL"))
    assert (loc.line, loc.column) == (3, 5)
    assert loc.json_path == "$.spec.source.repoURL"


def test_flow_style_positions() -> None:
    doc = one('{"a": [1, {"b": 2}], "c": "x"}')
    assert doc.data["a"][1].value_positions["b"] == (1, 17)
    assert doc.data.value_positions["c"] == (1, 27)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", True),
        ("on", True),
        ("y", True),
        ("N", False),
        ("off", False),
        ("~", None),
        ("null", None),
        ("0x1F", 31),
        ("0o17", 15),
        ("0777", 511),
        ("-0b101", -5),
        ("1_000", 1000),
        ("+12", 12),
        ("1e5", 100000.0),
        (".5", 0.5),
        ("08", 8.0),
        ("2024-01-01", "2024-01-01"),
        ("1:30", "1:30"),
        ("=", "="),
        ("HEAD", "HEAD"),
    ],
)
def test_plain_scalars_resolve_as_kubernetes_does(text: str, expected: object) -> None:
    value = one(f"v: {text}\n").data["v"]
    assert value == expected and type(value) is type(expected)


def test_special_floats_and_quoted_scalars() -> None:
    data = one("a: .inf\nb: -.Inf\nc: .nan\nd: 'yes'\ne: \"1\"\nf: !!str 12\ng: !!int '7'\n").data
    assert data["a"] == math.inf and data["b"] == -math.inf and math.isnan(data["c"])
    assert (data["d"], data["e"], data["f"], data["g"]) == ("yes", "1", "12", 7)


def test_unknown_tags_keep_the_scalar() -> None:
    data = one("key: !env_var SONARR_KEY\nmatch: =\n").data
    assert data == {"key": "SONARR_KEY", "match": "="}


def test_non_string_keys_become_their_json_text() -> None:
    assert one("1: a\ntrue: b\n~: c\n").data == {"1": "a", "true": "b", "null": "c"}
    # YAML 1.1 booleans as keys are the famous Kubernetes surprise; we read what it reads.
    assert one("y: 1\n").data == {"true": 1}


def test_multi_document_streams_skip_empty_documents() -> None:
    result = load_bytes(b"---\na: 1\n---\n---\n# only a comment\n---\nb: 2\n", "m.yaml")
    assert [d.data for d in result.documents] == [{"a": 1}, {"b": 2}]
    assert [d.index for d in result.documents] == [0, 3]
    assert result.documents[1].location.line == 7


def test_list_kinds_are_unwrapped() -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n"
        "  - apiVersion: v1\n    kind: Secret\n    metadata: {name: b}\n"
    )
    result = load_bytes(text.encode(), "l.yaml")
    assert [d.data["kind"] for d in result.documents] == ["ConfigMap", "Secret"]
    second = result.documents[1]
    assert second.prefix == ("items", 1)
    loc = second.locate(("metadata", "name"))
    assert (loc.line, loc.json_path) == (9, "$.items[1].metadata.name")


def test_merge_keys_explicit_keys_win() -> None:
    data = one("base: &b {p: 1, q: 2}\nm:\n  <<: *b\n  q: 3\n").data
    assert data["m"] == {"p": 1, "q": 3}
    assert data["m"].key_positions["p"] == (1, 11)


def test_repeated_anchor_names_refer_to_the_latest_definition() -> None:
    data = one("a: &x 1\nb: *x\nc: &x 2\nd: *x\n").data
    assert data == {"a": 1, "b": 1, "c": 2, "d": 2}


def test_trailing_tabs_and_tab_indented_json() -> None:
    assert one("a: 1\t\nb:\t2\n").data == {"a": 1, "b": 2}
    result = load_bytes(b'{\n\t"a": [1,\n\t\t2]\n}\n', "x.json")
    assert result.documents[0].data == {"a": [1, 2]}
    assert result.documents[0].data["a"].item_positions == [(2, 8), (3, 3)]


def diagnostics(text: str | bytes, name: str = "bad.yaml", **options: int) -> list[tuple]:
    data = text.encode() if isinstance(text, str) else text
    result = load_bytes(data, name, LoadOptions(**options))
    return [(d.rule, d.severity.value, d.location.line, d.location.column) for d in result.report]


def test_syntax_error_has_line_and_column_and_keeps_earlier_documents() -> None:
    result = load_bytes(b"a: 1\n---\nb: [1, 2\nc: 3\n", "s.yaml")
    assert [d.data for d in result.documents] == [{"a": 1}]
    (diag,) = result.report
    assert (diag.rule, diag.location.line, diag.location.column) == ("yaml-syntax", 4, 2)
    assert "while parsing a flow sequence" in diag.message


def test_unquoted_template_expression_is_reported_at_the_key() -> None:
    found = diagnostics("spec:\n  repoURL: {{.app.source}}\n")
    assert found == [("yaml-syntax", "error", 2, 13)]


def test_duplicate_key_reported_at_second_key_last_value_kept() -> None:
    result = load_bytes(b"metadata:\n  name: a\n  labels: {}\n  name: b\n", "d.yaml")
    assert result.documents[0].data["metadata"]["name"] == "b"
    (diag,) = result.report
    assert (diag.rule, diag.location.line, diag.location.column) == ("yaml-duplicate-key", 4, 3)
    assert "first defined at line 2" in diag.message


def test_non_utf8_reports_the_byte_position() -> None:
    assert diagnostics(b"a: 1\nb: caf\xe9\n") == [("file-encoding", "error", 2, 7)]


def test_utf8_bom_and_utf16_are_read() -> None:
    assert load_bytes(b"\xef\xbb\xbfa: 1\n", "b.yaml").documents[0].data == {"a": 1}
    utf16 = "a: \u00e9\n".encode("utf-16")
    assert load_bytes(utf16, "u.yaml").documents[0].data == {"a": "\u00e9"}


def test_binary_file() -> None:
    assert diagnostics(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") == [("file-binary", "error", 0, 0)]


def test_size_cap() -> None:
    assert diagnostics("a: " + "x" * 200, max_file_size=100) == [("file-too-large", "error", 0, 0)]


def test_alias_bomb_is_bounded() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    result = load_bytes("\n".join(lines).encode(), "bomb.yaml")
    assert result.documents == []
    assert [d.rule for d in result.report] == ["yaml-alias-limit"]


def test_recursive_alias_is_reported() -> None:
    assert diagnostics("a: &a [*a]\n")[0][0] == "yaml-alias-limit"


def test_deep_nesting_is_a_diagnostic_not_a_crash() -> None:
    found = diagnostics("[" * 5000 + "]" * 5000)
    assert found and found[0][0] == "yaml-syntax"


def test_parse_documents_returns_positions_of_documents() -> None:
    docs, diags = parse_documents("# c\n---\na: 1\n", "p.yaml")
    assert not diags
    assert docs[0].position == (3, 1)


def test_json_that_yaml_rejects_is_read_as_json_with_positions() -> None:
    text = '{\n  "emoji": "\\ud83d\\ude00",\n  "n": [1, 2.5e3]\n}\n'
    result = load_bytes(text.encode(), "e.json")
    assert not result.report.diagnostics
    data = result.documents[0].data
    assert data == {"emoji": "\U0001f600", "n": [1, 2500.0]}
    assert data.key_positions["n"] == (3, 3)
    assert data["n"].item_positions == [(3, 9), (3, 12)]


def test_invalid_json_file_reports_the_json_error() -> None:
    (diag,) = load_bytes(b'{"a": 1,\n "b" 2}', "bad.json").report
    assert (diag.location.line, diag.location.column) == (2, 6)
    assert "expected ':'" in diag.message
