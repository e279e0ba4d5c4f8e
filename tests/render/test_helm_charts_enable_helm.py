"""Argo CD's --enable-helm build option inflates a kustomization's helmCharts with the Helm
SDK (no helm program installed): values, CRDs and test hooks as helm template gives them."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.desired import RenderOptions, render_repository

FILES = {
    "argocd/argocd-cm.yaml": "apiVersion: v1\nkind: ConfigMap\n"
    "metadata: {name: argocd-cm, namespace: argocd}\n"
    "data: {kustomize.buildOptions: --enable-helm}\n",
    "argocd/app.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
    "metadata: {name: app, namespace: argocd}\nspec:\n  project: default\n"
    "  source: {repoURL: 'https://example.com/r.git', path: app, targetRevision: v1}\n"
    "  destination: {server: 'https://kubernetes.default.svc', namespace: app}\n",
    "app/kustomization.yaml": "helmCharts:\n- name: mini\n  releaseName: one\n"
    "  namespace: team\n  includeCRDs: true\n  skipTests: true\n"
    "  valuesInline: {greeting: bonjour}\n",
    "app/charts/mini/Chart.yaml": "apiVersion: v2\nname: mini\nversion: 0.1.0\n",
    "app/charts/mini/values.yaml": "greeting: hello\nsize: 1\n",
    "app/charts/mini/crds/widget.yaml": "apiVersion: apiextensions.k8s.io/v1\n"
    "kind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\n",
    "app/charts/mini/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\n"
    "metadata: {name: '{{ .Release.Name }}', namespace: '{{ .Release.Namespace }}'}\n"
    "data: {greeting: '{{ .Values.greeting }}', size: '{{ .Values.size }}'}\n",
    "app/charts/mini/templates/tests/test.yaml": "apiVersion: v1\nkind: Pod\n"
    "metadata: {name: test, annotations: {helm.sh/hook: test}}\n"
    "spec: {containers: [{name: t, image: busybox}]}\n",
}


def test_helm_charts_inflate_with_the_helm_sdk(tmp_path: Path) -> None:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    rendered = render_repository(tmp_path, RenderOptions(cache=None))
    [app] = rendered.apps
    assert app.problems == []
    assert [(m["kind"], m["metadata"]["name"]) for m in app.manifests] == [
        ("CustomResourceDefinition", "widgets.example.com"),
        ("ConfigMap", "one"),
    ]
    assert app.manifests[1]["metadata"]["namespace"] == "team"
    assert app.manifests[1]["data"] == {"greeting": "bonjour", "size": "1"}
