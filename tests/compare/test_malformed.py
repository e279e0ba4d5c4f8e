"""A hostile repository whose manifests have no identity (``metadata: [a]``) gives a
finding at the application's file and line, never a crash."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gitops_schema.compare import DiffOptions, EnvDiffOptions, diff, envdiff, identity
from gitops_schema.compare.normalize import malformed

APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web-dev, namespace: argocd}
spec:
  project: default
  source: {repoURL: https://github.com/org/repo.git, path: apps/web, targetRevision: HEAD}
  destination: {server: https://kubernetes.default.svc}
"""
HOSTILE = """\
apiVersion: v1
kind: ConfigMap
metadata: [a, b]
data: {a: b}
---
apiVersion: v1
kind: ConfigMap
metadata: not-a-mapping
---
apiVersion: v1
kind: ConfigMap
metadata: {name: fine}
"""


def _repository(root: Path) -> Path:
    for name, text in {"argocd/web.yaml": APPLICATION, "apps/web/cm.yaml": HOSTILE}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_identity_of_an_object_whose_metadata_is_not_a_mapping() -> None:
    assert identity({"apiVersion": "v1", "kind": "ConfigMap", "metadata": ["a"]}).name == ""
    assert malformed([{"kind": "ConfigMap", "metadata": ["a"]}, {"metadata": {}}, 3]) == [
        "rendered object 1 (ConfigMap): metadata is a list, not a mapping, so the object has "
        "no name to compare it by",
        "rendered object 3 is the int 3, not a mapping",
    ]


def test_diff_names_the_malformed_object_and_its_application(
    tmp_path: Path, git: Callable[..., str]
) -> None:
    root = _repository(tmp_path)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    result = diff(root, DiffOptions(before="HEAD", after=None))
    assert not result.ok
    reasons = {reason for failure in result.diff.failures for reason in failure.reasons}
    assert "argocd/web.yaml:1:1: Application web-dev: rendered object 1 (ConfigMap): " in (
        " ".join(reasons)
    )
    assert any("metadata is the text 'not-a-mapping'" in reason for reason in reasons)
    assert not result.diff.changed  # the application is not compared


def test_envdiff_leaves_the_malformed_application_out(tmp_path: Path) -> None:
    result = envdiff(_repository(tmp_path), EnvDiffOptions())
    assert not result.ok
    (failure,) = result.diffs.failures
    assert failure.application == "Application/web-dev"
    assert any("render-input-invalid" in str(d) for d in result.report)
