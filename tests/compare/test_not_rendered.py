"""diff and envdiff on small repositories: applications that could not be rendered are
reported (never counted as unchanged), environments are found in cluster names, and an
application that rendered nothing has no consistency score."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gitops_schema.compare import DiffOptions, diff
from gitops_schema.desired import RenderOptions

APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {{name: {name}, namespace: argocd}}
spec:
  project: default
  source: {{repoURL: https://github.com/org/repo.git, path: apps/{name}, targetRevision: HEAD}}
  destination: {{server: https://kubernetes.default.svc, namespace: default}}
"""
KUSTOMIZATION = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: apps, namespace: flux-system}}
spec:
  interval: 10m
  path: ./apps/{env}
  prune: true
  sourceRef: {{kind: GitRepository, name: flux-system}}
"""
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata: {{a: '{value}'}}\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def argocd_repository(root: Path, git: Callable[..., str]) -> Path:
    """Applications good and broken (its kustomization lists a file that is not there)."""
    write(
        root,
        {
            "argocd/good.yaml": APPLICATION.format(name="good"),
            "argocd/broken.yaml": APPLICATION.format(name="broken"),
            "apps/good/kustomization.yaml": "resources: [cm.yaml]\n",
            "apps/good/cm.yaml": CONFIGMAP.format(name="good", value=1),
            "apps/broken/kustomization.yaml": "resources: [missing.yaml]\n",
        },
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root


def flux_repository(root: Path, values: dict[str, str | None]) -> Path:
    """One Flux Kustomization ``apps`` per cluster ``kind-<env>``; None: its file is missing."""
    for env, value in values.items():
        files = {
            f"clusters/kind-{env}/apps.yaml": KUSTOMIZATION.format(env=env),
            f"apps/{env}/kustomization.yaml": "resources: [cm.yaml]\n" if value else "{}\n",
        }
        if value:
            files[f"apps/{env}/cm.yaml"] = CONFIGMAP.format(name="settings", value=value)
        elif value is None:
            files[f"apps/{env}/kustomization.yaml"] = "resources: [cm.yaml]\n"
        write(root, files)
    return root


def test_diff_reports_an_application_not_rendered(
    tmp_path: Path, cli: Callable[..., Any], git: Callable[..., str]
) -> None:
    repo = argocd_repository(tmp_path / "repo", git)
    (repo / "apps/good/cm.yaml").write_text(CONFIGMAP.format(name="good", value=2))

    text = cli("diff", str(repo), "--no-cache")
    assert text.code == 1  # not rendered: non-zero without --exit-code
    assert "1 application(s) could not be rendered" in text.out
    assert "Application/broken" in text.out and "HEAD: argocd/broken.yaml" in text.out
    assert "lstat apps/broken/missing.yaml" in text.out
    assert "/dev/shm" not in text.out + text.err and str(tmp_path) not in text.out

    document = json.loads(cli("diff", str(repo), "--no-cache", "-o", "json").out)
    sides = {f["revision"]: f for f in document["failed"]}
    assert set(sides) == {"HEAD", "work tree"}
    assert sides["HEAD"]["application"] == "Application/broken"
    assert "apps/broken/missing.yaml" in sides["HEAD"]["reasons"][0]
    assert document["summary"]["changed"] == 1

    markdown = cli("diff", str(repo), "--no-cache", "-o", "markdown").out
    assert "Not rendered" in markdown
    assert "| `in-cluster` | `Application/broken` | HEAD |" in markdown


def test_diff_without_changes_is_not_clean_when_an_application_failed(
    tmp_path: Path, git: Callable[..., str]
) -> None:
    repo = argocd_repository(tmp_path / "repo", git)
    result = diff(repo, DiffOptions(render=RenderOptions()))
    assert not result.ok and not result.diff.changed
    assert {f.side for f in result.diff.failures} == {"HEAD", "work tree"}
    # The broken application is not among the compared ones (it would be "unchanged").
    compared = [a.application for c in result.diff.clusters for a in c.applications]
    assert compared == ["Application/good"]


def test_envdiff_finds_environments_in_cluster_names(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    repo = flux_repository(tmp_path / "repo", {"dev": "debug", "prod": "warn"})
    result = cli("envdiff", str(repo), "--no-cache", "-o", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    [app] = document["applications"]
    assert app["application"] == "apps" and app["environments"] == ["dev", "prod"]
    assert "failed" not in document


def test_envdiff_reports_an_environment_not_rendered(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    repo = flux_repository(tmp_path / "repo", {"dev": "debug", "staging": "info", "prod": None})
    result = cli("envdiff", str(repo), "--no-cache")
    assert result.code == 1
    assert "cluster kind-prod, Kustomization/apps" in result.out
    assert "prod: clusters/kind-prod/apps.yaml:1:1:" in result.out
    assert str(tmp_path) not in result.out
    document = json.loads(cli("envdiff", str(repo), "--no-cache", "-o", "json").out)
    assert [f["environment"] for f in document["failed"]] == ["prod"]
    assert document["applications"][0]["environments"] == ["dev", "staging"]
    markdown = cli("envdiff", str(repo), "--no-cache", "-o", "markdown").out
    assert "| `kind-prod` | `Kustomization/apps` | prod |" in markdown


def test_envdiff_never_scores_an_application_that_rendered_nothing(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    repo = flux_repository(tmp_path / "repo", {"dev": "", "prod": ""})
    result = cli("envdiff", str(repo), "--no-cache")
    assert result.code == 0
    assert "100.0%" not in result.out and "n/a (nothing rendered)" in result.out
    document = json.loads(cli("envdiff", str(repo), "--no-cache", "-o", "json").out)
    assert document["applications"][0]["score"] is None and document["score"] is None


def test_envdiff_unknown_application_is_a_usage_error(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    repo = flux_repository(tmp_path / "repo", {"dev": "debug", "prod": "warn"})
    result = cli("envdiff", str(repo), "--no-cache", "--app", "payments")
    assert result.code == 2 and "'payments'" in result.err


def test_envdiff_envs_naming_no_environment_is_a_usage_error(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    """--envs dev,prod on a repository of staging and production compares nothing: said,
    not a 100% consistency."""
    repo = flux_repository(tmp_path / "repo", {"staging": "debug", "production": "warn"})
    result = cli("envdiff", str(repo), "--no-cache", "--envs", "dev,production")
    assert result.code == 2
    assert "'dev'" in result.err and "environments there: production, staging" in result.err
    assert cli("envdiff", str(repo), "--no-cache", "--envs", "staging,production").code == 0


def test_diff_cluster_naming_no_cluster_is_a_usage_error(
    tmp_path: Path, cli: Callable[..., Any], git: Callable[..., str]
) -> None:
    repo = flux_repository(tmp_path / "repo", {"dev": "debug", "prod": "warn"})
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "init")
    result = cli("diff", str(repo), "--no-cache", "--cluster", "staging")
    assert result.code == 2
    assert "--cluster 'staging'" in result.err and "'kind-dev', 'kind-prod'" in result.err
    assert cli("diff", str(repo), "--no-cache", "--cluster", "kind-dev").code == 0
