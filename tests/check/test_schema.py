"""Schema validation: one bad and one good case per feature, with exact messages and lines."""

from __future__ import annotations

from textwrap import dedent

import pytest

from gitops_schema.check.schema import SchemaValidator
from gitops_schema.diagnostics import Diagnostic
from gitops_schema.errors import UsageError
from gitops_schema.load import Document, load_bytes
from gitops_schema.model import GitOpsObject, parse_documents

LATEST = SchemaValidator(kubernetes_version="1.37")
STRICT = SchemaValidator(kubernetes_version="1.37", strict=True)


def _objects(text: str, name: str = "repo/object.yaml") -> list[GitOpsObject]:
    return parse_documents(load_bytes(dedent(text).encode(), name).documents).objects


def _findings(text: str, validator: SchemaValidator = LATEST, name: str = "a.yaml") -> list[str]:
    return [_show(d) for obj in _objects(text, name) for d in validator.validate(obj)]


def _show(diagnostic: Diagnostic) -> str:
    where = diagnostic.location
    return f"{where.line}:{where.column} {diagnostic.rule} {diagnostic.message}"


DEPLOYMENT = """\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: {replicas}
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
            - name: web
              image: nginx:1.27
              ports: [{containerPort: {port}}]
"""


def _deployment(replicas: str = "2", port: str = "80") -> str:
    return DEPLOYMENT.replace("{replicas}", replicas).replace("{port}", port)


def test_a_valid_deployment_has_no_finding() -> None:
    assert _findings(_deployment()) == []


def test_a_core_kind_error_is_at_the_offending_value() -> None:
    assert _findings(_deployment(replicas='"two"')) == [
        "5:13 schema $.spec.replicas: expected integer, found 'two'"
    ]


def test_a_missing_required_field_is_reported_on_its_parent() -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          ports:
            - targetPort: 8080
    """
    assert _findings(text) == ["6:7 schema missing required field 'port' in $.spec.ports[0]"]


def test_int_or_string_accepts_both_and_names_both_when_wrong() -> None:
    service = """\
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          ports: [{port: 80, targetPort: TARGET}]
    """
    assert _findings(service.replace("TARGET", "8080")) == []
    assert _findings(service.replace("TARGET", "http")) == []
    assert _findings(service.replace("TARGET", "[1]")) == [
        "5:34 schema $.spec.ports[0].targetPort: expected string or integer, found list"
    ]


def test_secret_data_must_be_base64_but_other_formats_are_not_over_enforced() -> None:
    secret = """\
        apiVersion: v1
        kind: Secret
        metadata: {name: s, creationTimestamp: "yesterday"}
        data: {password: VALUE}
    """
    assert _findings(secret.replace("VALUE", "c2VjcmV0")) == []
    assert _findings(secret.replace("VALUE", "not-base64!")) == [
        "4:18 schema $.data.password: 'not-base64!' is not base64-encoded data"
    ]


def test_sops_metadata_and_encrypted_values_are_not_errors() -> None:
    text = """\
        apiVersion: v1
        kind: Secret
        metadata: {name: s}
        data: {password: "ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]"}
        sops: {version: 3.9.0}
    """
    assert _findings(text, STRICT) == []


def test_a_flux_duration_pattern_error_quotes_value_and_pattern() -> None:
    text = """\
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: apps, namespace: flux-system}
        spec:
          interval: 5 minutes
          prune: true
          sourceRef: {kind: GitRepository, name: flux-system}
    """
    assert _findings(text) == [
        "5:13 schema $.spec.interval: '5 minutes' does not match the pattern "
        "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
    ]


def test_a_crd_missing_field_and_enum() -> None:
    text = """\
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata: {name: repo}
        spec:
          interval: 1m
          provider: gitlab
    """
    assert _findings(text) == [
        "5:3 schema missing required field 'url' in $.spec",
        "6:13 schema $.spec.provider: 'gitlab' is not one of 'generic', 'aws', 'azure', 'github'",
    ]


def test_unknown_fields_are_errors_only_in_strict_mode() -> None:
    text = """\
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: app}
        spec:
          project: default
          destination: {server: https://kubernetes.default.svc}
          source: {repoURL: https://example.com/repo.git, path: ., targetRevsion: main}
    """
    assert _findings(text) == []
    assert _findings(text, STRICT) == [
        "7:60 schema unknown field 'targetRevsion' in $.spec.source (strict mode)"
    ]


def test_strict_mode_keeps_preserve_unknown_fields_and_maps_open() -> None:
    text = """\
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {name: podinfo, labels: {any: label}}
        spec:
          interval: 10m
          chartRef: {kind: OCIRepository, name: podinfo}
          values: {anything: {goes: here}}
    """
    assert _findings(text, STRICT) == []


def test_strict_mode_rejects_an_unknown_top_level_field_of_a_core_kind() -> None:
    text = _deployment() + "    extra: true\n"
    assert _findings(text, STRICT) == ["14:1 schema unknown field 'extra' in $ (strict mode)"]


@pytest.mark.parametrize(
    ("chart", "expected"),
    [
        ("", ["5:3 schema $.spec: either chart or chartRef must be set (CRD validation rule)"]),
        ("  chart: {spec: {chart: podinfo, sourceRef: {kind: HelmRepository, name: p}}}\n", []),
        ("  chartRef: {kind: OCIRepository, name: podinfo}\n", []),
    ],
)
def test_helmrelease_needs_exactly_one_of_chart_and_chart_ref(
    chart: str, expected: list[str]
) -> None:
    text = (
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: p}\n"
        "spec:\n  interval: 10m\n" + chart
    )
    assert _findings(text) == expected


def test_cel_rules_see_schema_defaults() -> None:
    # provider defaults to 'generic', which forbids serviceAccountName.
    bucket = """\
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: Bucket
        metadata: {name: b}
        spec: {interval: 5m, bucketName: b, endpoint: minio:9000EXTRA}
    """
    assert _findings(bucket.replace("EXTRA", "")) == []
    (finding,) = _findings(bucket.replace("EXTRA", ", serviceAccountName: sa"))
    assert finding.startswith("4:7 schema $.spec: ")
    assert "(CRD validation rule)" in finding


def test_a_go_inline_flag_pattern_is_enforced() -> None:
    rule = """\
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata: {name: r}
        spec:
          groups: [{name: g, partial_response_strategy: VALUE, rules: []}]
    """
    assert _findings(rule.replace("VALUE", "WARN")) == []
    (finding,) = _findings(rule.replace("VALUE", "sometimes"))
    assert finding.startswith("5:49 schema $.spec.groups[0].partial_response_strategy: ")


def test_schema_missing_is_said_once_per_api_version_and_kind() -> None:
    validator = SchemaValidator(kubernetes_version="1.37")
    widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: NAME}\n"
    text = "---\n".join(widget.replace("NAME", n) for n in ("a", "b"))
    assert _findings(text, validator) == [
        "1:1 schema-missing no schema known for Widget (example.com/v1) in Kubernetes 1.37 "
        "or the packaged CRDs; objects of this kind are not schema-validated (said once per run)"
    ]


def test_a_crd_kind_never_borrows_a_core_schema_of_the_same_name() -> None:
    text = "apiVersion: networking.istio.io/v1\nkind: Ingress\nmetadata: {name: a}\nspec: 1\n"
    assert [f.split(" ")[1] for f in _findings(text)] == ["schema-missing"]


def test_kubernetes_version_selects_the_schemas() -> None:
    # FlowSchema flowcontrol.apiserver.k8s.io/v1beta3 was served until Kubernetes 1.31.
    text = (
        "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\n"
        "metadata: {name: f}\nspec: {priorityLevelConfiguration: {name: p}}\n"
    )
    old = SchemaValidator(kubernetes_version="v1.28.3")
    assert old.kubernetes_version == "1.28"
    assert _findings(text, old) == []
    assert [f.split(" ")[1] for f in _findings(text)] == ["schema-missing"]


@pytest.mark.parametrize("version", ["1.9", "2.0", "latest", "1"])
def test_an_unsupported_kubernetes_version_is_a_usage_error(version: str) -> None:
    with pytest.raises(UsageError, match=r"1\.25, 1\.26.*1\.37"):
        SchemaValidator(kubernetes_version=version)


def test_kustomization_yaml_is_checked_against_schemastore() -> None:
    good = "resources: [deploy.yaml]\npatches:\n  - path: patch.yaml\n"
    assert _findings(good, name="app/kustomization.yaml") == []
    assert _findings("resources: [a.yaml]\nnamePrefx: x-\n", name="app/kustomization.yaml") == [
        "2:1 schema unknown field 'namePrefx' in $"
    ]


def test_chart_yaml_is_checked_against_schemastore() -> None:
    good = "apiVersion: v2\nname: web\nversion: 1.0.0\ntype: application\n"
    assert _findings(good, name="chart/Chart.yaml") == []
    assert _findings(good.replace("application", "app"), name="chart/Chart.yaml") == [
        "4:7 schema $.type: 'app' is not one of 'application', 'library'"
    ]


def test_a_patch_file_may_omit_required_fields_and_cel_rules() -> None:
    documents = [
        *_load("app/kustomization.yaml", "resources: [hr.yaml]\npatches: [{path: p.yaml}]\n"),
        *_load(
            "app/p.yaml",
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: a}\n"
            "spec:\n  values: {replicas: 2}\n  interval: forever\n",
        ),
    ]
    objects = parse_documents(documents).objects
    assert [_show(d) for obj in objects for d in LATEST.validate(obj)] == [
        "6:13 schema $.spec.interval: 'forever' does not match the pattern "
        "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
    ]


def _load(name: str, text: str) -> list[Document]:
    return load_bytes(text.encode(), name).documents


VALUES_SCHEMA = """\
{"type": "object", "required": ["image"],
 "properties": {"replicas": {"type": "integer"},
                "image": {"type": "object", "required": ["tag"], "properties":
                          {"tag": {"type": "string", "pattern": "\\\\Av[0-9]+\\\\z"}}}}}
"""


def _chart(values: str, override: str | None = None) -> list[str]:
    documents = [
        *_load("c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        *_load("c/values.schema.json", VALUES_SCHEMA),
        *_load("c/values.yaml", values),
    ]
    extra: dict[str, list[str]] = {}
    if override is not None:
        documents += _load("env/prod.yaml", override)
        extra = {"c": ["env/prod.yaml"]}
    found = LATEST.validate_chart_values(documents, extra)
    return [f"{d.location.file}:{d.location.line} {d.message}" for d in found]


def test_chart_values_follow_values_schema_json() -> None:
    assert _chart("replicas: 2\nimage: {tag: v1}\n") == []
    assert _chart("replicas: two\nimage: {tag: latest}\n") == [
        "c/values.yaml:1 $.replicas: expected integer, found 'two'",
        "c/values.yaml:2 $.image.tag: 'latest' does not match the pattern \\Av[0-9]+\\z",
    ]


def test_extra_values_files_are_checked_merged_over_the_defaults() -> None:
    assert _chart("image: {tag: v1}\n", "replicas: 3\n") == []
    assert _chart("image: {tag: v1}\n", "image: {tag: main}\n") == [
        "env/prod.yaml:1 $.image.tag: 'main' does not match the pattern \\Av[0-9]+\\z"
    ]


def test_a_broken_values_schema_is_reported_on_the_schema_file() -> None:
    documents = [
        *_load("c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        *_load("c/values.schema.json", '{"type": "nonsense"}'),
        *_load("c/values.yaml", "a: 1\n"),
    ]
    (finding,) = LATEST.validate_chart_values(documents)
    assert finding.location.file == "c/values.schema.json"
    assert finding.message.startswith("values.schema.json is not a valid JSON schema: ")
