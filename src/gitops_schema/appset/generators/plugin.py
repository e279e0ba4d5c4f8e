"""The plugin generator: parameter sets an HTTP plugin service returns.

A ConfigMap (``configMapRef.name``) gives the service's ``baseUrl``, its ``token`` (``$key``
of Secret ``argocd-secret``, or ``$secret:key``) and an optional ``requestTimeout``
(seconds). Each returned object becomes a parameter set (flattened to strings in
fasttemplate mode, as returned in goTemplate mode) with ``generator.input.parameters``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gitops_schema.appset.env import Env
from gitops_schema.appset.errors import GeneratorError, NotAvailableOffline
from gitops_schema.appset.generators import GeneratorContext, with_values
from gitops_schema.appset.params import Params, flatten
from gitops_schema.gotemplate.literals import go_quote

ARGOCD_SECRET = "argocd-secret"
DEFAULT_TIMEOUT = 30
"""Seconds Argo CD waits for a plugin when the ConfigMap sets no ``requestTimeout``."""

_GO_INT = re.compile(r"[+-]?[0-9]+")


def generate(spec: Mapping[str, Any], context: GeneratorContext) -> list[Params]:
    """Parameter sets of the plugin's answer.

    Raises:
        GeneratorError: the ConfigMap, its token Secret or the service fail, with Argo
            CD's messages.
    """
    env = context.env
    try:
        base_url, token, timeout = _service(spec, env)
    except GeneratorError as error:
        # Keep the kind of failure (missing offline data is not a defect) with Argo's wording.
        raise type(error)(f"error getting plugin from generator: {error}") from error
    if env.plugins is None:
        raise NotAvailableOffline(
            "error listing params: the plugin generator needs its plugin service; "
            "none is configured"
        )
    parameters = (spec.get("input") or {}).get("parameters")
    body: dict[str, Any] = {"applicationSetName": env.appset_name, "input": {}}
    # Argo CD's PluginInput omits empty parameters from the request.
    if parameters:
        body["input"]["parameters"] = parameters
    try:
        reply = env.plugins.get_params(base_url, token, body, timeout=timeout)
        objects = _objects(reply, env.appset_name)
    except GeneratorError as error:
        raise GeneratorError(f"error listing params: {error}") from error
    out: list[Params] = []
    for found in objects:
        params: Params = dict(found) if context.go_template else flatten(found)
        params["generator"] = {"input": {"parameters": parameters}}
        out.append(with_values(spec, params, context, "error generating params"))
    return out


def _service(spec: Mapping[str, Any], env: Env) -> tuple[str, str, int]:
    name = str((spec.get("configMapRef") or {}).get("name") or "")
    config = env.config_maps.get(name)
    if config is None:
        # The ConfigMap lives in the cluster; offline it is recorded or simply absent.
        raise NotAvailableOffline(
            f"error fetching ConfigMap: configmaps {go_quote(name)} not found"
        )
    if not config.get("baseUrl"):
        raise GeneratorError("error fetching ConfigMap: baseUrl not found in ConfigMap")
    if not config.get("token"):
        raise GeneratorError("error fetching ConfigMap: token not found in ConfigMap")
    try:
        token = _token(str(config["token"]), env)
    except GeneratorError as error:
        raise GeneratorError(f"error fetching Secret token: {error}") from error
    timeout = DEFAULT_TIMEOUT
    if "requestTimeout" in config:
        text = str(config["requestTimeout"])
        if not _GO_INT.fullmatch(text):
            raise GeneratorError(
                f"error set requestTimeout : strconv.Atoi: parsing {go_quote(text)}: invalid syntax"
            )
        timeout = int(text) or DEFAULT_TIMEOUT
    return str(config["baseUrl"]), token, timeout


def _token(reference: str, env: Env) -> str:
    if not reference.startswith("$"):
        raise GeneratorError(
            "token is empty, or does not reference a secret key starting with '$': " + reference
        )
    if ":" in reference:
        parts = reference.split(":")
        secret_name, key = parts[0][1:], parts[1]
    else:
        secret_name, key = ARGOCD_SECRET, reference[1:]
    secret = env.secrets.get(secret_name)
    if secret is None:
        raise GeneratorError(
            f"error fetching secret {env.namespace}/{secret_name}: "
            f"secrets {go_quote(secret_name)} not found"
        )
    # Argo CD keeps the reference itself when the key is missing, and trims found values.
    value = secret.get(key)
    return f"${key}" if value is None else str(value).strip()


def _objects(reply: Any, appset_name: str) -> list[Mapping[str, Any]]:
    """``output.parameters`` of the reply, decoded as Go decodes it into Argo CD's struct."""
    output = _field(reply, "output", "Go value of type plugin.ServiceResponse", appset_name)
    parameters = _field(
        output,
        "parameters",
        "Go struct field ServiceResponse.output of type plugin.Output",
        appset_name,
    )
    if parameters is None:
        return []
    where = "Go struct field Output.output.parameters of type "
    if not isinstance(parameters, list):
        raise _mismatch(parameters, where + "[]map[string]interface {}", appset_name)
    for item in parameters:
        if not isinstance(item, Mapping):
            raise _mismatch(item, where + "map[string]interface {}", appset_name)
    return parameters


def _field(value: Any, name: str, where: str, appset_name: str) -> Any:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise _mismatch(value, where, appset_name)
    # encoding/json matches struct fields case-insensitively, exact spelling first.
    if name in value:
        return value[name]
    return next((item for key, item in value.items() if key.lower() == name), None)


def _mismatch(value: Any, where: str, appset_name: str) -> GeneratorError:
    return GeneratorError(
        f"error get api '{appset_name}': json: cannot unmarshal {_json_kind(value)} into {where}"
    )


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
