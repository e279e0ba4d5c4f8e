"""envdiff: an application whose parent (the Kustomization or Application that defines
it) failed to render in an environment is listed as not rendered there, naming its parent,
in every format, and the run exits non-zero."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

FLUX_KUSTOMIZATION = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: {name}, namespace: flux-system}}
spec:
  interval: 10m
  path: ./{path}
  prune: true
  sourceRef: {{kind: GitRepository, name: flux-system}}
"""
APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {{name: {name}, namespace: argocd}}
spec:
  project: default
  source: {{repoURL: https://github.com/org/repo.git, path: {path}, targetRevision: HEAD}}
  destination: {{server: https://kubernetes.default.svc, namespace: {namespace}}}
"""
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: web}}\ndata: {{level: {level}}}\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def flux_repository(root: Path) -> Path:
    """Clusters dev, staging, prod: ``apps`` defines ``web``, whose grandchild is ``db``;
    prod's ``apps`` lists a file that is not there."""
    files: dict[str, str] = {}
    for env in ("dev", "staging", "prod"):
        resources = "[web.yaml, missing.yaml]" if env == "prod" else "[web.yaml]"
        files |= {
            f"clusters/{env}/apps.yaml": FLUX_KUSTOMIZATION.format(name="apps", path=f"apps/{env}"),
            f"apps/{env}/kustomization.yaml": f"resources: {resources}\n",
            f"apps/{env}/web.yaml": FLUX_KUSTOMIZATION.format(name="web", path=f"web/{env}"),
            f"web/{env}/kustomization.yaml": "resources: [cm.yaml, db.yaml]\n",
            f"web/{env}/cm.yaml": CONFIGMAP.format(level=env),
            f"web/{env}/db.yaml": FLUX_KUSTOMIZATION.format(name="db", path=f"db/{env}"),
            f"db/{env}/kustomization.yaml": "resources: [cm.yaml]\n",
            f"db/{env}/cm.yaml": CONFIGMAP.format(level=env),
        }
    return write(root, files)


def test_envdiff_names_the_failed_parent_in_every_format(
    tmp_path: Path, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = flux_repository(tmp_path / "repo")
    for where in (str(repo), "."):
        monkeypatch.chdir(repo if where == "." else tmp_path)
        result = cli("envdiff", where, "--no-cache", "-o", "json")
        assert result.code == 1, result.err
        document = json.loads(result.out)
        failed = {(f["application"], f["environment"]): f for f in document["failed"]}
        assert set(failed) == {
            ("Kustomization/apps", "prod"),
            ("Kustomization/web", "prod"),
            ("Kustomization/db", "prod"),
        }
        assert failed["Kustomization/web", "prod"]["cluster"] == "prod"
        assert failed["Kustomization/web", "prod"]["reasons"] == [
            "clusters/prod/apps.yaml:1:1: Kustomization/apps, which defines it, could not be"
            " rendered"
        ]
        assert failed["Kustomization/db", "prod"]["reasons"] == [
            "clusters/prod/apps.yaml:1:1: Kustomization/web (not rendered: Kustomization/apps"
            " failed), which defines it, could not be rendered"
        ]
        web = next(a for a in document["applications"] if a["application"] == "web")
        assert web["environments"] == ["dev", "staging"]

    text = cli("envdiff", str(repo), "--no-cache")
    assert text.code == 1
    assert "cluster prod, Kustomization/web" in text.out
    assert "prod: clusters/prod/apps.yaml:1:1: Kustomization/apps, which defines it" in text.out
    assert str(tmp_path) not in text.out
    markdown = cli("envdiff", str(repo), "--no-cache", "-o", "markdown")
    assert markdown.code == 1
    assert "| `prod` | `Kustomization/web` | prod |" in markdown.out
    # Filtered to the child: it is still reported as not rendered in prod.
    only = cli("envdiff", str(repo), "--no-cache", "--app", "web", "-o", "json")
    assert only.code == 1
    assert [f["environment"] for f in json.loads(only.out)["failed"]] == ["prod"]
    # Only dev and staging compared: nothing failed.
    assert cli("envdiff", str(repo), "--no-cache", "--envs", "dev,staging").code == 0


def test_envdiff_argocd_helm_app_of_apps_child_of_a_failed_parent(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    """A chart templates each environment's Applications; prod's values file is missing."""
    child = APPLICATION.format(
        name="web-{{ .Values.env }}", path="web/{{ .Values.env }}", namespace="web"
    )
    files = {
        "charts/apps/Chart.yaml": "apiVersion: v2\nname: apps\nversion: 1.0.0\n",
        "charts/apps/templates/web.yaml": child,
        "charts/apps/values-dev.yaml": "env: dev\n",
        "charts/apps/values-staging.yaml": "env: staging\n",
    }
    for env in ("dev", "staging", "prod"):
        files[f"argocd/apps-{env}.yaml"] = APPLICATION.format(
            name=f"apps-{env}", path="charts/apps", namespace="argocd"
        ).replace("HEAD}", "HEAD, helm: {valueFiles: [values-" + env + ".yaml]}}")
        files[f"web/{env}/cm.yaml"] = CONFIGMAP.format(level=env)
    repo = write(tmp_path / "repo", files)
    result = cli("envdiff", str(repo), "--no-cache", "-o", "json")
    assert result.code == 1, result.err
    failed = {(f["application"], f["environment"]) for f in json.loads(result.out)["failed"]}
    assert failed == {("Application/apps-prod", "prod"), ("Application/web", "prod")}
