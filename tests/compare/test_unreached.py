"""diff: an application whose parent failed to render on one side is not there because
of the failure, not removed: it is listed as not rendered, naming its parent."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

FLUX_KUSTOMIZATION = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: {name}, namespace: flux-system}}
spec:
  interval: 10m
  path: ./{path}
  prune: true
  sourceRef: {{kind: GitRepository, name: flux-system}}
"""
FILES = {
    "clusters/prod/apps.yaml": FLUX_KUSTOMIZATION.format(name="apps", path="apps"),
    "apps/kustomization.yaml": "resources: [web.yaml]\n",
    "apps/web.yaml": FLUX_KUSTOMIZATION.format(name="web", path="web"),
    "web/kustomization.yaml": "resources: [cm.yaml]\n",
    "web/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: web}\n",
}


def test_a_child_of_a_failed_parent_is_not_removed(
    tmp_path: Path, cli: Callable[..., Any], git: Callable[..., str]
) -> None:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "init")
    (tmp_path / "apps/kustomization.yaml").write_text("resources: [web.yaml, gone.yaml]\n")

    result = cli("diff", str(tmp_path), "--no-cache", "-o", "json")
    assert result.code == 1
    document = json.loads(result.out)
    assert document["summary"]["removed"] == 0
    failed = {f["application"]: f for f in document["failed"]}
    assert set(failed) == {"Kustomization/apps", "Kustomization/web"}
    assert failed["Kustomization/web"]["revision"] == "work tree"
    assert failed["Kustomization/web"]["reasons"] == [
        "apps/web.yaml:1:1: Kustomization/apps, which defines it, could not be rendered"
    ]

    # A parent that renders and no longer defines the child: the child is removed.
    (tmp_path / "apps/kustomization.yaml").write_text("resources: []\n")
    document = json.loads(cli("diff", str(tmp_path), "--no-cache", "-o", "json").out)
    assert "failed" not in document or document["failed"] == []
    assert document["summary"]["removed"] == 2  # the child's definition and its ConfigMap
