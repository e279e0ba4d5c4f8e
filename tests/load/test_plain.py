"""Only regular files are read, and YAML read as plain data keeps the loader's bounds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from gitops_schema.load import LoadOptions, load_paths
from gitops_schema.load.plain import (
    InputError,
    bounded,
    read_text,
    read_yaml_mapping,
    yaml_values,
)


def test_a_fifo_in_a_folder_is_a_diagnostic_not_a_hang(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    os.mkfifo(tmp_path / "pipe.yaml")
    result = load_paths([tmp_path])
    assert len(result.documents) == 1
    [problem] = result.report
    assert (problem.rule, problem.location.file) == ("file-not-regular", f"{tmp_path}/pipe.yaml")


def test_a_device_named_on_the_command_line_is_refused() -> None:
    [problem] = load_paths(["/dev/zero"]).report
    assert problem.rule == "file-not-regular"


def test_read_text_refuses_special_files_and_checks_size(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(InputError, match="not a regular file"):
        read_text(tmp_path / "pipe")
    (tmp_path / "big").write_text("a" * 100)
    with pytest.raises(InputError) as caught:
        read_text(tmp_path / "big", options=LoadOptions(max_file_size=10))
    assert caught.value.diagnostic.rule == "file-too-large"


@pytest.mark.parametrize(
    ("content", "rule", "line"),
    [
        (b"- a\n", "yaml-syntax", 1),
        (b"a: caf\xe9\n", "file-encoding", 1),
        (b"\x00\x01", "file-binary", 0),
        (b"a: 1\nb: [\n", "yaml-syntax", 3),
        (b"a: &a [*a]\n", "yaml-alias-limit", 1),
    ],
)
def test_values_file_problems_have_a_line(
    tmp_path: Path, content: bytes, rule: str, line: int
) -> None:
    (tmp_path / "values.yaml").write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_yaml_mapping(tmp_path / "values.yaml")
    assert (caught.value.diagnostic.rule, caught.value.diagnostic.location.line) == (rule, line)


def test_values_are_plain_and_kubernetes_typed(tmp_path: Path) -> None:
    (tmp_path / "values.yaml").write_text("a: {b: [1, yes, '2']}\nempty:\n")
    values = read_yaml_mapping(tmp_path / "values.yaml")
    assert values == {"a": {"b": [1, True, "2"]}, "empty": None}
    assert type(values["a"]) is dict and type(values["a"]["b"]) is list
    (tmp_path / "empty.yaml").write_text("# nothing\n")
    assert read_yaml_mapping(tmp_path / "empty.yaml") == {}


def test_bounded_refuses_bombs_and_cycles_built_by_pyyaml() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{k}: &{k} [{', '.join([f'*{p}'] * 10)}]\n"
        for p, k in zip("abcdef", "bcdefg", strict=True)
    )
    with pytest.raises(InputError, match="alias bomb"):
        bounded(yaml.safe_load(bomb), "bomb.yaml")
    with pytest.raises(InputError, match="contains it"):
        bounded(yaml.safe_load("a: &a [*a]"), "cycle.yaml")
    bounded(yaml.safe_load("a: &a {x: 1}\nb: *a\n"), "fine.yaml")
    with pytest.raises(InputError, match="alias bomb"):
        yaml_values(bomb, "bomb.yaml")
