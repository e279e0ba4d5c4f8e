"""The commands as users run them, end to end, in a git repository built from the corpus.

``onedr0p-home-ops`` is copied into a new git repository and committed. Each command runs
as its own process, as a user runs it (with Python's bytecode cache), with a render cache
of its own (``XDG_CACHE_HOME`` in the scratch folder):

- ``render -o DIR`` cold (empty cache), then warm (nothing changed; the median of three):
  into the same folder again, as a user re-runs it (files whose text is unchanged are left
  as they are), and into a new folder each time (every file created);
- ``diff --from HEAD~1 --to HEAD`` after one changed file: a value of one HelmRelease
  changes and is committed, after the previous revision was rendered (a CI run after the
  last one); the median of three such changes.

The baseline, measured in the same run, is ``kubectl kustomize`` run sequentially on the
folders the render builds: the path of each Flux Kustomization (for a path without a
kustomization file, the folders Flux's generated one lists) and of each Argo CD
Application. Subfolders that those builds include are not built again, and folders no
Kustomization names (bootstrap files, components alone) are not built at all. A render
costs one pass over those folders; rendering both revisions of a diff by hand, two.

Also printed: the start-up of a command through Typer alone (``gitops-schema --version``:
the interpreter, Typer and its option parsing), the floor under every command that runs in
full. A warm render is replayed before Typer is imported (``cli/_replay.py``), so its floor
is the interpreter's start-up, also printed. Goals: warm ``render -o DIR`` at least 50x
faster than the baseline, the one-file ``diff`` at least 10x.

Each figure is wall-clock time (what the goals are stated in) and, beside it, the CPU time
of the processes it ran (user + system, the command's children such as kustomize
included): on a machine shared with other work, wall time grows with the load, CPU time
much less, so the two together tell a slower command from a busier machine.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gitops_schema import inventory
from gitops_schema.render import find_kustomize

ROOT = Path(__file__).resolve().parents[1]
HOME_OPS = ROOT.parent / "shared" / "corpus" / "onedr0p-home-ops"
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
CHANGED = Path("kubernetes/apps/default/atuin/app/helmrelease.yaml")
"""The file changed between two revisions: one application's release (its interval)."""
COMMAND = Path(sys.executable).parent / "gitops-schema"
UNLIKE_A_USER = {"PYTHONDONTWRITEBYTECODE"}
"""Left out of the commands' environment: an installed package has its bytecode (pip
compiles it), so no user's command compiles the package's source at every start."""
RUNS = 3
"""Runs of each warm command; their median is reported (the machine may be shared)."""


def has_kustomization(folder: Path) -> bool:
    """Whether ``folder`` holds a kustomization file."""
    return any((folder / name).is_file() for name in KUSTOMIZATION_FILES)


def built_folders(repo: Path) -> list[Path]:
    """The folders a render of ``repo`` builds with kustomize, once each."""
    found = inventory([repo])
    named: set[Path] = set()
    for obj in found.objects:
        spec = getattr(obj.model, "spec", None)
        if obj.kind == "Kustomization" and obj.tool.value == "flux":
            paths = [getattr(spec, "path", None) or "."]
        elif obj.kind == "Application" and obj.tool.value == "argocd":
            sources = [spec.source] if getattr(spec, "source", None) else []
            sources += list(getattr(spec, "sources", None) or [])
            paths = [s.path for s in sources if getattr(s, "path", None)]
        else:
            continue
        named.update((repo / p).resolve() for p in paths)
    folders: set[Path] = set()
    for folder in named:
        if folder.is_dir():
            folders.update(_generated_resources(folder))
    return sorted(folders)


def _generated_resources(folder: Path) -> Iterator[Path]:
    """``folder``, or what the kustomization Flux generates for it lists.

    That is each subfolder with a kustomization file of its own; the loose YAML files
    beside them need no build.
    """
    if has_kustomization(folder):
        yield folder
        return
    for child in sorted(p for p in folder.iterdir() if p.is_dir() and p.name != ".git"):
        yield from _generated_resources(child)


@dataclass(frozen=True)
class Took:
    """What running something took: wall-clock seconds, and CPU seconds of its processes."""

    wall: float
    cpu: float

    def __str__(self) -> str:
        return f"{self.wall:.3f} s (CPU {self.cpu:.3f} s)"


def measured(run: Callable[[], object]) -> Took:
    """The wall and CPU time of ``run``, whose work is done in child processes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Took(wall, cpu)


def median(runs: list[Took]) -> Took:
    """The median wall time and the median CPU time of ``runs``."""
    return Took(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs))


def baseline(dirs: list[Path]) -> Took:
    """What ``kubectl kustomize`` takes over ``dirs``, one after another (as Flux)."""
    command = find_kustomize().command

    def run() -> None:
        for folder in dirs:
            subprocess.run(
                [*command, str(folder), "--load-restrictor", "LoadRestrictionsNone"],
                capture_output=True,
                check=False,
            )

    return measured(run)


def timed(*args: str, env: dict[str, str]) -> Took:
    """What one ``gitops-schema`` command takes, process start to exit."""
    return measured(
        lambda: subprocess.run([str(COMMAND), *args], capture_output=True, check=False, env=env)
    )


def started(env: dict[str, str]) -> Took:
    """What the command's interpreter takes to start and stop, importing nothing of it."""
    return measured(
        lambda: subprocess.run([sys.executable, "-c", "pass"], capture_output=True, env=env)
    )


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def change_one_file(repo: Path, round_: int) -> None:
    """One value of one HelmRelease changed and committed."""
    changed = repo / CHANGED
    text = changed.read_text()
    interval = f"interval: {round_ + 1}h"
    changed.write_text(text.replace(f"interval: {round_}h", interval, 1))
    git(repo, "commit", "-qam", f"atuin: {interval}")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="gitops-schema-bench-") as scratch:
        work = Path(scratch)
        repo = work / "home-ops"
        shutil.copytree(HOME_OPS, repo, symlinks=True)
        git(repo, "init", "-q")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "corpus")
        env = {
            **{name: value for name, value in os.environ.items() if name not in UNLIKE_A_USER},
            "XDG_CACHE_HOME": str(work / "cache"),
        }
        dirs = built_folders(repo)

        before = baseline(dirs)
        print(
            f"baseline: kubectl kustomize on the {len(dirs)} folders a render builds, "
            f"sequentially: {before}"
        )
        start = median([timed("--version", env=env) for _ in range(5)])
        print(
            f"start-up through Typer (gitops-schema --version): {start} "
            f"(no command run in full can beat {before.wall / start.wall:.0f}x here)"
        )
        interpreter = median([started(env) for _ in range(5)])
        print(
            f"start-up of the interpreter alone: {interpreter} "
            f"(nothing can beat {before.wall / interpreter.wall:.0f}x here)"
        )
        cold = timed("render", str(repo), "-o", str(work / "cold"), env=env)
        print(f"render -o DIR, cold: {cold}")
        warm = median(
            [timed("render", str(repo), "-o", str(work / "cold"), env=env) for _ in range(RUNS)]
        )
        print(f"render -o DIR, warm, the same folder again: {warm}")
        fresh = median(
            [timed("render", str(repo), "-o", str(work / f"warm{n}"), env=env) for n in range(RUNS)]
        )
        print(f"render -o DIR, warm, a new folder: {fresh}")

        diffs = []
        for round_ in range(1, RUNS + 1):
            change_one_file(repo, round_)
            diffs.append(timed("diff", str(repo), "--from", "HEAD~1", "--to", "HEAD", env=env))
        diff = median(diffs)
        after = baseline(dirs)
        both = Took(before.wall + after.wall, before.cpu + after.cpu)
        print(f"baseline for a diff: kubectl kustomize at both revisions: {both}")
        print(f"diff --from HEAD~1 --to HEAD after one changed file: {diff}")

        print()
        for name, took, against, goal in (
            ("render -o DIR cold", cold, before, ""),
            ("render -o DIR warm, the same folder", warm, before, " (goal: 50x)"),
            ("render -o DIR warm, a new folder", fresh, before, ""),
            ("one-file diff", diff, both, " (goal: 10x)"),
        ):
            print(
                f"{name}: {against.wall / took.wall:.1f}x faster than the baseline{goal}; "
                f"CPU: {against.cpu / took.cpu:.1f}x less"
            )


if __name__ == "__main__":
    main()
