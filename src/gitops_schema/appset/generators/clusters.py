"""The clusters generator: one parameter set per Argo CD cluster Secret, plus ``in-cluster``.

Secrets are those of the Argo CD namespace labelled ``argocd.argoproj.io/secret-type:
cluster`` that match the generator's selector, keyed by their ``name`` (a later Secret with
the same name replaces an earlier one). The local cluster, which needs no Secret, is added
last when the selector is empty and no Secret already points at it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.generators import GeneratorContext
from gitops_schema.appset.interpolation import append_templated_values
from gitops_schema.appset.params import Params, matches_selector
from gitops_schema.gotemplate.argocd import normalize

__all__ = ["IN_CLUSTER_NAME", "IN_CLUSTER_SERVER", "cluster_data", "generate"]

IN_CLUSTER_NAME = "in-cluster"
IN_CLUSTER_SERVER = "https://kubernetes.default.svc"
SECRET_TYPE_LABEL = "argocd.argoproj.io/secret-type"


def generate(spec: Mapping[str, Any], context: GeneratorContext) -> list[Params]:
    """Parameter sets of a ``clusters`` generator spec.

    Raises:
        GeneratorError: listing Secrets failed, or a ``values`` template failed.
    """
    env = context.env
    if env.cluster_error is not None:
        raise GeneratorError(f"error getting cluster secrets: {env.cluster_error}")
    selector = spec.get("selector") or {}
    values: Mapping[str, str] = spec.get("values") or {}
    secrets = _secrets_by_name(env.clusters, env.namespace, selector)
    params: list[Params] = []
    for secret in secrets.values():
        cluster = _cluster_params(secret, go_template=context.go_template)
        try:
            cluster = append_templated_values(
                values, cluster, go_template=context.go_template, options=context.options
            )
        except GeneratorError as error:
            raise GeneratorError(
                f"error appending templated values for cluster: {error}"
            ) from error
        params.append(cluster)
    has_selector = bool(selector.get("matchLabels") or selector.get("matchExpressions"))
    servers = {cluster_data(secret).get("server") for secret in secrets.values()}
    if not has_selector and IN_CLUSTER_SERVER not in servers:
        local: Params = {
            "name": IN_CLUSTER_NAME,
            "nameNormalized": IN_CLUSTER_NAME,
            "server": IN_CLUSTER_SERVER,
            "project": "",
        }
        try:
            local = append_templated_values(
                values, local, go_template=context.go_template, options=context.options
            )
        except GeneratorError as error:
            raise GeneratorError(
                f"error appending templated values for local cluster: {error}"
            ) from error
        params.append(local)
    if spec.get("flatList"):
        return [{"clusters": params}]
    return params


def cluster_data(secret: Mapping[str, Any]) -> dict[str, str]:
    """A Secret's data as strings: base64 ``data`` decoded, ``stringData`` over it.

    Raises:
        GeneratorError: a ``data`` value is not valid base64.
    """
    decoded: dict[str, str] = {}
    for key, value in (secret.get("data") or {}).items():
        try:
            decoded[key] = base64.b64decode(str(value), validate=True).decode("utf-8", "replace")
        except (binascii.Error, ValueError) as error:
            raise GeneratorError(
                f"error decoding data key {key!r} of cluster secret: {error}"
            ) from error
    decoded.update({k: str(v) for k, v in (secret.get("stringData") or {}).items()})
    return decoded


def _secrets_by_name(
    secrets: tuple[Mapping[str, Any], ...], namespace: str, selector: Mapping[str, Any]
) -> dict[str, Mapping[str, Any]]:
    by_name: dict[str, Mapping[str, Any]] = {}
    # The API server lists Secrets ordered by name.
    for secret in sorted(secrets, key=lambda s: str((s.get("metadata") or {}).get("name", ""))):
        metadata = secret.get("metadata") or {}
        if metadata.get("namespace", namespace) != namespace:
            continue
        labels = metadata.get("labels") or {}
        if labels.get(SECRET_TYPE_LABEL) != "cluster" or not matches_selector(labels, selector):
            continue
        by_name[cluster_data(secret).get("name", "")] = secret
    return by_name


def _cluster_params(secret: Mapping[str, Any], *, go_template: bool) -> Params:
    data = cluster_data(secret)
    metadata = secret.get("metadata") or {}
    labels: dict[str, str] = dict(metadata.get("labels") or {})
    annotations: dict[str, str] = dict(metadata.get("annotations") or {})
    name = data.get("name", "")
    params: Params = {
        "name": name,
        "nameNormalized": normalize(name),
        "server": data.get("server", ""),
        "project": data.get("project", ""),
    }
    if go_template:
        meta: dict[str, Any] = {}
        if annotations:
            meta["annotations"] = annotations
        if labels:
            meta["labels"] = labels
        params["metadata"] = meta
    else:
        params.update({f"metadata.annotations.{k}": v for k, v in annotations.items()})
        params.update({f"metadata.labels.{k}": v for k, v in labels.items()})
    return params
