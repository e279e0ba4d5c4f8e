"""Helm fetches the documents a values.schema.json refers to ($ref) while it renders: a
render downloads nothing without --allow-network, so offline those references are taken
out (the rest of the schema still applies), and with it they are fetched and applied."""

from __future__ import annotations

import json
from pathlib import Path

from gitops_schema.desired import RenderOptions, render_repository

from ..conftest import ChartServer

APPLICATION = (
    "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
    "metadata: {name: web, namespace: argocd}\nspec:\n  project: default\n"
    "  source: {repoURL: 'https://example.com/r.git', path: chart, targetRevision: v1}\n"
    "  destination: {server: 'https://kubernetes.default.svc', namespace: web}\n"
)


def repository(root: Path, reference: str, values: str) -> Path:
    chart = root / "chart"
    (chart / "templates").mkdir(parents=True)
    (root / "argocd").mkdir()
    (root / "argocd/web.yaml").write_text(APPLICATION)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text(values)
    (chart / "templates/cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n"
        "data: {replicas: '{{ .Values.replicas }}'}\n"
    )
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {"replicas": {"$ref": reference}, "name": {"type": "string"}},
    }
    (chart / "values.schema.json").write_text(json.dumps(schema))
    return root


def test_a_remote_schema_reference_is_fetched_only_with_allow_network(
    tmp_path: Path, chart_server: ChartServer
) -> None:
    (chart_server.folder / "defs.json").write_text(
        json.dumps({"definitions": {"count": {"type": "integer"}}})
    )
    reference = f"{chart_server.url}/defs.json#/definitions/count"
    repo = repository(tmp_path / "repo", reference, "replicas: two\n")

    [app] = render_repository(repo, RenderOptions(cache=None)).apps
    assert app.problems == [] and app.manifests[0]["data"] == {"replicas": "two"}
    assert chart_server.requests == []
    assert reference in (repo / "chart/values.schema.json").read_text()  # not edited

    [app] = render_repository(repo, RenderOptions(cache=None, allow_network=True)).apps
    [problem] = app.problems
    assert "replicas" in problem.message and chart_server.requests == ["/charts/defs.json"]


def test_offline_the_rest_of_the_schema_still_applies(
    tmp_path: Path, chart_server: ChartServer
) -> None:
    repo = repository(tmp_path / "repo", f"{chart_server.url}/defs.json", "name: 5\n")
    [app] = render_repository(repo, RenderOptions(cache=None)).apps
    [problem] = app.problems
    assert "name" in problem.message and chart_server.requests == []
