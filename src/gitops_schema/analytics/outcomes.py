"""Deployments and what followed them: the first failure signal, the recovery.

:func:`derive` reads them from the raw rows (the definitions, in SQL); :func:`deployments`
reads what :mod:`gitops_schema.analytics.materialize` keeps of :func:`derive` per deployment
(``analytics_deployment_outcomes``), brought up to date before every report.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, TextClause
from sqlalchemy.types import Integer, String

from gitops_schema.analytics import sql
from gitops_schema.analytics.definitions import Window
from gitops_schema.store.tables import UtcTime

_FAILURE_SIGNALS: Final = """
failure_signals AS (
    SELECT s.object_id AS object_id, s.finished_at AS at
    FROM sync_operations s
    WHERE s.phase IN ('Failed', 'Error') AND s.finished_at IS NOT NULL
    UNION ALL
    SELECT h.object_id, h.transitioned_at
    FROM health_transitions h JOIN objects o ON o.id = h.object_id
    WHERE o.tool = 'argocd' AND h.status = 'Degraded'
      AND COALESCE((SELECT p.status FROM health_transitions p
                    WHERE p.object_id = h.object_id AND p.transitioned_at < h.transitioned_at
                    ORDER BY p.transitioned_at DESC LIMIT 1), '') <> 'Degraded'
)"""

# An Argo CD sync that Succeeded "with health Healthy": an Application showed that sync as its
# operationState with health Healthy. The object was Healthy at its finish, or became Healthy
# after it before the next operation started (a rollout shows Progressing first; once another
# operation started, the Application shows that one). Signals and signs are taken with ORDER
# BY ... LIMIT 1 or MIN, so the (object_id, time) indexes are walked in time order and stop at
# the first one.
_HEALTH_SIGNS: Final = """
health_signs AS (
    SELECT s.object_id AS object_id, s.finished_at AS at
    FROM sync_operations s JOIN objects o ON o.id = s.object_id
    WHERE s.phase = 'Succeeded' AND s.finished_at IS NOT NULL AND (
        o.tool = 'flux'
        OR COALESCE((SELECT h.status FROM health_transitions h
                     WHERE h.object_id = s.object_id AND h.transitioned_at <= s.finished_at
                     ORDER BY h.transitioned_at DESC LIMIT 1), '') = 'Healthy'
        OR NOT EXISTS (
            SELECT 1 FROM sync_operations n
            WHERE n.object_id = s.object_id AND n.started_at > s.started_at
              AND n.started_at <= (SELECT MIN(h.transitioned_at) FROM health_transitions h
                                   WHERE h.object_id = s.object_id AND h.status = 'Healthy'
                                     AND h.transitioned_at > s.finished_at))
           AND EXISTS (SELECT 1 FROM health_transitions h
                       WHERE h.object_id = s.object_id AND h.status = 'Healthy'
                         AND h.transitioned_at > s.finished_at)
    )
)"""

_DEPLOYMENT_OUTCOMES: Final = f"""
WITH {_FAILURE_SIGNALS.strip()},
{_HEALTH_SIGNS.strip()},
windowed AS (
    SELECT d.id AS id, d.object_id AS object_id, d.revision AS revision,
           d.previous_revision AS previous_revision, d.started_at AS started_at,
           d.finished_at AS finished_at,
           (SELECT MIN(n.finished_at) FROM deployments n
            WHERE n.object_id = d.object_id AND n.finished_at > d.finished_at) AS next_at
    FROM deployments d
    WHERE d.finished_at >= :start AND d.finished_at < :end AND {{ids}}
),
failed AS MATERIALIZED (
    SELECT w.id, w.object_id, w.revision, w.previous_revision, w.started_at, w.finished_at,
           (SELECT f.at FROM failure_signals f
            WHERE f.object_id = w.object_id AND f.at > w.finished_at
              AND (w.next_at IS NULL OR f.at < w.next_at)
            ORDER BY f.at LIMIT 1) AS failed_at
    FROM windowed w
)
SELECT failed.id, failed.object_id, failed.revision, failed.previous_revision,
       failed.started_at, failed.finished_at, failed.failed_at,
       (SELECT h.at FROM health_signs h
        WHERE failed.failed_at IS NOT NULL AND h.object_id = failed.object_id
          AND h.at > failed.failed_at
        ORDER BY h.at LIMIT 1) AS recovered_at
FROM failed
ORDER BY failed.finished_at, failed.id"""


@dataclass(frozen=True)
class Deployment:
    """A deployment in the window and what followed it."""

    id: int
    object_id: int
    revision: str
    previous_revision: str | None
    started_at: datetime
    finished_at: datetime
    failed_at: datetime | None
    """The first failure signal before the object's next deployment (``None``: not failed)."""
    recovered_at: datetime | None
    """The first sign of health after ``failed_at``."""

    @property
    def failed(self) -> bool:
        """Whether a failure signal followed the deployment."""
        return self.failed_at is not None

    @property
    def recovery_minutes(self) -> float | None:
        """Minutes from the first failure signal to recovery, if it recovered."""
        if self.failed_at is None or self.recovered_at is None:
            return None
        return (self.recovered_at - self.failed_at).total_seconds() / 60


_COLUMNS: Final[dict[str, Any]] = {
    "id": Integer,
    "object_id": Integer,
    "revision": String,
    "previous_revision": String,
    "started_at": UtcTime(),
    "finished_at": UtcTime(),
    "failed_at": UtcTime(),
    "recovered_at": UtcTime(),
}


def _listed(connection: Connection, clause: TextClause, params: dict[str, Any]) -> list[Deployment]:
    rows = connection.execute(clause.columns(**_COLUMNS), params)
    return [Deployment(*row) for row in rows]  # the columns in the fields' order


def derive(connection: Connection, window: Window, ids: Collection[int] | None) -> list[Deployment]:
    """The deployments of the objects ``ids`` (``None``: all) that finished in the window.

    In finish order, each with its failure and recovery, from the raw rows.
    """
    clause, extra = sql.scoped(_DEPLOYMENT_OUTCOMES, "d.object_id", ids)
    return _listed(connection, clause, {"start": window.start, "end": window.end, **extra})


_MATERIALIZED: Final = """
SELECT d.id AS id, d.object_id AS object_id, d.revision AS revision,
       d.previous_revision AS previous_revision, d.started_at AS started_at,
       d.finished_at AS finished_at, o.failed_at AS failed_at, o.recovered_at AS recovered_at
FROM deployments d JOIN analytics_deployment_outcomes o ON o.deployment_id = d.id
WHERE d.finished_at >= :start AND d.finished_at < :end AND {ids}
ORDER BY d.finished_at, d.id"""


def deployments(
    connection: Connection, window: Window, ids: Collection[int] | None
) -> list[Deployment]:
    """:func:`derive`, read from the outcomes kept per deployment (up to date)."""
    clause, extra = sql.scoped(_MATERIALIZED, "d.object_id", ids)
    return _listed(connection, clause, {"start": window.start, "end": window.end, **extra})
