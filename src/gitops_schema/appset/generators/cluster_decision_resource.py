"""The clusterDecisionResource generator: clusters a duck-typed resource's status decides.

A ConfigMap (``configMapRef``) names the resource (``apiVersion``, ``kind`` = its plural
resource name), the list under ``status`` (``statusListKey``, default ``clusters``) and the
key of each decision holding a cluster name (``matchKey``). Each decision naming an Argo CD
cluster yields that cluster's ``name`` and ``server`` plus every decision field as a
string. As in Argo CD, ``values`` are copied as written, not rendered.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator, Mapping
from typing import Any

from gitops_schema.appset.env import Env
from gitops_schema.appset.errors import GeneratorError, NotAvailableOffline
from gitops_schema.appset.generators import GeneratorContext
from gitops_schema.appset.params import Params, go_string, matches_selector

IN_CLUSTER_NAME = "in-cluster"
IN_CLUSTER_SERVER = "https://kubernetes.default.svc"
_CLUSTER_LABEL = "argocd.argoproj.io/secret-type"


def generate(spec: Mapping[str, Any], context: GeneratorContext) -> list[Params]:
    """Parameter sets of the decisions that name a known cluster.

    Raises:
        GeneratorError: clusters cannot be listed, the ConfigMap is missing or incomplete,
            the spec sets both or neither of ``name`` and ``labelSelector``, or no resource
            matches.
    """
    env = context.env
    clusters = _clusters(env)
    name = str(spec.get("configMapRef") or "")
    config = env.config_maps.get(name)
    if config is None:
        # The ConfigMap usually lives in the cluster, not in the repository.
        raise NotAvailableOffline(f'error reading configMapRef: configmaps "{name}" not found')
    api_version = str(config.get("apiVersion") or "")
    kind = str(config.get("kind") or "")
    if not kind or api_version.find("/") < 1:
        raise GeneratorError(
            "there is a problem with the apiVersion, kind or resourceName provided"
        )
    resources = _resources(spec, env, api_version, kind)
    if not resources:
        raise NotAvailableOffline("no clusterDecisionResources found")
    list_key = str(config.get("statusListKey") or "clusters")
    match_key = str(config.get("matchKey") or "")
    if not match_key:
        return []
    out: list[Params] = []
    for decision in _decisions(resources, list_key):
        cluster = _find(clusters, decision.get(match_key))
        if cluster is None:
            continue
        params: Params = {"name": cluster[0], "server": cluster[1]}
        params.update({key: go_string(value) for key, value in decision.items()})
        _add_values(params, spec.get("values") or {}, context.go_template)
        out.append(params)
    return out


def _resources(
    spec: Mapping[str, Any], env: Env, api_version: str, kind: str
) -> list[Mapping[str, Any]]:
    name = str(spec.get("name") or "")
    selector = spec.get("labelSelector") or {}
    has_selector = any(selector.get(k) is not None for k in ("matchLabels", "matchExpressions"))
    if bool(name) == has_selector:
        raise GeneratorError(
            "there is a problem with the definition of the ClusterDecisionResource generator"
        )
    found = []
    for resource in env.resources:
        metadata = resource.get("metadata") or {}
        if resource.get("apiVersion") != api_version or not _is_resource(resource, kind):
            continue
        if metadata.get("namespace") not in (None, env.namespace):
            continue
        if name and metadata.get("name") != name:
            continue
        if not name and not matches_selector(metadata.get("labels") or {}, selector):
            continue
        found.append(resource)
    return found


def _is_resource(resource: Mapping[str, Any], plural: str) -> bool:
    # The ConfigMap names the API resource (``placementdecisions``), objects carry their
    # Kind; Kubernetes guesses one from the other the same way (UnsafeGuessKindToResource).
    kind = str(resource.get("kind") or "").lower()
    if kind.endswith("s"):
        guess = kind + "es"
    elif kind.endswith("y"):
        guess = kind[:-1] + "ies"
    else:
        guess = kind + "s"
    return plural.lower() in (kind, guess)


def _decisions(resources: list[Mapping[str, Any]], list_key: str) -> Iterator[Mapping[str, Any]]:
    for resource in resources:
        status = resource.get("status")
        if not isinstance(status, Mapping) or not status:
            continue
        for decision in status.get(list_key) or ():
            if isinstance(decision, Mapping):
                yield decision


def _find(clusters: list[tuple[str, str]], value: Any) -> tuple[str, str] | None:
    if value is None or go_string(value) == "":
        return None
    wanted = go_string(value)
    return next((cluster for cluster in clusters if cluster[0] == wanted), None)


def _add_values(params: Params, values: Mapping[str, Any], go_template: bool) -> None:
    for key, value in values.items():
        if go_template:
            params.setdefault("values", {})[key] = value
        else:
            params[f"values.{key}"] = value


def _clusters(env: Env) -> list[tuple[str, str]]:
    """Argo CD's cluster list: (name, server) of each cluster Secret, then ``in-cluster``."""
    if env.cluster_error is not None:
        raise GeneratorError(f"error listing clusters: error listing clusters: {env.cluster_error}")
    clusters = []
    for secret in env.clusters:
        labels = (secret.get("metadata") or {}).get("labels") or {}
        if labels.get(_CLUSTER_LABEL) != "cluster":
            continue
        data = _secret_data(secret)
        clusters.append((data.get("name", ""), data.get("server", "").rstrip("/")))
    if all(server != IN_CLUSTER_SERVER for _, server in clusters):
        clusters.append((IN_CLUSTER_NAME, IN_CLUSTER_SERVER))
    return clusters


def _secret_data(secret: Mapping[str, Any]) -> dict[str, str]:
    data: dict[str, str] = {}
    for key, value in (secret.get("data") or {}).items():
        try:
            data[key] = base64.b64decode(str(value), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as error:
            raise GeneratorError(f"error listing clusters: secret data {key}: {error}") from error
    # The API server merges stringData over data when a Secret is written.
    data.update({key: str(value) for key, value in (secret.get("stringData") or {}).items()})
    return data
