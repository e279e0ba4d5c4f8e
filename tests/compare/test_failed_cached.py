"""Render failures name the repository's paths, never a scratch copy: a Flux build that
failed at a git revision and is read back from the cache by a later run, an Application
whose kustomize options are an overlay built in a scratch folder."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

KUSTOMIZATION = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  interval: 10m
  path: ./apps/prod
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
"""
PATCHED = """\
resources: [cm.yaml]
patches:
- target: {kind: ConfigMap}
  patch: '[{"op": "replace", "path": "/data/missing/level", "value": "x"}]'
"""


def test_a_cached_failure_at_a_revision_names_no_scratch_path(
    tmp_path: Path,
    cli: Callable[..., Any],
    git: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    repo = tmp_path / "repo"
    (repo / "clusters/kind-prod").mkdir(parents=True)
    (repo / "apps/prod").mkdir(parents=True)
    (repo / "clusters/kind-prod/apps.yaml").write_text(KUSTOMIZATION)
    (repo / "apps/prod/cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"
    )
    (repo / "apps/prod/kustomization.yaml").write_text("resources: [cm.yaml]\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "init")
    (repo / "apps/prod/kustomization.yaml").write_text(PATCHED)
    git(repo, "commit", "-qam", "break")

    for _ in range(2):  # the second run reads the failure from the cache
        result = cli("diff", str(repo), "--from", "HEAD~1", "--to", "HEAD", "-o", "json")
        assert result.code == 1
        [failed] = json.loads(result.out)["failed"]
        assert failed["revision"] == "HEAD"
        assert "kustomize build of apps/prod failed" in failed["reasons"][0]
        assert "/dev/shm" not in result.out + result.err
        assert "gitops-schema-rev-" not in result.out + result.err

    # The work tree's render names the repository's files by absolute path: told relative.
    result = cli("diff", str(repo), "--from", "HEAD", "-o", "json")
    assert result.code == 1
    # The same failure on both sides is told once, with both labels.
    [told] = [line for line in result.err.splitlines() if "kustomize build of" in line]
    assert told.startswith("[HEAD, work tree] ")
    assert "kustomize build of apps/prod failed" in told
    assert f"{repo}/apps" not in result.out + result.err


APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web, namespace: argocd}
spec:
  project: default
  source:
    repoURL: https://example.com/r.git
    path: apps/web
    targetRevision: v1.0.0
    kustomize: {namePrefix: x-}
  destination: {server: "https://kubernetes.default.svc", namespace: web}
"""


def test_an_application_with_kustomize_options_names_no_scratch_path(
    tmp_path: Path, cli: Callable[..., Any], git: Callable[..., str]
) -> None:
    # Its options are an overlay in a scratch folder: a failure names the source folder.
    repo = tmp_path / "repo"
    (repo / "argocd").mkdir(parents=True)
    (repo / "apps/web").mkdir(parents=True)
    (repo / "argocd/web.yaml").write_text(APPLICATION)
    (repo / "apps/web/kustomization.yaml").write_text("resources: [gone.yaml]\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "init")
    result = cli("diff", str(repo), "--no-cache", "-o", "json")
    assert result.code == 1
    reasons = [r for f in json.loads(result.out)["failed"] for r in f["reasons"]]
    assert len(reasons) == 2
    assert all("kustomize build of apps/web failed" in r for r in reasons)
    assert "gitops-schema-" not in result.out + result.err


def test_what_both_revisions_say_is_told_once_before_what_is_new(
    tmp_path: Path,
    cli: Callable[..., Any],
    git: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    repo = tmp_path / "repo"
    for name in ("prod", "dev"):
        (repo / "clusters/kind" / name).mkdir(parents=True)
        (repo / "apps" / name).mkdir(parents=True)
        (repo / "clusters/kind" / name / "apps.yaml").write_text(
            KUSTOMIZATION.replace("apps/prod", f"apps/{name}").replace(
                "name: apps", f"name: {name}"
            )
        )
        (repo / "apps" / name / "cm.yaml").write_text(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"
        )
    (repo / "apps/prod/kustomization.yaml").write_text(PATCHED)  # broken on both sides
    (repo / "apps/dev/kustomization.yaml").write_text("resources: [cm.yaml]\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "init")
    (repo / "apps/dev/kustomization.yaml").write_text(PATCHED)  # broken by the change
    git(repo, "commit", "-qam", "break dev")

    result = cli("diff", str(repo), "--from", "HEAD~1", "--to", "HEAD")
    told = [line for line in result.err.splitlines() if "kustomize build of" in line]
    assert len(told) == 2
    assert told[0].startswith("[HEAD~1, HEAD] ") and "apps/prod" in told[0]
    assert told[1].startswith("[HEAD] ") and "apps/dev" in told[1]
