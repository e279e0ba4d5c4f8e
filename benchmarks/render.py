"""Render ``onedr0p-home-ops`` and ``examples/`` cold, warm, and after one file changed.

The baseline, measured in the same run, is ``kubectl kustomize`` run sequentially on the
same repositories' kustomization directories (every folder with a kustomization file).
Prints each time and its ratio to the baseline (goals: cold at least 2x faster, warm with
nothing changed at least 50x, after one changed file at least 20x).

Both repositories are copied into a temporary folder first, so the changed file is a copy
and the render cache is a fresh folder of its own.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from gitops_schema.desired import RenderedRepository, RenderOptions, render_repository
from gitops_schema.render.cache import RenderCache
from gitops_schema.render.engines import find_kustomize

ROOT = Path(__file__).resolve().parents[1]
HOME_OPS = ROOT.parent / "shared" / "corpus" / "onedr0p-home-ops"
EXAMPLES = ROOT / "examples"
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
CHANGED = Path("kubernetes/apps/default/atuin/app/helmrelease.yaml")
"""The file changed between the warm run and the last one: one application's release."""


def kustomization_dirs(root: Path) -> list[Path]:
    """Every folder under ``root`` that holds a kustomization file."""
    return sorted(
        {path.parent for name in KUSTOMIZATION_FILES for path in root.rglob(name)},
    )


def baseline(dirs: list[Path]) -> tuple[float, int]:
    """Seconds ``kubectl kustomize`` takes over ``dirs`` one after another; builds that failed."""
    command = find_kustomize().command
    failed = 0
    start = time.perf_counter()
    for folder in dirs:
        done = subprocess.run(
            [*command, str(folder), "--load-restrictor", "LoadRestrictionsNone"],
            capture_output=True,
            check=False,
        )
        failed += done.returncode != 0
    return time.perf_counter() - start, failed


def render_both(home_ops: Path, examples: Path, cache: RenderCache) -> tuple[float, int, int]:
    """Seconds to render both repositories; applications rendered; objects produced."""
    start = time.perf_counter()
    results: list[RenderedRepository] = [
        render_repository(home_ops, RenderOptions(cache=cache)),
        render_repository(
            examples,
            RenderOptions(
                cache=cache,
                exclude=("seed-as-written",),
                scm_data=(
                    examples / "offline" / "pull-requests.json",
                    examples / "offline" / "scm-repos.json",
                ),
            ),
        ),
    ]
    elapsed = time.perf_counter() - start
    apps = sum(len(r.apps) for r in results)
    objects = sum(len(app.manifests) for r in results for app in r.apps)
    return elapsed, apps, objects


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="gitops-schema-bench-") as scratch:
        work = Path(scratch)
        home_ops = work / "onedr0p-home-ops"
        examples = work / "examples"
        shutil.copytree(HOME_OPS, home_ops, symlinks=True)
        shutil.copytree(EXAMPLES, examples, symlinks=True)
        cache = RenderCache(work / "cache")

        dirs = kustomization_dirs(home_ops) + kustomization_dirs(examples)
        base, failed = baseline(dirs)
        print(
            f"baseline: kubectl kustomize on {len(dirs)} directories, sequentially: "
            f"{base:.2f} s ({failed} failed)"
        )

        cold, apps, objects = render_both(home_ops, examples, cache)
        print(f"render cold: {cold:.2f} s, {apps} applications, {objects} objects")
        warm, _, _ = render_both(home_ops, examples, cache)
        print(f"render warm, nothing changed: {warm:.3f} s")
        changed = home_ops / CHANGED
        changed.write_text(changed.read_text() + "\n# changed by the benchmark\n")
        one, _, _ = render_both(home_ops, examples, cache)
        print(f"render after one file changed ({CHANGED}): {one:.3f} s")

        print()
        print(f"cold: {base / cold:.1f}x faster than the baseline (goal: at least 2x)")
        print(f"warm: {base / warm:.1f}x faster than the baseline (goal: at least 50x)")
        print(f"one file changed: {base / one:.1f}x faster than the baseline (goal: at least 20x)")


if __name__ == "__main__":
    main()
