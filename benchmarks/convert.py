"""Convert 10,000 generated Argo CD Applications to Flux.

Prints, from one run: the conversion time (reading the files, the neutral model, the Flux
objects and their YAML text), the time of parsing the same files with PyYAML's C loader
and dumping them again with its C dumper, and their ratio (goal: at most 2x).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import yaml

from gitops_schema.convert import ConvertOptions, argocd_to_flux

APPLICATIONS = 10_000
PER_FILE = 100
ROUNDS = 3
"""Best of three, for both timings."""


def application(index: int) -> str:
    kind = index % 3
    source = (
        "    path: charts/app\n    helm:\n      releaseName: app-{i}\n"
        "      valueFiles: [values-{env}.yaml]\n"
        "      parameters: [{{name: replicas, value: '{r}'}}]\n"
        if kind == 0
        else "    path: apps/app-{i}/overlays/{env}\n    kustomize:\n      namePrefix: {env}-\n"
        "      images: ['nginx:1.{r}']\n"
        if kind == 1
        else "    path: manifests/app-{i}\n    directory: {{recurse: true}}\n"
    )
    env = ("dev", "staging", "prod")[index % 3]
    return (
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
        f"metadata:\n  name: app-{index}\n  namespace: argocd\n"
        "  finalizers: [resources-finalizer.argocd.argoproj.io]\n"
        "spec:\n  project: default\n  source:\n"
        "    repoURL: https://github.com/example/gitops.git\n"
        f"    targetRevision: release-{index % 20}\n"
        + source.format(i=index, env=env, r=index % 5 + 1)
        + "  destination: {server: https://kubernetes.default.svc, "
        + f"namespace: team-{index % 50}}}\n"
        "  syncPolicy:\n    automated: {prune: true, selfHeal: true, allowEmpty: true}\n"
        "    syncOptions: [CreateNamespace=true]\n"
    )


def write_repository(root: Path) -> list[Path]:
    files = []
    for start in range(0, APPLICATIONS, PER_FILE):
        path = root / "apps" / f"apps-{start // PER_FILE:03}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n".join(application(i) for i in range(start, start + PER_FILE)))
        files.append(path)
    return files


def baseline(files: list[Path]) -> float:
    started = time.perf_counter()
    for path in files:
        documents = list(yaml.load_all(path.read_text(), Loader=yaml.CSafeLoader))
        yaml.dump_all(documents, Dumper=yaml.CSafeDumper, sort_keys=False)
    return time.perf_counter() - started


def conversion(root: Path, output: Path) -> tuple[float, int, int]:
    """Seconds, items converted and bytes of YAML written (to memory, not to disk)."""
    started = time.perf_counter()
    converted = argocd_to_flux([root], ConvertOptions(output=output))
    written = sum(len(text) for text in converted.tree.texts().values())
    return time.perf_counter() - started, len(converted.fidelity.items), written


def main() -> int:
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary, "repo")
        files = write_repository(root)
        base = min(baseline(files) for _ in range(ROUNDS))
        runs = [conversion(root, Path(temporary, "out")) for _ in range(ROUNDS)]
        took = min(seconds for seconds, _, _ in runs)
        _, items, written = runs[0]
    ratio = took / base
    print(f"applications converted:         {items:,} ({written:,} bytes of Flux YAML)")
    print(f"convert argocd-to-flux:         {took:.2f} s ({items / took:,.0f} applications/s)")
    print(f"PyYAML C parse + dump baseline: {base:.2f} s")
    print(f"ratio: {ratio:.2f}x (goal: at most 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
