"""Templates of other tools are skipped with a note; template mistakes in YAML are not."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.check import check

JINJA = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ app_name }}
spec:
{% if prod %}
  replicas: 3
{% endif %}
"""
HELM = """\
apiVersion: v1
kind: Service
metadata:
  name: {{ include "web.fullname" . }}
  labels:
    {{- include "web.labels" . | nindent 4 }}
"""
APPSET = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: apps
spec:
  generators: [{list: {elements: [{app: web}]}}]
  template:
    metadata: {name: web}
    spec:
      project: default
      source: {repoURL: {{.app.source}}, path: web}
      destination: {server: "https://kubernetes.default.svc", namespace: web}
"""


def test_templates_of_other_tools_are_one_info_each_and_do_not_fail(tmp_path: Path) -> None:
    for name, text in {
        "roles/web/templates/deployment.yaml": JINJA,
        "legacy/service.yaml": HELM,
        "roles/web/templates/config.yaml.j2": "data: {{ value }}\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    result = check([tmp_path, tmp_path / "roles/web/templates/config.yaml.j2"])
    assert sorted(
        (f.rule, f.severity.value, f.location.file.rsplit("/", 1)[1]) for f in result.findings
    ) == [
        ("template-skipped", "info", "config.yaml.j2"),
        ("template-skipped", "info", "deployment.yaml"),
        ("template-skipped", "info", "service.yaml"),
    ]


def test_an_unquoted_parameter_in_yaml_stays_a_syntax_error(tmp_path: Path) -> None:
    (tmp_path / "appset.yaml").write_text(APPSET)
    result = check([tmp_path])
    assert "yaml-syntax" in {f.rule for f in result.findings}
    assert "template-skipped" not in {f.rule for f in result.findings}
