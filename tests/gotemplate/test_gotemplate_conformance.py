"""Every vector of ../shared/conformance/gotemplate/ passes, error cases by substring."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gitops_schema.conformance.gotemplate import _cases, _profile, run, run_case

VECTORS = Path(__file__).resolve().parents[2] / ".." / "shared" / "conformance" / "gotemplate"


def _all_cases() -> list[Any]:
    params = []
    for path in sorted(VECTORS.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        profile = _profile(doc)
        for name, case in _cases(doc):
            params.append(pytest.param(profile, case, id=f"{path.stem}::{name}"))
    return params


CASES = _all_cases()


def test_vectors_are_present() -> None:
    assert len(CASES) > 1000, f"expected the shared vectors in {VECTORS}"


@pytest.mark.parametrize(("profile", "case"), CASES)
def test_vector(profile: str, case: dict[str, Any]) -> None:
    passed, expected, got = run_case(profile, case)
    assert passed, f"expected {expected!r}, got {got!r}"


def test_pass_rate_per_file(capsys: pytest.CaptureFixture[str]) -> None:
    results = run(VECTORS)
    files = sorted({r.file for r in results})
    with capsys.disabled():
        for name in files:
            mine = [r for r in results if r.file == name]
            ok = sum(r.passed for r in mine)
            print(f"\n{name}: {ok}/{len(mine)} passed", end="")
        print()
    assert all(r.passed for r in results)
