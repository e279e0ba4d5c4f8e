"""Objects of any shape are findings with a file and line, never a crash (issue 15 item 4)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

ENVELOPE = "apiVersion: {api}\nkind: {kind}\nmetadata: {{name: x, namespace: ns}}\n"
SHAPES = {
    "receiver-empty-spec": (
        ENVELOPE.format(api="notification.toolkit.fluxcd.io/v1", kind="Receiver") + "spec: {}\n",
        ("$.spec", 4),
    ),
    "appset-generators-3": (
        ENVELOPE.format(api="argoproj.io/v1alpha1", kind="ApplicationSet")
        + "spec:\n  generators: 3\n  template: {metadata: {name: a}, spec: {project: p,"
        " destination: {}, source: {repoURL: r}}}\n",
        ("$.spec.generators", 5),
    ),
    "appset-template-spec-float": (
        # Found by tests/fuzz: a skipped ApplicationSet's template was read as raw data.
        ENVELOPE.format(api="argoproj.io/v1alpha1", kind="ApplicationSet")
        + "spec:\n  generators: [{list: {elements: [{a: b}]}}]\n"
        "  template: {metadata: {name: a}, spec: 1.5}\n",
        ("$.spec.template.spec", 6),
    ),
    "secret-metadata-x": (
        "apiVersion: v1\nkind: Secret\nmetadata: x\ndata: {a: b}\n",
        ("$.metadata", 3),
    ),
    "configmap-data-list": (
        ENVELOPE.format(api="v1", kind="ConfigMap") + "data: [x]\n",
        ("$.data", 4),
    ),
    "kustomization-patches-3": (
        "resources: [cm.yaml]\npatches: 3\npatchesStrategicMerge: x\n",
        ("$.patches", 2),
    ),
    "application-helm-value-files-3": (
        ENVELOPE.format(api="argoproj.io/v1alpha1", kind="Application")
        + "spec:\n  project: p\n  destination: {}\n  source:\n    repoURL: r\n"
        "    path: chart\n    helm: {valueFiles: 3}\n",
        ("$.spec.source.helm.valueFiles", 10),
    ),
    "flux-kustomization-source-ref-x": (
        # The Flux rules read the typed model: an object that does not fit it is the
        # schema's finding, and theirs to skip.
        ENVELOPE.format(api="kustomize.toolkit.fluxcd.io/v1", kind="Kustomization")
        + "spec:\n  interval: 1m\n  prune: true\n  sourceRef: x\n  dependsOn: 3\n",
        ("$.spec.sourceRef", 7),
    ),
    "helmrelease-install-3": (
        ENVELOPE.format(api="helm.toolkit.fluxcd.io/v2", kind="HelmRelease")
        + "spec:\n  interval: 1m\n  chartRef: {kind: OCIRepository, name: c}\n"
        "  install: 3\n",
        ("$.spec.install", 7),
    ),
    "long-api-version": (
        ENVELOPE.format(api="a" * 300 + "/v1", kind="Thing")
        + ENVELOPE.format(api="b" * 3000, kind="Thing").replace("apiVersion", "---\napiVersion"),
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(SHAPES))
def test_shape_errors_are_findings(cli: Callable, tmp_path: Path, case: str) -> None:
    text, expected = SHAPES[case]
    name = "kustomization.yaml" if case.startswith("kustomization") else "object.yaml"
    (tmp_path / name).write_text(text)
    (tmp_path / "chart").mkdir()
    (tmp_path / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n")
    result = cli("check", str(tmp_path), "-o", "json")
    assert result.code in (0, 1), result.err
    findings = json.loads(result.out)["findings"]
    if expected is not None:
        assert any((f["path"], f["line"]) == expected for f in findings), findings


def test_file_name_not_utf8(cli: Callable, tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    with open(folder + b"/caf\xe9.yaml", "wb") as handle:
        handle.write(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: [x]\n")
    result = cli("check", str(tmp_path), "-o", "json")
    assert result.code == 1, result.err
    (finding,) = json.loads(result.out)["findings"]
    assert finding["file"].startswith("caf") and finding["line"] == 4
