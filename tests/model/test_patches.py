"""Files a kustomization names as patches hold partial objects."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.load import load_paths
from gitops_schema.model import parse_documents


def test_patch_files_may_omit_required_fields(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text(
        "resources: [release.yaml]\n"
        "patches:\n  - path: values-patch.yaml\n"
        "patchesStrategicMerge:\n  - old-patch.yaml\n"
    )
    release = (
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
        "metadata: {name: podinfo}\nspec:\n  interval: 5m\n"
        "  chartRef: {kind: OCIRepository, name: podinfo}\n"
    )
    (tmp_path / "release.yaml").write_text(release)
    patch = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: podinfo}\n"
    (tmp_path / "values-patch.yaml").write_text(patch + "spec:\n  values: {replicas: 2}\n")
    (tmp_path / "old-patch.yaml").write_text(patch + "spec:\n  interval: 1m\n")
    result = parse_documents(load_paths([tmp_path]).documents)
    by_file = {Path(o.document.file).name: o for o in result.objects}
    assert by_file["values-patch.yaml"].is_patch and by_file["old-patch.yaml"].is_patch
    assert not by_file["release.yaml"].is_patch
    assert [str(d) for d in result.report] == []


def test_patch_files_still_report_wrong_types(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("patches:\n  - path: p.yaml\n")
    (tmp_path / "p.yaml").write_text(
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
        "metadata: {name: a}\nspec:\n  prune: maybe\n"
    )
    (diag,) = parse_documents(load_paths([tmp_path]).documents).report
    assert diag.message == "$.spec.prune: expected true or false, found the string 'maybe'"
    assert (diag.location.line, diag.location.column) == (5, 10)
