"""Hostile render inputs are diagnostics with a file and line, never a traceback (issue 15).

Each case was a crash (UnicodeDecodeError, AttributeError, ParserError, TypeError, KeyError)
or a hang (an alias bomb, a FIFO) before; each is kept here as a regression test.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.repos import LocalRepos
from gitops_schema.desired import RenderOptions, render_repository
from gitops_schema.render import RenderCache, render_application
from gitops_schema.render.inputs import collect_inputs

URL = "https://git.example.com/apps.git"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]\n" for p, k in zip("abcdefgh", "bcdefghi", strict=True)
)
CHART = "apiVersion: v2\nname: demo\nversion: 1.0.0\n"
TEMPLATE = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: x\n"


def app(source: dict[str, Any]) -> dict[str, Any]:
    return {
        "metadata": {"name": "demo"},
        "spec": {"source": {"repoURL": URL, **source}, "destination": {"namespace": "n"}},
    }


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)


# (case, files beside a chart at chart/, the Application's source, rule, where it points)
ARGOCD = [
    (
        "values-binary",
        {"chart/v.yaml": b"\x00\x01\xff"},
        {"helm": {"valueFiles": ["v.yaml"]}},
        "render-input-invalid",
        "chart/v.yaml",
    ),
    (
        "values-latin1",
        {"chart/v.yaml": "a: caf\xe9\n".encode("latin-1")},
        {"helm": {"valueFiles": ["v.yaml"]}},
        "render-input-invalid",
        "chart/v.yaml:1:7",
    ),
    (
        "values-list",
        {"chart/v.yaml": "- a\n"},
        {"helm": {"valueFiles": ["v.yaml"]}},
        "render-input-invalid",
        "chart/v.yaml:1:1",
    ),
    (
        "values-string",
        {"chart/v.yaml": "hello\n"},
        {"helm": {"valueFiles": ["v.yaml"]}},
        "render-input-invalid",
        "chart/v.yaml:1:1",
    ),
    (
        "values-invalid",
        {"chart/v.yaml": "a: [b\n"},
        {"helm": {"valueFiles": ["v.yaml"]}},
        "render-input-invalid",
        "chart/v.yaml:2:1",
    ),
    (
        "values-bomb",
        {"chart/v.yaml": BOMB},
        {"helm": {"valueFiles": ["v.yaml"]}},
        "render-input-invalid",
        "chart/v.yaml:1:1",
    ),
    (
        "inline-values-list",
        {},
        {"helm": {"values": "- a\n"}},
        "render-input-invalid",
        "helm.values:1:1",
    ),
    (
        "inline-values-bomb",
        {},
        {"helm": {"values": BOMB}},
        "render-input-invalid",
        "helm.values:1:1",
    ),
    ("values-object-list", {}, {"helm": {"valuesObject": [1]}}, "render-argocd-invalid", None),
    ("helm-3", {}, {"helm": 3}, "render-argocd-invalid", None),
    ("value-files-3", {}, {"helm": {"valueFiles": 3}}, "render-argocd-invalid", None),
    (
        "parameter-without-name",
        {},
        {"helm": {"parameters": [{"value": "x"}]}},
        "render-argocd-helm-parameter",
        None,
    ),
    (
        "file-parameter-binary",
        {"chart/bin": b"\x00\x01\xff"},
        {"helm": {"fileParameters": [{"name": "x", "path": "bin"}]}},
        "render-input-invalid",
        "chart/bin",
    ),
    ("chart-yaml-list", {"chart/Chart.yaml": "- a\n"}, {}, "render-argocd-chart-unavailable", None),
    (
        "chart-yaml-latin1",
        {"chart/Chart.yaml": "name: d\xe9mo\n".encode("latin-1")},
        {},
        "render-argocd-chart-unavailable",
        None,
    ),
    (
        "chart-dependencies-3",
        {"chart/Chart.yaml": CHART + "dependencies: 3\n"},
        {},
        "render-argocd-chart-unavailable",
        None,
    ),
    (
        "helm-output-not-yaml",
        {"chart/templates/cm.yaml": "a: [b\n"},
        {},
        "render-argocd-helm-failed",
        None,
    ),
    ("helm-output-bomb", {"chart/templates/cm.yaml": BOMB}, {}, "render-argocd-helm-failed", None),
    ("source-path-3", {}, {"path": 3}, "render-argocd-invalid", None),
]


@pytest.mark.parametrize(("case", "files", "source", "rule", "where"), ARGOCD,
                         ids=[c[0] for c in ARGOCD])  # fmt: skip
def test_argocd_helm_inputs(
    tmp_path: Path,
    case: str,
    files: dict[str, str | bytes],
    source: dict[str, Any],
    rule: str,
    where: str | None,
) -> None:
    write(tmp_path, {"chart/Chart.yaml": CHART, "chart/templates/cm.yaml": TEMPLATE, **files})
    result = render_application(app({"path": "chart", **source}), repository=tmp_path)
    diagnostics = [d for d in result.report if d.rule == rule]
    assert diagnostics, [str(d) for d in result.report]
    if where is not None:
        assert str(diagnostics[0].location).endswith(where), str(diagnostics[0])
    assert result.manifests == []


DIRECTORY = [
    ("latin1", {"m/cm.yaml": "kind: ConfigMap\nmetadata: {name: caf\xe9}\n".encode("latin-1")}),
    ("binary", {"m/cm.yaml": b"\x00\x00\xff"}),
    ("bomb", {"m/cm.yaml": BOMB}),
    ("invalid", {"m/cm.yaml": "a: [\n"}),
]


@pytest.mark.parametrize(("case", "files"), DIRECTORY, ids=[c[0] for c in DIRECTORY])
def test_directory_manifests(tmp_path: Path, case: str, files: dict[str, str | bytes]) -> None:
    ok = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n"
    write(tmp_path, {"m/ok.yaml": ok, **files})
    result = render_application(app({"path": "m"}), repository=tmp_path)
    [problem] = result.report
    assert problem.rule == "render-argocd-manifest-invalid"
    assert "m/cm.yaml" in problem.message
    # The rest of the folder renders.
    assert [m["metadata"]["name"] for m in result.manifests] == ["ok"]


def test_metadata_that_is_not_a_mapping_keeps_its_shape(tmp_path: Path) -> None:
    # The destination namespace is set where metadata is a mapping; a list is left for the
    # readers downstream (check's schema, compare's render-input-invalid), never a crash.
    write(tmp_path, {"m/a.yaml": "kind: ConfigMap\nmetadata: [a, b]\n", "m/ok.yaml": TEMPLATE})
    result = render_application(app({"path": "m"}), repository=tmp_path)
    assert result.report.ok
    assert [m["metadata"] for m in result.manifests] == [
        ["a", "b"],
        {"name": "cm", "namespace": "n"},
    ]


def test_fifo_is_never_read(tmp_path: Path) -> None:
    write(tmp_path, {"m/ok.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n"})
    os.mkfifo(tmp_path / "m" / "pipe.yaml")
    os.mkfifo(tmp_path / "v.yaml")
    result = render_application(app({"path": "m"}), repository=tmp_path)
    # Only regular files are manifests: the FIFO is passed over, not waited on.
    assert result.report.ok
    assert [m["metadata"]["name"] for m in result.manifests] == ["ok"]
    write(tmp_path, {"chart/Chart.yaml": CHART, "chart/templates/cm.yaml": TEMPLATE})
    helm = {"path": "chart", "helm": {"valueFiles": ["../v.yaml"]}}
    result = render_application(app(helm), repository=tmp_path)
    assert [d.rule for d in result.report] == ["render-argocd-value-file-missing"]


def test_kustomize_option_patch_that_is_binary(tmp_path: Path) -> None:
    write(tmp_path, {"k/kustomization.yaml": "resources: []\n", "k/p.yaml": b"\xff\x00\xfe"})
    source = {"path": "k", "kustomize": {"patches": [{"path": "p.yaml"}]}}
    [problem] = render_application(app(source), repository=tmp_path).report
    assert problem.rule == "render-argocd-kustomize-failed"
    assert "binary data" in problem.message


FLUX_KS = (
    "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
    "metadata: {name: ks, namespace: flux-system}\nspec: {interval: 1m, path: ./app, "
    "prune: true, sourceRef: {kind: GitRepository, name: repo}%s}\n"
)
FLUX_HR = (
    "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
    "metadata: {name: hr, namespace: flux-system}\nspec: {interval: 1m, chart: {spec: "
    "{chart: ./chart, sourceRef: {kind: GitRepository, name: repo}}}%s}\n"
)
REPO = (
    "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\n"
    "metadata: {name: repo, namespace: flux-system}\nspec: {url: 'https://x/r.git', "
    "interval: 1m, ref: {branch: main}}\n"
)
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: flux-system}\n"
FLUX = [
    ("ks-spec-3", {"ks.yaml": (FLUX_KS % "").replace("spec: {", "spec: 3\nx: {")}, None),
    (
        "kustomization-latin1",
        {
            "ks.yaml": FLUX_KS % "",
            "../../app/kustomization.yaml": "resources: []\n# caf\xe9\n".encode("latin-1"),
        },
        "render-flux-build-failed",
    ),
    (
        "kustomization-patches-3",
        {
            "ks.yaml": FLUX_KS % ", patches: [{patch: 'x'}]",
            "../../app/kustomization.yaml": "resources: []\npatches: 3\n",
        },
        "render-flux-build-failed",
    ),
    (
        "substituted-not-yaml",
        {
            "ks.yaml": FLUX_KS % ", postBuild: {substitute: {x: '[a'}}",
            "../../app/cm.yaml": CM + "data:\n  a: ${x}\n",
        },
        "render-flux-substitution-failed",
    ),
    (
        "hr-values-from-data-list",
        {
            "hr.yaml": FLUX_HR % ", valuesFrom: [{kind: ConfigMap, name: c}]",
            "cm.yaml": CM + "data: [x]\n",
        },
        "render-flux-helm-values-from-missing",
    ),
    (
        "hr-values-from-bad-base64",
        {
            "hr.yaml": FLUX_HR % ", valuesFrom: [{kind: Secret, name: c}]",
            "s.yaml": CM.replace("ConfigMap", "Secret") + "data: {values.yaml: '!!'}\n",
        },
        "render-flux-helm-values-from-missing",
    ),
    (
        "hr-values-from-bomb",
        {
            "hr.yaml": FLUX_HR % ", valuesFrom: [{kind: ConfigMap, name: c}]",
            "cm.yaml": CM
            + "data:\n  values.yaml: |\n"
            + "".join(f"    {line}\n" for line in BOMB.splitlines()),
        },
        "render-flux-helm-values-from-invalid",
    ),
    (
        "hr-values-files-list",
        {
            "hr.yaml": FLUX_HR.replace(
                "GitRepository, name: repo}",
                "GitRepository, name: repo}, valuesFiles: [chart/v.yaml]",
            )
            % "",
            "../../chart/v.yaml": "- a\n",
        },
        "render-flux-helm-values-missing",
    ),
]


@pytest.mark.parametrize(("case", "files", "rule"), FLUX, ids=[c[0] for c in FLUX])
def test_flux_inputs(
    tmp_path: Path, case: str, files: dict[str, str | bytes], rule: str | None
) -> None:
    cluster = tmp_path / "clusters" / "c1"
    write(cluster, {"repo.yaml": REPO, **files})
    write(tmp_path, {"chart/Chart.yaml": CHART, "chart/templates/cm.yaml": TEMPLATE})
    (tmp_path / "app").mkdir(exist_ok=True)
    if not any((tmp_path / "app").iterdir()):
        write(tmp_path, {"app/cm.yaml": CM.replace("name: c,", "name: app,")})
    result = render_repository(tmp_path, RenderOptions())
    rules = {d.rule for d in result.report}
    if rule is None:
        assert rules <= {"render-flux-invalid", "render-flux-helm-invalid"}, rules
    else:
        assert rule in rules, [str(d) for d in result.report]


@pytest.mark.parametrize("settings", ["true", "[charts]", "{chartHome: 3}"])
def test_helm_globals_of_any_shape(tmp_path: Path, settings: str) -> None:
    # Found by tests/fuzz: helmGlobals that is not a mapping crashed the cache key.
    write(tmp_path, {"kustomization.yaml": f"helmCharts: [{{name: c}}]\nhelmGlobals: {settings}\n"})
    assert collect_inputs(tmp_path).files == {tmp_path.resolve() / "kustomization.yaml"}


def test_fifo_in_a_cached_repository_render(tmp_path: Path) -> None:
    # The repository's cache key hashed every file: a FIFO blocked it forever.
    repo = tmp_path / "repo"
    write(repo, {"m/ok.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n"})
    write(
        repo,
        {
            "app.yaml": yaml.safe_dump(
                {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", **app({"path": "m"})}
            )
        },
    )
    os.mkfifo(repo / "m" / "pipe.yaml")
    os.mkfifo(repo / "config.json")
    result = render_repository(repo, RenderOptions(cache=RenderCache(tmp_path / "cache")))
    [[manifests]] = [list(apps.values()) for apps in result.by_cluster().values()]
    assert [m["metadata"]["name"] for m in manifests] == ["ok"]


def test_fifo_among_git_generator_files(tmp_path: Path) -> None:
    write(tmp_path, {"cfg/a.json": '{"name": "a"}'})
    os.mkfifo(tmp_path / "cfg" / "b.json")
    with pytest.raises(GeneratorError, match="not a regular file"):
        LocalRepos(tmp_path, {}, None).files(
            "https://x/r.git", "HEAD", "cfg/*.json", new_globbing=False
        )
