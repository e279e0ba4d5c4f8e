"""The triggers that keep the rollups and change marks of :mod:`.rollups` exact.

On PostgreSQL inserts are handled per statement (a batch is one upsert per object and day,
and one mark per object), updates and deletes per row (the store's merges recompute the day
they touch); on SQLite every trigger is per row.
"""

from __future__ import annotations

from typing import Final

from gitops_schema.analytics import sketch, sql

MARKS: Final = {
    "sync_operations": ("COALESCE({row}.finished_at, {row}.started_at)", ("outcomes",)),
    "health_transitions": ("{row}.transitioned_at", ("outcomes",)),
    "deployments": ("{row}.finished_at", ("outcomes", "changes")),
}
"""Per table: the time a written row is at, and the kinds of state it makes stale."""
EPOCH: Final = {
    "postgresql": "TIMESTAMPTZ '1970-01-01 00:00:00+00'",
    "sqlite": "'1970-01-01 00:00:00.000000'",
}
"""A mark's ``since`` meaning "everything" (as each engine holds times)."""


PERIODS: Final = {
    "analytics_sync_daily": ("day", "1 day"),
    "analytics_sync_weekly": ("week", "7 days"),
}
"""The rollup tables: per table, its period's column and length (a UTC day, an ISO week)."""


def period_key(dialect: str, table: str, column: str) -> str:
    """SQL: the key in the rollup ``table`` of the period holding the time ``column``."""
    day = PERIODS[table][0] == "day"
    return (sql.utc_day if day else sql.utc_week)(dialect, column)


def columns(dialect: str, table: str = "analytics_sync_daily") -> str:
    """The columns of a rollup table on the engine ``dialect``."""
    key = PERIODS[table][0]
    names = f"object_id, {key}, status, operations, timed, total, min_seconds, max_seconds"
    return names + (", histogram, top" if dialect == "postgresql" else "")


TOP: Final = 4
"""Largest durations kept per day: a group of up to 61 has its p95 among its top 4."""


def histogram(dialect: str, duration: str, summed: bool) -> str:
    """SQL: the histogram and top durations of one duration or of the group's.

    PostgreSQL only (else nothing).
    """
    if dialect != "postgresql":
        return ""
    one = sketch.one_sql(duration)
    if not summed:
        top = f"CASE WHEN {duration} IS NULL THEN '{{}}' ELSE ARRAY[{duration}] END"
        return f", COALESCE({one}, 0), {top}"
    top = (
        f"COALESCE((array_agg({duration} ORDER BY {duration} DESC) "
        f"FILTER (WHERE {duration} IS NOT NULL))[1:{TOP}], '{{}}')"
    )
    return f", COALESCE(SUM({one}), 0), {top}"


def _period_range(dialect: str, table: str, row: str) -> str:
    """SQL: ``s.finished_at`` falls in the period of ``row``'s finish (index-friendly)."""
    key, length = PERIODS[table]
    if dialect == "postgresql":
        start = f"(date_trunc('{key}', {row}.finished_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"
        return f"s.finished_at >= {start} AND s.finished_at < {start} + INTERVAL '{length}'"
    first = period_key(dialect, table, f"{row}.finished_at")
    return f"s.finished_at >= {first} AND s.finished_at < date({first}, '+{length}')"


def _extreme(dialect: str, which: str, a: str, b: str) -> str:
    """SQL: the smaller (``min``) or larger (``max``) of two values, skipping nulls."""
    if dialect == "postgresql":
        return f"{'LEAST' if which == 'min' else 'GREATEST'}({a}, {b})"  # they skip nulls
    return f"CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL THEN {a} ELSE {which}({a}, {b}) END"


def _upsert(dialect: str, table: str, rows: str) -> str:
    """SQL adding ``rows`` (``VALUES`` or a ``SELECT`` of the rollup's columns) to ``table``."""
    current = table
    histogram = (
        f", histogram = {current}.histogram + excluded.histogram, top = (SELECT "
        "COALESCE(array_agg(x ORDER BY x DESC), '{}') FROM (SELECT x FROM "
        f"unnest({current}.top || excluded.top) x ORDER BY x DESC LIMIT {TOP}) largest)"
        if dialect == "postgresql"
        else ""
    )
    return (
        f"INSERT INTO {table} ({columns(dialect, table)}) {rows} "
        f"ON CONFLICT (object_id, {PERIODS[table][0]}, status) DO UPDATE SET "
        + ", ".join(
            f"{column} = {current}.{column} + excluded.{column}"
            for column in ("operations", "timed", "total")
        )
        + ", "
        + ", ".join(
            f"{which}_seconds = "
            + _extreme(dialect, which, f"{current}.{which}_seconds", f"excluded.{which}_seconds")
            for which in ("min", "max")
        )
        + histogram
    )


def _count(rows: str) -> str:
    """SQL adding ``rows`` (``object_id, status, operations``) to the all-time totals."""
    return (
        f"INSERT INTO analytics_sync_totals (object_id, status, operations) {rows} "
        "ON CONFLICT (object_id, status) DO UPDATE "
        "SET operations = analytics_sync_totals.operations + excluded.operations"
    )


def _add(dialect: str, row: str) -> list[str]:
    """SQL adding the completed operation ``row`` (NEW) to its day, week and totals."""
    duration = f"{row}.duration_seconds"
    return [
        _count(f"VALUES ({row}.object_id, {sql.status(row)}, 1)"),
        *(
            _upsert(
                dialect,
                table,
                f"VALUES ({row}.object_id, {period_key(dialect, table, row + '.finished_at')}, "
                f"{sql.status(row)}, 1, CASE WHEN {duration} IS NULL THEN 0 ELSE 1 END, "
                f"COALESCE({duration}, 0), {duration}, {duration}"
                f"{histogram(dialect, duration, summed=False)})",
            )
            for table in PERIODS
        ),
    ]


def _add_inserted() -> str:
    """PostgreSQL adding the completed operations a statement inserted (``new_rows``)."""
    status = sql.status("s")
    completed = f"FROM new_rows s WHERE {sql.completed('s')}"
    return ";\n    ".join(
        [
            _count(f"SELECT s.object_id, {status}, COUNT(*) {completed} GROUP BY 1, 2"),
            *(
                _upsert(
                    "postgresql",
                    table,
                    f"SELECT s.object_id, {key}, {status}, {sums('postgresql')} {completed} "
                    f"GROUP BY s.object_id, {key}, {status}",
                )
                for table in PERIODS
                for key in [period_key("postgresql", table, "s.finished_at")]
            ),
        ]
    )


def sums(dialect: str) -> str:
    """SQL: the rollup's figures over a group of raw rows ``s``."""
    return (
        "COUNT(*), COUNT(s.duration_seconds), COALESCE(SUM(s.duration_seconds), 0), "
        "MIN(s.duration_seconds), MAX(s.duration_seconds)"
        + histogram(dialect, "s.duration_seconds", summed=True)
    )


def _recompute(dialect: str, row: str) -> list[str]:
    """SQL recomputing the day and week of ``row`` (OLD or NEW) from the raw rows."""
    status = sql.status(row)
    return [
        *(
            statement
            for table, (column, _) in PERIODS.items()
            for key in [period_key(dialect, table, row + ".finished_at")]
            for statement in (
                f"DELETE FROM {table} WHERE object_id = {row}.object_id "
                f"AND {column} = {key} AND status = {status}",
                f"INSERT INTO {table} ({columns(dialect, table)}) "
                f"SELECT {row}.object_id, {key}, {status}, {sums(dialect)} "
                f"FROM sync_operations s WHERE s.object_id = {row}.object_id "
                f"AND {sql.completed('s')} AND {sql.status('s')} = {status} "
                f"AND {_period_range(dialect, table, row)} HAVING COUNT(*) > 0",
            )
        ),
        f"DELETE FROM analytics_sync_totals WHERE object_id = {row}.object_id "
        f"AND status = {status}",
        "INSERT INTO analytics_sync_totals (object_id, status, operations) "
        "SELECT object_id, status, SUM(operations) FROM analytics_sync_daily "
        f"WHERE object_id = {row}.object_id AND status = {status} GROUP BY object_id, status",
    ]


def _marked(dialect: str, rows: str) -> str:
    """SQL marking ``rows`` (``object_id, kind, stamp, since``) stale, since the earliest time."""
    since = _extreme(dialect, "min", "analytics_dirty.since", "excluded.since")
    return (
        f"INSERT INTO analytics_dirty (object_id, kind, stamp, since) {rows} "
        f"ON CONFLICT (object_id, kind) DO UPDATE SET stamp = analytics_dirty.stamp + 1, "
        f"since = {since}"
    )


def _mark(dialect: str, object_id: str, kind: str, since: str) -> str:
    """SQL marking an object's ``kind`` of state stale from a time (all SQL expressions)."""
    return _marked(dialect, f"VALUES ({object_id}, {kind}, 1, {since})")


def _mark_functions(table: str, time: str) -> list[str]:
    """PostgreSQL: the functions marking what a write to ``table`` makes stale."""
    inserted = _marked(
        "postgresql",
        f"SELECT n.object_id, k.kind, 1, MIN({time.format(row='n')}) FROM new_rows n "
        "CROSS JOIN unnest(TG_ARGV) k(kind) GROUP BY n.object_id, k.kind",
    )
    new = _mark("postgresql", "NEW.object_id", "stale", time.format(row="NEW"))
    old = _mark("postgresql", "OLD.object_id", "stale", time.format(row="OLD"))
    function = (
        "CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$\n{body}\n$$ LANGUAGE plpgsql"
    )
    return [
        function.format(
            name=f"analytics_mark_inserted_{table}",
            body=f"BEGIN\n    {inserted};\n    RETURN NULL;\nEND",
        ),
        function.format(
            name=f"analytics_mark_{table}",
            body=f"""DECLARE
    stale varchar;
BEGIN
    FOREACH stale IN ARRAY TG_ARGV LOOP
        IF TG_OP <> 'DELETE' THEN
            {new};
        END IF;
        IF TG_OP <> 'INSERT' THEN
            {old};
        END IF;
    END LOOP;
    RETURN NULL;
END""",
        ),
    ]


def _postgres_functions() -> list[str]:
    """The trigger functions.

    Statement-level for inserts (a batch is one upsert per day and object, not one per row),
    row-level for the store's rare updates and deletes.
    """
    new, old = sql.completed("NEW"), sql.completed("OLD")
    recompute_old = ";\n        ".join(_recompute("postgresql", "OLD"))
    recompute_new = ";\n        ".join(_recompute("postgresql", "NEW"))
    function = (
        "CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$\n{body}\n$$ LANGUAGE plpgsql"
    )
    return [
        *(f for table, (time, _) in MARKS.items() for f in _mark_functions(table, time)),
        function.format(
            name="analytics_mark_commits",
            body=f"""BEGIN
    {_mark("postgresql", "0", "'changes'", EPOCH["postgresql"])};
    RETURN NULL;
END""",
        ),
        function.format(
            name="analytics_sync_inserted",
            body=f"""BEGIN
    {_add_inserted()};
    RETURN NULL;
END""",
        ),
        function.format(
            name="analytics_sync_changed",
            body=f"""BEGIN
    IF {old} THEN
        {recompute_old};
    END IF;
    IF TG_OP = 'UPDATE' AND {new} THEN
        {recompute_new};
    END IF;
    RETURN NULL;
END""",
        ),
    ]


_INSERTED: Final = "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT"


def postgres_triggers() -> list[str]:
    """The functions and triggers of PostgreSQL."""
    # (name, events, table, for each, function call)
    triggers = [
        ("analytics_sync_inserted", "INSERT", "sync_operations", _INSERTED, "()"),
        ("analytics_sync_changed", "UPDATE OR DELETE", "sync_operations", "FOR EACH ROW", "()"),
        # one mark per statement: a `record git` writes thousands of commits at once
        (
            "analytics_mark_commits",
            "INSERT OR UPDATE OR DELETE",
            "commits",
            "FOR EACH STATEMENT",
            "()",
        ),
    ]
    for table, (_, kinds) in MARKS.items():
        arguments = "(" + ", ".join(f"'{kind}'" for kind in kinds) + ")"
        triggers.append(("analytics_mark_inserted", "INSERT", table, _INSERTED, arguments))
        triggers.append(("analytics_mark", "UPDATE OR DELETE", table, "FOR EACH ROW", arguments))
    return [
        *_postgres_functions(),
        *(
            f"CREATE TRIGGER {name} AFTER {events} ON {table} {each} "
            f"EXECUTE FUNCTION {name}{'' if arguments == '()' else '_' + table}{arguments}"
            for name, events, table, each, arguments in triggers
        ),
    ]


def sqlite_triggers() -> list[str]:
    """The triggers of SQLite."""
    new, old = sql.completed("NEW"), sql.completed("OLD")
    found = [
        f"CREATE TRIGGER IF NOT EXISTS analytics_sync_daily_{name} AFTER {event} "
        f"ON sync_operations WHEN {condition} BEGIN {'; '.join(body)}; END"
        for name, event, condition, body in (
            ("insert", "INSERT", new, _add("sqlite", "NEW")),
            ("update_old", "UPDATE", old, _recompute("sqlite", "OLD")),
            ("update_new", "UPDATE", new, _recompute("sqlite", "NEW")),
            ("delete", "DELETE", old, _recompute("sqlite", "OLD")),
        )
    ]
    epoch = EPOCH["sqlite"]
    for table, (time, kinds) in (*MARKS.items(), ("commits", (epoch, ("changes",)))):
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            marks = [
                _mark("sqlite", "0", f"'{kind}'", epoch)
                if table == "commits"
                else _mark("sqlite", f"{row}.object_id", f"'{kind}'", time.format(row=row))
                for kind in kinds
                for row in rows[: 1 if table == "commits" else 2]
            ]
            found.append(
                f"CREATE TRIGGER IF NOT EXISTS analytics_mark_{table}_{event.lower()} "
                f"AFTER {event} ON {table} BEGIN {'; '.join(marks)}; END"
            )
    return found
