"""The triggers that keep the rollups and change marks of :mod:`.rollups` exact.

On PostgreSQL the running sync rollup's triggers are :mod:`.running`'s; inserts mark their
objects once per statement, updates and deletes per row. On SQLite every trigger is per row,
and sync operations keep only the all-time totals (sync statistics read the raw rows there).
"""

from __future__ import annotations

from typing import Final

from gitops_schema.analytics import running, sql

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


def _extreme(dialect: str, which: str, a: str, b: str) -> str:
    """SQL: the smaller (``min``) or larger (``max``) of two values, skipping nulls."""
    if dialect == "postgresql":
        return f"{'LEAST' if which == 'min' else 'GREATEST'}({a}, {b})"  # they skip nulls
    return f"CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL THEN {a} ELSE {which}({a}, {b}) END"


def _add_totals(row: str) -> str:
    """SQLite adding the completed operation ``row`` (NEW) to the all-time totals."""
    return (
        "INSERT INTO analytics_sync_totals (object_id, status, operations) "
        f"VALUES ({row}.object_id, {sql.status(row)}, 1) "
        "ON CONFLICT (object_id, status) DO UPDATE "
        "SET operations = analytics_sync_totals.operations + 1"
    )


def _recount(row: str) -> list[str]:
    """SQLite recounting the totals of ``row``'s (OLD or NEW) object and status."""
    status = sql.status(row)
    return [
        f"DELETE FROM analytics_sync_totals WHERE object_id = {row}.object_id "
        f"AND status = {status}",
        "INSERT INTO analytics_sync_totals (object_id, status, operations) "
        f"SELECT s.object_id, {sql.status('s')}, COUNT(*) FROM sync_operations s "
        f"WHERE s.object_id = {row}.object_id AND {sql.completed('s')} "
        f"AND {sql.status('s')} = {status} GROUP BY 1, 2",
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
    """The marking trigger functions (statement-level for inserts, row-level otherwise)."""
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
    ]


_INSERTED: Final = "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT"


def postgres_triggers() -> list[str]:
    """The functions and triggers of PostgreSQL."""
    # (name, events, table, for each, function call)
    triggers = [
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
        *running.trigger_functions(),
        *_postgres_functions(),
        *running.triggers(),
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
        f"CREATE TRIGGER IF NOT EXISTS analytics_sync_totals_{name} AFTER {event} "
        f"ON sync_operations WHEN {condition} BEGIN {'; '.join(body)}; END"
        for name, event, condition, body in (
            ("insert", "INSERT", new, [_add_totals("NEW")]),
            ("update_old", "UPDATE", old, _recount("OLD")),
            ("update_new", "UPDATE", new, _recount("NEW")),
            ("delete", "DELETE", old, _recount("OLD")),
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
