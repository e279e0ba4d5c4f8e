"""One bad and one good case per rule, through the whole check pipeline."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gitops_schema.check import CheckConfig, check
from gitops_schema.check.rules import RULES
from gitops_schema.check.rules.argocd import pinned

KS = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: {name}
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: {source}
{extra}"""

REPO = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  url: https://github.com/example/fleet
  ref:
    branch: main
"""


def run(tmp_path: Path, files: dict[str, str], rule: str, **config: object) -> list[tuple]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    result = check([tmp_path], config=CheckConfig(**config))  # type: ignore[arg-type]
    return [
        (f.location.file, f.location.line, f.location.column, f.message)
        for f in result.findings
        if f.rule == rule
    ]


def lines(found: list[tuple]) -> list[tuple[str, int]]:
    return [(file, line) for file, line, _, _ in found]


def test_every_rule_is_documented() -> None:
    for rule in RULES.values():
        assert rule.id and rule.code.summary and rule.code.bad and rule.code.good, rule.id


def test_api_deprecated_and_removed(tmp_path: Path) -> None:
    files = {
        "ks.yaml": KS.format(name="a", source="flux-system", extra="").replace(
            "kustomize.toolkit.fluxcd.io/v1", "kustomize.toolkit.fluxcd.io/v1beta2"
        ),
        "repo.yaml": REPO.replace(
            "source.toolkit.fluxcd.io/v1", "source.toolkit.fluxcd.io/v1beta1"
        ),
    }
    removed = run(tmp_path, files, "api-removed")
    assert lines(removed) == [("ks.yaml", 1), ("repo.yaml", 1)]
    assert "removed in Flux 2.8" in removed[0][3]
    # Against Flux 2.6 both are only deprecated.
    assert lines(run(tmp_path, files, "api-deprecated", flux_version="2.6")) == [
        ("ks.yaml", 1),
        ("repo.yaml", 1),
    ]
    assert run(tmp_path, files, "api-removed", flux_version="2.6") == []


def test_api_removed_kubernetes(tmp_path: Path) -> None:
    bad = "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\n"
    found = run(tmp_path, {"hpa.yaml": bad}, "api-removed")
    assert lines(found) == [("hpa.yaml", 1)] and "use autoscaling/v2" in found[0][3]
    assert run(tmp_path, {"hpa.yaml": bad}, "api-removed", kubernetes_version="1.25") == []
    assert lines(run(tmp_path, {"hpa.yaml": bad}, "api-deprecated", kubernetes_version="1.25")) == [
        ("hpa.yaml", 1)
    ]
    good = bad.replace("autoscaling/v2beta2", "autoscaling/v2")
    assert run(tmp_path, {"hpa.yaml": good}, "api-removed") == []


def test_kind_wrong_group(tmp_path: Path) -> None:
    bad = "apiVersion: v1\nkind: ServiceMonitor\nmetadata: {name: m}\nspec: {selector: {}}\n"
    found = run(tmp_path, {"sm.yaml": bad}, "kind-wrong-group")
    assert found == [
        ("sm.yaml", 1, 13, "ServiceMonitor is not served as v1; it is monitoring.coreos.com/v1")
    ]
    other = "apiVersion: app.k8s.io/v1beta1\nkind: Application\nmetadata: {name: a}\n"
    assert run(tmp_path, {"sm.yaml": other}, "kind-wrong-group") == []


def test_kustomize_deprecated_field(tmp_path: Path) -> None:
    bad = "bases:\n  - ../base\ncommonLabels:\n  app: a\n"
    found = run(
        tmp_path,
        {"o/kustomization.yaml": bad, "base/kustomization.yaml": ""},
        "kustomize-deprecated-field",
    )
    assert lines(found) == [("o/kustomization.yaml", 1), ("o/kustomization.yaml", 3)]
    good = "resources:\n  - ../base\nlabels:\n  - pairs: {app: a}\n"
    assert run(tmp_path, {"o/kustomization.yaml": good}, "kustomize-deprecated-field") == []


def test_kustomize_missing_resource(tmp_path: Path) -> None:
    files = {
        "app/kustomization.yaml": """\
            resources:
              - deployment.yaml
              - ../base
              - https://github.com/org/repo//deploy?ref=v1
            patches:
              - path: missing-patch.yaml
            """,
        "app/deployment.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    }
    found = run(tmp_path, files, "kustomize-missing-resource")
    assert [(f, line, c) for f, line, c, _ in found] == [
        ("app/kustomization.yaml", 3, 5),
        ("app/kustomization.yaml", 6, 11),
    ]
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: []\n")
    (tmp_path / "app" / "missing-patch.yaml").write_text("{}\n")
    assert run(tmp_path, {}, "kustomize-missing-resource") == []


def test_secret_plaintext(tmp_path: Path) -> None:
    bad = """\
        apiVersion: v1
        kind: Secret
        metadata: {name: git-credentials}
        stringData:
          username: git
          password: hunter2
        """
    found = run(tmp_path, {"s.yaml": bad}, "secret-plaintext")
    assert [(line, c) for _, line, c, _ in found] == [(5, 13), (6, 13)]
    sops = (
        bad.replace("hunter2", "ENC[AES256_GCM,data:abc]").replace(
            "git\n", "ENC[AES256_GCM,data:x]\n"
        )
        + "sops:\n  age: []\n"
    )
    assert run(tmp_path, {"s.yaml": sops}, "secret-plaintext") == []


def test_secret_plaintext_argocd_cluster_secret(tmp_path: Path) -> None:
    cluster = """\
        apiVersion: v1
        kind: Secret
        metadata:
          name: prod
          labels: {argocd.argoproj.io/secret-type: cluster}
        stringData:
          name: prod
          server: https://prod.example.com
          config: '{"awsAuthConfig": {"clusterName": "prod"}}'
        """
    assert run(tmp_path, {"c.yaml": cluster}, "secret-plaintext") == []
    token = cluster.replace('{"awsAuthConfig": {"clusterName": "prod"}}', '{"bearerToken": "abc"}')
    assert lines(run(tmp_path, {"c.yaml": token}, "secret-plaintext")) == [("c.yaml", 9)]


def test_flux_source_missing(tmp_path: Path) -> None:
    ks = KS.format(name="apps", source="missing-repo", extra="")
    found = run(tmp_path, {"ks.yaml": ks, "repo.yaml": REPO}, "flux-source-missing")
    assert found == [
        (
            "ks.yaml",
            12,
            11,
            "Kustomization 'apps' refers to GitRepository 'missing-repo' in namespace "
            "'flux-system', which is not defined in the checked files",
        )
    ]
    good = KS.format(name="apps", source="flux-system", extra="")
    assert run(tmp_path, {"ks.yaml": good}, "flux-source-missing") == []


def test_flux_depends_on_missing_and_cycle(tmp_path: Path) -> None:
    files = {
        "repo.yaml": REPO,
        "a.yaml": KS.format(name="a", source="flux-system", extra="  dependsOn:\n    - name: b\n"),
        "b.yaml": KS.format(name="b", source="flux-system", extra="  dependsOn:\n    - name: a\n"),
        "c.yaml": KS.format(
            name="c", source="flux-system", extra="  dependsOn:\n    - name: nope\n"
        ),
    }
    assert lines(run(tmp_path, files, "flux-depends-on-missing")) == [("c.yaml", 14)]
    cycles = run(tmp_path, files, "flux-depends-on-cycle")
    assert len(cycles) == 1 and "a -> b -> a" in cycles[0][3]
    files["b.yaml"] = KS.format(name="b", source="flux-system", extra="")
    assert run(tmp_path, files, "flux-depends-on-cycle") == []


def test_flux_prod_no_wait(tmp_path: Path) -> None:
    files = {
        "repo.yaml": REPO,
        "prod.yaml": KS.format(name="payment-service-prod", source="flux-system", extra=""),
        "dev.yaml": KS.format(name="payment-service-dev", source="flux-system", extra=""),
        "product.yaml": KS.format(name="product-catalog", source="flux-system", extra=""),
    }
    assert lines(run(tmp_path, files, "flux-prod-no-wait")) == [("prod.yaml", 6)]
    files["prod.yaml"] = KS.format(
        name="payment-service-prod", source="flux-system", extra="  wait: true\n"
    )
    assert run(tmp_path, files, "flux-prod-no-wait") == []
    # What counts as production is configuration.
    assert lines(run(tmp_path, files, "flux-prod-no-wait", production=("dev",))) == [
        ("dev.yaml", 6)
    ]


HR = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: podinfo, namespace: apps}
spec:
  interval: 10m
  chartRef: {kind: OCIRepository, name: podinfo}
"""


def test_helmrelease_no_remediation(tmp_path: Path) -> None:
    assert lines(run(tmp_path, {"hr.yaml": HR}, "helmrelease-no-remediation")) == [("hr.yaml", 4)]
    good = HR + "  upgrade:\n    remediation: {retries: 3}\n"
    assert run(tmp_path, {"hr.yaml": good}, "helmrelease-no-remediation") == []


PROJECT = """\
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: team, namespace: argocd}
spec:
  sourceRepos: ['*']
  destinations:
    - server: '*'
      namespace: team
  clusterResourceWhitelist:
    - {group: '*', kind: '*'}
  roles:
    - name: dev
      policies:
        - p, proj:team:dev, applications, get, team/*, allow
        - p, developers, applications, get, *, allow
"""


def test_appproject_wildcard_and_policy_syntax(tmp_path: Path) -> None:
    wildcards = run(tmp_path, {"p.yaml": PROJECT}, "appproject-wildcard")
    assert [(line, c) for _, line, c, _ in wildcards] == [(5, 17), (7, 15), (10, 7)]
    policies = run(tmp_path, {"p.yaml": PROJECT}, "appproject-policy-syntax")
    assert [(line, c) for _, line, c, _ in policies] == [(15, 11)]
    assert "proj:team:dev" in policies[0][3]
    good = """\
        apiVersion: argoproj.io/v1alpha1
        kind: AppProject
        metadata: {name: team, namespace: argocd}
        spec:
          sourceRepos: [https://github.com/org/gitops.git]
          destinations: [{server: https://kubernetes.default.svc, namespace: team}]
          clusterResourceWhitelist: [{group: '', kind: Namespace}]
          roles:
            - name: dev
              policies: ['p, proj:team:dev, applications, sync, team/*, allow']
        """
    assert run(tmp_path, {"p.yaml": good}, "appproject-wildcard") == []
    assert run(tmp_path, {"p.yaml": good}, "appproject-policy-syntax") == []


APP = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: payments-prod, namespace: argocd}
spec:
  project: payments
  source:
    repoURL: https://github.com/org/gitops.git
    path: apps/payments
    targetRevision: HEAD
  destination: {server: https://kubernetes.default.svc, namespace: payments}
  syncPolicy:
    automated:
      prune: true
"""


def test_argocd_sync_policy_rules(tmp_path: Path) -> None:
    assert lines(run(tmp_path, {"a.yaml": APP}, "argocd-automated-no-selfheal")) == [("a.yaml", 12)]
    assert lines(run(tmp_path, {"a.yaml": APP}, "argocd-no-retry")) == [("a.yaml", 11)]
    good = APP.replace("      prune: true\n", "      prune: true\n      selfHeal: true\n") + (
        "    retry:\n      limit: 5\n"
    )
    assert run(tmp_path, {"a.yaml": good}, "argocd-automated-no-selfheal") == []
    assert run(tmp_path, {"a.yaml": good}, "argocd-no-retry") == []


def test_argocd_unpinned_revision(tmp_path: Path) -> None:
    found = run(tmp_path, {"a.yaml": APP}, "argocd-unpinned-revision")
    assert found and found[0][:3] == ("a.yaml", 9, 21)
    assert (
        run(tmp_path, {"a.yaml": APP.replace("HEAD", "v1.4.0")}, "argocd-unpinned-revision") == []
    )
    dev = APP.replace("payments-prod", "payments-dev")
    assert run(tmp_path, {"a.yaml": dev}, "argocd-unpinned-revision") == []


@pytest.mark.parametrize(
    ("revision", "expected"),
    [
        ("HEAD", False),
        ("main", False),
        ("", False),
        (None, False),
        ("1.*", False),
        (">=1.2.0", False),
        ("^2.0.0", False),
        ("v1.4.0", True),
        ("4.2.1", True),
        ("user-service-v1.4.0", True),
        ("3f2a9c1", True),
        ("release-2024", False),
    ],
)
def test_pinned(revision: object, expected: bool) -> None:
    assert pinned(revision) is expected


APPSET = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: guestbook, namespace: argocd}
spec:
  goTemplate: true
  generators:
    - git:
        repoURL: https://github.com/org/gitops.git
        revision: HEAD
        directories: [{path: apps/*}]
      filters: [{path: apps/*}]
  template:
    metadata: {name: '{{.path.basename}}'}
    spec:
      project: '{{.path.basename}}'
      source: {repoURL: https://github.com/org/gitops.git, path: '{{.path.path}}'}
      destination: {server: https://kubernetes.default.svc, namespace: '{{.path.basename}}'}
"""


def test_appset_rules(tmp_path: Path) -> None:
    unknown = run(tmp_path, {"s.yaml": APPSET}, "appset-unknown-field")
    assert [(line, c) for _, line, c, _ in unknown] == [(11, 7)]
    assert "no field 'filters'" in unknown[0][3]
    assert lines(run(tmp_path, {"s.yaml": APPSET}, "appset-missingkey")) == [("s.yaml", 5)]
    assert lines(run(tmp_path, {"s.yaml": APPSET}, "appset-templated-project")) == [("s.yaml", 15)]
    good = (
        APPSET.replace("      filters: [{path: apps/*}]\n", "")
        .replace(
            "goTemplate: true\n", "goTemplate: true\n  goTemplateOptions: [missingkey=error]\n"
        )
        .replace("project: '{{.path.basename}}'", "project: apps")
    )
    for rule in ("appset-unknown-field", "appset-missingkey", "appset-templated-project"):
        assert run(tmp_path, {"s.yaml": good}, rule) == [], rule


def test_servicemonitor_selects_nothing(tmp_path: Path) -> None:
    monitor = """\
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: web, namespace: apps}
        spec:
          selector:
            matchLabels: {app: web}
          endpoints: [{port: http}]
        """
    service = """\
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: apps, labels: {app: {label}}}
        spec:
          ports: [{name: http, port: 80}]
        """
    bad = {"m.yaml": monitor, "s.yaml": service.replace("{label}", "other")}
    assert lines(run(tmp_path, bad, "servicemonitor-selects-nothing")) == [("m.yaml", 5)]
    good = {"m.yaml": monitor, "s.yaml": service.replace("{label}", "web")}
    assert run(tmp_path, good, "servicemonitor-selects-nothing") == []


def test_prometheusrule_invalid(tmp_path: Path) -> None:
    rule = """\
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata: {name: r}
        spec:
          groups:
            - name: argocd
              rules:
                - alert: Fine
                  expr: up == 0
                - alert: Broken
                  expr: rate(argocd_app_sync_total[5m]
        """
    found = run(tmp_path, {"r.yaml": rule}, "prometheusrule-invalid")
    assert [(line, c) for _, line, c, _ in found] == [(11, 17)]
    assert "unclosed left parenthesis" in found[0][3]
    good = rule.replace("[5m]\n", "[5m]) > 0\n")
    assert run(tmp_path, {"r.yaml": good}, "prometheusrule-invalid") == []


def test_appset_unknown_param(tmp_path: Path) -> None:
    fast = """\
        apiVersion: argoproj.io/v1alpha1
        kind: ApplicationSet
        metadata: {name: apps, namespace: argocd}
        spec:
          generators:
            - matrix:
                generators:
                  - list:
                      elements: [{service: web}]
                  - clusters: {values: {tier: gold}}
          template:
            metadata: {name: '{{service}}-{{cluster}}'}
            spec:
              project: apps
              source:
                repoURL: https://example.com/r.git
                path: 'apps/{{metadata.labels.env}}/{{values.tier}}'
              destination: {server: '{{server}}', namespace: '{{path[0]}}'}
        """
    found = run(tmp_path, {"a.yaml": fast}, "appset-unknown-param")
    assert [(line, m.split(",")[0]) for _, line, _, m in found] == [
        (12, "the template uses {{cluster}}"),
        (18, "the template uses {{path[0]}}"),
    ]
    go = """\
        apiVersion: argoproj.io/v1alpha1
        kind: ApplicationSet
        metadata: {name: apps, namespace: argocd}
        spec:
          goTemplate: true
          goTemplateOptions: [missingkey=error]
          generators:
            - git:
                repoURL: https://example.com/r.git
                revision: v1
                directories: [{path: 'apps/*'}]
          template:
            metadata: {name: '{{.path.basename}}-{{ .cluster | default "x" }}'}
            spec:
              project: apps
              source: {repoURL: https://example.com/r.git, path: '{{.path.path}}'}
              destination:
                server: 'https://kubernetes.default.svc'
                namespace: '{{ index .path.segments 1 }}'
        """
    found = run(tmp_path, {"a.yaml": go}, "appset-unknown-param")
    assert [(line, "{{.cluster}}" in m) for _, line, _, m in found] == [(13, True)]
    files_generator = go.replace(
        "directories: [{path: 'apps/*'}]", "files: [{path: 'apps/*.json'}]"
    )
    assert run(tmp_path, {"a.yaml": files_generator}, "appset-unknown-param") == []


def test_argocd_settings_deprecated_and_removed(tmp_path: Path) -> None:
    cm = """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: argocd-cm, namespace: argocd}
        data:
          repositories: |
            - url: https://github.com/org/repo.git
        """
    assert lines(run(tmp_path, {"cm.yaml": cm}, "api-removed")) == [("cm.yaml", 5)]
    assert run(tmp_path, {"cm.yaml": cm}, "api-removed", argocd_version="2.14") == []
    older = run(tmp_path, {"cm.yaml": cm}, "api-deprecated", argocd_version="2.14")
    assert lines(older) == [("cm.yaml", 5)] and "removed in 3.0" in older[0][3]
    project = (
        "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: p}\n"
        "spec:\n  signatureKeys: [{keyID: ABC}]\n"
    )
    assert lines(run(tmp_path, {"p.yaml": project}, "api-deprecated")) == [("p.yaml", 5)]
    assert run(tmp_path, {"p.yaml": project}, "api-deprecated", argocd_version="3.4") == []
