"""Argo CD Applications rendered as the repo-server generates their manifests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from gitops_schema.desired import RenderOptions, render_repository
from gitops_schema.render import HelmEngine, KustomizeEngine, RenderCache, render_application
from gitops_schema.render.argocd_sources import glob_match, parse_image
from gitops_schema.render.helm_values import parse_set_value, set_path
from gitops_schema.render.jsonnet import expand_env
from gitops_schema.render.manifests import parse_stream

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CORPUS = ROOT.parent / "shared" / "corpus" / "argocd-example-apps"
URL = "https://github.com/example-org/gitops-examples.git"


def user_service(env: str) -> dict[str, Any]:
    return {
        "metadata": {"name": f"user-service-{env}"},
        "spec": {
            "source": {
                "repoURL": URL,
                "path": "charts/user-service",
                "helm": {
                    "releaseName": "user-service",
                    "valueFiles": [
                        "../../apps/base/user-service/values.yaml",
                        f"../../apps/overlays/{env}/user-service/values.yaml",
                    ],
                },
            },
            "destination": {"namespace": "user-service"},
        },
    }


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_user_service_chart_with_layered_values(env: str, golden) -> None:  # type: ignore[no-untyped-def]
    result = render_application(user_service(env), repository=EXAMPLES)
    assert result.report.ok, [str(d) for d in result.report]
    assert {m["metadata"]["namespace"] for m in result.manifests} == {"user-service"}
    golden(f"render/argocd-user-service-{env}.yaml", result.text)


def test_values_then_values_object_then_parameters(tmp_path: Path) -> None:
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 1.0.0\n")
    (chart / "values.yaml").write_text("a: chart\nb: chart\nc: chart\nd: chart\n")
    (chart / "extra.yaml").write_text("b: file\n")
    (chart / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
        "data: {{ toJson .Values | fromJson | toYaml | nindent 2 }}\n"
    )
    (chart / "crds").mkdir()
    (chart / "crds" / "crd.yaml").write_text(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        "metadata:\n  name: things.example.com\n"
    )
    helm = {
        "valueFiles": ["extra.yaml"],
        "values": "c: values\nd: values\n",
        "valuesObject": {"d": "object", "list": [1]},
        "parameters": [
            {"name": "e.f\\.g", "value": "true"},
            {"name": "list[2]", "value": "7"},
            {"name": "s", "value": "007", "forceString": True},
        ],
    }
    app = {
        "metadata": {"name": "demo"},
        "spec": {
            "source": {"repoURL": URL, "path": "chart", "helm": helm},
            "destination": {"namespace": "team"},
        },
    }
    result = render_application(app, repository=tmp_path)
    assert result.report.ok, [str(d) for d in result.report]
    crd, config = result.manifests
    assert crd["kind"] == "CustomResourceDefinition"
    assert "namespace" not in crd["metadata"]
    assert config["metadata"] == {"name": "demo", "namespace": "team"}
    # valuesObject wins over values, which Argo CD then ignores entirely.
    assert config["data"] == {
        "a": "chart",
        "b": "file",
        "c": "chart",
        "d": "object",
        "e": {"f.g": True},
        "list": [1, None, 7],
        "s": "007",
    }
    skipped = {**helm, "skipCrds": True, "releaseName": "named"}
    app["spec"]["source"]["helm"] = skipped  # type: ignore[index]
    [only] = render_application(app, repository=tmp_path).manifests
    assert only["metadata"]["name"] == "named"


def test_multi_source_ref_value_files(tmp_path: Path) -> None:
    values_repo = tmp_path / "values-repo"
    (values_repo / "envs").mkdir(parents=True)
    (values_repo / "envs" / "prod.yaml").write_text(
        "replicaCount: 5\nautoscaling:\n  enabled: false\n"
    )
    app = user_service("prod")
    source = app["spec"].pop("source")
    source["helm"]["valueFiles"] = [
        "../../apps/base/user-service/values.yaml",
        "$values/envs/prod.yaml",
    ]
    app["spec"]["sources"] = [source, {"repoURL": "https://x/values.git", "ref": "values"}]
    result = render_application(app, repository=EXAMPLES, repos={"https://X/values": values_repo})
    assert result.report.ok, [str(d) for d in result.report]
    [deployment] = [m for m in result.manifests if m["kind"] == "Deployment"]
    assert deployment["spec"]["replicas"] == 5


def test_kustomize_source_with_options(tmp_path: Path) -> None:
    base = tmp_path / "app"
    (base / "component").mkdir(parents=True)
    (base / "kustomization.yaml").write_text("resources: [deploy.yaml]\n")
    (base / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web}\n"
        "spec:\n  replicas: 1\n"
        "  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n"
        "      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n"
        "        image: nginx:1.0\n"
    )
    (base / "component" / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
        "commonAnnotations: {component: 'yes'}\n"
    )
    (base / "patch.yaml").write_text("- op: add\n  path: /metadata/labels/patched\n  value: done\n")
    options = {
        "namePrefix": "pre-",
        "nameSuffix": "-suf",
        "namespace": "kns",
        "images": ["nginx=registry.example.com/nginx:2.0"],
        "commonLabels": {"team": "a"},
        "commonAnnotations": {"owner": "b"},
        "replicas": [{"name": "web", "count": 3}],
        "components": ["component"],
        "patches": [{"path": "patch.yaml", "target": {"kind": "Deployment"}}],
    }
    app = {
        "metadata": {"name": "web"},
        "spec": {
            "source": {"repoURL": URL, "path": "app", "kustomize": options},
            "destination": {"namespace": "ignored-when-set"},
        },
    }
    result = render_application(app, repository=tmp_path)
    assert result.report.ok, [str(d) for d in result.report]
    [deployment] = result.manifests
    metadata = deployment["metadata"]
    assert metadata["name"] == "pre-web-suf"
    assert metadata["namespace"] == "kns"
    assert metadata["labels"] == {"app": "web", "team": "a", "patched": "done"}
    assert metadata["annotations"] == {"owner": "b", "component": "yes"}
    assert deployment["spec"]["replicas"] == 3
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "registry.example.com/nginx:2.0"


def test_kustomize_options_are_cached_by_the_overlay_and_its_files(
    tmp_path: Path, counting_engine: KustomizeEngine
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "kustomization.yaml").write_text("resources: [cm.yaml]\n")
    (tmp_path / "app" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
    )
    (tmp_path / "patch.yaml").write_text("- {op: add, path: /data, value: {a: '1'}}\n")
    options = {
        "namePrefix": "p-",
        "patches": [{"path": "../patch.yaml", "target": {"kind": "ConfigMap"}}],
    }
    app = {
        "metadata": {"name": "a"},
        "spec": {"source": {"repoURL": URL, "path": "app", "kustomize": options}},
    }
    cache = RenderCache(tmp_path / "cache")

    def render() -> list[dict[str, Any]]:
        result = render_application(app, repository=tmp_path, cache=cache, engine=counting_engine)
        assert result.report.ok, [str(d) for d in result.report]
        return result.manifests

    first = render()
    assert render() == first and len(counting_engine.runner.builds) == 1
    (tmp_path / "patch.yaml").write_text("- {op: add, path: /data, value: {a: '2'}}\n")
    assert render()[0]["data"] == {"a": "2"} and len(counting_engine.runner.builds) == 2
    (tmp_path / "app" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\n"
    )
    assert render()[0]["metadata"]["name"] == "p-d"


def test_directory_source_recurse_include_exclude(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    for path, name in [("a.yaml", "a"), ("sub/b.yml", "b"), ("sub/skip.yaml", "skip")]:
        (tmp_path / "d" / path).write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"
        )
    (tmp_path / "d" / "ns.json").write_text(
        '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}}'
    )
    (tmp_path / "d" / "lib.jsonnet").write_text("{}")
    directory = {"recurse": True, "include": "{*.yaml,*.yml,*.json}", "exclude": "*skip*"}
    app = {
        "metadata": {"name": "d"},
        "spec": {
            "source": {"repoURL": URL, "path": "d", "directory": directory},
            "destination": {"namespace": "team"},
        },
    }
    result = render_application(app, repository=tmp_path)
    assert [(m["kind"], m["metadata"]["name"]) for m in result.manifests] == [
        ("ConfigMap", "a"),
        ("Namespace", "n"),
        ("ConfigMap", "b"),
    ]
    assert [m["metadata"].get("namespace") for m in result.manifests] == ["team", None, "team"]
    assert result.report.ok
    flat = render_application(
        {**app, "spec": {**app["spec"], "source": {"repoURL": URL, "path": "d"}}},
        repository=tmp_path,
    )
    assert [m["metadata"]["name"] for m in flat.manifests] == ["a", "n"]
    [jsonnet] = flat.report
    assert jsonnet.rule == "render-argocd-jsonnet-failed"
    assert "lib.jsonnet: evaluates to an object without 'kind'" in jsonnet.message


def test_jsonnet_with_ext_vars_tlas_libs_and_the_build_environment(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "cm.libsonnet").write_text(
        "{ cm(name, data):: {apiVersion: 'v1', kind: 'ConfigMap', "
        "metadata: {name: name}, data: data} }"
    )
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.jsonnet").write_text(
        "local k = import 'cm.libsonnet';\n"
        "function(replicas, team) [\n"
        "  k.cm('settings', {env: std.extVar('env'), app: std.extVar('app'), "
        "replicas: std.toString(replicas), team: team}),\n"
        "  k.cm('flags', {debug: std.toString(std.extVar('debug'))}),\n"
        "]\n"
    )
    settings = {
        "extVars": [
            {"name": "env", "value": "prod"},
            {"name": "app", "value": "${ARGOCD_APP_NAME}-$$x-$UNKNOWN"},
            {"name": "debug", "value": "1 == 2", "code": True},
        ],
        "tlas": [
            {"name": "replicas", "value": "1 + 2", "code": True},
            {"name": "team", "value": "a"},
        ],
        "libs": ["lib"],
    }
    app = {
        "metadata": {"name": "web"},
        "spec": {
            "source": {"repoURL": URL, "path": "app", "directory": {"jsonnet": settings}},
            "destination": {"namespace": "team"},
        },
    }
    result = render_application(app, repository=tmp_path)
    assert result.report.ok, [str(d) for d in result.report]
    settings_cm, flags = result.manifests
    assert settings_cm["data"] == {"env": "prod", "app": "web-$x-", "replicas": "3", "team": "a"}
    assert flags["data"] == {"debug": "false"}
    assert settings_cm["metadata"]["namespace"] == "team"
    (tmp_path / "app" / "main.jsonnet").write_text("{ broken")
    [failure] = render_application(app, repository=tmp_path).report
    assert failure.rule == "render-argocd-jsonnet-failed" and "main.jsonnet" in failure.message


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("$A-${A}", "a-a"),
        ("$$", "$"),
        ("${}x", "x"),
        ("${A", "A"),
        ("a$", "a$"),
        ("$-", ""),
        ("$ x", "$ x"),
        ("${MISSING}", ""),
    ],
)
def test_build_environment_expands_as_go_os_expand(text: str, expanded: str) -> None:
    assert expand_env(text, {"A": "a"}) == expanded


def test_destination_namespace_fills_only_missing(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "all.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: other}\n---\n"
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: c}\n"
    )
    app = {
        "metadata": {"name": "d"},
        "spec": {"source": {"repoURL": URL, "path": "d"}, "destination": {"namespace": "dest"}},
    }
    result = render_application(app, repository=tmp_path)
    assert [m["metadata"].get("namespace") for m in result.manifests] == ["dest", "other", None]


def test_unavailable_sources_are_named(tmp_path: Path) -> None:
    app = {
        "metadata": {"name": "x"},
        "spec": {
            "sources": [
                {
                    "repoURL": "https://charts.example.com",
                    "chart": "redis",
                    "targetRevision": "1.2.3",
                },
                {"repoURL": URL, "path": "missing"},
            ],
            "destination": {"namespace": "n"},
        },
    }
    result = render_application(app, repository=tmp_path)
    messages = [d.message for d in result.report]
    assert "redis 1.2.3 from https://charts.example.com" in messages[0]
    assert "'missing' of " + URL in messages[1]


def test_repository_chart_from_cache(tmp_path: Path) -> None:
    cached = tmp_path / "cache" / "user-service" / "0.1.0"
    cached.parent.mkdir(parents=True)
    cached.symlink_to(EXAMPLES / "charts" / "user-service")
    app = {
        "metadata": {"name": "us"},
        "spec": {
            "source": {
                "repoURL": "oci://r.example.com/charts",
                "chart": "user-service",
                "targetRevision": "0.1.0",
            },
            "destination": {"namespace": "n"},
        },
    }
    result = render_application(app, repository=tmp_path, chart_cache=tmp_path / "cache")
    assert result.report.ok, [str(d) for d in result.report]
    assert result.manifests


def corpus_applications() -> list[dict[str, Any]]:
    text = HelmEngine().template(CORPUS / "apps", {}, release="apps", namespace="argocd")
    return parse_stream(text)


UNRENDERABLE = {
    "example.helm-dependency": "wordpress 9.0.3 from https://charts.helm.sh/stable",
    "example.plugin-kasane": "plugin 'kasane'",
    "example.plugin-kustomized-helm": "plugin 'kustomized-helm'",
    "example.plugin-nix": "plugin 'nix'",
}


@pytest.mark.parametrize("app", corpus_applications(), ids=lambda app: str(app["metadata"]["name"]))
def test_corpus_applications_render_or_say_why(app: dict[str, Any]) -> None:
    result = render_application(app, repository=CORPUS)
    reason = UNRENDERABLE.get(app["metadata"]["name"])
    if reason is None:
        assert result.report.ok, [str(d) for d in result.report]
        assert result.manifests
    else:
        # Not rendered, and said why (a missing dependency is "cannot verify offline").
        assert not result.manifests
        assert any(reason in d.message for d in result.report)


def test_set_semantics() -> None:
    values: dict[str, Any] = {"a": {"keep": 1}}
    set_path(values, "a.b[1].c", parse_set_value("1"))
    set_path(values, "x\\.y", parse_set_value("{a,b}"))
    assert values == {"a": {"keep": 1, "b": [None, {"c": 1}]}, "x.y": ["a", "b"]}
    assert parse_set_value("1.5") == "1.5"
    assert parse_set_value("012") == "012"
    assert parse_set_value("null") is None
    assert parse_set_value("true", force_string=True) == "true"


def test_image_and_glob_forms() -> None:
    assert parse_image("nginx:1.2") == {"name": "nginx", "newTag": "1.2"}
    assert parse_image("nginx=reg:5000/nginx:1.2") == {
        "name": "nginx",
        "newName": "reg:5000/nginx",
        "newTag": "1.2",
    }
    assert parse_image("app@sha256:abc") == {"name": "app", "digest": "sha256:abc"}
    assert glob_match("*.yaml", "sub/a.yaml")
    assert glob_match("{a,b}/*", "b/c")
    assert not glob_match("[!a]*", "abc")


def capabilities_app(helm: dict[str, Any]) -> dict[str, Any]:
    return {
        "metadata": {"name": "caps"},
        "spec": {
            "source": {"repoURL": URL, "path": "caps", "helm": helm},
            "destination": {"namespace": "n"},
        },
    }


def test_helm_kube_version_and_api_versions(capabilities_chart: Path) -> None:
    helm = {"kubeVersion": "v1.20.3-gke.1", "apiVersions": ["foo.example.com/v1"]}
    result = render_application(capabilities_app(helm), repository=capabilities_chart.parent)
    assert result.report.ok, [str(d) for d in result.report]
    [config] = result.manifests
    # The repo-server passes Helm only the release numbers of the version.
    assert config["data"] == {
        "version": "v1.20.3",
        "minor": "20",
        "foo": "true",
        "bar": "false",
        "apps": "true",
    }


def test_helm_capabilities_per_source(capabilities_chart: Path) -> None:
    app = capabilities_app({})
    source = app["spec"].pop("source")
    app["spec"]["sources"] = [
        {**source, "helm": {"releaseName": "old", "kubeVersion": "1.21"}},
        {**source, "helm": {"releaseName": "new", "apiVersions": ["foo.example.com/v1/Bar"]}},
    ]
    result = render_application(app, repository=capabilities_chart.parent)
    assert result.report.ok, [str(d) for d in result.report]
    old, new = (m["data"] for m in result.manifests)
    assert (old["version"], old["bar"]) == ("v1.21", "false")
    assert new["version"] != "v1.21"
    assert new["bar"] == "true"


def test_chart_kube_version_constraint_is_a_diagnostic(capabilities_chart: Path) -> None:
    metadata = capabilities_chart / "Chart.yaml"
    metadata.write_text(metadata.read_text() + 'kubeVersion: ">=1.25.0-0"\n')
    app = capabilities_app({"kubeVersion": "1.20.3"})
    result = render_application(app, repository=capabilities_chart.parent)
    [diagnostic] = result.report
    assert diagnostic.rule == "render-argocd-helm-failed"
    assert diagnostic.message.endswith(
        "chart requires kubeVersion: >=1.25.0-0 which is incompatible with Kubernetes v1.20.3"
    )
    assert result.manifests == []
    app["spec"]["source"]["helm"]["kubeVersion"] = "1.25.4"  # type: ignore[index]
    assert render_application(app, repository=capabilities_chart.parent).report.ok


def test_an_invalid_kube_version_is_a_diagnostic(capabilities_chart: Path) -> None:
    app = capabilities_app({"kubeVersion": "latest"})
    [diagnostic] = render_application(app, repository=capabilities_chart.parent).report
    assert diagnostic.rule == "render-argocd-helm-kube-version"
    assert diagnostic.message == (
        'could not parse kubernetes version latest: could not parse "latest" as version'
    )


def test_a_changed_kube_version_is_not_read_from_the_cache(capabilities_chart: Path) -> None:
    repo = capabilities_chart.parent
    application = repo / "app.yaml"

    def rendered_version(kube_version: str) -> str:
        app = capabilities_app({"kubeVersion": kube_version})
        application.write_text(
            yaml.safe_dump({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", **app})
        )
        options = RenderOptions(cache=RenderCache(repo.parent / "cache"))
        [manifests] = render_repository(repo, options).by_cluster()["in-cluster"].values()
        [config] = manifests
        return str(config["data"]["version"])

    assert rendered_version("1.20.3") == "v1.20.3"
    assert rendered_version("1.30.1") == "v1.30.1"
    assert rendered_version("1.20.3") == "v1.20.3"
