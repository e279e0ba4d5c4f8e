"""Revision-to-revision diffs and their text, Markdown and JSON views."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from gitops_schema.compare import (
    GITHUB_COMMENT_LIMIT,
    Action,
    ObjectId,
    diff_sets,
    render_json,
    render_markdown,
    render_text,
)

Golden = Callable[[str, str], None]


def deployment(image: str, replicas: int = 2, namespace: str = "shop") -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": namespace, "labels": {"app": "web"}},
        "spec": {
            "replicas": replicas,
            "template": {"spec": {"containers": [{"name": "web", "image": image}]}},
        },
    }


def hpa(api_version: str, max_replicas: int) -> dict[str, Any]:
    return {
        "apiVersion": api_version,
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"minReplicas": 2, "maxReplicas": max_replicas},
    }


SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web", "namespace": "shop"},
    "spec": {"ports": [{"name": "http", "port": 80}]},
}
CONFIG = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "web-settings", "namespace": "shop"},
    "data": {"LOG_LEVEL": "info"},
}

BEFORE = {
    "prod": {
        "web": [deployment("ghcr.io/acme/web:1.4.0"), SERVICE, hpa("autoscaling/v2beta2", 6)],
        "worker": [CONFIG],
    },
    "staging": {"web": [deployment("ghcr.io/acme/web:1.5.0", replicas=1)]},
}
AFTER = {
    "prod": {
        "web": [deployment("ghcr.io/acme/web:1.5.0"), hpa("autoscaling/v2", 6), CONFIG],
        "worker": [CONFIG],
    },
    "staging": {"web": [deployment("ghcr.io/acme/web:1.5.0", replicas=1)]},
}


def test_objects_added_removed_and_changed() -> None:
    diff = diff_sets(BEFORE, AFTER)

    assert [c.cluster for c in diff.clusters] == ["prod", "staging"]
    web = diff.clusters[0].applications[0]
    assert web.application == "web"
    assert [c.id for c in web.added] == [ObjectId("", "ConfigMap", "shop", "web-settings")]
    assert [c.id for c in web.removed] == [ObjectId("", "Service", "shop", "web")]
    assert [c.id for c in web.changed] == [
        ObjectId("apps", "Deployment", "shop", "web"),
        ObjectId("autoscaling", "HorizontalPodAutoscaler", "shop", "web"),
    ]
    assert "-      - image: ghcr.io/acme/web:1.4.0" in web.changed[0].diff
    assert "+      - image: ghcr.io/acme/web:1.5.0" in web.changed[0].diff
    assert web.unchanged == 0
    assert diff.changed
    summary = diff.summary
    assert (summary.added, summary.removed, summary.changed, summary.unchanged) == (1, 1, 2, 2)


def test_an_api_version_bump_is_a_change_not_an_add_and_a_remove() -> None:
    diff = diff_sets(
        {"c": {"a": [hpa("autoscaling/v2beta2", 6)]}}, {"c": {"a": [hpa("autoscaling/v2", 6)]}}
    )

    (change,) = diff.clusters[0].applications[0].changes
    assert change.action is Action.CHANGED
    assert "-apiVersion: autoscaling/v2beta2\n+apiVersion: autoscaling/v2\n" in change.diff


def test_added_and_removed_objects_carry_their_whole_text() -> None:
    diff = diff_sets({"c": {"old": [SERVICE]}}, {"c": {"new": [CONFIG]}})

    new, old = diff.clusters[0].applications
    assert new.added[0].diff.startswith("--- /dev/null\n+++ b/ConfigMap shop/web-settings\n")
    assert "+  LOG_LEVEL: info\n" in new.added[0].diff
    assert old.removed[0].diff.startswith("--- a/Service shop/web\n+++ /dev/null\n")


def test_server_noise_and_key_order_are_not_changes() -> None:
    live = {
        "metadata": {"resourceVersion": "7", "namespace": "shop", "name": "web"},
        "kind": "Service",
        "apiVersion": "v1",
        "spec": SERVICE["spec"],
        "status": {"loadBalancer": {}},
    }

    diff = diff_sets({"c": {"a": [SERVICE]}}, {"c": {"a": [live]}})

    assert not diff.changed
    assert diff.summary.unchanged == 1
    assert render_text(diff) == "No changes (1 objects unchanged).\n"


def test_text(golden: Golden) -> None:
    golden("compare/diff.txt", render_text(diff_sets(BEFORE, AFTER)))


def test_text_in_color() -> None:
    text = render_text(diff_sets(BEFORE, AFTER), color=True)

    assert "\x1b[32m+      - image: ghcr.io/acme/web:1.5.0\x1b[0m" in text
    assert "\x1b[31m-      - image: ghcr.io/acme/web:1.4.0\x1b[0m" in text
    assert "\x1b[36m@@" in text


def test_markdown(golden: Golden) -> None:
    golden("compare/diff.md", render_markdown(diff_sets(BEFORE, AFTER)))


def test_json(golden: Golden) -> None:
    text = render_json(diff_sets(BEFORE, AFTER))

    golden("compare/diff.json", text)
    document = json.loads(text)
    assert set(document) == {"clusters", "summary"}
    assert document["summary"] == {"added": 1, "removed": 1, "changed": 2, "unchanged": 2}


def test_markdown_is_truncated_under_the_comment_limit() -> None:
    many = {
        "prod": {
            f"app-{n:03}": [{**CONFIG, "data": {f"KEY_{k}": "x" * 60 for k in range(40)}}]
            for n in range(60)
        }
    }
    changed = {
        "prod": {
            app: [{**CONFIG, "data": {key: "y" * 60 for key in objs[0]["data"]}}]
            for app, objs in many["prod"].items()
        }
    }

    text = render_markdown(diff_sets(many, changed))

    assert len(text) <= GITHUB_COMMENT_LIMIT
    assert "Output truncated to stay under GitHub's 65,536-character comment limit" in text
    shown = text.count("<details>")
    assert 0 < shown < 60
    assert text.count("</details>") == shown
    assert f"{60 - shown} more object diff(s) not shown" in text
    assert "| `app-059` | 0 | 0 | 1 | 0 |" in text


def test_one_huge_diff_is_cut_short_not_dropped() -> None:
    before = {"c": {"a": [{**CONFIG, "data": {f"K{k}": "a" * 80 for k in range(400)}}]}}
    after = {"c": {"a": [{**CONFIG, "data": {f"K{k}": "b" * 80 for k in range(400)}}]}}

    text = render_markdown(diff_sets(before, after), limit=5_000)

    assert len(text) <= 5_000
    assert "… (diff cut short)\n```\n\n</details>" in text
    assert "0 more object diff(s) not shown and the last one shown is cut short" in text
