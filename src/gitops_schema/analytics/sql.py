"""SQL fragments the analytics queries share, written once for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import TextClause, bindparam, text

from gitops_schema.store.tables import UtcTime


def status(row: str) -> str:
    """SQL: the status of the sync operation ``row`` (``Error`` counts as ``Failed``)."""
    return f"CASE WHEN {row}.phase = 'Succeeded' THEN 'Succeeded' ELSE 'Failed' END"


def completed(row: str) -> str:
    """SQL: ``row`` is a completed sync operation with a finish time."""
    return f"{row}.phase IN ('Succeeded', 'Failed', 'Error') AND {row}.finished_at IS NOT NULL"


def utc_day(dialect: str, column: str) -> str:
    """SQL for the UTC date (``YYYY-MM-DD``) of a time column on the engine ``dialect``."""
    if dialect == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    # SQLite holds UTC times as text, date first
    return f"substr({column}, 1, 10)"


def scoped(
    sql: str,
    column: str,
    ids: Collection[int] | None,
    times: Collection[str] = ("start", "end"),
    dialect: str = "",
) -> tuple[TextClause, dict[str, Any]]:
    """``sql`` with ``{ids}`` made a filter of ``column`` on the objects ``ids``.

    ``None`` is every object. The bound times named in ``times`` are typed as UTC instants.
    Returns the clause and the ``ids`` parameter to pass with the caller's own.
    """
    if ids is None:
        clause = text(sql.replace("{ids}", "1 = 1"))
        extra: dict[str, Any] = {}
    elif dialect == "postgresql":
        # one array parameter: thousands of expanded ones cost more to send than to use
        clause = text(sql.replace("{ids}", f"{column} = ANY(:ids)"))
        extra = {"ids": sorted(ids)}
    else:
        clause = text(sql.replace("{ids}", f"{column} IN :ids")).bindparams(
            bindparam("ids", expanding=True)
        )
        extra = {"ids": sorted(ids)}
    return clause.bindparams(*(bindparam(name, type_=UtcTime()) for name in times)), extra
