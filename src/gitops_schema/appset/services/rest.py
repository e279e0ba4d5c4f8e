"""The small REST client every SCM provider module shares, and token lookup by SecretRef."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import httpx

from gitops_schema.appset.errors import GeneratorError

TIMEOUT = 30.0


class RestError(GeneratorError):
    """An SCM API call failed; ``status`` is the HTTP status when one came back."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Rest:
    """GET JSON from one API root, with the provider's authentication."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        verify: bool = True,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """Requests go to ``base_url`` + path; ``transport`` replaces the network in tests."""
        self._client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers=dict(headers or {}),
            auth=auth,
            verify=verify,
            timeout=TIMEOUT,
            transport=transport,
            follow_redirects=True,
        )

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        """One GET (``path`` relative to the root, or an absolute ``next`` link).

        Raises:
            RestError: the request failed or the status is not 2xx.
        """
        # An absolute ``next`` link already carries its query: params would replace it.
        target = path if "://" in path else path.lstrip("/")
        try:
            response = self._client.get(target, params=dict(params) if params else None)
        except httpx.HTTPError as error:
            raise RestError(f"GET {path}: {error}") from error
        if not response.is_success:
            raise RestError(
                f"GET {response.request.url}: {response.status_code} {_message(response)}",
                response.status_code,
            )
        return response

    def json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """The decoded JSON of one GET.

        Raises:
            RestError: the request failed, or the body is not JSON.
        """
        response = self.get(path, params)
        try:
            return response.json()
        except ValueError as error:
            raise RestError(f"GET {response.request.url}: invalid JSON: {error}") from error

    def find(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """The decoded JSON of one GET, or None on 404.

        Raises:
            RestError: any failure other than 404.
        """
        try:
            return self.json(path, params)
        except RestError as error:
            if error.status == 404:
                return None
            raise

    def exists(self, path: str, params: Mapping[str, Any] | None = None) -> bool:
        """Whether a GET succeeds (False on 404).

        Raises:
            RestError: any failure other than 404.
        """
        try:
            self.get(path, params)
        except RestError as error:
            if error.status == 404:
                return False
            raise
        return True

    def linked_pages(self, path: str, params: Mapping[str, Any]) -> Iterator[Any]:
        """Each page of a listing paginated by ``Link: <...>; rel="next"`` headers."""
        response = self.get(path, params)
        while True:
            yield response.json()
            following = response.links.get("next", {}).get("url")
            if not following:
                return
            response = self.get(following)


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(data, Mapping):
        for key in ("message", "error", "errors"):
            if key in data:
                return str(data[key])
    return str(data)[:200]


def secret_value(
    secrets: Mapping[str, Mapping[str, str]], namespace: str, ref: Mapping[str, Any] | None
) -> str:
    """The value a ``{secretName, key}`` reference points to ("" without a reference).

    Raises:
        GeneratorError: the Secret or its key is missing, with Argo CD's messages.
    """
    if not ref:
        return ""
    name = str(ref.get("secretName") or "")
    key = str(ref.get("key") or "")
    secret = secrets.get(name)
    if secret is None:
        raise GeneratorError(
            f'error fetching secret {namespace}/{name}: secrets "{name}" not found'
        )
    if key not in secret:
        raise GeneratorError(f'key "{key}" in secret {namespace}/{name} not found')
    return str(secret[key])


def dig(value: Any, *path: str) -> Any:
    """``value[path[0]][path[1]]...``, or None where a step is missing."""
    for step in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(step)
    return value
