from __future__ import annotations

from pathlib import Path

import pytest

APPS = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
  finalizers: [resources-finalizer.argocd.argoproj.io]
spec:
  project: team
  source:
    repoURL: https://git.example.com/org/repo.git
    targetRevision: main
    path: charts/web
    helm:
      releaseName: web-release
      valueFiles: [values-prod.yaml]
      parameters:
        - {name: replicas, value: "3"}
        - {name: image.tag, value: "1.10", forceString: true}
  destination: {name: prod, namespace: web}
  syncPolicy:
    automated: {prune: true, selfHeal: true, allowEmpty: true}
    syncOptions: [CreateNamespace=true]
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: kust
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/org/repo.git
    targetRevision: HEAD
    path: manifests/kust
    kustomize:
      namePrefix: p-
      images: [nginx:1.25]
      commonLabels: {team: a}
  destination: {server: https://kubernetes.default.svc, namespace: kust}
  syncPolicy:
    automated: {prune: true, selfHeal: true, allowEmpty: true}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: plain
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/org/repo.git
    targetRevision: v1.2.0
    path: manifests/dir
  destination: {server: https://kubernetes.default.svc, namespace: plain}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: plugged
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/org/repo.git
    targetRevision: main
    path: manifests/dir
    plugin: {name: sops}
  destination: {server: https://kubernetes.default.svc, namespace: plain}
"""

CLUSTER = """\
apiVersion: v1
kind: Secret
metadata:
  name: prod-cluster
  namespace: argocd
  labels: {argocd.argoproj.io/secret-type: cluster}
stringData:
  name: prod
  server: https://prod.example.com
  config: "{}"
"""

PROJECT = """\
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: team, namespace: argocd}
spec:
  sourceRepos: ["https://git.example.com/org/*"]
  destinations:
    - {name: prod, namespace: web}
    - {name: prod, namespace: "team-*"}
"""

APPSET = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: envs, namespace: argocd}
spec:
  generators:
    - list:
        elements: [{env: dev}, {env: test}]
  template:
    metadata: {name: "kust-{{env}}"}
    spec:
      project: default
      source:
        repoURL: https://git.example.com/org/repo.git
        targetRevision: main
        path: manifests/kust
      destination: {server: https://kubernetes.default.svc, namespace: "kust-{{env}}"}
      syncPolicy:
        automated: {prune: true, selfHeal: true, allowEmpty: true}
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def argo_repo(tmp_path: Path) -> Path:
    """A small Argo CD repository: Helm, kustomize, directory and plugin Applications."""
    root = tmp_path / "repo"
    write(
        root,
        {
            "argocd/apps.yaml": APPS,
            "argocd/cluster.yaml": CLUSTER,
            "argocd/project.yaml": PROJECT,
            "argocd/appset.yaml": APPSET,
            "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
            "charts/web/values.yaml": "replicas: 1\nimage: {tag: latest}\n",
            "charts/web/values-prod.yaml": "replicas: 2\n",
            "charts/web/templates/cm.yaml": (
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: '{{ .Release.Name }}'}\n"
                "data: {replicas: '{{ .Values.replicas }}', tag: '{{ .Values.image.tag }}'}\n"
            ),
            "manifests/kust/kustomization.yaml": "resources: [deployment.yaml]\n",
            "manifests/kust/deployment.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n"
                "  selector: {matchLabels: {app: app}}\n  template:\n"
                "    metadata: {labels: {app: app}}\n"
                "    spec: {containers: [{name: app, image: nginx}]}\n"
            ),
            "manifests/dir/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
            "manifests/dir/sub/b.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
        },
    )
    return root
