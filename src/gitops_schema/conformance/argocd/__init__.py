"""Runner for the Argo CD ApplicationSet vectors (``shared/conformance/argocd/``).

What to run is decided by each case's fields alone (see the suite's README): a
``generator`` case runs one generator entry against its ``environment``; a ``function``
case calls the library function of that name; a ``template_kind`` case renders a
template; a ``templatePatch`` case patches an Application; an ``applicationSet`` case
looks for unrecognised generators.
"""

from __future__ import annotations

import json
from pathlib import Path

from gitops_schema.conformance import CaseResult
from gitops_schema.conformance.argocd.cases import run_case


def run(directory: Path) -> list[CaseResult]:
    """Run every case of every JSON file of the directory, in file order."""
    results: list[CaseResult] = []
    for path in sorted(directory.glob("*.json")):
        for index, case in enumerate(json.loads(path.read_text())):
            name = str(case.get("name", f"case {index}"))
            results.append(run_case(path.name, name, case))
    return results


__all__ = ["run"]
