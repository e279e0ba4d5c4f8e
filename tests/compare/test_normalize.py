"""Identity and normalised form of rendered objects."""

from __future__ import annotations

from gitops_schema.compare import ObjectId, identity, normalize, to_yaml


def test_identity_takes_the_group_from_api_version() -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
    }
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}}

    assert identity(deployment) == ObjectId("apps", "Deployment", "shop", "web")
    assert identity(service) == ObjectId("", "Service", "", "web")
    assert str(identity(deployment)) == "apps/Deployment shop/web"
    assert str(identity(service)) == "Service web"


def test_an_api_version_bump_keeps_the_identity() -> None:
    old = {"apiVersion": "autoscaling/v2beta2", "kind": "HorizontalPodAutoscaler", "metadata": {}}
    new = {**old, "apiVersion": "autoscaling/v2"}

    assert identity(old) == identity(new)


def test_normalize_drops_server_fields_and_sorts_keys() -> None:
    obj = {
        "kind": "ConfigMap",
        "apiVersion": "v1",
        "metadata": {
            "name": "settings",
            "uid": "0b6c",
            "resourceVersion": "42",
            "generation": 3,
            "creationTimestamp": "2024-01-01T00:00:00Z",
            "managedFields": [{"manager": "kubectl"}],
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"},
            "labels": {"b": "2", "a": "1"},
        },
        "data": {"z": "last", "a": "first"},
        "status": {"phase": "Ready"},
    }

    clean = normalize(obj)

    assert clean == {
        "apiVersion": "v1",
        "data": {"a": "first", "z": "last"},
        "kind": "ConfigMap",
        "metadata": {"labels": {"a": "1", "b": "2"}, "name": "settings"},
    }
    assert list(clean) == ["apiVersion", "data", "kind", "metadata"]
    assert list(clean["metadata"]["labels"]) == ["a", "b"]
    assert "status" in obj


def test_other_annotations_survive() -> None:
    obj = {
        "metadata": {
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{}",
                "team": "payments",
            }
        }
    }

    assert normalize(obj)["metadata"] == {"annotations": {"team": "payments"}}


def test_yaml_text_is_stable_and_never_folded() -> None:
    long = "x" * 500
    a = {"kind": "ConfigMap", "data": {"long": long, "b": "1"}, "apiVersion": "v1"}
    b = {"apiVersion": "v1", "data": {"b": "1", "long": long}, "kind": "ConfigMap"}

    assert to_yaml(a) == to_yaml(b)
    assert to_yaml(a).splitlines() == [
        "apiVersion: v1",
        "data:",
        "  b: '1'",
        f"  long: {long}",
        "kind: ConfigMap",
    ]
