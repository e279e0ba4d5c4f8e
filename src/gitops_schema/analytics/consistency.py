"""The environment consistency matrix of the recorded objects.

For each application: its revision, sync and health in every environment, and ``envdiff``
over the recorded definitions.

An object's environment is the first environment word (``dev``, ``test``, ``qa``,
``staging``, ``prod``, ``production``) of its name, else of its cluster; its application is
its name less those words. Applications found in two environments or more are compared.
"""

from __future__ import annotations

import json
from typing import Any, Final

from sqlalchemy import Connection, text

from gitops_schema.compare.envdiff import envdiff_application
from gitops_schema.desired.environments import DEFAULT_ENVIRONMENTS, environment_words

_OBJECTS: Final = text(
    "SELECT tool, cluster, namespace, name, kind, revision, sync_status, health_status, "
    "definition FROM objects ORDER BY tool, cluster, namespace, name"
)


def _application(name: str, cluster: str) -> str:
    """The name less its cluster suffix and environment words (as envdiff groups them)."""
    if cluster and name.endswith(f"-{cluster}"):
        name = name[: -len(cluster) - 1]
    words = [w for w in name.replace("_", "-").split("-") if w.lower() not in DEFAULT_ENVIRONMENTS]
    return "-".join(words) or name


def _spec(definition: Any) -> dict[str, Any] | None:
    if isinstance(definition, str):
        definition = json.loads(definition)
    spec = definition.get("spec") if isinstance(definition, dict) else None
    return spec if isinstance(spec, dict) else None


def consistency_matrix(connection: Connection) -> dict[str, Any]:
    """Each application's cells by environment, and how consistent its definitions are.

    Returns ``{"environments": [...], "applications": [{"application", "tool", "cells",
    "same_revision", "consistency", "unexpected"}]}``; ``consistency`` is envdiff's score in
    percent (null when definitions were not recorded, as for Flux objects known from events).
    """
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for row in connection.execute(_OBJECTS):
        environment = environment_words(row.name, DEFAULT_ENVIRONMENTS) or environment_words(
            row.cluster, DEFAULT_ENVIRONMENTS
        )
        if environment is None:
            continue
        cells = grouped.setdefault((row.tool, _application(row.name, row.cluster)), {})
        cells.setdefault(environment, row)
    environments = [e for e in DEFAULT_ENVIRONMENTS if any(e in c for c in grouped.values())]
    applications = []
    for (tool, name), cells in sorted(grouped.items()):
        if len(cells) < 2:
            continue
        ordered = [e for e in DEFAULT_ENVIRONMENTS if e in cells]
        specs = {e: _spec(cells[e].definition) for e in ordered}
        score: float | None = None
        unexpected: list[str] = []
        if all(spec is not None for spec in specs.values()):
            compared = envdiff_application(
                {
                    e: [
                        {
                            "apiVersion": "v1",
                            "kind": cells[e].kind,
                            "metadata": {"name": name},
                            "spec": specs[e],
                        }
                    ]
                    for e in ordered
                },
                application=name,
            )
            score = None if compared.score is None else round(compared.score, 1)
            unexpected = sorted({difference.path for _, difference in compared.unexpected})
        revisions = {cells[e].revision for e in ordered}
        applications.append(
            {
                "application": name,
                "tool": tool,
                "cells": {
                    e: {
                        "cluster": cells[e].cluster,
                        "namespace": cells[e].namespace,
                        "name": cells[e].name,
                        "revision": cells[e].revision,
                        "sync_status": cells[e].sync_status,
                        "health_status": cells[e].health_status,
                    }
                    for e in ordered
                },
                "same_revision": len(revisions) == 1 and None not in revisions,
                "consistency": score,
                "unexpected": unexpected,
            }
        )
    return {"environments": environments, "applications": applications}
