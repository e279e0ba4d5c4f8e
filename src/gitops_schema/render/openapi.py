"""When a kustomize build can do without kustomize's built-in Kubernetes OpenAPI schema.

kustomize parses its built-in schema (about 60 ms of every process that needs it) the first
time a strategic-merge patch is applied. The schema gives the merge keys and strategies of
the built-in kinds; custom resources are not in it, so their patches merge by the same
inferred keys with or without it, and the namespace scope of built-in kinds comes from a
table compiled into kustomize either way. A build whose strategic-merge patches all target
custom resources therefore builds identically with an empty schema, which costs nothing to
parse. Anything this module cannot read for certain keeps the built-in schema.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from gitops_schema.load.plain import InputError, first_yaml_value, read_text, yaml_values
from gitops_schema.render.inputs import kustomization_file

__all__ = ["EMPTY_SCHEMA", "builtin_schema_needed"]

EMPTY_SCHEMA = '{"definitions": {}}\n'
"""An OpenAPI document with no definitions, for a kustomization's ``openapi.path``."""

# Plugin configurations may hold a PatchStrategicMergeTransformer; they are not read here.
_OPAQUE_FIELDS = ("openapi", "transformers", "generators", "validators")
_NESTED_FIELDS = ("resources", "bases", "components")


def builtin_schema_needed(kustomization: Mapping[str, Any], folder: Path) -> bool:
    """Whether building ``kustomization`` (in ``folder``) may need the built-in schema.

    False only when every strategic-merge patch of the build (this kustomization and every
    local kustomization it includes, recursively) targets a custom resource group, and no
    kustomization sets ``openapi`` itself (the first one set wins) or uses plugins.
    """
    return _needs(kustomization, folder.resolve(), set())


def _needs(spec: Mapping[str, Any], folder: Path, seen: set[Path]) -> bool:
    seen.add(folder)
    if any(spec.get(name) for name in _OPAQUE_FIELDS):
        return True
    for entry in _as_list(spec.get("patchesStrategicMerge")):
        documents = _patch_documents(entry, folder)
        if documents is None or not all(_custom(_group_of(doc)) for doc in documents):
            return True
    for entry in _as_list(spec.get("patches")):
        if not isinstance(entry, dict) or _strategic_patch_needs(entry, folder):
            return True
    for name in _NESTED_FIELDS:
        for entry in _as_list(spec.get(name)):
            if not isinstance(entry, str):
                return True
            target = (folder / entry).resolve()
            if not target.is_dir():
                # A file resource, or one kustomize reports as missing or remote.
                if "://" in entry or entry.startswith(("git@", "github.com/")):
                    return True
                continue
            if target in seen:
                continue  # A cycle, which kustomize reports itself.
            nested = _load_kustomization(target)
            if nested is None or _needs(nested, target, seen):
                return True
    return False


def _strategic_patch_needs(entry: Mapping[str, Any], folder: Path) -> bool:
    if isinstance(entry.get("patch"), str):
        documents = _documents(entry["patch"], "inline patch")
    elif isinstance(entry.get("path"), str):
        documents = _patch_documents(entry["path"], folder)
    else:
        return True
    if documents is None:
        return True
    if len(documents) == 1 and isinstance(documents[0], list):
        return False  # A JSON 6902 patch: operations, no schema.
    target = entry.get("target")
    if target is not None:
        # kustomize gives the patch the kind of each object the selector picks.
        return not (isinstance(target, dict) and _custom(target.get("group")))
    return not all(_custom(_group_of(doc)) for doc in documents)


def _patch_documents(entry: Any, folder: Path) -> list[Any] | None:
    """The documents of a patch given inline or as a file path; None when unreadable."""
    if not isinstance(entry, str):
        return None
    if "\n" not in entry:
        path = folder / entry
        if path.is_file():
            try:
                return _documents(read_text(path), str(path))
            except InputError:
                return None
    return _documents(entry, "inline patch")


def _documents(text: str, name: str) -> list[Any] | None:
    try:
        documents = [doc for doc in yaml_values(text, name) if doc]
    except InputError:
        return None
    return documents or None


def _group_of(document: Any) -> str | None:
    if not isinstance(document, dict) or not isinstance(document.get("apiVersion"), str):
        return None
    api_version: str = document["apiVersion"]
    return api_version.rpartition("/")[0] if "/" in api_version else ""


def _custom(group: Any) -> bool:
    """A group no built-in kind belongs to: Kubernetes' own are one word or end in k8s.io."""
    return isinstance(group, str) and "." in group and not group.endswith("k8s.io")


def _load_kustomization(folder: Path) -> Mapping[str, Any] | None:
    file = kustomization_file(folder)
    if file is None:
        return None
    try:
        spec = first_yaml_value(read_text(file), str(file))
    except InputError:
        return None
    return spec if isinstance(spec, dict) else None


def _as_list(value: Any) -> Iterable[Any]:
    return value if isinstance(value, list) else ()
