"""Which values files each Helm chart of the checked repository is rendered with.

Argo CD Applications (written or generated) name a chart folder as their source path and
list ``helm.valueFiles`` relative to it; those files are validated against the chart's
``values.schema.json``, merged over its ``values.yaml``, as Helm would.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence

from gitops_schema.model import GitOpsObject
from gitops_schema.model.argocd import Application


def helm_value_files(
    objects: Iterable[GitOpsObject], roots: Sequence[str], files: frozenset[str]
) -> dict[str, list[str]]:
    """Chart folder (display path) -> the values files Applications render it with."""
    mapping: dict[str, list[str]] = {}
    for obj in objects:
        if not isinstance(obj.model, Application):
            continue
        spec = obj.model.spec
        for source in [s for s in (spec.source, *spec.sources) if s is not None]:
            path, helm = source.path, source.helm
            if path is None or helm is None or "{{" in path:
                continue
            for root in roots:
                folder = posixpath.normpath(posixpath.join(root, path))
                if f"{folder}/Chart.yaml" not in files:
                    continue
                for value_file in helm.value_files:
                    if "$" not in value_file:
                        target = posixpath.normpath(posixpath.join(folder, value_file))
                        if target in files and target not in mapping.setdefault(folder, []):
                            mapping[folder].append(target)
    return mapping
