"""What is counted: the definitions, once, in SQL over the store's tables.

Results are identical on SQLite and PostgreSQL; every report, the dashboard and ``/metrics``
read their figures from here.

- **Sync operation**: an Argo CD operation whose phase is ``Succeeded``, ``Failed`` or
  ``Error`` (``Failed`` and ``Error`` both count as status ``Failed``), or a Flux reconcile
  outcome (``ReconciliationSucceeded`` is ``Succeeded``; an event of severity ``error`` is
  ``Failed``). Its duration is ``finishedAt - startedAt``; for Flux the "finished in" figure of
  the message; otherwise unknown (``null``, never zero). Statistics over durations use the
  operations whose duration is known; ``p95`` is the continuous percentile (PostgreSQL's
  ``percentile_cont(0.95)``: linear interpolation between the two nearest ranks), exact for
  a group of at most 50 known durations in the window, else read from the rollup's duration
  histogram within 2% of the exact figure (:mod:`gitops_schema.analytics.syncstats`).
- **Deployment**: a successful sync or reconcile whose revision differs from the object's
  previous successful one, in finish order (the store's ``deployments``; an Argo CD history
  entry and the operationState of the same sync are one deployment).
- **Production**: an object whose cluster, namespace or name has a word (split at ``-``,
  ``_``, ``.``, ``/``, ``:``) matching one of the ``production`` globs of
  ``.gitops-schema.yaml`` (default ``prod``, ``prod[0-9]*``, ``production*``, ``prd``): the
  classifier ``check`` uses.
- **Failure signal** of an object: a ``Failed`` sync operation (at its finish; a Flux event of
  severity ``error`` is one, at its timestamp), or an Argo CD health transition to
  ``Degraded`` (at ``status.health.lastTransitionTime``, else ``status.reconciledAt``).
- **Failed deployment**: a deployment followed by a failure signal of the same object after it
  finished and before the object's next deployment finished.
- **Recovery** of a failed deployment: from its first failure signal to the first later sign
  of health of the object: an Argo CD sync that ``Succeeded`` with health ``Healthy`` (the
  object was Healthy at the sync's finish, or became Healthy after it before the next operation
  started, as a rollout does), at the sync's ``finishedAt``; or a Flux
  ``ReconciliationSucceeded``.
- **Lead time for changes**: for each commit of the recorded git history, from its committer
  time to the finish of the first production deployment whose revision range contains it (the
  commits reachable from the deployed revision and not from the object's previous deployed
  revision; every reachable commit for an object's first deployment; a multi-source Argo CD
  application's revision is each of its sources'); the median over the commits whose first
  production deployment finished in the window.
- **Deployment frequency**: deployments and deployment days (UTC dates) in the window; the
  median number of deployment days per ISO week over the ISO weeks the window touches (and per
  calendar month over the months it touches, for the ``medium`` level).
- **Change failure rate**: failed deployments / deployments. **Failed deployment recovery
  time**: the median recovery over the failed deployments that recovered.
- **In the window** ``[from, to)``: an operation or a deployment by its finish time (a Flux
  outcome by its event timestamp). Times always come from the payloads, never from the time
  the store received them.

Medians are the middle value, or the mean of the two middle values. Levels follow DevLake's
2023 rules (:mod:`gitops_schema.analytics.levels`).

The figures are computed in :mod:`.syncstats` (sync statistics), :mod:`.outcomes` (deployments,
failures, recoveries) and :mod:`.leadtime` (lead time), each from the raw rows and from what
:mod:`.rollups` and :mod:`.materialize` keep up to date; this module holds what they share.
"""

from __future__ import annotations

import functools
import json
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final, Literal

from sqlalchemy import Connection, text
from sqlalchemy.types import Integer, String

from gitops_schema.check.config import DEFAULT_PRODUCTION, CheckConfig
from gitops_schema.check.environment import words

Environment = Literal["production", "all"]
ROUNDING: Final = 9
"""Decimals kept in durations: sums of floats differ in their last bits across engines."""


def rounded(value: float | None) -> float | None:
    """``value`` rounded to :data:`ROUNDING` decimals (``None`` stays ``None``)."""
    return None if value is None else round(float(value), ROUNDING)


@dataclass(frozen=True)
class Window:
    """The half-open time window ``[start, end)`` of a report (aware UTC datetimes)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a window's times must be timezone-aware")
        if self.end <= self.start:
            raise ValueError("a window must end after it starts")


@dataclass(frozen=True)
class Scope:
    """Which objects a report covers."""

    env: Environment = "all"
    tool: str | None = None
    cluster: str | None = None
    production: tuple[str, ...] = DEFAULT_PRODUCTION
    """The production globs (``production`` of ``.gitops-schema.yaml``)."""


@dataclass(frozen=True)
class ObjectRow:
    """One object of the store, as reports name it."""

    id: int
    tool: str
    cluster: str
    namespace: str
    name: str
    kind: str
    project: str | None
    labels: Mapping[str, str]

    @property
    def key(self) -> tuple[str, str, str, str]:
        """``(tool, cluster, namespace, name)``."""
        return (self.tool, self.cluster, self.namespace, self.name)


@functools.lru_cache(maxsize=64)
def _config(globs: tuple[str, ...]) -> CheckConfig:
    return CheckConfig(production=globs)


def is_production(row: ObjectRow, globs: tuple[str, ...]) -> bool:
    """Whether a word of the object's cluster, namespace or name matches a production glob."""
    return _production(row.cluster, row.namespace, row.name, globs)


@functools.lru_cache(maxsize=65536)
def _production(cluster: str, namespace: str, name: str, globs: tuple[str, ...]) -> bool:
    # every report and scrape classifies every object: once per name suffices
    config = _config(globs)
    return any(config.is_production(word) for word in words({cluster, namespace, name}))


_OBJECTS: Final = text(
    "SELECT id, tool, cluster, namespace, name, kind, project FROM objects"
).columns(
    id=Integer,
    tool=String,
    cluster=String,
    namespace=String,
    name=String,
    kind=String,
    project=String,
)


def read_objects(connection: Connection, *, labels: bool = False) -> list[ObjectRow]:
    """Every object of the store (with its ``metadata.labels`` when ``labels``)."""
    found: dict[int, dict[str, str]] = {}
    if labels:
        for row in connection.execute(text("SELECT id, definition FROM objects")):
            definition = row.definition
            if isinstance(definition, str):
                definition = json.loads(definition)
            metadata = definition.get("metadata") if isinstance(definition, dict) else None
            raw = metadata.get("labels") if isinstance(metadata, dict) else None
            if isinstance(raw, dict):
                found[row.id] = {str(k): str(v) for k, v in raw.items()}
    return [
        ObjectRow(
            r.id, r.tool, r.cluster, r.namespace, r.name, r.kind, r.project, found.get(r.id, {})
        )
        for r in connection.execute(_OBJECTS)
    ]


def scoped_objects(objects: Iterable[ObjectRow], scope: Scope) -> list[ObjectRow]:
    """The objects a scope covers."""
    return [
        row
        for row in objects
        if (scope.tool is None or row.tool == scope.tool)
        and (scope.cluster is None or row.cluster == scope.cluster)
        and (scope.env == "all" or is_production(row, scope.production))
    ]


# --- calendars and medians -----------------------------------------------------------------


def median(values: Sequence[float]) -> float | None:
    """The median (mean of the two middle values for an even count); ``None`` when empty."""
    return float(statistics.median(values)) if values else None


def iso_weeks(window: Window) -> list[tuple[int, int]]:
    """The ISO weeks ``(year, week)`` the window touches, in order."""
    first = window.start.astimezone(UTC).date()
    last = (window.end - timedelta(microseconds=1)).astimezone(UTC).date()
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        year, week, _ = monday.isocalendar()
        weeks.append((year, week))
        monday += timedelta(days=7)
    return weeks


def months(window: Window) -> list[tuple[int, int]]:
    """The calendar months ``(year, month)`` (UTC) the window touches, in order."""
    first = window.start.astimezone(UTC).date()
    last = (window.end - timedelta(microseconds=1)).astimezone(UTC).date()
    found = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def deployment_days(finished: Iterable[datetime]) -> set[date]:
    """The UTC dates on which deployments finished."""
    return {moment.astimezone(UTC).date() for moment in finished}


def median_days_per_week(days: set[date], window: Window) -> float:
    """Median deployment days per ISO week over the weeks the window touches."""
    per_week = dict.fromkeys(iso_weeks(window), 0)
    for day in days:
        year, week, _ = day.isocalendar()
        per_week[(year, week)] = per_week.get((year, week), 0) + 1
    return median(list(per_week.values())) or 0.0


def median_days_per_month(days: set[date], window: Window) -> float:
    """Median deployment days per calendar month over the months the window touches."""
    per_month = dict.fromkeys(months(window), 0)
    for day in days:
        per_month[(day.year, day.month)] = per_month.get((day.year, day.month), 0) + 1
    return median(list(per_month.values())) or 0.0
