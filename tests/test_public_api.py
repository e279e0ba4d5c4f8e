"""The public surface is curated: __all__ is sorted, complete, and drags in no UI or
service dependency."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import gitops_schema

ROOT = Path(__file__).resolve().parents[1]


def test_all_is_sorted_and_names_every_public_member() -> None:
    # dir(), not vars(): the names are imported on first use.
    public = sorted(
        name
        for name in dir(gitops_schema)
        if not name.startswith("_") and not isinstance(getattr(gitops_schema, name), type(sys))
    )
    assert sorted(gitops_schema.__all__) == sorted([*public, "__version__"])
    assert gitops_schema.__all__ == sorted(gitops_schema.__all__)


def test_importing_the_library_does_not_import_the_cli_stack() -> None:
    code = (
        "import sys, gitops_schema; "
        "print(','.join(m for m in ('typer', 'rich', 'fastapi', 'sqlalchemy') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == ""


def test_docstring_example_runs() -> None:
    found = gitops_schema.inventory([ROOT / "examples" / "flux"])
    assert found.objects
    assert all(obj.location.line >= 1 for obj in found.objects)
