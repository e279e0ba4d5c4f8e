"""Every defect SEED.md lists is reported on the seed's YAML, with the right rule and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_schema.check import CheckConfig, check
from gitops_schema.check.report import render_json

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seed-cases"

CASE1 = "case1-argocd-multicluster"
CASE2 = "case2-flux-multienv"
CASE3 = "case3-applicationsets"

EXPECTED = [
    # ServiceMonitor declared as apiVersion: v1.
    ("kind-wrong-group", f"{CASE1}/monitoring/servicemonitor.yaml", 1),
    # A Secret with a plaintext git password in stringData.
    ("secret-plaintext", f"{CASE2}/flux/payment-service-repo.yaml", 22),
    # Deprecated (now removed) Flux APIs.
    ("api-removed", f"{CASE2}/flux/payment-service-repo.yaml", 1),  # source v1beta1
    ("api-removed", f"{CASE2}/flux/payment-service-dev.yaml", 1),  # kustomize v1beta2
    ("api-removed", f"{CASE2}/flux/payment-service-prod.yaml", 1),
    ("api-removed", f"{CASE2}/flux/payment-service-alert.yaml", 1),  # notification v1beta1
    ("api-removed", f"{CASE2}/flux/payment-service-alert.yaml", 16),
    # kustomize bases, patchesStrategicMerge, commonLabels.
    ("kustomize-deprecated-field", f"{CASE2}/overlays/dev/payment-service/kustomization.yaml", 6),
    ("kustomize-deprecated-field", f"{CASE2}/overlays/dev/payment-service/kustomization.yaml", 9),
    ("kustomize-deprecated-field", f"{CASE2}/overlays/dev/payment-service/kustomization.yaml", 16),
    ("kustomize-deprecated-field", f"{CASE2}/base/payment-service/kustomization.yaml", 8),
    # filters on the git generator.
    ("appset-unknown-field", f"{CASE3}/applicationsets/microservices-git-appset.yaml", 13),
    # {{cluster}} and {{cluster.environment}}: parameters no generator of the matrix emits.
    ("appset-unknown-param", f"{CASE3}/applicationsets/multi-cluster-appset.yaml", 31),
    ("appset-unknown-param", f"{CASE3}/applicationsets/multi-cluster-appset.yaml", 40),
    # name: dev|staging|prod beside clusters: (the API server prunes it).
    ("appset-unknown-field", f"{CASE1}/argocd/applicationsets/user-service-appset.yaml", 12),
    ("appset-unknown-field", f"{CASE1}/argocd/applicationsets/user-service-appset.yaml", 17),
    ("appset-unknown-field", f"{CASE1}/argocd/applicationsets/user-service-appset.yaml", 22),
]


@pytest.fixture(scope="module")
def findings() -> set[tuple[str, str, int]]:
    result = check([SEED])
    return {(f.rule, f.location.file, f.location.line) for f in result.findings}


@pytest.mark.parametrize(("rule", "file", "line"), EXPECTED)
def test_seed_defect_is_reported(findings: set, rule: str, file: str, line: int) -> None:
    assert (rule, file, line) in findings


def test_seed_check_golden(golden) -> None:  # type: ignore[no-untyped-def]
    report = render_json(check([SEED]))
    assert json.loads(report)["summary"]["error"] >= 14
    golden("check/seed-cases.json", report)


def test_examples_are_clean() -> None:
    result = check([ROOT / "examples"], config=CheckConfig(exclude=("seed-as-written",)))
    problems = [str(f) for f in result.findings if f.severity.value != "info"]
    assert problems == []


def test_corpus_never_crashes() -> None:
    result = check([ROOT.parent / "shared" / "corpus"])
    assert result.objects >= 740
    for finding in result.findings:
        assert finding.location.file and finding.location.line >= 0
    # Schema errors are only in files upstream rejects too (documentation fragments and
    # design-doc examples older than the CRDs, and one kustomization kustomize rejects).
    schema_files = {f.location.file.split("/")[0] for f in result.findings if f.rule == "schema"}
    assert schema_files <= {"argocd-applicationset-examples", "argocd-example-apps"}
