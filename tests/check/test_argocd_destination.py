"""Destinations that name their cluster twice, or not at all, never sync."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.check import check

APP = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {name}
  namespace: argocd
spec:
  project: default
  source: {{repoURL: "https://example.com/web.git", path: web, targetRevision: v1.0.0}}
  destination: {destination}
"""

APPSET = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: fleet
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - {cluster: a, url: "https://a.example.com"}
          - {cluster: b, url: ""}
  template:
    metadata:
      name: "web-{{cluster}}"
    spec:
      project: default
      source: {repoURL: "https://example.com/web.git", path: web, targetRevision: v1.0.0}
      destination:
        server: "{{url}}"
        name: "{{cluster}}"
        namespace: web
"""


def _found(tmp_path: Path) -> list[tuple[str, int, str]]:
    result = check([tmp_path])
    return sorted(
        (f.location.file, f.location.line, f.message.split(" ", 2)[1])
        for f in result.findings
        if f.rule == "argocd-destination-invalid"
    )


def test_both_server_and_name_or_neither_is_an_error(tmp_path: Path) -> None:
    destinations = {
        "both": '{server: "https://kubernetes.default.svc", name: in-cluster, namespace: web}',
        "neither": "{namespace: web}",
        "by-name": "{name: in-cluster, namespace: web}",
        "by-server": '{server: "https://kubernetes.default.svc", namespace: web}',
        "empty-name": '{server: "https://kubernetes.default.svc", name: "", namespace: web}',
    }
    for name, destination in destinations.items():
        (tmp_path / f"{name}.yaml").write_text(APP.format(name=name, destination=destination))
    assert _found(tmp_path) == [("both.yaml", 9, "'both'"), ("neither.yaml", 9, "'neither'")]
    result = check([tmp_path])
    severities = {f.severity.value for f in result.findings if f.rule.startswith("argocd-dest")}
    assert severities == {"error"}


def test_a_template_is_judged_by_the_applications_it_generates(tmp_path: Path) -> None:
    # Cluster a gets a server and a name; cluster b's empty server leaves the name alone.
    (tmp_path / "appset.yaml").write_text(APPSET)
    assert _found(tmp_path) == [("appset.yaml", 18, "'web-a'")]


def test_a_destination_of_the_wrong_shape_is_a_schema_finding_only(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(APP.format(name="web", destination="in-cluster"))
    result = check([tmp_path])
    assert [f.rule for f in result.findings if f.location.line == 9] == ["schema"]
    assert _found(tmp_path) == []
