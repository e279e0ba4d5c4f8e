"""The conformance command line: output format and exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_schema.conformance import SUITES
from gitops_schema.conformance.__main__ import main


def _write(tmp_path: Path, cases: list[dict[str, object]]) -> Path:
    doc = {"profile": "text", "cases": cases}
    (tmp_path / "mini.json").write_text(json.dumps(doc), encoding="utf-8")
    return tmp_path


def test_suites_is_a_plain_registry() -> None:
    assert isinstance(SUITES, dict)
    assert "gotemplate" in SUITES


def test_all_pass_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, [{"name": "ok", "template": "{{ .a }}", "data": {"a": 1}, "expected": "1"}])
    assert main(["gotemplate", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == "1 passed, 0 failed"


def test_failure_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(
        tmp_path,
        [
            {"name": "bad", "template": "{{ .a }}", "data": {"a": 1}, "expected": "2"},
            {"name": "err", "template": "{{ .a.b }}", "data": {"a": None}, "expected_error": "zzz"},
        ],
    )
    assert main(["gotemplate", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "0 passed, 2 failed"
    assert out[0].startswith("FAIL mini.json :: bad: expected '2', got '1'")


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    assert main([]) == 2
    assert main(["nosuchsuite", str(tmp_path)]) == 2
    assert main(["gotemplate", str(tmp_path / "missing")]) == 2
