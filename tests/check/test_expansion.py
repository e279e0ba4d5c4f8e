"""ApplicationSets expanded inside check: what only the generated Applications reveal."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from gitops_schema.check import CheckConfig, check

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SEED_CASE1 = ROOT.parent / "shared" / "seed-cases" / "case1-argocd-multicluster"

CLUSTERS = """\
clusters:
  - {name: dev-1, server: https://dev.example.com, labels: {environment: dev}}
  - {name: prod-1, server: https://prod.example.com, labels: {environment: prod}}
"""


def findings(result, rule: str) -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    return [
        (f.location.file, f.location.line, f.message) for f in result.findings if f.rule == rule
    ]


def test_seed_case1_paths_do_not_exist_for_real_cluster_names(tmp_path: Path) -> None:
    inventory = tmp_path / "clusters.yaml"
    inventory.write_text(CLUSTERS)
    without = check([SEED_CASE1])
    assert findings(without, "appset-path-missing") == []
    assert findings(without, "appset-offline-input")  # it says an inventory is needed
    result = check([SEED_CASE1], clusters=[inventory])
    (missing,) = findings(result, "appset-path-missing")
    assert missing[0] == "argocd/applicationsets/user-service-appset.yaml"
    assert missing[1] == 31
    assert "apps/overlays/dev-1/user-service" in missing[2]


def test_generated_applications_run_through_application_rules(tmp_path: Path) -> None:
    (tmp_path / "clusters.yaml").write_text(CLUSTERS)
    (tmp_path / "apps" / "guestbook").mkdir(parents=True)
    (tmp_path / "apps" / "guestbook" / "kustomization.yaml").write_text("resources: []\n")
    (tmp_path / "appset.yaml").write_text(
        textwrap.dedent(
            """\
            apiVersion: argoproj.io/v1alpha1
            kind: ApplicationSet
            metadata: {name: guestbook, namespace: argocd}
            spec:
              goTemplate: true
              goTemplateOptions: [missingkey=error]
              generators:
                - clusters: {}
              template:
                metadata: {name: 'guestbook'}
                spec:
                  project: apps
                  source:
                    repoURL: https://example.com/gitops.git
                    path: apps/guestbook
                    targetRevision: main
                  destination: {server: '{{ .server }}', namespace: guestbook}
            """
        )
    )
    result = check([tmp_path], clusters=[tmp_path / "clusters.yaml"])
    (duplicate,) = findings(result, "appset-duplicate-name")
    assert duplicate[:2] == ("appset.yaml", 10)
    # Only the Application generated for the prod cluster is production.
    (unpinned,) = findings(result, "argocd-unpinned-revision")
    assert unpinned[1] == 16 and "'guestbook'" in unpinned[2]


def test_values_files_of_generated_applications_are_validated(tmp_path: Path) -> None:
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy, ignore=shutil.ignore_patterns("seed-as-written"))
    values = copy / "apps" / "overlays" / "prod" / "user-service" / "values.yaml"
    values.write_text(values.read_text().replace("minReplicas: 3", "minReplicas: lots"))
    result = check([copy])
    (problem,) = [f for f in result.findings if f.rule == "schema"]
    assert problem.location.file == "apps/overlays/prod/user-service/values.yaml"
    assert "minReplicas" in problem.message


def test_examples_with_their_offline_inputs_expand_completely() -> None:
    offline = EXAMPLES / "offline"
    result = check(
        [EXAMPLES],
        config=CheckConfig(exclude=("seed-as-written",)),
        scm_data=[offline / "pull-requests.json", offline / "scm-repos.json"],
    )
    assert not [f for f in result.findings if f.rule == "appset-offline-input"]


def test_a_folder_named_like_the_path_beside_the_appset_is_not_its_repository_root(
    tmp_path: Path,
) -> None:
    """`apps/{{component}}` from argocd/appsets/: argocd/apps/ (an app-of-apps folder)
    holds none of the generated paths, the root's apps/ holds them all."""
    appset = textwrap.dedent(
        """\
        apiVersion: argoproj.io/v1alpha1
        kind: ApplicationSet
        metadata: {name: config, namespace: argocd}
        spec:
          generators:
          - list:
              elements: [{component: frontend}, {component: backend}]
          template:
            metadata: {name: '{{component}}'}
            spec:
              project: default
              source:
                repoURL: 'https://example.com/r.git'
                targetRevision: main
                path: 'apps/{{component}}'
              destination: {server: 'https://kubernetes.default.svc', namespace: '{{component}}'}
        """
    )
    files = {
        "argocd/appsets/config.yaml": appset,
        "argocd/apps/root.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\n",
        "apps/frontend/cm.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata: {name: f}\n",
        "apps/backend/cm.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata: {name: b}\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert findings(check([tmp_path]), "appset-path-missing") == []
    shutil.rmtree(tmp_path / "apps/backend")
    [(_, _, message)] = findings(check([tmp_path]), "appset-path-missing")
    assert message.startswith("1 of 2 generated Applications") and "apps/backend" in message
