"""Argo CD's kustomize build options: from argocd-cm or the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gitops_schema.desired import RenderOptions, render_repository
from gitops_schema.render import kustomize_build_options

from ..conftest import Run

APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  project: default
  source: {repoURL: "https://example.com/repo.git", path: apps/web, targetRevision: HEAD}
  destination: {server: "https://kubernetes.default.svc", namespace: web}
"""
ARGOCD_CM = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
data:
  kustomize.buildOptions: {options}
"""


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """An Application whose kustomization reads a file outside its folder."""
    for name, text in {
        "shared/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n",
        "apps/web/kustomization.yaml": "resources:\n  - ../../shared/cm.yaml\n",
        "argocd/app.yaml": APPLICATION,
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def render(repository: Path, given: str | None = None) -> tuple[list[str], list[str]]:
    options = RenderOptions(
        repos={"https://example.com/repo.git": repository}, kustomize_build_options=given
    )
    rendered = render_repository(repository, options)
    names = [m["metadata"]["name"] for app in rendered.apps for m in app.manifests]
    return names, [f"{d.rule}: {d.message}" for d in rendered.report]


def test_root_only_is_the_default_and_its_failure_names_the_option(repository: Path) -> None:
    names, problems = render(repository)
    assert names == []
    [problem] = problems
    assert problem.startswith("render-kustomize-failed")
    assert "--load-restrictor LoadRestrictionsNone is missing" in problem


def test_argocd_cm_build_options_are_read(repository: Path) -> None:
    options = "--load-restrictor LoadRestrictionsNone --enable-alpha-plugins"
    (repository / "argocd/cm.yaml").write_text(ARGOCD_CM.format(options=options))
    names, problems = render(repository)
    assert names == ["shared"]
    assert [p.split(":")[0] for p in problems] == ["render-argocd-build-option-ignored"]
    assert "--enable-alpha-plugins" in problems[0]


def test_given_build_options_win_over_argocd_cm(repository: Path) -> None:
    (repository / "argocd/cm.yaml").write_text(ARGOCD_CM.format(options="--enable-helm"))
    names, problems = render(repository, "--load-restrictor=LoadRestrictionsNone")
    assert (names, problems) == (["shared"], [])


def test_build_options_parse() -> None:
    options, ignored = kustomize_build_options(
        "--enable-helm --load-restrictor=LoadRestrictionsNone"
    )
    assert (options.enable_helm, options.load_restrictor, ignored) == (
        True,
        "LoadRestrictionsNone",
        [],
    )
    assert kustomize_build_options("--reorder none")[1] == ["--reorder", "none"]


def test_diff_and_envdiff_take_the_build_options(
    repository: Path, cli: Callable[..., Run], git: Callable[..., str]
) -> None:
    git(repository, "init", "-q")
    git(repository, "add", "-A")
    git(repository, "commit", "-qm", "one")
    shared = repository / "shared/cm.yaml"
    shared.write_text(shared.read_text() + "data: {k: v}\n")
    given = ("--kustomize-build-options", "--load-restrictor LoadRestrictionsNone")
    changed = cli("diff", str(repository), "--no-cache", *given, "-o", "json")
    assert changed.code == 0, changed.err
    assert json.loads(changed.out)["summary"]["changed"] == 1
    refused = cli("diff", str(repository), "--no-cache", "-o", "json")
    assert refused.code == 1
    assert "--load-restrictor LoadRestrictionsNone is missing" in refused.out + refused.err
    compared = cli("envdiff", str(repository), "--no-cache", *given)
    assert (compared.code, compared.err) == (0, "")
    assert "is missing" in cli("envdiff", str(repository), "--no-cache").err
