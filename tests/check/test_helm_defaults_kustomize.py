"""HelmRelease defaults a Flux Kustomization patches in reach the releases its
kustomization.yaml pulls in from elsewhere (a kustomize component, a resource folder)."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.check import check

APPS = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  interval: 10m
  path: ./apps/prod
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
  patches:
  - target: {kind: HelmRelease}
    patch: |
      apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata: {name: all}
      spec:
        install: {remediation: {retries: 3}}
        upgrade: {remediation: {retries: 3}}
"""
RELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{name: {name}, namespace: flux-system}}
spec:
  interval: 1h
  chart:
    spec: {{chart: {name}, sourceRef: {{kind: HelmRepository, name: charts}}}}
"""
FILES = {
    "clusters/prod/apps.yaml": APPS,
    "apps/prod/kustomization.yaml": "resources: [repo.yaml, ../shared]\n"
    "components: [../../components/cache]\n",
    "apps/prod/repo.yaml": "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\n"
    "metadata: {name: charts, namespace: flux-system}\n"
    "spec: {interval: 1h, url: 'https://charts.example.com'}\n",
    "apps/shared/kustomization.yaml": "resources: [redis.yaml]\n",
    "apps/shared/redis.yaml": RELEASE.format(name="redis"),
    "components/cache/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\n"
    "kind: Component\nresources: [release.yaml]\n",
    "components/cache/release.yaml": RELEASE.format(name="cache"),
    "components/lonely/release.yaml": RELEASE.format(name="lonely"),
}


def test_defaults_reach_what_the_kustomization_yaml_builds(tmp_path: Path) -> None:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    warned = [
        f.location.file
        for f in check([tmp_path]).findings
        if f.rule == "helmrelease-no-remediation"
    ]
    assert [Path(file).name for file in warned] == ["release.yaml"]
    assert "components/lonely/" in warned[0]
