"""What Argo CD's repo-server does to a kustomize or directory source before rendering.

kustomize options become the kustomization Argo CD's ``kustomize edit`` calls would write,
here an overlay that references the source folder; a directory source is the list of
manifest files its recurse/include/exclude settings select.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gitops_schema.golang.glob import gobwas_match as glob_match
from gitops_schema.load.plain import read_text
from gitops_schema.render.confine import Confinement

__all__ = ["directory_files", "glob_match", "kustomize_overlay", "libraries"]

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def kustomize_overlay(
    source: Path,
    options: Mapping[str, Any],
    at: Path,
    confinement: Confinement | None = None,
) -> dict[str, Any]:
    """The kustomization in folder ``at`` that applies an Application's options to ``source``.

    Paths in the options (components, patch files) are relative to the source folder, as
    in Argo CD, and must stay inside ``confinement`` (by default the git work tree of
    ``source``); here they are rewritten relative to ``at`` (kustomize refuses absolute
    component paths) or, for patch files, inlined.

    Raises:
        OSError: a patch file that cannot be opened.
        InputError: a patch file that is not text (binary, not UTF-8, not a regular file).
        OutsideRepository: a component or patch file outside the repository.
    """
    confinement = confinement or Confinement.around(source)
    overlay: dict[str, Any] = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": [_relative(source, at)],
    }
    for field in ("namePrefix", "nameSuffix", "namespace"):
        if options.get(field):
            overlay[field] = options[field]
    labels = options.get("commonLabels") or {}
    if labels:
        if options.get("labelWithoutSelector"):
            entry: dict[str, Any] = {"pairs": dict(labels)}
            if options.get("labelIncludeTemplates"):
                entry["includeTemplates"] = True
            overlay["labels"] = [entry]
        else:
            overlay["commonLabels"] = dict(labels)
    if options.get("commonAnnotations"):
        overlay["commonAnnotations"] = dict(options["commonAnnotations"])
    if options.get("images"):
        overlay["images"] = [parse_image(str(image)) for image in options["images"]]
    if options.get("replicas"):
        overlay["replicas"] = [
            {"name": r["name"], "count": int(r["count"])} for r in options["replicas"]
        ]
    if options.get("components"):
        overlay["components"] = [
            _relative(confinement.resolve(str(c), base=source), at) for c in options["components"]
        ]
    if options.get("patches"):
        overlay["patches"] = [_patch(source, patch, confinement) for patch in options["patches"]]
    return overlay


def _relative(path: Path, start: Path) -> str:
    return os.path.relpath(path.resolve(), start.resolve())


def parse_image(image: str) -> dict[str, str]:
    """A ``kustomize edit set image`` argument as a kustomization ``images`` entry.

    Forms: ``name=new:tag``, ``name=new@digest``, ``name:tag``, ``name@digest``, ``name=new``.
    """
    name, _, new = image.partition("=")
    entry: dict[str, str] = {}
    target = new or name
    reference, _, digest = target.partition("@")
    # A colon after the last slash is a tag; before it, a registry port.
    repository, tag = reference, ""
    if ":" in reference.rsplit("/", 1)[-1]:
        repository, _, tag = reference.rpartition(":")
    if new:
        entry["name"] = name.partition(":")[0].partition("@")[0]
        if repository != entry["name"]:
            entry["newName"] = repository
    else:
        entry["name"] = repository
    if tag:
        entry["newTag"] = tag
    if digest:
        entry["digest"] = digest
    return entry


def libraries(settings: Mapping[str, Any], confinement: Confinement) -> list[str]:
    """A Jsonnet source's ``libs``, each resolved from the repository root and inside it.

    Raises:
        OutsideRepository: a library folder outside the repository.
    """
    libs = settings.get("libs") or []
    return [
        str(confinement.resolve(lib, absolute="root"))
        for lib in (libs if isinstance(libs, list) else [])
        if isinstance(lib, str)
    ]


def _patch(source: Path, patch: Mapping[str, Any], confinement: Confinement) -> dict[str, Any]:
    entry = {key: value for key, value in patch.items() if key != "path"}
    if patch.get("path"):
        entry["patch"] = read_text(confinement.resolve(str(patch["path"]), base=source))
    if "target" in entry:
        entry["target"] = {k: v for k, v in entry["target"].items() if v}
    return entry


def directory_files(
    root: Path, *, recurse: bool, include: str, exclude: str
) -> tuple[list[Path], list[Path]]:
    """The manifest files and the Jsonnet files a directory source selects, sorted by path.

    Globs match the path relative to ``root``; ``*`` crosses ``/`` and ``{a,b}`` lists
    alternatives, as in Argo CD's ``glob.Match``; exclude wins over include.
    """
    manifests: list[Path] = []
    jsonnet: list[Path] = []
    candidates = root.rglob("*") if recurse else root.glob("*")
    for path in sorted(candidates):
        if not path.is_file():
            continue
        relative = path.relative_to(root).as_posix()
        if exclude and glob_match(exclude, relative):
            continue
        if include and not glob_match(include, relative):
            continue
        if path.suffix in MANIFEST_SUFFIXES:
            manifests.append(path)
        elif path.suffix == ".jsonnet":
            jsonnet.append(path)
    return manifests, jsonnet
