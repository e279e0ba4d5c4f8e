"""Every vector of ../shared/conformance/argocd/ passes, through the same runner users run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gitops_schema.conformance.argocd.cases import run_case

VECTORS = Path(__file__).resolve().parents[2].parent / "shared" / "conformance" / "argocd"


def _cases() -> list[Any]:
    params = []
    for path in sorted(VECTORS.glob("*.json")):
        for index, case in enumerate(json.loads(path.read_text())):
            name = str(case.get("name", f"case {index}"))
            params.append(pytest.param(path.name, name, case, id=f"{path.stem}::{name}"))
    return params


CASES = _cases()


def test_vectors_are_present() -> None:
    assert len(CASES) > 200, f"expected the shared vectors in {VECTORS}"


@pytest.mark.parametrize(("file", "name", "case"), CASES)
def test_vector(file: str, name: str, case: dict[str, Any]) -> None:
    result = run_case(file, name, case)
    assert result.passed, f"expected {result.expected}, got {result.got}"


def test_runner_command_prints_the_count() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gitops_schema.conformance", "argocd", str(VECTORS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert done.stdout.strip().splitlines()[-1] == f"{len(CASES)} passed, 0 failed"
