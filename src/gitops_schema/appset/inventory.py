"""The cluster inventory the clusters generator sees, from files a user can give.

Three shapes are read: Argo CD cluster Secrets (labelled
``argocd.argoproj.io/secret-type: cluster``), a plain list
(``clusters: [{name, server, labels, annotations, project}]``), and kubeconfig files
(``kind: Config``: each cluster by name and server). All become cluster Secrets.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from gitops_schema.diagnostics import Diagnostic, Report, Severity
from gitops_schema.load import Document, load_paths
from gitops_schema.model import GitOpsObject, parse_document
from gitops_schema.model.argocd import SECRET_TYPE_LABEL, ClusterSecret

_KEYS = ("name", "server", "project", "namespaces", "clusterResources", "shard", "config")


def cluster_secret(entry: Mapping[str, Any], namespace: str = "argocd") -> dict[str, Any]:
    """A cluster Secret for one entry of a plain inventory list."""
    name = str(entry.get("name", ""))
    labels = {
        SECRET_TYPE_LABEL: "cluster",
        **{str(k): str(v) for k, v in _mapping(entry.get("labels")).items()},
    }
    data = {k: str(entry[k]) for k in _KEYS if entry.get(k) is not None}
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": f"cluster-{name}",
            "namespace": namespace,
            "labels": labels,
            "annotations": {str(k): str(v) for k, v in _mapping(entry.get("annotations")).items()},
        },
        "stringData": data,
    }


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def clusters_from_objects(objects: Iterable[GitOpsObject]) -> list[dict[str, Any]]:
    """The cluster Secrets among typed objects (those of the checked repository).

    Only Secrets that validate as cluster Secrets count: one that does not fit its schema
    (``metadata: x``) has its schema diagnostics and is no cluster.
    """
    return [dict(o.document.data) for o in objects if isinstance(o.model, ClusterSecret)]


def _from_document(document: Document, report: Report) -> list[dict[str, Any]]:
    data = document.data
    if isinstance(data, Mapping) and data.get("kind") == "Secret":
        found, problems = parse_document(document)
        if found is not None and isinstance(found.model, ClusterSecret):
            return [dict(data)]
        report.extend(problems)
        if problems:
            return []
    if isinstance(data, Mapping) and data.get("kind") == "Config" and "clusters" in data:
        clusters = data.get("clusters")
        return [
            cluster_secret(
                {"name": c.get("name"), "server": _mapping(c.get("cluster")).get("server")}
            )
            for c in (clusters if isinstance(clusters, list) else [])
            if isinstance(c, Mapping)
        ]
    entries = data.get("clusters") if isinstance(data, Mapping) else data
    if isinstance(entries, list) and all(isinstance(e, Mapping) and "name" in e for e in entries):
        return [cluster_secret(e) for e in entries]
    if isinstance(data, Mapping) and data.get("kind") not in (None, "Secret"):
        return []
    report.add(
        Diagnostic(
            "appset-inventory",
            Severity.WARNING,
            "not a cluster inventory: expected Argo CD cluster Secrets, a list of "
            "{name, server, labels} or a kubeconfig",
            document.location,
        )
    )
    return []


def load_clusters(paths: Sequence[str | Path]) -> tuple[list[dict[str, Any]], Report]:
    """Read cluster inventories from files and folders.

    Raises:
        LoadError: a path that cannot be read.
    """
    loaded = load_paths(paths)
    report = Report()
    report.extend(loaded.report)
    clusters: list[dict[str, Any]] = []
    for document in loaded.documents:
        clusters.extend(_from_document(document, report))
    return clusters, report


def secret_value(secret: Mapping[str, Any], key: str) -> str | None:
    """A key of a Secret: from ``stringData``, else base64-decoded from ``data``."""
    plain = _mapping(secret.get("stringData")).get(key)
    if plain is not None:
        return str(plain)
    encoded = _mapping(secret.get("data")).get(key)
    if encoded is None:
        return None
    try:
        return base64.b64decode(str(encoded)).decode()
    except ValueError:
        return None
