"""Plugin generators expanded offline from recorded replies."""

from __future__ import annotations

import json
from pathlib import Path

from gitops_schema.appset import OfflineInputs, generate

APPSET = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: plugged, namespace: argocd}
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators:
    - plugin:
        configMapRef: {name: my-plugin}
        input: {parameters: {team: payments}}
  template:
    metadata: {name: '{{ .app }}-{{ .generator.input.parameters.team }}'}
    spec:
      project: payments
      source: {repoURL: https://example.com/r.git, path: '{{ .app }}', targetRevision: v1}
      destination: {server: https://kubernetes.default.svc, namespace: '{{ .app }}'}
"""


def test_recorded_replies_expand_without_the_service(tmp_path: Path) -> None:
    (tmp_path / "appset.yaml").write_text(APPSET)
    answers = tmp_path / "plugins.json"
    answers.write_text(json.dumps({"my-plugin": [{"app": "api"}, {"app": "web"}]}))
    result = generate([tmp_path / "appset.yaml"], OfflineInputs(plugin_data=[answers]))
    (expansion,) = result.expansions
    names = [g.application["metadata"]["name"] for g in expansion.applications]
    assert names == ["api-payments", "web-payments"]
    assert not result.report.diagnostics


def test_recorded_reply_is_found_through_a_configmap_in_the_repository(tmp_path: Path) -> None:
    (tmp_path / "appset.yaml").write_text(APPSET)
    (tmp_path / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: my-plugin, namespace: argocd}\n"
        "data: {baseUrl: 'http://plugin.argocd.svc:4355', token: '$plugin.token'}\n"
        "---\napiVersion: v1\nkind: Secret\nmetadata: {name: argocd-secret, namespace: argocd}\n"
        "stringData: {plugin.token: t}\n"
    )
    answers = tmp_path / "plugins.json"
    answers.write_text(json.dumps({"my-plugin": {"output": {"parameters": [{"app": "api"}]}}}))
    result = generate([tmp_path], OfflineInputs(plugin_data=[answers]))
    assert [g.application["metadata"]["name"] for g in result.expansions[0].applications] == [
        "api-payments"
    ]


def test_without_a_recording_it_says_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "appset.yaml").write_text(APPSET)
    result = generate([tmp_path / "appset.yaml"])
    (diagnostic,) = result.report
    assert diagnostic.rule == "appset-offline-input"
    assert diagnostic.severity.value == "info"
    assert 'configmaps "my-plugin" not found' in diagnostic.message
    assert diagnostic.location.line == 8
