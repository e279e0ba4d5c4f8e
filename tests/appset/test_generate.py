"""`appset generate` end to end: goldens over the examples and the corpus, and its errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitops_schema.appset import OfflineInputs, generate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CORPUS = ROOT.parent / "shared" / "corpus" / "argocd-applicationset-examples"
OFFLINE = EXAMPLES / "offline"


def test_examples_golden(
    golden: Any, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = astuple(
        cli(
            "appset",
            "generate",
            "examples/argocd",
            "examples/case3",
            "--repo",
            "examples",
            "--scm-data",
            "examples/offline/pull-requests.json",
            "--scm-data",
            "examples/offline/scm-repos.json",
            "--decision-resources",
            "examples/offline/placement-decision.yaml",
        )
    )
    assert code == 0, err
    applications = list(yaml.safe_load_all(out))
    assert len(applications) == 34
    assert all(a["metadata"]["namespace"] == "argocd" for a in applications)
    golden("appset/examples.yaml", out)


def test_corpus_expands_or_says_what_is_missing(golden: Any) -> None:
    inputs = OfflineInputs(repos={"https://github.com/argoproj/argo-cd.git": CORPUS})
    result = generate([CORPUS], inputs)
    summary: dict[str, Any] = {}
    for expansion in result.expansions:
        file = Path(expansion.appset.document.file).relative_to(CORPUS)
        where = f"{file}:{expansion.appset.location.line}"
        summary[where] = {
            "applications": sorted(
                a.application["metadata"]["name"] for a in expansion.applications
            ),
            "problems": [f"{d.severity.value} {d.rule}: {d.message}" for d in expansion.report],
        }
        # Nothing is silently empty: an ApplicationSet with no Application either says
        # why, or has generators that legitimately select nothing (no clusters offline).
    expanded = sum(bool(v["applications"]) for v in summary.values())
    assert expanded >= 40
    golden("appset/corpus.json", json.dumps(summary, indent=1, sort_keys=True) + "\n")


def test_params_output(cli: Callable[..., Any]) -> None:
    code, out, _ = astuple(
        cli(
            "appset",
            "generate",
            str(EXAMPLES / "case3" / "applicationsets" / "microservices-list-appset.yaml"),
            "--params",
            "-o",
            "json",
        )
    )
    assert code == 0
    (item,) = json.loads(out)
    assert item["applicationSet"] == "microservices-list-appset"
    assert [p["service"] for p in item["generators"][0]][:2] == [
        "inventory-service",
        "inventory-service",
    ]


def test_usage_errors(cli: Callable[..., Any], tmp_path: Path) -> None:
    code, _, err = astuple(cli("appset", "generate", str(tmp_path / "missing.yaml")))
    assert code == 2 and "no such file or folder" in err
    code, _, err = astuple(
        cli("appset", "generate", str(EXAMPLES / "case3"), "--repo", str(tmp_path / "nope"))
    )
    assert code == 2 and "is not a folder" in err and "Traceback" not in err


def test_generator_errors_name_the_appset_and_generator(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    appset = tmp_path / "bad.yaml"
    appset.write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\n"
        "metadata: {name: bad, namespace: argocd}\n"
        "spec:\n  generators:\n    - matrix:\n        generators:\n"
        "          - list: {elements: [{a: x}]}\n"
        "  template:\n    metadata: {name: '{{a}}'}\n    spec:\n      project: p\n"
        "      destination: {server: https://x}\n"
    )
    code, out, err = astuple(cli("appset", "generate", str(appset)))
    assert code == 1
    assert f"{appset}:6:7" in err and "generator 0" in err and "Matrix" in err
    assert out == ""
