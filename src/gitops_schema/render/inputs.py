"""The input tree of a kustomization: every local file a build may read, and remote URLs.

A build reads its kustomization file and whatever that names (resources, patches,
generator sources, components, ``../base``), recursively, and a Helm chart home; a folder
without a kustomization file counts with all its files. Hashing those files is what makes
the render cache content-addressed: a file no build names does not invalidate it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_schema.load.plain import InputError, first_yaml_value, read_text
from gitops_schema.render.cache import input_key

__all__ = ["KUSTOMIZATION_FILES", "Inputs", "collect_inputs", "kustomization_file"]

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
"""The names kustomize looks for, in its order."""

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/|gitlab\.com/|bitbucket\.org/)")

# Fields whose string entries are paths (or, for resources-like ones, remote URLs).
_LIST_FIELDS = (
    "resources",
    "bases",
    "components",
    "crds",
    "configurations",
    "transformers",
    "generators",
    "validators",
    "patchesStrategicMerge",
)
_REMOTE_FIELDS = frozenset({"resources", "bases", "components"})
_OBJECT_LIST_FIELDS = ("patches", "patchesJson6902", "replacements")


@dataclass(slots=True)
class Inputs:
    """What a build of one kustomization folder may read."""

    root: Path
    files: set[Path] = field(default_factory=set)
    """Every local file, resolved."""
    remote: list[str] = field(default_factory=list)
    """Remote resources, in the order they were found."""
    missing: set[Path] = field(default_factory=set)
    """Named files that do not exist: a build fails on them until they appear."""
    run_wide: bool = False
    """A kustomization declares what kustomize applies to a whole run, not to its own
    objects only: ``configurations`` or ``crds`` (name reference rules) or ``vars``."""
    escapes: bool = False
    """A kustomization names a file outside its own folder, which kustomize's default
    load restrictor refuses (folders, such as ``../base``, it allows)."""

    def key(self, *parts: str) -> str:
        """The cache key of a build that reads these inputs with the settings ``parts``.

        The files that were missing count: a build that failed on them succeeds once they
        appear.
        """
        absent = sorted(f"missing:{path}" for path in self.missing)
        return input_key(self.root, self.files, *parts, *absent)


def kustomization_file(folder: Path) -> Path | None:
    """The kustomization file of a folder, by kustomize's order of names, if any."""
    for name in KUSTOMIZATION_FILES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def collect_inputs(
    root: Path, components: Iterable[str] = (), known: dict[Path, Inputs] | None = None
) -> Inputs:
    """The files and remote URLs a build of the kustomization folder ``root`` may read.

    Args:
        root: the kustomization folder.
        components: component folders, relative to ``root``, that the build adds to the
            kustomization (Flux's ``spec.components``, Argo CD's ``kustomize.components``).
        known: the inputs of components read before, by their folder; filled in, so that
            many builds adding one component read it once.
    """
    inputs = Inputs(root.resolve())
    _add_folder(inputs, root.resolve(), set())
    for component in components:
        folder = (root / component).resolve()
        more = known.get(folder) if known is not None else None
        if more is None:
            more = collect_inputs(folder)
            if known is not None:
                known[folder] = more
        inputs.files.update(more.files)
        inputs.missing.update(more.missing)
        inputs.remote.extend(more.remote)
        inputs.run_wide = inputs.run_wide or more.run_wide
        inputs.escapes = inputs.escapes or more.escapes
    return inputs


def _add_folder(inputs: Inputs, folder: Path, seen: set[Path]) -> None:
    if folder in seen:
        return
    seen.add(folder)
    kustomization = kustomization_file(folder)
    if kustomization is None:
        # Nothing says what is read: count every file, as Flux's generated kustomization
        # takes them, but a subfolder with its own kustomization reads only what it names.
        for sub in _files_under(folder, inputs, seen):
            inputs.files.add(sub)
        return
    inputs.files.add(_resolve_under(folder, kustomization.name))
    try:
        spec = first_yaml_value(read_text(kustomization), str(kustomization))
    except InputError:
        # kustomize reports a broken file itself; its bytes are already in the key.
        return
    if not isinstance(spec, dict):
        return
    if any(spec.get(name) for name in ("configurations", "crds", "vars")):
        inputs.run_wide = True
    if spec.get("helmCharts") or spec.get("helmGlobals"):
        # Charts are read from the chart home, which the kustomization does not list.
        home = (spec.get("helmGlobals") or {}).get("chartHome") or "charts"
        if (folder / home).is_dir():
            inputs.files.update(_files_under(folder / home))
    for field_name, reference in _references(spec):
        if _REMOTE.match(reference):
            if field_name in _REMOTE_FIELDS:
                inputs.remote.append(reference)
            continue
        target = _resolve_under(folder, reference)
        if target.is_dir():
            _add_folder(inputs, target, seen)
        elif target.is_file():
            inputs.files.add(target)
            inputs.escapes = inputs.escapes or not target.is_relative_to(folder)
        else:
            inputs.missing.add(target)


def _resolve_under(folder: Path, reference: str) -> Path:
    """``(folder / reference).resolve()`` for a resolved ``folder``, with fewer system calls.

    ``Path.resolve`` examines every component from the root, ~20 per file of a deep
    repository; below a folder already resolved, only the new components can be links.
    """
    parts = [part for part in reference.split("/") if part not in ("", ".")]
    if reference.startswith("/") or ".." in parts:
        return (folder / reference).resolve()
    current = str(folder)
    for part in parts:
        current = os.path.join(current, part)
        if os.path.islink(current):
            return (folder / reference).resolve()
    return Path(current)


def _references(spec: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name in _LIST_FIELDS:
        for entry in _as_list(spec.get(name)):
            if isinstance(entry, str):
                yield name, entry
    for name in _OBJECT_LIST_FIELDS:
        for entry in _as_list(spec.get(name)):
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                yield name, entry["path"]
    for name in ("configMapGenerator", "secretGenerator"):
        for generator in _as_list(spec.get(name)):
            if not isinstance(generator, dict):
                continue
            sources = [*_as_list(generator.get("files")), *_as_list(generator.get("envs"))]
            if isinstance(generator.get("env"), str):
                sources.append(generator["env"])
            for source in sources:
                if isinstance(source, str):
                    # "key=path" names the key; the file is after the first "=".
                    yield name, source.split("=", 1)[-1]
    openapi = spec.get("openapi")
    if isinstance(openapi, dict) and isinstance(openapi.get("path"), str):
        yield "openapi", openapi["path"]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _files_under(
    folder: Path, inputs: Inputs | None = None, seen: set[Path] | None = None
) -> Iterator[Path]:
    """Every file under ``folder``.

    With ``inputs``, a subfolder holding a kustomization file is added as a kustomization
    (what it names) instead of walked.
    """
    walked: set[str] = set()
    for current, dirs, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(current)
        if real in walked:
            # A symlink loop: walking it again would never end.
            dirs.clear()
            continue
        walked.add(real)
        kept = []
        for name in dirs:
            sub = Path(current, name)
            if name == ".git":
                continue
            if inputs is not None and seen is not None and kustomization_file(sub) is not None:
                _add_folder(inputs, sub.resolve(), seen)
            else:
                kept.append(name)
        dirs[:] = kept
        for name in files:
            path = Path(current, name)
            if path.is_file():
                yield path.resolve()
