"""A Flux Kustomization whose GitRepository is another repository (its URL is not the
flux-system one) is not read from the rendered repository, whatever its path: it is a
source not available offline, unless mapped with --repo."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.desired import RenderOptions, render_repository

CLUSTER = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 1m, url: "ssh://git@github.com/acme/fleet", ref: {branch: main}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: same, namespace: flux-system}
spec: {interval: 1m, url: "https://github.com/acme/fleet.git", ref: {branch: main}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: vendor, namespace: flux-system}
spec: {interval: 1m, url: "https://github.com/vendor/platform", ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef: {kind: GitRepository, name: same}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: platform, namespace: flux-system}
spec:
  interval: 10m
  path: ./
  prune: true
  sourceRef: {kind: GitRepository, name: vendor}
"""


def _repository(root: Path) -> Path:
    (root / "clusters/prod").mkdir(parents=True)
    (root / "clusters/prod/flux.yaml").write_text(CLUSTER)
    (root / "apps").mkdir()
    (root / "apps/cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: web}\n"
    )
    (root / "vendor").mkdir()
    (root / "vendor/cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: vendored, namespace: platform}\n"
    )
    return root


def test_another_repository_is_not_read_from_this_one(tmp_path: Path) -> None:
    root = _repository(tmp_path / "repo")
    rendered = render_repository(root, RenderOptions())
    apps = {a.name: a for a in rendered.apps}
    # The same repository under another URL form is this repository.
    assert [m["metadata"]["name"] for m in apps["apps"].manifests] == ["web"]
    assert apps["platform"].manifests == []
    [problem] = apps["platform"].problems
    assert problem.rule == "render-flux-source-unsupported"
    assert "GitRepository/flux-system/vendor" in problem.message
    assert "--repo GitRepository/flux-system/vendor=DIR" in problem.message

    mapped = RenderOptions(repos={"GitRepository/flux-system/vendor": root / "vendor"})
    vendored = {a.name: a for a in render_repository(root, mapped).apps}["platform"]
    assert [m["metadata"]["name"] for m in vendored.manifests] == ["vendored"]
