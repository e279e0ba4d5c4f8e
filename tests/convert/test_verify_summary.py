"""--verify says what it verified: how many applications render the same objects on both
sides, how many differ (each named in the report), and how many could not be compared."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gitops_schema.convert.verify import Verification

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
"""
APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {{name: web, namespace: argocd}}
spec:
  project: default
  source:
    repoURL: https://github.com/org/repo.git
    path: apps/web
    targetRevision: main{kustomize}
  destination: {{server: https://kubernetes.default.svc, namespace: web}}
  syncPolicy: {{automated: {{prune: true, selfHeal: true}}}}
"""
FLUX = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 10m, url: https://github.com/org/repo.git, ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: web, namespace: flux-system}
spec:
  interval: 3m
  path: ./apps/web
  prune: true
  targetNamespace: web
  sourceRef: {kind: GitRepository, name: flux-system}
"""


def repository(root: Path, files: dict[str, str]) -> Path:
    files = {
        "apps/web/kustomization.yaml": "resources: [deploy.yaml]\n",
        "apps/web/deploy.yaml": DEPLOYMENT,
        **files,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_matching_renders_are_said_verified_and_exit_0(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    root = repository(tmp_path / "repo", {"clusters/prod/web.yaml": FLUX})
    out = tmp_path / "out"
    run = cli("convert", "flux-to-argocd", str(root), "-o", str(out), "--verify", "--no-cache")
    assert run.code == 0, run.out + run.err
    assert "verified: 1 application of 1 render the same objects" in run.err


def test_differing_renders_are_counted_and_named(tmp_path: Path, cli: Callable[..., Any]) -> None:
    kustomize = "\n    kustomize: {replicas: [{name: web, count: 3}]}"
    root = repository(
        tmp_path / "repo", {"argocd/web.yaml": APPLICATION.format(kustomize=kustomize)}
    )
    # Outside the repository no overlay can carry the replicas: a stated loss, which
    # --verify sees as a difference.
    out = tmp_path / "out"
    run = cli("convert", "argocd-to-flux", str(root), "-o", str(out), "--verify", "--no-cache")
    assert run.code == 1
    assert "verified: 0 applications of 1 render the same objects; 1 differ" in run.err
    assert "differs at $.spec.replicas" in run.out


def test_the_summary_counts_what_could_not_be_compared() -> None:
    assert Verification().summary() == "verified: no application to compare"
    assert (
        Verification(unverified=1)
        .summary()
        .startswith("verified: no application could be compared; 1 application not verified")
    )
    verification = Verification(unverified=2)
    verification.count(0)
    assert verification.summary().startswith(
        "verified: 1 application of 1 render the same objects; 2 applications not verified"
    )


def test_an_application_whose_source_does_not_render_is_not_said_verified(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    # Both sides fail alike (the path is not in the repository): nothing was proved.
    root = repository(tmp_path / "repo", {"argocd/web.yaml": APPLICATION.format(kustomize="")})
    (root / "apps/web/kustomization.yaml").unlink()
    (root / "apps/web/deploy.yaml").unlink()
    (root / "apps/web").rmdir()
    out = tmp_path / "out"
    run = cli("convert", "argocd-to-flux", str(root), "-o", str(out), "--verify", "--no-cache")
    assert "render the same objects" not in run.err
    assert "1 application not verified" in run.err


def test_a_flux_object_whose_source_does_not_render_is_not_said_verified(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    root = repository(tmp_path / "repo", {"clusters/prod/web.yaml": FLUX})
    (root / "apps/web/kustomization.yaml").write_text("resources: [missing.yaml]\n")
    out = tmp_path / "out"
    run = cli("convert", "flux-to-argocd", str(root), "-o", str(out), "--verify", "--no-cache")
    assert "render the same objects" not in run.err
    assert "1 application not verified" in run.err


def test_a_file_that_cannot_be_read_is_not_an_exact_conversion(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    # The Application in it is not converted: exit 0 would say everything was.
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.yaml").write_text(APPLICATION.format(kustomize="") + "  extra: [1, 2\n")
    for direction in ("argocd-to-flux", "flux-to-argocd"):
        run = cli("convert", direction, str(root), "-o", str(tmp_path / direction))
        assert run.code == 1, run.err
        assert "app.yaml:13:1: error:" in run.err
        assert "1 file could not be read (above): what they hold is not converted" in run.err
