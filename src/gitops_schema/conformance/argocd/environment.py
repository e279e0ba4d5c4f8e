"""A vector's ``environment`` as the :class:`~gitops_schema.appset.env.Env` it describes.

Git repositories, SCM providers and pull-request services are the vectors' fakes (see
:mod:`.repos` and :mod:`.services`); plugin generators talk to a real HTTP server on
loopback that answers as the vector's contract says.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from gitops_schema.appset.env import ARGOCD_NAMESPACE, Env
from gitops_schema.appset.generators import GENERATORS, Generate, GeneratorContext
from gitops_schema.appset.params import Params

_GIT_KEYS = ("directories", "files", "files_by_pattern", "repo_error", "expected_repo_request")


def _mock(params: list[Params]) -> Generate:
    def generate(spec: Mapping[str, Any], context: GeneratorContext) -> list[Params]:
        return json.loads(json.dumps(params))  # type: ignore[no-any-return]

    return generate


def generators(environment: Mapping[str, Any]) -> dict[str, Generate]:
    """The registry, with the generators the vector mocks replaced by their fixed output."""
    registry = dict(GENERATORS)
    for kind, params in (environment.get("mocked_generators") or {}).items():
        registry[kind] = _mock(params)
    return registry


@contextmanager
def build_env(environment: Mapping[str, Any]) -> Iterator[Env]:
    """The Env of a vector, with its plugin server running while the context is open."""
    controller = environment.get("controller") or {}
    env = Env(
        namespace=environment.get("argocd_namespace") or ARGOCD_NAMESPACE,
        clusters=tuple(environment.get("clusters") or ()),
        cluster_error=environment.get("list_secrets_error"),
        new_globbing=environment.get("globbing") == "new",
        config_maps=dict(environment.get("configMaps") or {}),
        secrets=dict(environment.get("secrets") or {}),
        resources=tuple(environment.get("resources") or ()),
        scm_providers_enabled=controller.get("enableSCMProviders", True),
        allowed_scm_providers=tuple(controller.get("allowedSCMProviders") or ()),
        appset_name="set",
    )
    if any(key in environment for key in _GIT_KEYS):
        from gitops_schema.conformance.argocd.repos import VectorRepos

        env = replace(env, git=VectorRepos(environment))
    if "pull_requests" in environment or "provider_error" in environment:
        from gitops_schema.conformance.argocd.services import VectorPullRequests

        env = replace(env, pull_requests=VectorPullRequests(environment))
    if "repositories" in environment:
        from gitops_schema.conformance.argocd.services import VectorScm

        env = replace(env, scm=VectorScm(environment))
    if "plugin_http_response" not in environment:
        yield env
        return
    from gitops_schema.appset.services.plugin import HttpPlugins

    with _plugin_server(environment, env) as url:
        config_maps = {
            name: {**data, "baseUrl": url} if "baseUrl" in data else dict(data)
            for name, data in env.config_maps.items()
        }
        yield replace(env, config_maps=config_maps, plugins=HttpPlugins())


def _resolved_token(environment: Mapping[str, Any], env: Env) -> str | None:
    for data in env.config_maps.values():
        token = data.get("token")
        if not isinstance(token, str) or not token.startswith("$"):
            continue
        secret, _, key = token[1:].rpartition(":")
        return (env.secrets.get(secret or "argocd-secret") or {}).get(key)
    return None


@contextmanager
def _plugin_server(environment: Mapping[str, Any], env: Env) -> Iterator[str]:
    body = str(environment["plugin_http_response"]).encode()
    token = _resolved_token(environment, env)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            authorised = token is None or self.headers.get("Authorization") == f"Bearer {token}"
            ok = authorised and self.path == "/api/v1/getparams.execute"
            self.send_response(200 if ok else 401)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body if ok else b"")

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
