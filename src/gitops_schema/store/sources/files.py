"""Files -> records: kubectl exports and JSON lines of webhook bodies and events.

Exports are ``kubectl get applications|kustomizations|helmreleases -A -o json`` (or YAML).

Each document or line is one of: an Argo CD webhook body (``{"app": ...}``), an Argo CD
Application, a Flux event (it has ``involvedObject``), a Flux Kustomization or HelmRelease;
``List`` kinds and JSON arrays of those (a batch of webhook bodies) are unwrapped. Anything
else is a problem naming its file and line; the readable records are kept.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_schema.load import LoadOptions, load_bytes
from gitops_schema.store.records import Observation
from gitops_schema.store.sources import argocd, flux
from gitops_schema.store.sources.payload import PayloadError, string_problem

FLUX_KINDS = ("Kustomization", "HelmRelease")
# Exports of thousands of objects are large; they are read whole all the same.
MAX_FILE_SIZE = 512 * 1024 * 1024


@dataclass
class FileRecords:
    """What the files gave: observations, and problems as ``file:line: message``."""

    observations: list[Observation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_document(
    document: Any, *, cluster: str, cluster_names: Mapping[str, str] | None = None
) -> list[Observation]:
    """The observations of one document of any of the supported shapes.

    A JSON array is a batch of such documents, as ``serve``'s webhooks take them.
    """
    if isinstance(document, list):
        found: list[Observation] = []
        for index, item in enumerate(document):
            try:
                found += parse_document(item, cluster=cluster, cluster_names=cluster_names)
            except PayloadError as error:
                raise PayloadError(f"[{index}]: {error.message}") from None
        return found
    if not isinstance(document, dict):
        raise PayloadError("expected an object")
    if "app" in document and isinstance(document["app"], dict):
        return [argocd.parse_webhook(document, cluster_names=cluster_names)]
    if "involvedObject" in document:
        return [flux.parse_event(document, cluster=cluster)]
    kind = document.get("kind")
    api_version = str(document.get("apiVersion") or "")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(document.get("items"), list):
        try:
            return parse_document(document["items"], cluster=cluster, cluster_names=cluster_names)
        except PayloadError as error:
            raise PayloadError(f"items{error.message}") from None
    if kind == "Application" and api_version.startswith("argoproj.io/"):
        return [argocd.parse_application(document, cluster_names=cluster_names)]
    if kind in FLUX_KINDS and ".toolkit.fluxcd.io/" in api_version:
        return [flux.parse_object(document, cluster=cluster)]
    raise PayloadError(
        f"not an Argo CD Application or webhook body, a Flux event, Kustomization or "
        f"HelmRelease (kind {kind!r})"
    )


def _json_lines(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield number, line


def _is_json_lines(path: Path, text: str) -> bool:
    if path.suffix in (".jsonl", ".ndjson"):
        return True
    lines = [line.strip() for _, line in _json_lines(text)]
    return len(lines) > 1 and all(line.startswith("{") and line.endswith("}") for line in lines)


def read_files(
    paths: list[Path], *, cluster: str, cluster_names: Mapping[str, str] | None = None
) -> FileRecords:
    """Every record of ``paths``; unreadable parts become problems, never exceptions."""
    result = FileRecords()
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as error:
            result.problems.append(f"{path}: cannot read: {error.strerror}")
            continue
        text = data.decode("utf-8", errors="replace")
        if _is_json_lines(path, text):
            for number, line in _json_lines(text):
                where = f"{path}:{number}"
                try:
                    document = json.loads(line)
                except ValueError as error:
                    result.problems.append(f"{where}: not JSON: {error}")
                    continue
                _add(result, where, document, cluster, cluster_names)
            continue
        loaded = load_bytes(data, str(path), LoadOptions(max_file_size=MAX_FILE_SIZE))
        for diagnostic in loaded.report:
            result.problems.append(f"{diagnostic.location}: {diagnostic.message}")
        for loaded_document in loaded.documents:
            where = f"{path}:{loaded_document.location.line}"
            _add(result, where, loaded_document.data, cluster, cluster_names)
    return result


def _add(
    result: FileRecords,
    where: str,
    document: Any,
    cluster: str,
    cluster_names: Mapping[str, str] | None,
) -> None:
    problem = _unstorable(document)
    if problem is not None:
        result.problems.append(f"{where}: {problem}")
        return
    try:
        result.observations += parse_document(
            document, cluster=cluster, cluster_names=cluster_names
        )
    except PayloadError as error:
        result.problems.append(f"{where}: {error.message}")
    except RecursionError:
        result.problems.append(f"{where}: nested too deeply")


def _unstorable(document: Any) -> str | None:
    """Why ``document`` cannot be stored as it is, if it cannot.

    A database stores no NUL character nor unpaired surrogate in a string (JSON and YAML
    can write both as escapes) and no NaN or infinite number in a JSON column; such a
    document is named as a problem, as the webhook receivers refuse it.
    """
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            problem = string_problem(value)
            if problem is not None:
                return f"a string holds {problem}"
        elif isinstance(value, float) and not math.isfinite(value):
            return "a number is not finite"
    return None
