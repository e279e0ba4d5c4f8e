"""The deprecation table: release comparison and agreement with the bundled schemas."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_schema.check import CheckConfig, check
from gitops_schema.check.rules.deprecations import lifecycles
from gitops_schema.check.schema_catalog import kubernetes_schema, kubernetes_versions
from gitops_schema.model.registry import split_api_version


def _minor(text: str) -> tuple[int, int]:
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


def test_served_in_the_table_means_a_schema_in_that_release() -> None:
    # Deprecated at V and not yet removed: served at V, so the release's schemas have it;
    # removed at V: served no more, so no schema from V on.
    wrong = []
    for item in lifecycles().values():
        if item.tool != "kubernetes":
            continue
        group, version = split_api_version(item.api_version)
        for release in kubernetes_versions():
            here = _minor(release)
            has = kubernetes_schema(release, False, group, version, item.kind) is not None
            removed = item.removed_in is not None and here >= _minor(item.removed_in)
            deprecated = item.deprecated_in is not None and here >= _minor(item.deprecated_in)
            if removed and has:
                wrong.append(f"{item.api_version} {item.kind}: removed but served in {release}")
            if deprecated and not removed and not has:
                wrong.append(f"{item.api_version} {item.kind}: served but no schema in {release}")
    assert wrong == []


FLOW = """\
apiVersion: flowcontrol.apiserver.k8s.io/v1beta1
kind: FlowSchema
metadata:
  name: fs
---
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: web
"""


@pytest.mark.parametrize("target", ["1.26", "1.26.0", "v1.26"])
def test_a_release_written_major_minor_removes_what_it_removes(tmp_path: Path, target: str) -> None:
    (tmp_path / "objects.yaml").write_text(FLOW)
    result = check([tmp_path], config=CheckConfig(kubernetes_version=target))
    removed = sorted(
        f.message.split(" was ")[0] for f in result.findings if f.rule == "api-removed"
    )
    assert removed == [
        "autoscaling/v2beta2 HorizontalPodAutoscaler",
        "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema",
    ]


def test_an_api_deprecated_in_the_target_release_is_reported(tmp_path: Path) -> None:
    (tmp_path / "hpa.yaml").write_text(FLOW.split("---\n")[1])
    result = check([tmp_path], config=CheckConfig(kubernetes_version="1.25"))
    assert [f.rule for f in result.findings if f.rule.startswith("api-")] == ["api-deprecated"]
