"""Recorded answers of plugin generators' services, for offline expansion.

The file (``--plugin-data FILE``) is a JSON object from the plugin ConfigMap's name to what
its service answered: ``{"output": {"parameters": [...]}}``, or just the list of
parameter objects. The ConfigMap itself lives in the cluster, so it need not be among the
files read: a recorded plugin without one is given a stand-in ConfigMap and token.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gitops_schema.appset.errors import NotAvailableOffline
from gitops_schema.errors import LoadError

RECORDED_PREFIX = "recorded:"
TOKEN_KEY = "recorded.plugin.token"
"""The argocd-secret key the stand-in ConfigMaps' tokens point at."""


def read_plugin_answers(*paths: Path) -> dict[str, Any]:
    """Plugin ConfigMap name -> the recorded reply, from one or more files.

    Raises:
        LoadError: a file cannot be read, is not JSON, or is not an object.
    """
    answers: dict[str, Any] = {}
    for path in paths:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise LoadError(f"{path}: cannot read the recorded plugin answers: {error}") from error
        if not isinstance(document, dict):
            raise LoadError(f"{path}: recorded plugin answers are a JSON object by ConfigMap name")
        for name, answer in document.items():
            answers[str(name)] = (
                {"output": {"parameters": answer}} if isinstance(answer, list) else answer
            )
    return answers


class RecordedPlugins:
    """A Plugins implementation answering from recorded replies."""

    def __init__(
        self, answers: Mapping[str, Any], config_maps: Mapping[str, Mapping[str, str]]
    ) -> None:
        """Index the replies by the base URL each plugin's ConfigMap gives (or a stand-in)."""
        self._by_url: dict[str, Any] = {}
        for name, answer in answers.items():
            url = (config_maps.get(name) or {}).get("baseUrl") or f"{RECORDED_PREFIX}{name}"
            self._by_url[url.rstrip("/")] = answer

    def get_params(
        self, base_url: str, token: str, body: Mapping[str, Any], *, timeout: float
    ) -> Any:
        """The recorded reply for the plugin at ``base_url``."""
        answer = self._by_url.get(base_url.rstrip("/"))
        if answer is None:
            raise NotAvailableOffline(
                f"no recorded answer for the plugin at {base_url}; give one with --plugin-data"
            )
        return answer


def stand_ins(
    answers: Mapping[str, Any], config_maps: Mapping[str, Mapping[str, str]]
) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """ConfigMaps for recorded plugins that have none, and the argocd-secret key they use."""
    missing = {
        name: {"baseUrl": f"{RECORDED_PREFIX}{name}", "token": f"${TOKEN_KEY}"}
        for name in answers
        if name not in config_maps
    }
    return missing, ({TOKEN_KEY: "recorded"} if missing else {})
