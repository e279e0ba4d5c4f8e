"""The engines and the runner: real kustomize and Helm on small fixtures."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from gitops_schema.errors import ToolFailed, ToolNotFound
from gitops_schema.render import (
    HelmEngine,
    KustomizeOptions,
    SubprocessRunner,
    build_kustomization,
    build_kustomizations,
    find_kustomize,
)
from gitops_schema.render.bounds import Bounds, bounded
from gitops_schema.render.confine import Confinement
from gitops_schema.render.engines import kube_version_numbers
from gitops_schema.render.manifests import parse_stream

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def write_app(folder: Path, name: str = "web") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kustomization.yaml").write_text("resources:\n  - cm.yaml\nnamePrefix: p-\n")
    (folder / "cm.yaml").write_text(
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  on: yes\n"
    )
    return folder


def test_kustomize_comes_from_the_wheel() -> None:
    engine = find_kustomize()
    assert Path(engine.command[0]).parent == Path(sys.executable).parent
    assert "kustomize v5" in engine.version


def test_build_returns_objects_and_exact_text(tmp_path: Path) -> None:
    result = build_kustomization(write_app(tmp_path / "app"))
    assert result.report.ok
    assert result.text.startswith("apiVersion: v1\ndata:\n")
    # Go reads YAML 1.2: "on" and "yes" stay strings.
    assert result.manifests == [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "p-web"},
            "data": {"on": "yes"},
        }
    ]


def test_build_failure_is_a_diagnostic_with_kustomize_message(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "kustomization.yaml").write_text("resources:\n  - missing.yaml\n")
    result = build_kustomization(folder)
    [diagnostic] = result.report
    assert diagnostic.rule == "render-kustomize-failed"
    assert "missing.yaml" in diagnostic.message
    assert diagnostic.location.file.endswith("broken/kustomization.yaml")


def test_folder_without_kustomization(tmp_path: Path) -> None:
    [diagnostic] = build_kustomization(tmp_path).report
    assert diagnostic.rule == "render-kustomize-failed"
    assert "no kustomization.yaml" in diagnostic.message


def test_remote_resources_are_named_not_fetched(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text(
        "resources:\n  - https://example.com/install.yaml\n  - github.com/org/repo//deploy\n"
    )
    result = build_kustomization(tmp_path)
    assert [d.rule for d in result.report] == ["render-remote-resource"] * 2
    assert "https://example.com/install.yaml" in result.report.diagnostics[0].message


def test_load_restrictor_none_reads_outside_the_folder(tmp_path: Path) -> None:
    write_app(tmp_path / "app")
    (tmp_path / "app" / "kustomization.yaml").write_text("resources:\n  - ../shared.yaml\n")
    (tmp_path / "shared.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n")
    assert not build_kustomization(tmp_path / "app").report.ok
    relaxed = KustomizeOptions(load_restrictor="LoadRestrictionsNone")
    result = build_kustomization(
        tmp_path / "app", options=relaxed, confinement=Confinement.of(tmp_path)
    )
    assert result.report.ok
    assert result.manifests[0]["kind"] == "Namespace"


def test_parallel_builds_keep_the_order(tmp_path: Path) -> None:
    folders = [write_app(tmp_path / f"app{i}", f"cm{i}") for i in range(6)]
    results = build_kustomizations(folders, workers=3)
    assert [r.manifests[0]["metadata"]["name"] for r in results] == [f"p-cm{i}" for i in range(6)]


def test_runner_errors() -> None:
    runner = SubprocessRunner()
    with pytest.raises(ToolNotFound, match="no-such-engine is not installed"):
        runner.run(["no-such-engine"])
    with pytest.raises(ToolFailed, match="boom"):
        runner.run([sys.executable, "-c", "import sys; sys.exit('boom')"])
    with bounded(Bounds(timeout=0.2)), pytest.raises(ToolFailed, match=r"stopped after 0\.2 s"):
        runner.run([sys.executable, "-c", "import time; time.sleep(5)"])


def test_helm_renders_a_chart_in_an_engine_worker() -> None:
    engine = HelmEngine()
    assert engine.version.startswith("helm-python-sdk ")
    text = engine.template(
        EXAMPLES / "charts" / "user-service", {"replicaCount": 3}, release="r", namespace="ns"
    )
    assert "# Source: user-service/templates/deployment.yaml" in text
    assert "name: r-user-service" in text
    assert "replicas: 3" in text


def test_helm_failure_is_tool_failed(tmp_path: Path) -> None:
    with pytest.raises(ToolFailed, match="helm template"):
        HelmEngine().template(tmp_path, {}, release="r", namespace="ns")


def capabilities(chart: Path, **options: Any) -> dict[str, str]:
    text = HelmEngine().template(chart, {}, release="caps", namespace="ns", **options)
    [config] = parse_stream(text)
    data: dict[str, str] = config["data"]
    return data


def test_helm_capabilities_take_the_kube_version_and_api_versions(
    capabilities_chart: Path,
) -> None:
    seen = capabilities(
        capabilities_chart,
        kube_version="1.20.3",
        api_versions=["foo.example.com/v1", "foo.example.com/v1/Bar"],
    )
    # Added to the built-in API versions, as --api-versions does.
    assert seen == {
        "version": "v1.20.3",
        "minor": "20",
        "foo": "true",
        "bar": "true",
        "apps": "true",
    }


def test_helm_capabilities_default_to_the_sdk(capabilities_chart: Path) -> None:
    default = capabilities(capabilities_chart)
    assert default["version"] != "v1.20.3"
    assert (default["foo"], default["apps"]) == ("false", "true")
    assert capabilities(capabilities_chart, kube_version="") == default
    only_apis = capabilities(capabilities_chart, api_versions=["foo.example.com/v1"])
    assert only_apis == {**default, "foo": "true"}


@pytest.mark.parametrize(
    ("given", "version", "minor"),
    [
        ("1.20", "v1.20", "20"),
        ("v1.20.3", "v1.20.3", "20"),
        ("1.29.4-gke.100", "v1.29.4-gke.100", "29"),
    ],
)
def test_helm_kube_version_forms(
    capabilities_chart: Path, given: str, version: str, minor: str
) -> None:
    seen = capabilities(capabilities_chart, kube_version=given)
    assert (seen["version"], seen["minor"]) == (version, minor)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("abc", 'could not parse "abc" as version'),
        ("1", 'illegal version string "1"'),
        ("01.20", 'illegal zero-prefixed version component "01" in "01.20"'),
        (">=1.20", 'could not parse ">=1.20" as version'),
    ],
)
def test_an_invalid_kube_version_is_tool_failed(
    capabilities_chart: Path, given: str, message: str
) -> None:
    with pytest.raises(ToolFailed) as failed:
        capabilities(capabilities_chart, kube_version=given)
    assert failed.value.message.endswith(f"invalid kube version '{given}': {message}")


@pytest.mark.parametrize(
    ("given", "numbers"),
    [
        ("1.20", "1.20"),
        ("v1.20.3", "1.20.3"),
        (" v1.020.3-gke.1+build", "1.20.3"),
        ("0.9", "0.9"),
        ("1.2.3.4", "1.2.3.4"),
    ],
)
def test_kube_version_numbers(given: str, numbers: str) -> None:
    assert kube_version_numbers(given) == numbers


@pytest.mark.parametrize(
    "given", ["", "v", "V1.20", "1", "1..2", "1.20\n", "18446744073709551616.0"]
)
def test_kube_version_numbers_refuse(given: str) -> None:
    with pytest.raises(ValueError):
        kube_version_numbers(given)


def test_a_chart_kube_version_constraint_is_checked(capabilities_chart: Path) -> None:
    metadata = capabilities_chart / "Chart.yaml"
    metadata.write_text(metadata.read_text() + 'kubeVersion: ">=1.25.0-0"\n')
    with pytest.raises(ToolFailed) as failed:
        capabilities(capabilities_chart, kube_version="1.20.3")
    assert failed.value.message.endswith(
        "chart requires kubeVersion: >=1.25.0-0 which is incompatible with Kubernetes v1.20.3"
    )
    # A provider suffix is not part of the version the constraint is checked against.
    assert capabilities(capabilities_chart, kube_version="v1.25.0-eks.7")["minor"] == "25"
    # Without a kube version nothing is known about the cluster, so nothing is refused.
    assert capabilities(capabilities_chart)["foo"] == "false"
    metadata.write_text(metadata.read_text().replace(">=1.25.0-0", "not a range"))
    with pytest.raises(ToolFailed, match="requires kubeVersion: not a range which is incompatible"):
        capabilities(capabilities_chart, kube_version="1.30")


def test_a_failed_build_says_what_kustomize_said_warnings_once(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "kustomization.yaml").write_text(
        "commonLabels: {a: b}\nresources: [gone.yaml]\n"
    )
    (tmp_path / "kustomization.yaml").write_text("commonLabels: {a: b}\nresources: [base]\n")
    with pytest.raises(ToolFailed) as failed:
        find_kustomize().build(tmp_path, KustomizeOptions())
    message = failed.value.message
    assert message.startswith(f"kustomize build of {tmp_path} failed: accumulating resources")
    assert "gone.yaml" in message and "kubectl" not in message
    assert message.count("Warning: 'commonLabels' is deprecated") == 1
