"""The CLI's guard of last resort: a bug is one line and a crash report, never a traceback."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import gitops_schema.cli.inventory as inventory_cli


def _explode(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("a bug with a secret-looking message")


def test_unexpected_exception_is_one_line_exit_2_and_a_report(
    cli: Callable, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(inventory_cli, "inventory", _explode)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = cli("inventory", str(tmp_path))
    assert result.code == 2
    assert "Traceback" not in result.err + result.out
    (line,) = result.err.strip().splitlines()
    assert "internal error (RuntimeError)" in line
    (report,) = tmp_path.glob("gitops-schema-crash-*.txt")
    assert str(report) in line
    text = report.read_text()
    assert "Traceback" in text and "a bug with a secret-looking message" in text
    assert "command: gitops-schema inventory" in text
    assert report.stat().st_mode & 0o077 == 0


def test_unwritable_temp_folder_still_one_line(
    cli: Callable, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(inventory_cli, "inventory", _explode)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    result = cli("inventory", str(tmp_path))
    assert result.code == 2
    (line,) = result.err.strip().splitlines()
    assert "no crash report could be written" in line
