"""Environment-to-environment comparison: classification, matrix and score."""

from __future__ import annotations

from typing import Any

import pytest

from gitops_schema.compare import ObjectId, envdiff_many
from gitops_schema.compare import envdiff_application as envdiff
from gitops_schema.compare.classify import split_image


def deployment(
    env: str,
    *,
    replicas: int = 2,
    image: str = "ghcr.io/acme/web:1.0.0",
    containers: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": f"web-{env}", "labels": {"environment": env}},
        "spec": {
            "replicas": replicas,
            "template": {
                "spec": {
                    "containers": containers
                    or [
                        {
                            "name": "app",
                            "image": image,
                            "resources": {"requests": {"cpu": "100m"}},
                        }
                    ]
                }
            },
        },
    }


def only(renders: dict[str, list[dict[str, Any]]], **kwargs: Any) -> list[tuple[str, bool, str]]:
    result = envdiff(renders, **kwargs)
    return [(d.path, d.expected, d.reason) for row in result.objects for d in row.differences]


def test_replicas_namespace_and_environment_labels_are_expected() -> None:
    result = envdiff({"dev": [deployment("dev", replicas=1)], "prod": [deployment("prod")]})

    assert [(d.path, d.expected, d.reason) for d in result.objects[0].differences] == [
        ("metadata.labels.environment", True, "environment label"),
        ("metadata.namespace", True, "namespace"),
        ("spec.replicas", True, "replicas"),
    ]
    assert result.objects[0].differences[2].values == {"dev": 1, "prod": 2}
    assert result.score == 100.0


def test_an_image_tag_is_expected_a_repository_is_not() -> None:
    tag = only(
        {
            "dev": [deployment("dev", image="ghcr.io/acme/web:1.1.0-rc.1")],
            "prod": [deployment("dev", image="ghcr.io/acme/web:1.0.0")],
        }
    )
    repository = only(
        {
            "dev": [deployment("dev", image="ghcr.io/acme/web-next:1.0.0")],
            "prod": [deployment("dev", image="ghcr.io/acme/web:1.0.0")],
        }
    )

    path = "spec.template.spec.containers[name=app].image"
    assert tag == [(path, True, "image tag")]
    assert repository == [(path, False, "image repository")]


@pytest.mark.parametrize(
    ("image", "parts"),
    [
        ("nginx", ("nginx", "")),
        ("registry:5000/team/app:1.2", ("registry:5000/team/app", "1.2")),
        ("registry:5000/team/app", ("registry:5000/team/app", "")),
        ("app@sha256:abc", ("app", "@sha256:abc")),
    ],
)
def test_split_image(image: str, parts: tuple[str, str]) -> None:
    assert split_image(image) == parts


def test_resources_and_hpa_bounds_are_expected() -> None:
    def hpa(maximum: int) -> dict[str, Any]:
        return {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web"},
            "spec": {"minReplicas": 1, "maxReplicas": maximum},
        }

    prod = deployment("dev")
    prod["spec"]["template"]["spec"]["containers"][0]["resources"] = {
        "requests": {"cpu": "500m"},
        "limits": {"memory": "1Gi"},
    }

    assert only({"dev": [deployment("dev"), hpa(2)], "prod": [prod, hpa(10)]}) == [
        ("spec.template.spec.containers[name=app].resources.limits.memory", True, "resources"),
        ("spec.template.spec.containers[name=app].resources.requests.cpu", True, "resources"),
        ("spec.maxReplicas", True, "autoscaling bounds"),
    ]


def test_config_values_are_expected_a_key_in_one_environment_is_not() -> None:
    def config(data: dict[str, str], suffix: str) -> dict[str, Any]:
        return {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": f"settings-{suffix}"},
            "data": data,
        }

    result = envdiff(
        {
            "dev": [config({"LOG_LEVEL": "debug", "DEBUG_TOOLBAR": "on"}, "7h2k9bg5mt")],
            "prod": [config({"LOG_LEVEL": "warn"}, "c6d48ft2bh")],
        }
    )

    (row,) = result.objects
    assert row.id == ObjectId("", "ConfigMap", "", "settings")
    assert [(d.path, d.expected, d.reason) for d in row.differences] == [
        ("data.DEBUG_TOOLBAR", False, "only in dev"),
        ("data.LOG_LEVEL", True, "config data"),
        ("metadata.name", True, "generated name"),
    ]
    # apiVersion, kind, two names, two values, one key: 5 of the 6 fields are consistent.
    assert (result.compared, result.consistent) == (5, 4)
    assert result.score == 80.0


def test_containers_are_matched_by_name_not_by_position() -> None:
    app = {"name": "app", "image": "ghcr.io/acme/web:1.0.0"}
    proxy = {"name": "proxy", "image": "envoyproxy/envoy:v1.30.0"}

    assert (
        only(
            {
                "dev": [deployment("dev", containers=[app, proxy])],
                "prod": [deployment("dev", containers=[proxy, app])],
            }
        )
        == []
    )


def test_a_missing_object_is_unexpected_and_lowers_the_score() -> None:
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}}

    result = envdiff({"dev": [deployment("dev"), service], "prod": [deployment("dev")]})

    service_row = result.objects[0]
    assert (service_row.present, service_row.missing) == (("dev",), ("prod",))
    # The Deployment's 9 fields agree; the Service's 3 count against prod.
    assert (result.compared, result.consistent) == (9 + 3, 9)
    assert result.score == 75.0


def test_configured_globs_make_differences_expected() -> None:
    def env_var(value: str) -> dict[str, Any]:
        container = {"name": "app", "image": "web", "env": [{"name": "LOG_LEVEL", "value": value}]}
        return deployment("dev", containers=[container])

    renders = {"dev": [env_var("debug")], "prod": [env_var("warn")]}
    path = "spec.template.spec.containers[name=app].env[name=LOG_LEVEL].value"

    assert only(renders) == [(path, False, "differs")]
    assert only(renders, expected=["*.env[name=LOG_LEVEL]"]) == [(path, True, "configured")]


def test_score_counts_every_pair_of_environments() -> None:
    def settings(value: str) -> dict[str, Any]:
        return {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "s"},
            "spec": {"x": value},
        }

    result = envdiff(
        {"dev": [settings("a")], "test": [settings("a")], "prod": [settings("b")]},
        application="shop",
    )

    # 3 pairs x 4 fields; dev/prod and test/prod differ in spec.x.
    assert (result.compared, result.consistent) == (12, 10)
    assert round(result.score, 2) == 83.33
    assert result.application == "shop"
    assert [(row.id.name, d.path) for row, d in result.unexpected] == [("s", "spec.x")]


def test_overall_score_is_the_mean_of_applications() -> None:
    same = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}
    differs = {**same, "spec": {"x": "1"}}
    apps = {
        "b": {"dev": [same], "prod": [same]},
        "a": {"dev": [same], "prod": [differs]},
    }

    result = envdiff_many(apps)

    assert [app.application for app in result.applications] == ["a", "b"]
    assert [app.score for app in result.applications] == [75.0, 100.0]
    assert result.score == 87.5
    assert envdiff_many({}).score == 100.0


def helm_release(env: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "helm.toolkit.fluxcd.io/v2",
        "kind": "HelmRelease",
        "metadata": {"name": "web", "namespace": "web"},
        "spec": {"values": values},
    }


def test_helm_values_replica_count_and_image_tag_are_expected_as_what_they_render() -> None:
    """replicaCount and image.tag are the values that spec.replicas and the image tag come
    from: expected as those are; another value that differs is not."""
    dev = {"replicaCount": 1, "image": {"tag": "1.0"}, "log": "debug"}
    prod = {"replicaCount": 3, "image": {"tag": "1.1"}, "log": "warn", "worker": {"replicas": 2}}
    assert only({"dev": [helm_release("dev", dev)], "prod": [helm_release("prod", prod)]}) == [
        ("spec.values.image.tag", True, "image tag"),
        ("spec.values.log", False, "differs"),
        ("spec.values.replicaCount", True, "replicas"),
        ("spec.values.worker.replicas", True, "replicas"),
    ]
    application = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": "web"},
        "spec": {"source": {"helm": {"valuesObject": {"replicaCount": 1}}}},
    }
    other = {**application, "spec": {"source": {"helm": {"valuesObject": {"replicaCount": 4}}}}}
    assert only({"dev": [application], "prod": [other]}) == [
        ("spec.source.helm.valuesObject.replicaCount", True, "replicas")
    ]


def test_objects_named_after_their_environment_are_one_object() -> None:
    """A Helm release named after its Application (guestbook-dev, guestbook-prod) names
    its objects so: they are matched, their names differing as expected."""
    dev, prod = deployment("dev", replicas=1), deployment("prod", replicas=3)
    dev["metadata"]["name"], prod["metadata"]["name"] = "guestbook-dev-web", "guestbook-prod-web"
    result = envdiff({"dev": [dev], "prod": [prod]})
    [row] = result.objects
    assert str(row.id) == "apps/Deployment guestbook-<env>-web" and row.missing == ()
    assert ("metadata.name", True, "environment name") in only({"dev": [dev], "prod": [prod]})
    assert result.score == 100.0
