"""Every Python example in the README runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)


@pytest.mark.parametrize("code", BLOCKS)
def test_readme_example_runs(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})


def test_readme_has_examples() -> None:
    assert BLOCKS


def test_readme_documents_every_rule() -> None:
    from gitops_schema.check.rules import RULES

    text = (ROOT / "README.md").read_text()
    missing = [rule for rule in RULES if f"`{rule}`" not in text]
    assert missing == []
