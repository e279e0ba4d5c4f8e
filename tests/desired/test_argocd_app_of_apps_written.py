"""An Argo CD app of apps whose root renders files that are entry points too (a root
Application over argocd/apps/, an Application over argocd/appsets/): each object is one
definition reached twice, not a render-duplicate; an ApplicationSet a chart templates is
expanded against the repository's cluster Secrets, its findings at the Application."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.desired import RenderOptions, render_repository

APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {{name: {name}, namespace: argocd}}
spec:
  project: default
  source: {{repoURL: https://github.com/org/gitops.git, path: {path}, targetRevision: main}}
  destination: {{server: https://kubernetes.default.svc, namespace: argocd}}
"""
LIST_APPSET = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: guestbook, namespace: argocd}
spec:
  generators:
  - list:
      elements: [{env: dev}, {env: prod}]
  template:
    metadata: {name: 'guestbook-{{env}}'}
    spec:
      project: default
      source: {repoURL: https://github.com/org/gitops.git, targetRevision: main, path: apps/web}
      destination: {name: '{{env}}', namespace: guestbook}
"""
CLUSTERS_APPSET = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: platform, namespace: argocd}
spec:
  generators:
  - clusters: {selector: {matchLabels: {tier: platform}}}
  template:
    metadata: {name: 'platform-{{ "{{name}}" }}'}
    spec:
      project: default
      source: {repoURL: https://github.com/org/gitops.git, targetRevision: main, path: apps/web}
      destination: {server: '{{ "{{server}}" }}', namespace: platform}
"""
SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: {name}
  namespace: argocd
  labels: {{argocd.argoproj.io/secret-type: cluster, tier: platform}}
stringData: {{name: {name}, server: 'https://{name}.example.com', config: '{{}}'}}
"""
FILES = {
    "bootstrap/root.yaml": APPLICATION.format(name="root", path="argocd/apps"),
    "argocd/apps/appsets.yaml": APPLICATION.format(name="appsets", path="argocd/appsets"),
    "argocd/apps/platform.yaml": APPLICATION.format(name="platform", path="charts/platform"),
    "argocd/appsets/guestbook.yaml": LIST_APPSET,
    "argocd/clusters/dev.yaml": SECRET.format(name="dev"),
    "argocd/clusters/prod.yaml": SECRET.format(name="prod"),
    "charts/platform/Chart.yaml": "apiVersion: v2\nname: platform\nversion: 0.1.0\n",
    "charts/platform/templates/appset.yaml": CLUSTERS_APPSET,
    "apps/web/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n",
}


def test_an_app_of_apps_over_written_files_renders_each_application_once(
    tmp_path: Path,
) -> None:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    rendered = render_repository(tmp_path, RenderOptions(cache=None))
    assert [d for d in rendered.report if d.severity.value != "info"] == []
    assert all(not d.location.file.startswith("<") for d in rendered.report)
    assert sorted((a.cluster, a.name) for a in rendered.apps) == [
        ("dev", "guestbook-dev"),
        ("dev", "platform-dev"),
        ("in-cluster", "appsets"),
        ("in-cluster", "platform"),
        ("in-cluster", "root"),
        ("prod", "guestbook-prod"),
        ("prod", "platform-prod"),
    ]
    # Each is placed at its own file, the generated ones at their ApplicationSet, or at
    # the Application whose chart templates it.
    where = {a.name: Path(a.location.file).relative_to(tmp_path).as_posix() for a in rendered.apps}
    assert where["appsets"] == "argocd/apps/appsets.yaml"
    assert where["guestbook-dev"] == "argocd/appsets/guestbook.yaml"
    assert where["platform-prod"] == "argocd/apps/platform.yaml"
