"""Go formatting details: fmt verbs, float text, JSON and YAML output, TOML."""

from __future__ import annotations

import pytest

from gitops_schema.gotemplate.floats import format_float
from gitops_schema.gotemplate.gofmt import sprint, sprintln
from gitops_schema.gotemplate.gojson import JSONError, marshal, unmarshal
from gitops_schema.gotemplate.gotoml import dumps
from gitops_schema.gotemplate.printf import sprintf
from gitops_schema.gotemplate.yaml_emit import to_yaml
from gitops_schema.gotemplate.yaml_load import YAMLError
from gitops_schema.gotemplate.yaml_load import unmarshal as yaml_unmarshal


@pytest.mark.parametrize(
    ("value", "fmt", "prec", "text"),
    [
        (3.0, "g", -1, "3"),
        (1000000.0, "g", -1, "1e+06"),
        (123456789.0, "g", -1, "1.23456789e+08"),
        (0.0001, "g", -1, "0.0001"),
        (0.00001, "g", -1, "1e-05"),
        (2.5, "f", 0, "2"),
        (1.0, "e", 3, "1.000e+00"),
        (1.0, "x", -1, "0x1p+00"),
        (-0.0, "g", -1, "-0"),
    ],
)
def test_format_float(value: float, fmt: str, prec: int, text: str) -> None:
    assert format_float(value, fmt, prec) == text


def test_print_family() -> None:
    assert sprint(["a", 1, 2, "b", None, 3]) == "a1 2b<nil> 3"
    assert sprintln([1, "a"]) == "1 a\n"
    assert sprintf("%[2]d %[1]s", ["s", 7]) == "7 s"
    assert sprintf("%v|%d", [{"b": [1], "a": None}]) == "map[a:<nil> b:[1]]|%!d(MISSING)"


def test_json_round_trip_and_errors() -> None:
    assert marshal({"b": [1, 2.5, None], "a": "<"}) == '{"a":"\\u003c","b":[1,2.5,null]}'
    assert unmarshal('{"n": 1}') == {"n": 1.0}
    with pytest.raises(JSONError, match="unexpected end of JSON input"):
        unmarshal('{"a":')
    with pytest.raises(JSONError, match="unsupported value"):
        marshal(float("nan"))


def test_yaml_quotes_what_would_change_type() -> None:
    text = to_yaml({"a": "on", "b": "1.5", "c": "12:30", "d": "x y", "e": "- x", "f": " pad"})
    assert text == 'a: "on"\nb: "1.5"\nc: "12:30"\nd: x y\ne: \'- x\'\nf: \' pad\'\n'


def test_yaml_folds_long_plain_lines_like_go_yaml() -> None:
    text = to_yaml({"k": "word " * 20 + "end"})
    first, second = text.splitlines()
    assert first.startswith("k: word") and len(first) <= 85
    assert second.startswith("  word")


def test_yaml_orders_keys_naturally() -> None:
    assert to_yaml({"a10": 1, "a2": 2, "B": 3, "_x": 4}) == "_x: 4\nB: 3\na2: 2\na10: 1\n"


def test_yaml_literal_blocks_and_escapes() -> None:
    assert to_yaml({"s": "a\nb\n"}) == "s: |\n  a\n  b\n"
    assert to_yaml({"s": "tab\there"}) == 's: "tab\\there"\n'


def test_yaml_reading_follows_yaml_1_1_and_json_numbers() -> None:
    assert yaml_unmarshal("y: on\nnum: 3\nk: [1, 2]", "map") == {
        "true": True,
        "num": 3.0,
        "k": [1.0, 2.0],
    }
    with pytest.raises(YAMLError, match="cannot unmarshal array"):
        yaml_unmarshal("- a", "map")


def test_toml_layout() -> None:
    assert dumps({"b": {"c": 1.0}, "a": [1, 2], "s": "x"}) == (
        'a = [1, 2]\ns = "x"\n\n[b]\n  c = 1.0\n'
    )
