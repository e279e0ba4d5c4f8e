"""Unknown fields of built-in kinds: reported, with the field that was meant."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.check import CheckConfig, check

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replica: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - containerPort: 80
              protocl: TCP
"""


def findings(tmp_path: Path, strict: bool) -> list[tuple[str, str, int, str]]:
    (tmp_path / "deployment.yaml").write_text(DEPLOYMENT)
    result = check([tmp_path], config=CheckConfig(strict=strict))
    return [
        (f.rule, f.severity.value, f.location.line, f.message)
        for f in result.findings
        if "unknown field" in f.message
    ]


def test_unknown_fields_are_warnings_naming_the_nearest_field(tmp_path: Path) -> None:
    found = findings(tmp_path, strict=False)
    assert [(rule, severity, line) for rule, severity, line, _ in found] == [
        ("unknown-field", "warning", 6),
        ("unknown-field", "warning", 18),
    ]
    assert found[0][3].endswith("did you mean 'replicas'?")
    assert found[1][3].endswith("did you mean 'protocol'?")


def test_strict_makes_them_schema_errors_with_the_same_suggestion(tmp_path: Path) -> None:
    found = findings(tmp_path, strict=True)
    assert [(rule, severity, line) for rule, severity, line, _ in found] == [
        ("schema", "error", 6),
        ("schema", "error", 18),
    ]
    assert found[0][3].endswith("did you mean 'replicas'?")


def test_strategic_merge_directives_in_patches_are_not_unknown(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text(
        "resources: [base.yaml]\npatches:\n  - path: patch.yaml\n"
    )
    (tmp_path / "base.yaml").write_text(
        DEPLOYMENT.replace("replica:", "replicas:").replace("protocl", "protocol")
    )
    (tmp_path / "patch.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
        "  template:\n    spec:\n      $setElementOrder/containers: [{name: web}]\n"
    )
    result = check([tmp_path])
    assert [f.message for f in result.findings if "unknown field" in f.message] == []
