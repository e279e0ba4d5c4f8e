"""check --render loads and expands the repository a second time to render it: what
both say (a template skipped, a generator not expanded offline) is reported once, at a
revision as in the work tree with the repository's paths; and a skipped template is one
line of the text report."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

APPSET = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: previews, namespace: argocd}
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
  - pullRequest:
      github: {owner: acme, repo: web}
  template:
    metadata: {name: 'pr-{{.number}}'}
    spec:
      project: default
      source: {repoURL: "https://example.com/r.git", path: web, targetRevision: '{{.head_sha}}'}
      destination: {server: "https://kubernetes.default.svc", namespace: 'pr-{{.number}}'}
"""


def test_check_render_says_each_finding_once(tmp_path: Path, cli: Callable[..., Any]) -> None:
    (tmp_path / "argocd").mkdir()
    (tmp_path / "argocd/previews.yaml").write_text(APPSET)
    (tmp_path / "ansible").mkdir()
    (tmp_path / "ansible/config.yaml").write_text("{% if server %}\ninit: true\n{% endif %}\n")
    result = cli("check", "--render", str(tmp_path), "--no-cache", "-o", "json")
    assert result.code == 0, result.out + result.err
    found = [(f["rule"], f["file"], f["line"]) for f in json.loads(result.out)["findings"]]
    assert found == [
        ("template-skipped", "ansible/config.yaml", 1),
        ("appset-offline-input", "argocd/previews.yaml", 8),
    ]


def test_a_skipped_template_is_one_text_line(tmp_path: Path, cli: Callable[..., Any]) -> None:
    (tmp_path / "config.yaml.j2").write_text("{% if server %}\ninit: true\n{% endif %}\n")
    result = cli("check", str(tmp_path / "config.yaml.j2"))
    assert result.code == 0
    assert result.out.splitlines()[0].endswith(
        "info[template-skipped]: a Jinja template of "
        "another tool, not YAML until that tool renders it; not read"
    )
    assert result.out.splitlines()[1:] == ["", "0 errors, 0 warnings, 1 info in 1 file"]


def test_check_render_at_a_revision_names_the_repository_files(
    tmp_path: Path, cli: Callable[..., Any], git: Callable[..., str]
) -> None:
    (tmp_path / "clusters/prod").mkdir(parents=True)
    (tmp_path / "apps").mkdir()
    (tmp_path / "clusters/prod/apps.yaml").write_text(
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
        "metadata: {name: apps, namespace: flux-system}\n"
        "spec: {interval: 10m, path: ./apps, prune: true, wait: true,"
        " sourceRef: {kind: GitRepository, name: flux-system}}\n"
    )
    (tmp_path / "apps/kustomization.yaml").write_text("resources: [gone.yaml]\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "init")
    for revision in ("HEAD", None):
        at = ("--revision", revision) if revision else ()
        result = cli("check", "--render", str(tmp_path), *at, "--no-cache", "-o", "json")
        found = json.loads(result.out)["findings"]
        [failed] = [f for f in found if f["rule"] == "render-flux-build-failed"]
        assert failed["file"] == "clusters/prod/apps.yaml"
        assert failed["message"].startswith("kustomize build of apps failed")
        assert "gitops-schema-" not in result.out and str(tmp_path) not in result.out
