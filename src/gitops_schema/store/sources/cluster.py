"""The cluster poller: Applications, Kustomizations and HelmReleases through the API.

Reads every namespace with the kubeconfig's credentials (lightkube) and hands each object to
the same parsers as webhooks and files, so polling what a webhook already delivered stores
nothing twice. Kinds the cluster does not serve (no CRD) are reported and skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import yaml
from lightkube import ApiError, Client, ConfigError, KubeConfig
from lightkube.generic_resource import create_namespaced_resource

from gitops_schema.errors import LoadError, UsageError
from gitops_schema.store.records import Observation
from gitops_schema.store.sources import argocd, flux
from gitops_schema.store.sources.payload import PayloadError

# group, version, kind, plural
RESOURCES = (
    ("argoproj.io", "v1alpha1", "Application", "applications"),
    ("kustomize.toolkit.fluxcd.io", "v1", "Kustomization", "kustomizations"),
    ("helm.toolkit.fluxcd.io", "v2", "HelmRelease", "helmreleases"),
)


@dataclass
class Polled:
    """What one poll found: the cluster's name, observations, problems, kinds not served."""

    cluster: str
    observations: list[Observation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    not_served: list[str] = field(default_factory=list)


def _yaml_problem(kubeconfig: Path | None, error: yaml.YAMLError) -> str:
    """``FILE:LINE:COLUMN: not a valid kubeconfig: PROBLEM`` for a kubeconfig that is not YAML."""
    mark = getattr(error, "problem_mark", None)
    where = str(kubeconfig) if kubeconfig else "kubeconfig"
    if mark is not None and kubeconfig:
        where += f":{mark.line + 1}:{mark.column + 1}"
    return f"{where}: not a valid kubeconfig: {getattr(error, 'problem', None) or error}"


def _client(kubeconfig: Path | None, context: str | None) -> tuple[Client, str]:
    try:
        config = KubeConfig.from_file(kubeconfig) if kubeconfig else KubeConfig.from_env()
        single = config.get(context_name=context)
    except (ConfigError, OSError, ValueError) as error:
        raise UsageError(f"kubeconfig: {error}") from None
    except yaml.YAMLError as error:
        raise UsageError(_yaml_problem(kubeconfig, error)) from None
    if single is None:
        raise UsageError(f"kubeconfig: no context {context!r}" if context else "no kubeconfig")
    return Client(config=single, trust_env=False), single.context_name


def poll(
    kubeconfig: Path | None = None,
    context: str | None = None,
    *,
    cluster: str | None = None,
    cluster_names: Mapping[str, str] | None = None,
) -> Polled:
    """List the GitOps objects of the cluster of ``context`` (the current one by default).

    ``cluster`` names the polled cluster for Flux objects (default: the context's name);
    Argo CD Applications name their destination cluster themselves.

    Raises:
        UsageError: the kubeconfig or context cannot be used.
        LoadError: the API server cannot be reached or refuses to list.
    """
    client, context_name = _client(kubeconfig, context)
    result = Polled(cluster or context_name)
    for group, version, kind, plural in RESOURCES:
        resource = create_namespaced_resource(group, version, kind, plural)
        try:
            listed = [_plain(item) for item in client.list(resource, namespace="*")]
        except ApiError as error:
            if error.status.code == 404:
                result.not_served.append(kind)
                continue
            raise LoadError(f"listing {plural}: {error.status.message}") from None
        except (OSError, httpx2.HTTPError) as error:
            raise LoadError(f"cannot reach the API server to list {plural}: {error}") from None
        for item in listed:
            _add(result, item, f"{group}/{version}", kind, cluster_names)
    return result


def _add(
    result: Polled,
    item: dict[str, Any],
    api_version: str,
    kind: str,
    cluster_names: Mapping[str, str] | None,
) -> None:
    # Items of a list response carry neither kind nor apiVersion.
    item.setdefault("apiVersion", api_version)
    item.setdefault("kind", kind)
    metadata = item.get("metadata") or {}
    name = f"{kind} {metadata.get('namespace')}/{metadata.get('name')}"
    try:
        if kind == "Application":
            result.observations.append(argocd.parse_application(item, cluster_names=cluster_names))
        else:
            result.observations.append(flux.parse_object(item, cluster=result.cluster))
    except PayloadError as error:
        result.problems.append(f"{name}: {error.message}")


def _plain(item: Any) -> dict[str, Any]:
    plain: dict[str, Any] = item.to_dict()
    return plain
