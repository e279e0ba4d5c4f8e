"""`--max-applications`: too many generated Applications is a finding, not a MemoryError."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gitops_schema.appset import OfflineInputs, generate


def appset(path: Path, generators: list[dict[str, Any]]) -> Path:
    document = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "ApplicationSet",
        "metadata": {"name": "many", "namespace": "argocd"},
        "spec": {
            "goTemplate": True,
            "generators": generators,
            "template": {
                "metadata": {"name": "app-{{.a}}-{{.b}}"},
                "spec": {
                    "project": "default",
                    "source": {"repoURL": "https://example.org/r.git", "path": "."},
                    "destination": {"server": "https://kubernetes.default.svc"},
                },
            },
        },
    }
    path.write_text(json.dumps(document))
    return path


def elements(key: str, count: int) -> dict[str, Any]:
    return {"list": {"elements": [{key: str(i)} for i in range(count)]}}


def test_a_huge_matrix_stops_at_the_bound_at_once(tmp_path: Path) -> None:
    huge = {"matrix": {"generators": [elements("a", 3000), elements("b", 3000)]}}
    start = time.perf_counter()
    result = generate([appset(tmp_path / "a.yaml", [huge])])
    assert time.perf_counter() - start < 10
    assert [d.rule for d in result.report] == ["appset-too-many-applications"]
    assert "more than 10000 Applications" in next(iter(result.report)).message
    assert result.expansions[0].applications == []


def test_the_bound_counts_every_generator_and_can_be_raised(tmp_path: Path) -> None:
    path = appset(tmp_path / "a.yaml", [elements("a", 4), {"list": {"elements": [{"a": "x"}] * 3}}])
    small = generate([path], OfflineInputs(max_applications=5))
    assert [d.rule for d in small.report] == ["appset-too-many-applications"]
    assert len(small.expansions[0].applications) == 4
    assert len(generate([path], OfflineInputs(max_applications=7)).expansions[0].applications) == 7


def test_the_command_takes_the_bound(tmp_path: Path, cli: Callable[..., Any]) -> None:
    path = appset(tmp_path / "a.yaml", [elements("a", 4)])
    refused = cli("appset", "generate", str(path), "--max-applications", "3")
    assert refused.code == 1 and "appset-too-many-applications" in refused.err
