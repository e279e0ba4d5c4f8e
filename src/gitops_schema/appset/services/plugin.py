"""Plugin generator services over HTTP, as Argo CD's ``services/plugin`` calls them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.gotemplate.gojson import JSONError, marshal, unmarshal

USER_AGENT = "argocd-applicationset"
PATH = "api/v1/getparams.execute"


class HttpPlugins:
    """:class:`~gitops_schema.appset.env.Plugins` over HTTP (one request per call)."""

    def __init__(self, transport: httpx.BaseTransport | None = None) -> None:
        """Use ``transport`` instead of the network (tests use ``httpx.MockTransport``)."""
        self._transport = transport

    def get_params(
        self, base_url: str, token: str, body: Mapping[str, Any], *, timeout: float
    ) -> Any:
        """POST ``body`` to the plugin and decode its JSON reply.

        Raises:
            GeneratorError: ``error get api '<appset>': ...`` when the request fails, the
                plugin answers an error status, or its body is not JSON.
        """
        name = body.get("applicationSetName", "")
        url = base_url if base_url.endswith("/") else base_url + "/"
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            with httpx.Client(timeout=timeout, transport=self._transport) as client:
                response = client.post(
                    url + PATH, content=marshal(body, escape_html=False), headers=headers
                )
        except httpx.HTTPError as error:
            raise GeneratorError(f"error get api '{name}': {error}") from error
        if not 200 <= response.status_code < 300:
            raise GeneratorError(f"error get api '{name}': {api_error(response)}")
        text = response.text
        if not text.strip():
            return {}
        try:
            return unmarshal(text)
        except JSONError as error:
            # A streaming decoder reports a cut-off body as an unexpected EOF.
            message = str(error).replace("unexpected end of JSON input", "unexpected EOF")
            raise GeneratorError(f"error get api '{name}': {message}: {text}") from error


def api_error(response: httpx.Response) -> str:
    """An error status as Argo CD's HTTP client words it (the body's message, if any)."""
    try:
        data = response.json()
    except ValueError:
        return f"API error with status code {response.status_code}: {response.text}"
    message = ""
    if isinstance(data, dict):
        for key in ("message", "error"):
            if isinstance(data.get(key), str):
                message = data[key]
                break
    return f"API error with status code {response.status_code}: {message}"
