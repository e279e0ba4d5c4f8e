"""A null required field of a built-in kind is missing, as Kubernetes reads it; a null
optional field is simply unset."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.check import check

DEPLOYMENTS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: fine, namespace: web, annotations: null}
spec:
  replicas: null
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeSelector: null
      containers: [{name: web, image: "nginx:1.25", resources: null}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: broken, namespace: web}
spec:
  selector: null
  template:
    spec:
      containers:
"""


def test_a_null_required_field_is_missing_and_a_null_optional_one_unset(tmp_path: Path) -> None:
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENTS)
    found = [(f.location.line, f.message) for f in check([tmp_path]).findings]
    assert found == [
        (17, "missing required field 'selector' in $.spec (the key is there, but empty)"),
        (
            20,
            "missing required field 'containers' in $.spec.template.spec "
            "(the key is there, but empty)",
        ),
    ]
