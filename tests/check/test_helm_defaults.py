"""HelmRelease defaults patched in by a Kustomization reach the releases of its components."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.check import check

CLUSTER_APPS = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: cluster-apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
  patches:
    - target: {kind: Kustomization}
      patch: |
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: all
        spec:
          patches:
            - target: {kind: HelmRelease}
              patch: |
                apiVersion: helm.toolkit.fluxcd.io/v2
                kind: HelmRelease
                metadata:
                  name: all
                spec:
                  install: {remediation: {retries: -1}}
                  upgrade: {remediation: {retries: 3}}
"""
WEB = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: web
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/web/app
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
  components: [../../../components/release]
"""
RELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: {name}
  namespace: apps
spec:
  interval: 1h
  chart:
    spec:
      chart: ./charts/web
      sourceRef: {{kind: GitRepository, name: flux-system, namespace: flux-system}}
"""


def test_a_component_release_gets_the_defaults_of_the_kustomization_that_adds_it(
    tmp_path: Path,
) -> None:
    for name, text in {
        "flux/cluster-apps.yaml": CLUSTER_APPS,
        "apps/web/ks.yaml": WEB,
        "apps/web/app/kustomization.yaml": "resources: []\n",
        "components/release/kustomization.yaml": (
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
            "resources: [helmrelease.yaml]\n"
        ),
        "components/release/helmrelease.yaml": RELEASE.format(name="web"),
        "elsewhere/helmrelease.yaml": RELEASE.format(name="alone"),
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    result = check([tmp_path])
    warned = [f.location.file for f in result.findings if f.rule == "helmrelease-no-remediation"]
    assert warned == ["elsewhere/helmrelease.yaml"]
