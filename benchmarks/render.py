"""The commands as users run them, end to end, in a git repository built from the corpus.

``onedr0p-home-ops`` is copied into a new git repository and committed. Each command runs
as its own process with a fresh render cache (``XDG_CACHE_HOME`` in the scratch folder):
``render -o DIR`` cold, then warm (nothing changed); then one file is changed and
committed, and ``diff --from HEAD~1 --to HEAD`` compares the two revisions. The baseline,
measured in the same run, is ``kubectl kustomize`` run sequentially on the repository's
kustomization folders: once for a render, and at both revisions for the diff (what
rendering both revisions by hand costs). Prints each time and its ratio (goals: warm
``render -o DIR`` at least 50x faster, the one-file ``diff`` at least 10x).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gitops_schema.render.engines import find_kustomize

ROOT = Path(__file__).resolve().parents[1]
HOME_OPS = ROOT.parent / "shared" / "corpus" / "onedr0p-home-ops"
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
CHANGED = Path("kubernetes/apps/default/atuin/app/helmrelease.yaml")
"""The file changed between the two revisions: one application's release."""
COMMAND = Path(sys.executable).parent / "gitops-schema"


def kustomization_dirs(root: Path) -> list[Path]:
    """Every folder under ``root`` that holds a kustomization file (``.git`` left out)."""
    found = {path.parent for name in KUSTOMIZATION_FILES for path in root.rglob(name)}
    return sorted(d for d in found if ".git" not in d.relative_to(root).parts)


def baseline(dirs: list[Path]) -> float:
    """Seconds ``kubectl kustomize`` takes over ``dirs``, one after another."""
    command = find_kustomize().command
    start = time.perf_counter()
    for folder in dirs:
        subprocess.run(
            [*command, str(folder), "--load-restrictor", "LoadRestrictionsNone"],
            capture_output=True,
            check=False,
        )
    return time.perf_counter() - start


def timed(*args: str, env: dict[str, str]) -> float:
    """Seconds one ``gitops-schema`` command takes, process start to exit."""
    start = time.perf_counter()
    subprocess.run([str(COMMAND), *args], capture_output=True, check=False, env=env)
    return time.perf_counter() - start


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="gitops-schema-bench-") as scratch:
        work = Path(scratch)
        repo = work / "home-ops"
        shutil.copytree(HOME_OPS, repo, symlinks=True)
        git(repo, "init", "-q")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "corpus")
        env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache")}
        dirs = kustomization_dirs(repo)

        before = baseline(dirs)
        print(f"baseline: kubectl kustomize on {len(dirs)} folders, sequentially: {before:.2f} s")
        cold = timed("render", str(repo), "-o", str(work / "cold"), env=env)
        print(f"render -o DIR, cold: {cold:.2f} s")
        warm = timed("render", str(repo), "-o", str(work / "warm"), env=env)
        print(f"render -o DIR, warm: {warm:.3f} s")

        changed = repo / CHANGED
        changed.write_text(changed.read_text() + "\n# changed by the benchmark\n")
        git(repo, "commit", "-qam", "one file")
        after = baseline(dirs)
        both = before + after
        print(f"baseline for a diff: kubectl kustomize at both revisions: {both:.2f} s")
        diff = timed("diff", str(repo), "--from", "HEAD~1", "--to", "HEAD", env=env)
        print(f"diff --from HEAD~1 --to HEAD after one changed file: {diff:.2f} s")

        print()
        print(f"render -o DIR cold: {before / cold:.1f}x faster than the baseline")
        print(f"render -o DIR warm: {before / warm:.1f}x faster than the baseline (goal: 50x)")
        print(f"one-file diff: {both / diff:.1f}x faster than the baseline (goal: 10x)")


if __name__ == "__main__":
    main()
