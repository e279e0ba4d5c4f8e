"""Which values files each Helm chart of the checked repository is rendered with.

Argo CD Applications (written or generated) name a chart folder as their source path and
list ``helm.valueFiles`` relative to it; those files are validated against the chart's
``values.schema.json``, merged over its ``values.yaml``, as Helm would.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from typing import Any

from gitops_schema.model import GitOpsObject


def _sources(spec: Any) -> Iterable[Any]:
    if not isinstance(spec, dict):
        return []
    found = [spec.get("source")] if isinstance(spec.get("source"), dict) else []
    found += [s for s in spec.get("sources") or [] if isinstance(s, dict)]
    return found


def helm_value_files(
    objects: Iterable[GitOpsObject], roots: Sequence[str], files: frozenset[str]
) -> dict[str, list[str]]:
    """Chart folder (display path) -> the values files Applications render it with."""
    mapping: dict[str, list[str]] = {}
    for obj in objects:
        if obj.kind != "Application":
            continue
        for source in _sources(obj.document.data.get("spec")):
            path, helm = source.get("path"), source.get("helm")
            if not isinstance(path, str) or not isinstance(helm, dict) or "{{" in path:
                continue
            for root in roots:
                folder = posixpath.normpath(posixpath.join(root, path))
                if f"{folder}/Chart.yaml" not in files:
                    continue
                for value_file in helm.get("valueFiles") or []:
                    if isinstance(value_file, str) and "$" not in value_file:
                        target = posixpath.normpath(posixpath.join(folder, value_file))
                        if target in files and target not in mapping.setdefault(folder, []):
                            mapping[folder].append(target)
    return mapping
