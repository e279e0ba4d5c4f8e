"""`appset generate PATH` reads its git generators from the repository it is given."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

APPSET = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: apps
  namespace: argocd
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
    - git:
        repoURL: https://example.com/fleet.git
        revision: HEAD
        directories:
          - path: apps/*
  template:
    metadata: {name: "{{.path.basename}}"}
    spec:
      project: default
      source:
        repoURL: https://example.com/fleet.git
        path: "{{.path.path}}"
        targetRevision: HEAD
      destination: {server: "https://kubernetes.default.svc", namespace: "{{.path.basename}}"}
"""


def names(out: str) -> list[str]:
    return sorted(
        line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("  name: ")
    )


def test_the_given_repository_needs_no_repo_option(
    tmp_path: Path, cli: Callable[..., Any], git: Callable[..., str]
) -> None:
    repo = tmp_path / "fleet"
    (repo / "argocd").mkdir(parents=True)
    (repo / "argocd/appset.yaml").write_text(APPSET)
    for app in ("api", "web"):
        (repo / "apps" / app).mkdir(parents=True)
        (repo / "apps" / app / "cm.yaml").write_text("kind: ConfigMap\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "two apps")
    (repo / "apps/new").mkdir()
    (repo / "apps/new/cm.yaml").write_text("kind: ConfigMap\n")

    from_file = cli("appset", "generate", str(repo / "argocd/appset.yaml"))
    assert (from_file.code, names(from_file.out)) == (0, ["api", "new", "web"]), from_file.err
    from_folder = cli("appset", "generate", str(repo))
    assert names(from_folder.out) == ["api", "new", "web"]
    at_head = cli("appset", "generate", str(repo), "--revision", "HEAD")
    assert names(at_head.out) == ["api", "web"], at_head.err


def test_a_subfolder_stands_for_its_git_work_tree(
    tmp_path: Path,
    cli: Callable[..., Any],
    git: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Argo CD reads a git generator's paths from the repository root, wherever the
    ApplicationSet lives: `appset generate .` run in `argocd/` finds `apps/*`."""
    repo = tmp_path / "fleet"
    (repo / "argocd").mkdir(parents=True)
    (repo / "argocd/appset.yaml").write_text(APPSET)
    for app in ("api", "web"):
        (repo / "apps" / app).mkdir(parents=True)
        (repo / "apps" / app / "cm.yaml").write_text("kind: ConfigMap\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "two apps")
    monkeypatch.chdir(repo / "argocd")
    for path in (".", str(repo / "argocd"), "../argocd"):
        result = cli("appset", "generate", path)
        assert (result.code, names(result.out)) == (0, ["api", "web"]), (path, result.err)
    at_head = cli("appset", "generate", ".", "--revision", "HEAD")
    assert names(at_head.out) == ["api", "web"], at_head.err
