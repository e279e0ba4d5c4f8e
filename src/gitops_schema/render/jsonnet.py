"""Jsonnet files of an Argo CD directory source, evaluated as the repo-server does.

Each ``.jsonnet`` file is evaluated with the source's ``directory.jsonnet`` settings:
external variables and top-level arguments (strings, or Jsonnet code when ``code`` is
true), with the Application's build environment substituted in their values, and the
library paths (relative to the repository root) after the application folder as import
paths; an import that names a file outside the repository is refused. It runs in an
engine worker (:mod:`.engine_workers`), under the render's time and memory bounds. The
result is one object or a list of objects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gitops_schema.errors import ToolFailed
from gitops_schema.golang.expand import expand_env
from gitops_schema.render.engine_workers import call_worker

__all__ = ["JsonnetError", "evaluate_jsonnet", "expand_env"]


class JsonnetError(Exception):
    """A Jsonnet file that does not evaluate to Kubernetes objects; the message says why."""


def evaluate_jsonnet(
    path: Path,
    *,
    app_folder: Path,
    repo_root: Path,
    settings: Mapping[str, Any],
    env: Mapping[str, str],
    allowed: Sequence[Path] = (),
) -> list[dict[str, Any]]:
    """The objects ``path`` evaluates to.

    Args:
        path: the ``.jsonnet`` file.
        app_folder: the source's folder, the first import path.
        repo_root: the repository root, which ``libs`` are relative to; imports resolve
            inside it (or inside ``allowed``).
        settings: the source's ``directory.jsonnet`` (``extVars``, ``tlas``, ``libs``).
        env: the build environment (``ARGOCD_APP_NAME``...) for ``$VAR`` in values.
        allowed: folders trusted beside the repository (``--allow-outside``).

    Raises:
        JsonnetError: evaluation failed, or the result is not an object or a list of them.
    """
    variables: dict[str, dict[str, str]] = {"ext": {}, "ext_code": {}, "tla": {}, "tla_code": {}}
    for field, kind in (("extVars", "ext"), ("tlas", "tla")):
        for entry in settings.get(field) or []:
            if not isinstance(entry, Mapping) or not entry.get("name"):
                continue
            target = f"{kind}_code" if entry.get("code") else kind
            variables[target][str(entry["name"])] = expand_env(str(entry.get("value", "")), env)
    paths = [str(app_folder)] + [
        str(repo_root / str(lib)) for lib in settings.get("libs") or [] if isinstance(lib, str)
    ]
    request = {
        "op": "jsonnet",
        "path": str(path),
        "jpath": paths,
        "roots": [str(repo_root), *(str(folder) for folder in allowed)],
        "ext_vars": variables["ext"],
        "ext_codes": variables["ext_code"],
        "tla_vars": variables["tla"],
        "tla_codes": variables["tla_code"],
    }
    try:
        reply = call_worker(request, f"jsonnet {path.name}")
    except ToolFailed as error:
        raise JsonnetError(error.message) from error
    if "error" in reply:
        raise JsonnetError(f"{path.name}: {reply['error']}")
    try:
        result = json.loads(reply["text"])
    except RecursionError:
        raise JsonnetError(f"{path.name}: evaluates to objects nested too deeply") from None
    items = result if isinstance(result, list) else [result]
    objects = [item for item in items if item is not None]
    if not all(isinstance(item, dict) for item in objects):
        raise JsonnetError(f"{path.name}: evaluates to something other than objects")
    if any(not item.get("kind") for item in objects):
        # Argo CD fails the same way: an object without kind cannot be applied.
        raise JsonnetError(f"{path.name}: evaluates to an object without 'kind'")
    return objects
