"""Schema validation of every object, offline: rules ``schema`` and ``schema-missing``.

Core Kubernetes kinds are validated against the schemas of the selected Kubernetes minor,
CRD kinds (Argo CD, Flux, Prometheus-operator...) against the packaged CRD schemas plus
their CEL rules, ``kustomization.yaml`` and ``Chart.yaml`` against SchemaStore, and Helm
values against a chart's ``values.schema.json``. The object is validated as loaded; only a
failing object pays for walking the errors into located diagnostics.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

import jsonschema_rs

from gitops_schema.check import schema_catalog as catalog
from gitops_schema.check.cel import evaluate
from gitops_schema.check.schema_catalog import CompiledSchema
from gitops_schema.check.schema_fields import nearest_field
from gitops_schema.check.schema_messages import (
    RULE,
    Suggest,
    diagnostics,
    did_you_mean,
    unknown_fields,
)
from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.load import Document
from gitops_schema.location import JsonPath, format_json_path
from gitops_schema.model import GitOpsObject, Tool
from gitops_schema.model.registry import split_api_version

MISSING_RULE = "schema-missing"
UNKNOWN_FIELD_RULE = "unknown-field"
_SOPS_PREFIX = "ENC["


MISSING_TAIL = "objects of this kind are not schema-validated (said once per run)"
_MISSING = re.compile(r"no schema known for (?P<kind>\S+) \((?P<api>[^)]*)\) (?P<where>in .*?); ")


def missing_schema(finding: Diagnostic) -> tuple[str, str, str] | None:
    """(kind, apiVersion, where it was looked for) of a ``schema-missing`` note, else None."""
    if finding.rule != MISSING_RULE:
        return None
    found = _MISSING.match(finding.message)
    return (found["kind"], found["api"], found["where"]) if found else None


class SchemaValidator:
    """Validates objects against the schema of their apiVersion and kind.

    One validator serves a whole run: compiled schemas are shared process-wide, and
    ``schema-missing`` is said once per (apiVersion, kind), at the first object of it, so
    two hundred objects of an unknown CRD make one line, not two hundred.
    """

    def __init__(
        self, *, kubernetes_version: str, strict: bool = False, fetch: bool = False
    ) -> None:
        """Select the Kubernetes minor and strictness, and whether ``$ref`` s are fetched.

        Raises:
            UsageError: the Kubernetes version has no bundled schemas.
        """
        self.kubernetes_version = catalog.resolve_kubernetes_version(kubernetes_version)
        self.strict = strict
        self.fetch = fetch
        self._missing: set[tuple[str, str]] = set()

    def schema_for(self, obj: GitOpsObject) -> CompiledSchema | None:
        """The compiled schema of an object's apiVersion and kind, or None when none is known."""
        group, version = split_api_version(obj.api_version)
        if obj.tool is Tool.HELM and obj.kind == "Chart":
            return catalog.file_schema(self.strict, "chart")
        if group == catalog.KUSTOMIZE_GROUP:
            return catalog.file_schema(self.strict, "kustomization")
        if catalog.is_kubernetes_group(group):
            return catalog.kubernetes_schema(
                self.kubernetes_version, self.strict, group, version, obj.kind
            )
        return catalog.packaged_schema(self.strict, group, version, obj.kind)

    def validate(self, obj: GitOpsObject) -> list[Diagnostic]:
        """The ``schema`` errors of one object, or one ``schema-missing`` note."""
        compiled = self.schema_for(obj)
        if compiled is None:
            return self._note_missing(obj)
        # Null fields are accepted as unset, as Kubernetes decodes them; a built-in kind's
        # schema refuses a null required one (see Profile.null_required).
        data = _without_sops(obj.document.data)
        suggest = self._suggester(obj)
        found: list[Diagnostic] = []
        if not compiled.validator.is_valid(data):
            found.extend(
                self._errors(obj.document, compiled, data, partial=obj.is_patch, suggest=suggest)
            )
        if suggest is not None and not self.strict:
            found.extend(self._unknown_fields(obj, data, suggest))
        # A patch is merged into a whole object: its required fields and the rules that
        # relate fields to each other hold only after the merge.
        rules = () if obj.is_patch else compiled.rules
        for violation in evaluate(rules, data):
            rule = violation.rule
            what = rule.message or f"must satisfy {rule.rule}"
            found.append(
                Diagnostic(
                    RULE,
                    Severity.ERROR,
                    f"{format_json_path(violation.path)}: {what} (CRD validation rule)",
                    obj.document.locate(violation.path),
                )
            )
        return found

    def _suggester(self, obj: GitOpsObject) -> Suggest | None:
        """For a built-in kind, what names the known field nearest an unknown one."""
        group, version = split_api_version(obj.api_version)
        if obj.tool in (Tool.KUSTOMIZE, Tool.HELM) or not catalog.is_kubernetes_group(group):
            return None
        release = self.kubernetes_version

        def suggest(path: JsonPath, key: str) -> str | None:
            return nearest_field(release, group, version, obj.kind, path, key)

        return suggest

    def _unknown_fields(self, obj: GitOpsObject, data: Any, suggest: Suggest) -> list[Diagnostic]:
        """Fields a built-in kind does not have, as warnings (``--strict`` makes them errors).

        ``kubectl apply`` rejects them: its validation is strict by default since
        Kubernetes 1.27.
        """
        group, version = split_api_version(obj.api_version)
        closed = catalog.kubernetes_schema(self.kubernetes_version, True, group, version, obj.kind)
        if closed is None or closed.validator.is_valid(data):
            return []
        found: list[Diagnostic] = []
        for error in closed.validator.iter_errors(data):
            for path, key in unknown_fields(error):
                if obj.is_patch and key.startswith("$"):
                    continue  # a strategic-merge directive ($patch, $setElementOrder/...)
                message = (
                    f"unknown field {key!r} in {format_json_path(path)}: {obj.kind} "
                    f"({obj.api_version}) has no such field, and kubectl apply rejects it"
                    f"{did_you_mean(suggest, path, key)}"
                )
                where = obj.document.locate((*path, key), key=True)
                finding = Diagnostic(UNKNOWN_FIELD_RULE, Severity.WARNING, message, where)
                if finding not in found:
                    found.append(finding)
        return found

    def validate_chart_values(
        self,
        documents: Sequence[Document],
        value_files: Mapping[str, Sequence[str]] | None = None,
    ) -> list[Diagnostic]:
        """Helm values checked against each chart's ``values.schema.json``, as Helm does.

        ``documents`` are every loaded document (the loader reads ``.json`` too, so the
        schema is among them); a chart is a folder with a ``Chart.yaml``. Its
        ``values.yaml`` is validated alone, and each extra values file that
        ``value_files`` lists for the chart folder (display paths, e.g. from an Argo CD
        ``helm.valueFiles``) is validated merged over it, the way Helm coalesces them.
        """
        by_file: dict[str, list[Document]] = {}
        for document in documents:
            by_file.setdefault(document.file, []).append(document)
        extra = value_files or {}
        found: list[Diagnostic] = []
        for chart in sorted(f for f in by_file if PurePosixPath(f).name == "Chart.yaml"):
            folder = str(PurePosixPath(chart).parent)
            schema_docs = by_file.get(f"{folder}/values.schema.json", [])
            if not schema_docs:
                continue
            try:
                compiled = catalog.values_schema(
                    schema_docs[0].data, schema_docs[0].file, fetch=self.fetch
                )
            except ValueError as error:
                found.append(_schema_unusable(str(error), schema_docs[0]))
                continue
            defaults = _first(by_file.get(f"{folder}/values.yaml", []))
            base: Any = {}
            if defaults is not None:
                base = defaults.data if isinstance(defaults.data, dict) else {}
                found.extend(self._values(compiled, defaults, base))
            for name in extra.get(folder, ()):
                override = _first(by_file.get(name, []))
                if override is not None and isinstance(override.data, dict):
                    merged = _coalesce(base, override.data)
                    found.extend(self._values(compiled, override, merged))
        return found

    def _values(
        self, compiled: CompiledSchema, document: Document, data: Any
    ) -> Iterable[Diagnostic]:
        if compiled.validator.is_valid(data):
            return []
        return self._errors(document, compiled, data)

    def _errors(
        self,
        document: Document,
        compiled: CompiledSchema,
        data: Any,
        *,
        partial: bool = False,
        suggest: Suggest | None = None,
    ) -> list[Diagnostic]:
        found: list[Diagnostic] = []
        for error in compiled.validator.iter_errors(data):
            if isinstance(error.instance, str) and error.instance.startswith(_SOPS_PREFIX):
                continue
            if partial and isinstance(error.kind, jsonschema_rs.ValidationErrorKind.Required):
                continue
            for diagnostic in diagnostics(document, error, strict=self.strict, suggest=suggest):
                if diagnostic not in found:
                    found.append(diagnostic)
        return found

    def _note_missing(self, obj: GitOpsObject) -> list[Diagnostic]:
        key = (obj.api_version, obj.kind)
        if key in self._missing:
            return []
        self._missing.add(key)
        message = (
            f"no schema known for {obj.kind} ({obj.api_version}) in Kubernetes "
            f"{self.kubernetes_version} or the packaged CRDs; {MISSING_TAIL}"
        )
        return [Diagnostic(MISSING_RULE, Severity.INFO, message, obj.location)]


def _without_sops(data: Any) -> Any:
    # A SOPS-encrypted file carries its metadata under ``sops`` and ``ENC[...]`` values;
    # Flux decrypts it before applying, so neither is what the API server sees.
    if isinstance(data, dict) and "sops" in data:
        return {k: v for k, v in data.items() if k != "sops"}
    return data


def _first(documents: list[Document]) -> Document | None:
    return documents[0] if documents else None


def _coalesce(base: Any, override: Mapping[str, Any]) -> dict[str, Any]:
    # Helm's coalescing: maps merge key by key, anything else replaces, null deletes.
    merged = dict(base) if isinstance(base, dict) else {}
    for key, value in override.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _coalesce(merged[key], value)
        else:
            merged[key] = value
    return merged


def _schema_unusable(error: str, schema: Document) -> Diagnostic:
    """Why a ``values.schema.json`` cannot be used: invalid, or a ``$ref`` not fetched.

    A ``$ref`` to another document is what Helm fetches; offline it is not an error of
    the schema but something that cannot be verified.
    """
    # jsonschema-rs wraps what the retriever raised: "...retrieving it failed: ValueError: ..."
    reason = error.splitlines()[0].rpartition("ValueError: ")[2] or error
    if catalog.NOT_FETCHED in reason:
        message = (
            f"cannot verify offline: values.schema.json {reason}; the chart's values are "
            "not checked (--allow-network fetches it)"
        )
        return Diagnostic(MISSING_RULE, Severity.INFO, message, schema.location)
    if reason.startswith("$ref "):
        return Diagnostic(RULE, Severity.ERROR, f"values.schema.json: {reason}", schema.location)
    message = f"values.schema.json is not a valid JSON schema: {reason}"
    return Diagnostic(RULE, Severity.ERROR, message, schema.location)
