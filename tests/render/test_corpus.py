"""Every kustomization folder of the shared corpus, against ``kubectl kustomize`` itself."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gitops_schema.render import build_kustomizations, find_kustomize
from gitops_schema.render.confine import Confinement
from gitops_schema.render.inputs import KUSTOMIZATION_FILES

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

# Folders that cannot build offline, with the words their diagnostic must contain.
EXPECTED_FAILURES = {
    # Its scripts (resources/*.sh of a configMapGenerator) were not copied into the corpus.
    "onedr0p-home-ops/kubernetes/apps/default/sonarr/app": "refresh-series.sh",
    # Remote bases: named, not fetched.
    "argocd-applicationset-examples/applicationset/examples/git-generator-directory/"
    "cluster-addons/argo-workflows": "remote resource https://github.com/argoproj/argo-workflows",
    "argocd-applicationset-examples/applicationset/examples/git-generator-directory/"
    "excludes/cluster-addons/argo-workflows": "remote resource https://github.com/argoproj/",
    # A plugin's input: its patches are strings, which kustomize itself rejects.
    "argocd-example-apps/plugins/kustomized-helm": "cannot unmarshal string",
}


def corpus_folders() -> list[Path]:
    return sorted({p.parent for name in KUSTOMIZATION_FILES for p in CORPUS.rglob(name)})


def kubectl_kustomize(folder: Path) -> str:
    command = find_kustomize().command
    return subprocess.run(
        [*command, str(folder)], capture_output=True, text=True, check=True
    ).stdout


def test_corpus_renders_byte_identically() -> None:
    folders = corpus_folders()
    assert len(folders) >= 130
    results = build_kustomizations(folders, confinement=Confinement.of(CORPUS))
    expected = {CORPUS / name for name in EXPECTED_FAILURES}
    assert expected <= set(folders)
    with ThreadPoolExecutor() as pool:
        references = dict(
            zip(
                [f for f in folders if f not in expected],
                pool.map(kubectl_kustomize, [f for f in folders if f not in expected]),
                strict=True,
            )
        )
    identical = 0
    for folder, result in zip(folders, results, strict=True):
        name = folder.relative_to(CORPUS).as_posix()
        if folder in expected:
            messages = " ".join(d.message for d in result.report)
            assert not result.report.ok, name
            assert EXPECTED_FAILURES[name] in messages, (name, messages)
            continue
        assert result.report.ok, (name, [str(d) for d in result.report])
        assert result.text == references[folder], name
        identical += 1
    assert identical == len(folders) - len(EXPECTED_FAILURES)
