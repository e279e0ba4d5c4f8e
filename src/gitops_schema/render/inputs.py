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
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_schema.load.plain import InputError, first_yaml_value, read_text, yaml_values
from gitops_schema.render.cache import input_key
from gitops_schema.render.confine import OUTSIDE, Confinement, OutsideRepository

__all__ = [
    "KUSTOMIZATION_FILES",
    "Inputs",
    "collect_inputs",
    "inputs_read_once",
    "kustomization_file",
]

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
    outside: list[str] = field(default_factory=list)
    """What names a path outside the repository (file, field and path, each a sentence):
    such a build is refused, never run, whatever the load restrictor."""

    def key(self, *parts: str) -> str:
        """The cache key of a build that reads these inputs with the settings ``parts``.

        The files that were missing count: a build that failed on them succeeds once they
        appear.
        """
        # Relative, as the files are: a revision's copy is rendered in a new folder each time.
        absent = sorted(f"missing:{os.path.relpath(path, self.root)}" for path in self.missing)
        return input_key(self.root, self.files, *parts, *absent)


def kustomization_file(folder: Path) -> Path | None:
    """The kustomization file of a folder, by kustomize's order of names, if any."""
    for name in KUSTOMIZATION_FILES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


_Key = tuple[Path, tuple[str, ...], Confinement]
_COLLECTED: ContextVar[dict[_Key, Inputs] | None] = ContextVar("collected", default=None)


@contextmanager
def inputs_read_once() -> Iterator[None]:
    """Within it, a folder's inputs (with the same components and confinement) are read once.

    For one render, during which the files do not change: its walk reads a Kustomization's
    inputs to know what the Kustomization reaches, its build to know what to hash.
    """
    token = _COLLECTED.set({})
    try:
        yield
    finally:
        _COLLECTED.reset(token)


def collect_inputs(
    root: Path,
    components: Iterable[str] = (),
    known: dict[Path, Inputs] | None = None,
    *,
    confinement: Confinement | None = None,
) -> Inputs:
    """The files and remote URLs a build of the kustomization folder ``root`` may read.

    Args:
        root: the kustomization folder.
        components: component folders, relative to ``root``, that the build adds to the
            kustomization (Flux's ``spec.components``, Argo CD's ``kustomize.components``).
        known: the inputs of components read before, by their folder; filled in, so that
            many builds adding one component read it once.
        confinement: the repository the build may read; when omitted, the git work tree
            ``root`` is in, or ``root`` itself. What leaves it is listed in
            :attr:`Inputs.outside`, not read.
    """
    confinement = confinement or Confinement.around(root)
    if not confinement.contains(root):
        inputs = Inputs(root.resolve())
        inputs.outside.append(f"the kustomization folder {root} is {OUTSIDE}")
        return inputs
    names = tuple(components)
    collected = _COLLECTED.get()
    if collected is None or not all(isinstance(name, str) for name in names):
        return _collected(root, names, known, confinement)
    key = (root.resolve(), names, confinement)
    found = collected.get(key)
    if found is None:
        found = collected[key] = _collected(root, names, known, confinement)
    return found


def _collected(
    root: Path,
    components: tuple[str, ...],
    known: dict[Path, Inputs] | None,
    confinement: Confinement,
) -> Inputs:
    inputs = Inputs(root.resolve())
    _add_folder(inputs, root.resolve(), set(), confinement)
    for component in components:
        try:
            folder = confinement.resolve(component, base=root)
        except OutsideRepository as error:
            inputs.outside.append(f"component {error}")
            continue
        more = known.get(folder) if known is not None else None
        if more is None:
            more = collect_inputs(folder, confinement=confinement)
            if known is not None:
                known[folder] = more
        inputs.files.update(more.files)
        inputs.missing.update(more.missing)
        inputs.remote.extend(more.remote)
        inputs.run_wide = inputs.run_wide or more.run_wide
        inputs.escapes = inputs.escapes or more.escapes
        inputs.outside.extend(more.outside)
    return inputs


def _add_folder(inputs: Inputs, folder: Path, seen: set[Path], confinement: Confinement) -> None:
    if folder in seen:
        return
    seen.add(folder)
    kustomization = kustomization_file(folder)
    if kustomization is None:
        # Nothing says what is read: count every file, as Flux's generated kustomization
        # takes them, but a subfolder with its own kustomization reads only what it names.
        for sub in _files_under(folder, confinement, inputs, seen):
            inputs.files.add(sub)
        return
    try:
        inputs.files.add(_resolve_under(folder, kustomization.name, confinement))
    except OutsideRepository as error:
        inputs.outside.append(f"{confinement.shown(folder)}: kustomization file {error}")
        return
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
        globals_ = spec.get("helmGlobals")
        home = (globals_.get("chartHome") if isinstance(globals_, dict) else None) or "charts"
        try:
            chart_home = _resolve_under(folder, str(home), confinement)
        except OutsideRepository as error:
            shown = confinement.shown(kustomization)
            inputs.outside.append(f"{shown}: helmGlobals.chartHome {error}")
        else:
            if chart_home.is_dir():
                inputs.files.update(_files_under(chart_home, confinement, inputs))
    for field_name, reference in _references(spec, folder, confinement, inputs):
        if _REMOTE.match(reference):
            if field_name in _REMOTE_FIELDS:
                inputs.remote.append(reference)
            continue
        try:
            target = _resolve_under(folder, reference, confinement)
        except OutsideRepository as error:
            inputs.outside.append(f"{confinement.shown(kustomization)}: {field_name} {error}")
            continue
        if target.is_dir():
            _add_folder(inputs, target, seen, confinement)
        elif target.is_file():
            inputs.files.add(target)
            inputs.escapes = inputs.escapes or not target.is_relative_to(folder)
        else:
            inputs.missing.add(target)


def _resolve_under(folder: Path, reference: str, confinement: Confinement) -> Path:
    """``folder / reference`` resolved inside the repository, for a resolved ``folder``.

    A relative reference without ``..`` and without links below ``folder`` (nearly all of
    them) is the joined path, inside since ``folder`` is: ``Path.resolve`` examines every
    component from the root, ~20 system calls per file of a deep repository.

    Raises:
        OutsideRepository: the reference leaves the repository.
    """
    parts = [part for part in reference.split("/") if part not in ("", ".")]
    if reference.startswith("/") or ".." in parts or "\0" in reference:
        return confinement.resolve(reference, base=folder)
    current = str(folder)
    for part in parts:
        current = os.path.join(current, part)
        if os.path.islink(current):
            return confinement.resolve(reference, base=folder)
    return Path(current)


def _references(
    spec: dict[str, Any], folder: Path, confinement: Confinement, inputs: Inputs
) -> Iterator[tuple[str, str]]:
    """(field, path) of every path a kustomization names, its plugin configs' paths too."""
    for name in _LIST_FIELDS:
        for entry in _as_list(spec.get(name)):
            if not isinstance(entry, str):
                continue
            if name in _PLUGIN_FIELDS and "\n" in entry:
                # An inline plugin configuration: the files it names are read too.
                yield from _plugin_references(entry, name)
                continue
            yield name, entry
            if name in _PLUGIN_FIELDS:
                yield from _plugin_file_references(folder, entry, name, confinement, inputs)
    for name in _OBJECT_LIST_FIELDS:
        for entry in _as_list(spec.get(name)):
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                yield name, entry["path"]
    for name in ("configMapGenerator", "secretGenerator"):
        for generator in _as_list(spec.get(name)):
            if isinstance(generator, dict):
                yield from ((name, path) for path in _generator_sources(generator))
    for chart in _as_list(spec.get("helmCharts")):
        if isinstance(chart, dict):
            for path in [chart.get("valuesFile"), *_as_list(chart.get("additionalValuesFiles"))]:
                if isinstance(path, str) and path:
                    yield "helmCharts", path
    globals_ = spec.get("helmGlobals")
    if isinstance(globals_, dict) and isinstance(globals_.get("configHome"), str):
        yield "helmGlobals.configHome", globals_["configHome"]
    openapi = spec.get("openapi")
    if isinstance(openapi, dict) and isinstance(openapi.get("path"), str):
        yield "openapi", openapi["path"]


_PLUGIN_FIELDS = frozenset({"generators", "transformers", "validators"})
"""Fields whose entries are plugin configurations (files, or inline YAML), which name
files of their own for kustomize to read."""


def _generator_sources(generator: dict[str, Any]) -> Iterator[str]:
    sources = [*_as_list(generator.get("files")), *_as_list(generator.get("envs"))]
    if isinstance(generator.get("env"), str):
        sources.append(generator["env"])
    for source in sources:
        if isinstance(source, str):
            # "key=path" names the key; the file is after the first "=".
            yield source.split("=", 1)[-1]


def _plugin_file_references(
    folder: Path, entry: str, field_name: str, confinement: Confinement, inputs: Inputs
) -> Iterator[tuple[str, str]]:
    try:
        path = _resolve_under(folder, entry, confinement)
    except OutsideRepository:
        return  # Reported with the entry itself.
    if path.is_file():
        try:
            text = read_text(path)
        except (OSError, InputError):
            return  # kustomize reports it.
        yield from _plugin_references(text, field_name)
    elif path.is_dir():
        # A folder of plugin configurations (a kustomization that makes them).
        for file in _files_under(path, confinement, inputs):
            try:
                text = read_text(file)
            except (OSError, InputError):
                continue
            yield from _plugin_references(text, field_name)


def _plugin_references(text: str, field_name: str) -> Iterator[tuple[str, str]]:
    """The paths builtin plugin configurations in ``text`` name (relative to the build)."""
    try:
        documents = yaml_values(text, field_name)
    except InputError:
        return  # kustomize reports it.
    for config in documents:
        if not isinstance(config, dict):
            continue
        where = f"{field_name} ({config.get('kind')})"
        yield from ((where, path) for path in _generator_sources(config))
        for key in ("path", "valuesFile", "chartHome", "configHome"):
            if isinstance(config.get(key), str) and config[key]:
                yield where, config[key]
        for key in ("paths", "additionalValuesFiles"):
            yield from ((where, p) for p in _as_list(config.get(key)) if isinstance(p, str))
        for replacement in _as_list(config.get("replacements")):
            if isinstance(replacement, dict) and isinstance(replacement.get("path"), str):
                yield where, replacement["path"]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _files_under(
    folder: Path,
    confinement: Confinement,
    inputs: Inputs,
    seen: set[Path] | None = None,
) -> Iterator[Path]:
    """Every regular file under ``folder`` that stays inside; what leaves is in ``inputs``.

    With ``seen``, a subfolder holding a kustomization file is added as a kustomization
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
            if sub.is_symlink() and not confinement.contains(sub):
                shown = confinement.shown(sub)
                inputs.outside.append(f"{shown} is a symlink that points {OUTSIDE}")
                continue
            if seen is not None and kustomization_file(sub) is not None:
                _add_folder(inputs, sub.resolve(), seen, confinement)
            else:
                kept.append(name)
        dirs[:] = kept
        for name in files:
            path = Path(current, name)
            if path.is_symlink() and not confinement.contains(path):
                shown = confinement.shown(path)
                inputs.outside.append(f"{shown} is a symlink that points {OUTSIDE}")
            elif path.is_file():
                yield path.resolve()
