"""Documents to typed GitOps objects, with a diagnostic for everything that does not fit."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from pydantic import ValidationError

from gitops_schema.diagnostics import Diagnostic, Report, Severity
from gitops_schema.load import Document, YamlMap
from gitops_schema.load.gc import paused_gc
from gitops_schema.location import JsonPath, Location, format_json_path
from gitops_schema.model import helm, kustomize
from gitops_schema.model.base import UNKNOWN, GenericResource, KubeModel
from gitops_schema.model.k8s import SECRET_TYPE_LABEL
from gitops_schema.model.kinds import Tool
from gitops_schema.model.registry import lookup, tool_of


@dataclass(frozen=True, slots=True)
class GitOpsObject:
    """One object found in the configuration, typed, with where it came from."""

    document: Document
    tool: Tool
    api_version: str
    kind: str
    name: str
    namespace: str | None
    model: KubeModel
    """The typed model; a :class:`GenericResource` when the kind is not modelled or the
    object does not fit its model (the diagnostics say why)."""
    is_patch: bool = False
    """True for a partial object in a file a kustomization names as a patch: its
    required fields may be missing, since it is merged into a whole object."""

    @property
    def location(self) -> Location:
        """Where the object starts."""
        return self.document.location

    @property
    def typed(self) -> bool:
        """True when the model is the kind's own, not the generic envelope."""
        return not isinstance(self.model, GenericResource)


@dataclass(slots=True)
class ParseResult:
    """The objects found and the diagnostics raised while typing them."""

    objects: list[GitOpsObject] = field(default_factory=list)
    report: Report = field(default_factory=Report)


def parse_documents(
    documents: Iterable[Document], *, envelopes: frozenset[Tool] = frozenset()
) -> ParseResult:
    """Type every document that is a GitOps object; others (Helm values...) are skipped.

    Files that a kustomization names as strategic-merge patches hold partial objects;
    they are typed as patches (see :attr:`GitOpsObject.is_patch`). The objects of the
    tools in ``envelopes`` are kept as :class:`GenericResource` envelopes, not checked
    against their kinds' models (see :func:`parse_document`).
    """
    documents = list(documents)
    patches = patch_files(documents)
    result = ParseResult()
    with paused_gc():
        for document in documents:
            found, diagnostics = parse_document(
                document, patch=document.file in patches, envelopes=envelopes
            )
            result.report.extend(diagnostics)
            if found is not None:
                result.objects.append(found)
    return result


def patch_files(documents: Iterable[Document]) -> set[str]:
    """The files kustomization files name as patches (by display path)."""
    found: set[str] = set()
    for document in documents:
        data = document.data
        # Every document passes here: the name is compared before any path is built.
        if document.file.rpartition("/")[2] not in kustomize.FILE_NAMES or not isinstance(
            data, YamlMap
        ):
            continue
        folder = PurePosixPath(document.file).parent
        entries: list[Any] = []
        # Before validation: a list that is not one is the schema's finding, not ours.
        for patch in _listed(data.get("patches")):
            # A bare string is invalid (kustomize wants {path: ...}) but means a patch file.
            entries.append(patch.get("path") if isinstance(patch, dict) else patch)
        entries.extend(_listed(data.get("patchesStrategicMerge")))
        for entry in entries:
            # Inline patches are YAML text, not paths.
            if isinstance(entry, str) and "\n" not in entry:
                found.add(posixpath.normpath(str(folder / entry)))
    return found


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def parse_document(
    document: Document, *, patch: bool = False, envelopes: frozenset[Tool] = frozenset()
) -> tuple[GitOpsObject | None, list[Diagnostic]]:
    """Type one document (``patch``: a partial object, missing fields allowed).

    An object whose apiVersion belongs to a tool in ``envelopes`` (or a kustomization or
    ``Chart.yaml`` file, for :attr:`Tool.KUSTOMIZE` and :attr:`Tool.HELM`) is a
    :class:`GenericResource` (its tool, kind and name as ever): for a reader that never
    looks into those kinds (a render reads no Prometheus-operator object, and reads
    kustomization files as kustomize does), their models are neither loaded nor built.

    Returns None for documents that are not objects: mappings without ``apiVersion`` and
    ``kind`` (values files, other configuration) and non-mappings.
    """
    data = document.data
    if not isinstance(data, YamlMap):
        return None, []
    # rpartition, not PurePosixPath: this runs for every document.
    file_name = document.file.rpartition("/")[2]
    if file_name in kustomize.FILE_NAMES:
        return _parse_file_kind(document, data, Tool.KUSTOMIZE, envelopes)
    if file_name in helm.FILE_NAMES and "kind" not in data:
        return _parse_file_kind(document, data, Tool.HELM, envelopes)
    api_version, kind = data.get("apiVersion"), data.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None, _envelope_problems(document, data)
    spec = lookup(api_version, kind) if tool_of(api_version) not in envelopes else None
    model_type: type[KubeModel] = spec.model if spec else GenericResource
    tool = spec.tool if spec else tool_of(api_version)
    if kind == "Secret" and api_version == "v1":
        secret_type = _label(data, SECRET_TYPE_LABEL)
        if secret_type is not None:
            # Argo CD's models are loaded for an Argo CD Secret only, not for every Secret
            # of a Flux repository.
            from gitops_schema.model.argocd import SECRET_MODELS

            if secret_type in SECRET_MODELS:
                model_type, tool = SECRET_MODELS[secret_type], Tool.ARGOCD
    model, diagnostics = _validate(model_type, document, data, patch=patch)
    metadata = data.get("metadata")
    name = namespace = None
    if isinstance(metadata, dict):
        name, namespace = metadata.get("name"), metadata.get("namespace")
    return (
        GitOpsObject(
            document,
            tool,
            api_version,
            kind,
            name if isinstance(name, str) else "",
            namespace if isinstance(namespace, str) else None,
            model,
            patch,
        ),
        diagnostics,
    )


def _label(data: YamlMap, label: str) -> Any:
    metadata = data.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, dict) else None
    return labels.get(label) if isinstance(labels, dict) else None


def _envelope_problems(document: Document, data: YamlMap) -> list[Diagnostic]:
    # A mapping with metadata and only one of apiVersion/kind is a broken object; anything
    # else without both is some other YAML (Helm values, tool configuration).
    if "metadata" not in data or ("apiVersion" not in data and "kind" not in data):
        return []
    missing = "apiVersion" if not isinstance(data.get("apiVersion"), str) else "kind"
    return [
        Diagnostic(
            "schema",
            Severity.ERROR,
            f"object has metadata but no {missing} (a string); it cannot be identified",
            document.location,
        )
    ]


def _parse_file_kind(
    document: Document, data: YamlMap, tool: Tool, envelopes: frozenset[Tool]
) -> tuple[GitOpsObject, list[Diagnostic]]:
    folder = PurePosixPath(document.file).parent.name
    if tool is Tool.KUSTOMIZE:
        model_type: type[KubeModel] = kustomize.KustomizeFile
        kind = data.get("kind") if isinstance(data.get("kind"), str) else "Kustomization"
        api_version = data.get("apiVersion") or f"{kustomize.GROUP}/v1beta1"
        metadata = data.get("metadata")
        name = metadata.get("name") if isinstance(metadata, dict) else None
        namespace = data.get("namespace")
    else:
        model_type = helm.Chart
        kind = "Chart"
        api_version = data.get("apiVersion") or "v1"
        name = data.get("name")
        namespace = None
    diagnostics: list[Diagnostic] = []
    if tool in envelopes:
        model = _envelope(document, data, {"document": document})
    else:
        model, diagnostics = _validate(model_type, document, data)
    return (
        GitOpsObject(
            document,
            tool,
            str(api_version),
            str(kind),
            name if isinstance(name, str) else folder,
            namespace if isinstance(namespace, str) else None,
            model,
        ),
        diagnostics,
    )


def _validate(
    model_type: type[KubeModel], document: Document, data: YamlMap, *, patch: bool = False
) -> tuple[KubeModel, list[Diagnostic]]:
    context: dict[str, Any] = {"document": document}
    try:
        model = model_type.model_validate(data, context=context)
    except ValidationError as error:
        errors = [e for e in error.errors() if not (patch and e["type"] == "missing")]
        diagnostics = [_schema_diagnostic(document, item) for item in errors]
        return _envelope(document, data, context), diagnostics
    diagnostics = []
    owners: list[KubeModel] = context.get(UNKNOWN, [])
    for owner, key in ((o, k) for o in owners for k in o.model_extra or {}):
        where = owner.model_location(key, key=True)
        parent = format_json_path(owner.model_json_path())
        diagnostics.append(
            Diagnostic(
                "unknown-field",
                Severity.WARNING,
                f"unknown field {key!r} in {type(owner).__name__} at {parent}: "
                "not in the schema of this kind, so it is ignored or rejected",
                where,
            )
        )
    return model, diagnostics


def _envelope(document: Document, data: YamlMap, context: dict[str, Any]) -> KubeModel:
    try:
        return GenericResource.model_validate(data, context=context)
    except ValidationError:
        # Not even a valid envelope (e.g. metadata is a string): keep the raw data.
        return GenericResource.model_construct(
            api_version=str(data.get("apiVersion", "")), kind=str(data.get("kind", ""))
        )


def _data_path(data: Any, loc: tuple[int | str, ...]) -> JsonPath:
    """The JSON path a pydantic error location points at, without union member tags."""
    path: list[str | int] = []
    node = data
    for step in loc:
        in_map = isinstance(node, dict) and isinstance(step, str) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if in_map or in_list:
            node = node[step]
            path.append(step)
    return tuple(path)


_EXPECTED = {
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "dict_type": "a mapping",
    "list_type": "a list",
    "string_type": "a string",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}"
    return "a list" if isinstance(value, list) else "a mapping"


def _schema_diagnostic(document: Document, error: Any) -> Diagnostic:
    loc: tuple[int | str, ...] = tuple(error["loc"])
    path = _data_path(document.data, loc)
    where = format_json_path(path)
    kind = error["type"]
    if kind == "missing":
        field_name = str(loc[-1]) if loc else "?"
        parent = _data_path(document.data, loc[:-1])
        if path != parent:
            # The key is there, empty: Kubernetes reads a null value as unset.
            message = (
                f"missing required field {field_name!r} in {format_json_path(parent)} "
                "(the key is there, but empty)"
            )
        else:
            message = f"missing required field {field_name!r} in {where}"
    elif kind in _EXPECTED:
        message = f"{where}: expected {_EXPECTED[kind]}, found {_json_type(error.get('input'))}"
    else:
        message = f"{where}: {error['msg']}"
    return Diagnostic("schema", Severity.ERROR, message, document.locate(path))
