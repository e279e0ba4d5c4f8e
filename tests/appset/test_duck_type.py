"""The clusterDecisionResource generator over duck-typed resources."""

from __future__ import annotations

from typing import Any

import pytest

from gitops_schema.appset.env import Env
from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.generators import GeneratorContext
from gitops_schema.appset.generators.cluster_decision_resource import generate

CONFIG = {
    "apiVersion": "cluster.x.io/v1beta1",
    "kind": "placementdecisions",
    "statusListKey": "decisions",
    "matchKey": "clusterName",
}
CLUSTER = {
    "metadata": {"labels": {"argocd.argoproj.io/secret-type": "cluster"}},
    "data": {"name": "c3RhZ2luZw==", "server": "aHR0cHM6Ly9zdGFnaW5nLw=="},
}


def decision_resource(*names: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "apiVersion": "cluster.x.io/v1beta1",
        "kind": "PlacementDecision",
        "metadata": {"name": "d", "namespace": "argocd", "labels": labels or {}},
        "status": {"decisions": [{"clusterName": n, "score": 1} for n in names]},
    }


def run(spec: dict[str, Any], *resources: dict[str, Any], go: bool = False) -> list[Any]:
    env = Env(clusters=(CLUSTER,), config_maps={"cm": CONFIG}, resources=resources)
    return generate({"configMapRef": "cm", **spec}, GeneratorContext(env, go_template=go))


def test_decisions_matched_by_cluster_name_values_copied_raw() -> None:
    spec = {"name": "d", "values": {"v": "{{name}}"}}
    got = run(spec, decision_resource("staging", "unknown", "in-cluster"))
    assert got == [
        {
            "name": "staging",
            "server": "https://staging",
            "clusterName": "staging",
            "score": "1",
            "values.v": "{{name}}",
        },
        {
            "name": "in-cluster",
            "server": "https://kubernetes.default.svc",
            "clusterName": "in-cluster",
            "score": "1",
            "values.v": "{{name}}",
        },
    ]
    (go, _) = run(spec, decision_resource("staging", "in-cluster"), go=True)
    assert go["values"] == {"v": "{{name}}"}


def test_label_selector_and_kind_guess() -> None:
    found = decision_resource("staging", labels={"p": "x"})
    other = {**decision_resource("staging"), "kind": "Other"}
    assert len(run({"labelSelector": {"matchLabels": {"p": "x"}}}, found, other)) == 1


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({}, "there is a problem with the definition of the ClusterDecisionResource generator"),
        ({"name": "d", "labelSelector": {"matchLabels": {}}}, "definition of the ClusterDecision"),
        ({"name": "nope"}, "no clusterDecisionResources found"),
        ({"configMapRef": "missing", "name": "d"}, 'configmaps "missing" not found'),
    ],
)
def test_errors(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(GeneratorError, match=message):
        run(spec, decision_resource("staging"))
