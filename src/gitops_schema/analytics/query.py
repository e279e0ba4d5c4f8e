"""One report request, as the CLI and the HTTP API both take it: parsed, checked and run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final, cast

from sqlalchemy import Connection, Engine, inspect

from gitops_schema.analytics import reports, rollups
from gitops_schema.analytics.catalog import NAMES, spec
from gitops_schema.analytics.definitions import Environment, Scope, Window
from gitops_schema.analytics.reports import GROUP_BY, GroupBy
from gitops_schema.check.config import DEFAULT_PRODUCTION, find_config, load_config
from gitops_schema.errors import UsageError

TOOLS: Final = ("argocd", "flux")
ENVIRONMENTS: Final = ("production", "all")
DEFAULT_DAYS: Final = 30
"""A window without ``from`` covers the 30 days before ``to``."""
MAX_WINDOW: Final = timedelta(days=3660)
"""Ten years: longer windows are refused rather than walked week by week."""


_OFFSET_AS_SPACE: Final = re.compile(r"(\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d(?::?\d\d)?)$")


def parse_time(value: str, option: str) -> datetime:
    """An ISO 8601 time or date (``2026-03-02``, ``2026-03-02T10:00:00Z``) as aware UTC.

    A time without an offset is UTC; a date is its midnight, UTC.

    Raises:
        UsageError: naming the option, when the value is neither.
    """
    # a "+02:00" offset sent unencoded in a query string arrives as " 02:00"
    text = _OFFSET_AS_SPACE.sub(r"\1+\2", value.strip())
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{option} {value!r}: not an ISO 8601 time or date "
            "(e.g. 2026-03-02 or 2026-03-02T10:00:00Z)"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


CLI: Final = "--"
"""How errors name a parameter: as the CLI's option (``--from``); the API passes ``""``."""


def make_window(
    start: str | None, end: str | None, now: datetime | None = None, *, prefix: str = CLI
) -> Window:
    """The window ``[start, end)``; ``end`` defaults to now, ``start`` to 30 days before it."""
    until = parse_time(end, f"{prefix}to") if end else (now or datetime.now(UTC))
    try:
        since = (
            parse_time(start, f"{prefix}from") if start else until - timedelta(days=DEFAULT_DAYS)
        )
    except OverflowError:
        raise UsageError(
            f"{prefix}to {reports.iso(until)}: too early for a 30-day window"
        ) from None
    if until - since > MAX_WINDOW:
        raise UsageError(f"the window is longer than {MAX_WINDOW.days} days")
    if until <= since:
        raise UsageError(
            f"{prefix}to {reports.iso(until)} is not after {prefix}from {reports.iso(since)}"
        )
    return Window(since, until)


def production_globs(config: Path | None, search: Path | None = None) -> tuple[str, ...]:
    """The ``production`` globs of ``config`` or of the ``.gitops-schema.yaml`` found.

    It is looked for from ``search`` upwards, as ``check`` finds it; else the defaults.
    """
    path = config or (find_config([search]) if search is not None else None)
    if path is None:
        return DEFAULT_PRODUCTION
    if not path.is_file():
        raise UsageError(f"--config {path}: no such file")
    return load_config(path, known_rules=_known_rules()).production


def _known_rules() -> set[str]:
    from gitops_schema.check.rules import RULES

    return set(RULES)


@dataclass(frozen=True)
class ReportRequest:
    """A report by name over a window and scope (``by`` only for ``dora``)."""

    name: str
    window: Window
    scope: Scope
    by: GroupBy | None = None

    @classmethod
    def parse(
        cls,
        name: str,
        *,
        start: str | None,
        end: str | None,
        env: str | None,
        tool: str | None,
        cluster: str | None,
        by: str | None,
        production: tuple[str, ...] = DEFAULT_PRODUCTION,
        prefix: str = CLI,
    ) -> ReportRequest:
        """Check every parameter; a wrong one is a :class:`UsageError` that names it."""
        if name not in NAMES:
            raise UsageError(f"unknown report {name!r}; known: {', '.join(NAMES)}")
        environment = env or ("production" if name == "dora" else "all")
        if environment not in ENVIRONMENTS:
            raise UsageError(f"{prefix}env {environment!r}: expected production or all")
        if tool is not None and tool not in TOOLS:
            raise UsageError(f"{prefix}tool {tool!r}: expected argocd or flux")
        if by is not None and "by" not in spec(name).extras:
            raise UsageError(f"{prefix}by applies to the dora report only")
        if by is not None and by not in GROUP_BY:
            raise UsageError(f"{prefix}by {by!r}: expected one of {', '.join(GROUP_BY)}")
        scope = Scope(
            env=cast(Environment, environment),
            tool=tool,
            cluster=cluster or None,
            production=production,
        )
        grouping: GroupBy | None = by if by in GROUP_BY else None
        return cls(name, make_window(start, end, prefix=prefix), scope, grouping)


def run(connection: Connection, request: ReportRequest) -> dict[str, Any]:
    """The report's JSON data."""
    runner = reports.RUNNERS[request.name]
    if request.by is not None:
        return runner(connection, request.window, request.scope, request.by)
    return runner(connection, request.window, request.scope)


def check_store(engine: Engine) -> None:
    """Raise a :class:`UsageError` when the database holds no store (never migrated).

    A store gets the analytics rollups here, the first time (see :mod:`.rollups`).
    """
    if not inspect(engine).has_table("objects"):
        raise UsageError(
            f"{engine.url.render_as_string(hide_password=True)}: no history store here; "
            "create it with `gitops-schema db upgrade --db URL`"
        )
    rollups.ensure(engine)
