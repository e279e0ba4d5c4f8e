"""Where the schema of an apiVersion and kind comes from, compiled once per process.

Core Kubernetes kinds come from the schema files inside the ``kubernetes-validate`` wheel
(one folder per Kubernetes minor), CRDs and the kustomize and Helm file formats from the
JSON schemas packaged in :mod:`gitops_schema.schemas`. Every schema is read, normalised and
compiled lazily on first use and cached for the life of the process, keyed by
(Kubernetes version, strict, group, version, kind).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs

from gitops_schema.check.cel import CelRule, collect_rules
from gitops_schema.check.goregex import KEYWORDS
from gitops_schema.check.schema_normalise import Profile, normalise
from gitops_schema.errors import UsageError

_PACKAGED = files("gitops_schema") / "schemas"
_KUBERNETES = files("kubernetes_validate") / "kubernetes-json-schema"
_DEFINITIONS_URI = "https://kubernetes.io/api/_definitions.json"
KUSTOMIZE_GROUP = "kustomize.config.k8s.io"


@dataclass(frozen=True, slots=True)
class CompiledSchema:
    """A ready validator, the CEL rules beside it and where the schema came from."""

    validator: jsonschema_rs.Validator
    rules: tuple[CelRule, ...]
    source: str
    """Shown in messages, e.g. ``Kubernetes 1.37`` or ``helm.toolkit.fluxcd.io/helmrelease_v2``."""


@cache
def kubernetes_versions() -> tuple[str, ...]:
    """The Kubernetes minors with bundled schemas, oldest first (``"1.25"``...)."""
    minors = {
        entry.name.removeprefix("v").split("-")[0].rsplit(".", 1)[0]
        for entry in _KUBERNETES.iterdir()
        if entry.name.startswith("v")
    }
    return tuple(sorted(minors, key=_minor_key))


def _minor_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def resolve_kubernetes_version(requested: str) -> str:
    """The bundled minor to validate a requested Kubernetes version against.

    ``1.33``, ``v1.33`` and ``1.33.4`` all select 1.33. Like the API server, a minor
    validates against its own schemas, so a version outside the bundled range is refused.

    Raises:
        UsageError: the version is malformed or not bundled.
    """
    supported = kubernetes_versions()
    parts = requested.strip().removeprefix("v").split(".")
    if len(parts) < 2 or not all(part.isdigit() for part in parts):
        raise UsageError(
            f'Kubernetes version {requested!r} is not a version such as "1.33"; '
            f"supported: {', '.join(supported)}"
        )
    minor = f"{int(parts[0])}.{int(parts[1])}"
    if minor not in supported:
        raise UsageError(
            f"no schemas for Kubernetes {minor}; supported versions: {', '.join(supported)}"
        )
    return minor


def is_kubernetes_group(group: str) -> bool:
    """True for the groups the Kubernetes API server itself serves (``""``, ``apps``, ``*.k8s.io``).

    A CRD group never lacks a dot, so this keeps e.g. ``networking.istio.io`` from borrowing
    the built-in ``networking.k8s.io`` schema of the same kind name.
    """
    return group == "" or "." not in group or group.endswith(".k8s.io")


_CATALOG_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{0,200}\.json")
_CATALOG_GROUP = re.compile(r"[a-z0-9][a-z0-9.-]{0,200}")


@cache
def kubernetes_schema(
    version: str, strict: bool, group: str, api: str, kind: str
) -> CompiledSchema | None:
    """The compiled schema of a built-in kind, or None when this Kubernetes minor has none."""
    folder = _KUBERNETES / f"v{version}.0-local"
    prefix = group.split(".")[0]
    name = f"{kind.lower()}-{prefix}-{api}.json" if group else f"{kind.lower()}-{api}.json"
    # Only a name the catalog could hold names a file: an apiVersion or kind is user input.
    if not _CATALOG_NAME.fullmatch(name):
        return None
    entry = folder / name
    if not entry.is_file():
        return None
    schema = _read(entry)
    # The folder also holds schemas of sub-structures (affinity-v1.json): only a top-level
    # kind, tagged with its group-version-kind, is an object one can apply.
    tags = schema.get("x-kubernetes-group-version-kind") or []
    if {"group": group, "version": api, "kind": kind} not in tags:
        return None
    profile = Profile(strict=strict, null_required=False)
    validator = jsonschema_rs.Draft202012Validator(
        normalise(schema, profile),
        registry=_kubernetes_registry(version, strict),
        formats=_FORMATS,
        validate_formats=True,
        keywords=KEYWORDS,
    )
    return CompiledSchema(validator, (), f"Kubernetes {version}")


@cache
def _kubernetes_registry(version: str, strict: bool) -> jsonschema_rs.Registry:
    definitions = _read(_KUBERNETES / f"v{version}.0-local" / "_definitions.json")
    return jsonschema_rs.Registry(
        [(_DEFINITIONS_URI, normalise(definitions, Profile(strict, null_required=False)))]
    )


@cache
def packaged_schema(strict: bool, group: str, api: str, kind: str) -> CompiledSchema | None:
    """The compiled schema of a CRD kind packaged with us, or None when we ship none."""
    name = f"{kind.lower()}_{api}.json"
    # Only names the catalog could hold name a file: an apiVersion or kind is user input.
    if not _CATALOG_GROUP.fullmatch(group) or not _CATALOG_NAME.fullmatch(name.replace("_", "-")):
        return None
    entry = _PACKAGED / group / name
    if not entry.is_file():
        return None
    schema = _read(entry)
    validator = jsonschema_rs.Draft7Validator(
        normalise(schema, Profile(strict)),
        formats=_FORMATS,
        validate_formats=True,
        keywords=KEYWORDS,
        retriever=_offline,
    )
    return CompiledSchema(validator, collect_rules(schema), f"{group}/{kind.lower()}_{api}")


@cache
def file_schema(strict: bool, name: str) -> CompiledSchema:
    """``kustomization.yaml`` or ``Chart.yaml``, from the SchemaStore schemas (``name``.json).

    kustomize decodes its file strictly (an unknown field fails the build), so that schema
    keeps its closed objects; Helm ignores unknown ``Chart.yaml`` fields, so that one opens.
    """
    schema = _read(_PACKAGED / "schemastore" / f"{name}.json")
    profile = Profile(strict, opens=name != "kustomization")
    validator = jsonschema_rs.Draft7Validator(
        normalise(schema, profile), formats=_FORMATS, validate_formats=True, keywords=KEYWORDS
    )
    return CompiledSchema(validator, (), f"SchemaStore {name}.json")


def values_schema(schema: dict[str, Any], source: str, *, fetch: bool = False) -> CompiledSchema:
    """A chart's ``values.schema.json``, compiled as Helm reads it (Go regular expressions).

    A ``$ref`` to another document is fetched over http(s), as Helm does, when ``fetch``
    is set; otherwise compiling fails with :data:`NOT_FETCHED` in the message.

    Raises:
        ValueError: the document is not a valid JSON schema, or a ``$ref`` it makes
            cannot be read.
    """
    profile = Profile(strict=False, opens=False, nullable=False, server_formats=False)
    # The schema arrives as loaded YAML/JSON; jsonschema-rs takes only plain containers.
    plain = json.loads(json.dumps(schema))
    return CompiledSchema(
        jsonschema_rs.validator_for(
            normalise(plain, profile), keywords=KEYWORDS, retriever=_online if fetch else _offline
        ),
        (),
        source,
    )


NOT_FETCHED = "is not fetched offline"
"""What the message of a ``$ref`` that was not fetched says."""
_MAX_REFERENCED = 10 * 1024 * 1024
"""Bytes a fetched ``$ref`` document may have (the loader's file size cap)."""


def _offline(uri: str) -> Any:
    """A ``$ref`` outside the schema, offline: not fetched, from the network or a file.

    Raises:
        ValueError: always, naming the reference.
    """
    raise ValueError(f"$ref {uri} {NOT_FETCHED}")


@cache
def _online(uri: str) -> Any:
    """The JSON document an http(s) ``$ref`` names (``--allow-network``), once per run.

    Raises:
        ValueError: not http(s), unreachable, an HTTP error, too large or not JSON.
    """
    if urlsplit(uri).scheme not in ("http", "https"):
        raise ValueError(f"$ref {uri} is not fetched: only http and https references are")
    import httpx  # only when fetching: a check offline never loads an HTTP client

    try:
        with (
            httpx.Client(timeout=30.0, follow_redirects=True) as client,
            client.stream("GET", uri) as response,
        ):
            if response.status_code >= 400:
                raise ValueError(f"$ref {uri} cannot be fetched: HTTP {response.status_code}")
            data = b""
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > _MAX_REFERENCED:
                    raise ValueError(f"$ref {uri} cannot be fetched: over 10 MiB")
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise ValueError(f"$ref {uri} cannot be fetched: {error or type(error).__name__}") from None
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"$ref {uri} is not a JSON document: {error}") from None


def _read(entry: Traversable) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(entry.read_bytes())
    return data


def _is_base64(value: str) -> bool:
    # Go's encoding/json decodes []byte with padded standard base64 and skips newlines.
    try:
        base64.b64decode(value.replace("\n", "").replace("\r", ""), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


_FORMATS = {"byte": _is_base64}
