"""The statements of the Flux event path, written for each engine as the driver takes them.

A batch is a few set-based statements, without SQLAlchemy's compiler and type processing.

Per batch: one statement reads each object's newest stored outcome (and its newest success
when that outcome is no success); the operations are inserted in one statement (on
PostgreSQL ``INSERT ... SELECT ... FROM json_to_recordset(...) ON CONFLICT DO NOTHING
RETURNING``, the rows sent as one JSON text; on SQLite multi-row ``INSERT ... ON CONFLICT DO
NOTHING RETURNING``; only ids and keys are returned); the objects' state and derived
revision / sync status are set by one ``UPDATE`` (``FROM json_to_recordset(...)`` on
PostgreSQL, one prepared statement on SQLite). Times go to SQLite as the text the store's
``UtcTime`` columns hold (naive UTC, microseconds), and come back from both as aware UTC.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NamedTuple

import msgspec

from gitops_schema.store.chain import CHUNK, DEPLOYMENT_COLUMNS, Deployment
from gitops_schema.store.records import Phase
from gitops_schema.store.writing import (
    ROW_VERSION,
    ChainKey,
    Context,
    Stored,
    chain_key,
    pg_array,
    sqlite_time,
    stored,
)

# The columns of an event's operation, in the order of :data:`EventRow` (the others are the
# columns' defaults: started_at_exact true, no deployed_at, initiated_by or resources), with
# their PostgreSQL types and the keys of their JSON rows.
EVENT_COLUMNS = {
    "object_id": ("bigint", "o"),
    "digest": ("text", "d"),
    "revision": ("text", "r"),
    "phase": ("text", "p"),
    "reason": ("text", "e"),
    "message": ("text", "m"),
    "started_at": ("timestamptz", "s"),
    "finished_at": ("timestamptz", "f"),
    "duration_seconds": ("float8", "u"),
    "received_at": ("timestamptz", "t"),
}
# (object_id, digest, revision, phase, reason, message, started_at, finished_at,
# duration_seconds, received_at)
EventRow = tuple[
    int, str, str | None, str, str | None, str | None, datetime, datetime | None,
    float | None, datetime,
]  # fmt: skip
_NAMES = ", ".join(EVENT_COLUMNS)
_KEYS = tuple(key for _, key in EVENT_COLUMNS.values())
# The columns of a stored operation the chain reads (:class:`Stored`).
_CHAIN_COLUMNS = "id, object_id, phase, revision, started_at, finished_at, digest"
# What RETURNING gives of an inserted row: its id and its key within a batch (a Flux event's
# digest is the sha256 of its whole content, from which its times are read: one object's
# rows of one digest are one row).
_INSERTED = "id, object_id, digest"


def insert_operations(ctx: Context, origin: str, rows: Sequence[EventRow]) -> list[Stored]:
    """Insert the event rows ``rows`` (in this order) unless stored; the rows inserted."""
    if not rows:
        return []
    if ctx.connection.dialect.name == "postgresql":
        returned = _insert_postgres(ctx, origin, rows)
    else:
        returned = _insert_sqlite(ctx, origin, rows)
    sent = {(row[0], row[1]): row for row in rows}
    if len(sent) != len(rows):
        raise ValueError("two event rows of one object share a digest but not their times")
    found = []
    for row_id, object_id, digest in returned:
        row = sent[object_id, digest]
        found.append(Stored(int(row_id), row[0], row[3], row[2], row[6], row[7], row[1]))
    return found


class Newest(NamedTuple):
    """What one statement reads of an object's stored operations before a batch is written.

    ``outcome`` is the newest outcome's (newest key, phase). For an object whose batch has
    successes, from its batch's first success on (its ``first`` key): ``before`` is the
    stored success right before that key (the chain's last when nothing stored is later),
    ``after`` the stored successes from that key on with their deployments (none unless the
    batch is late); for an object without, ``before`` is its newest stored success.
    """

    outcome: tuple[Any, ...] | None
    before: Stored | None
    after: list[tuple[Stored, Deployment | None]]
    # The newest outcome's row.
    newest: Stored | None = None

    @property
    def success(self) -> Stored | None:
        """The newest stored success."""
        return self.after[-1][0] if self.after else self.before


# Newest first, as each engine orders a NULL finish: first on PostgreSQL (DESC is NULLS
# FIRST there), last on SQLite (NULL is its smallest value).
_NEWEST = "ORDER BY s.finished_at DESC, s.started_at DESC, s.digest DESC LIMIT 1"
_SUCCESS = Phase.SUCCEEDED.value
_KEY = "(s.finished_at, s.started_at, s.digest) {} (b.f, b.s, b.d)"
_SUCCESSES = f"s.object_id = b.id AND s.phase = '{_SUCCESS}'"
# A stored success and its deployment, as JSON (only late batches have any).
_AFTER_ROW = (
    "s.id, s.revision, s.started_at, s.finished_at, s.digest, "
    "d.id, d.revision, d.previous_revision, d.started_at, d.finished_at"
)
# Per object b(id, f, s, d) with its batch's first success key (f, s, d), or nulls: its
# newest outcome (a); the success before the key (p), else, when the newest outcome is no
# success, the newest success (w); the successes from the key on (n, JSON). When the newest
# outcome is a success before the key (a batch in order, the usual case), it is p and
# nothing is after the key: the object costs one index descent (:data:`_A_BEFORE_KEY`).
_NEWEST_COLUMNS = (
    "SELECT b.id, a.id, a.phase, a.revision, a.started_at, a.finished_at, a.digest, "
    "p.id, p.phase, p.revision, p.started_at, p.finished_at, p.digest, n.rows FROM "
)
_A_BEFORE_KEY = (
    "a.finished_at IS NOT NULL AND (a.finished_at, a.started_at, a.digest) < (b.f, b.s, b.d)"
)
_P_COLUMNS = ("id", "phase", "revision", "started_at", "finished_at", "digest")
# The deployment of a stored success s, by its unique index: as a plain join, the planner
# took a hash join over all of ``deployments`` for every object (a plan made while the
# table was small, kept by the prepared statement). LIMIT keeps the subquery apart.
_DEPLOYMENT_OF_S = "SELECT * FROM deployments d WHERE d.sync_operation_id = s.id LIMIT 1"
# Each lateral's condition on b and a alone is checked once per object, before any scan.
_NEWEST_POSTGRES = (
    _NEWEST_COLUMNS.replace(
        "p.id, p.phase, p.revision, p.started_at, p.finished_at, p.digest",
        ", ".join(f"COALESCE(p.{name}, w.{name})" for name in _P_COLUMNS),
    )
    + "json_to_recordset(%(objects)s::json) AS b(id bigint, f timestamptz, s timestamptz, d text) "
    f"LEFT JOIN LATERAL (SELECT {_CHAIN_COLUMNS} FROM sync_operations s "
    f"WHERE s.object_id = b.id {_NEWEST}) a ON true "
    f"LEFT JOIN LATERAL (SELECT {_CHAIN_COLUMNS} FROM sync_operations s WHERE b.d IS NOT NULL "
    f"AND NOT (a.phase = '{_SUCCESS}' AND {_A_BEFORE_KEY}) "
    f"AND {_SUCCESSES} AND s.finished_at <= b.f AND {_KEY.format('<')} {_NEWEST}) p ON true "
    f"LEFT JOIN LATERAL (SELECT {_CHAIN_COLUMNS} FROM sync_operations s WHERE b.d IS NULL "
    f"AND a.phase <> '{_SUCCESS}' AND {_SUCCESSES} {_NEWEST}) w ON true "
    f"LEFT JOIN LATERAL (SELECT json_agg(json_build_array({_AFTER_ROW}))::text AS rows "
    f"FROM sync_operations s LEFT JOIN LATERAL ({_DEPLOYMENT_OF_S}) d ON true "
    f"WHERE b.d IS NOT NULL AND a.id IS NOT NULL AND NOT ({_A_BEFORE_KEY}) AND {_SUCCESSES} "
    f"AND s.finished_at >= b.f AND {_KEY.format('>=')}) n ON true"
)
# Per late object b(id, f, s, d, after) whose newest outcome is known (see
# :func:`late_stored`): the success before its first key (p) and, when ``after``, the
# successes from that key on (n), as in :data:`_NEWEST_POSTGRES`.
_LATE_POSTGRES = (
    "SELECT b.id, p.id, p.phase, p.revision, p.started_at, p.finished_at, p.digest, n.rows "
    "FROM json_to_recordset(%(objects)s::json) "
    "AS b(id bigint, f timestamptz, s timestamptz, d text, after boolean) "
    f"LEFT JOIN LATERAL (SELECT {_CHAIN_COLUMNS} FROM sync_operations s WHERE {_SUCCESSES} "
    f"AND s.finished_at <= b.f AND {_KEY.format('<')} {_NEWEST}) p ON true "
    f"LEFT JOIN LATERAL (SELECT json_agg(json_build_array({_AFTER_ROW}))::text AS rows "
    f"FROM sync_operations s LEFT JOIN LATERAL ({_DEPLOYMENT_OF_S}) d ON true "
    f"WHERE b.after AND {_SUCCESSES} AND s.finished_at >= b.f AND {_KEY.format('>=')}) n ON true"
)
_NEWEST_SQLITE = (
    _NEWEST_COLUMNS.replace(
        "n.rows",
        f"CASE WHEN b.d IS NOT NULL AND a.id IS NOT NULL AND NOT ({_A_BEFORE_KEY}) THEN "
        f"(SELECT json_group_array(json_array({_AFTER_ROW})) FROM sync_operations s "
        f"LEFT JOIN deployments d ON d.sync_operation_id = s.id WHERE {_SUCCESSES} "
        f"AND s.finished_at >= b.f AND {_KEY.format('>=')}) END",
    )
    + "(SELECT column1 AS id, column2 AS f, column3 AS s, column4 AS d "
    "FROM (VALUES {values})) AS b "
    f"LEFT JOIN sync_operations a ON a.id = (SELECT s.id FROM sync_operations s "
    f"WHERE s.object_id = b.id {_NEWEST}) "
    "LEFT JOIN sync_operations p ON p.id = CASE "
    f"WHEN b.d IS NOT NULL AND NOT (a.phase = '{_SUCCESS}' AND {_A_BEFORE_KEY}) "
    f"THEN (SELECT s.id FROM sync_operations s WHERE {_SUCCESSES} "
    f"AND s.finished_at <= b.f AND {_KEY.format('<')} {_NEWEST}) "
    f"WHEN b.d IS NULL AND a.phase <> '{_SUCCESS}' THEN (SELECT s.id FROM sync_operations s "
    f"WHERE {_SUCCESSES} {_NEWEST}) END"
)
_READ_ROWS = msgspec.json.Decoder()


def newest_stored(ctx: Context, firsts: Mapping[int, ChainKey | None]) -> dict[int, Newest]:
    """Per object (id -> its batch's first success key, if any): what :class:`Newest` holds.

    One statement per :data:`~.chain.CHUNK` objects.
    """
    items = sorted(firsts.items())
    postgres = ctx.connection.dialect.name == "postgresql"
    found: dict[int, Newest] = {}
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        if postgres:
            objects = [
                {"id": i, "f": k[0], "s": k[1], "d": k[2]} if k else {"id": i} for i, k in chunk
            ]
            parameters = {"objects": _ROWS.encode(objects).decode()}
            result = ctx.connection.exec_driver_sql(_NEWEST_POSTGRES, parameters)
        else:
            values = tuple(
                value
                for object_id, key in chunk
                for value in (
                    (object_id, sqlite_time(key[0]), sqlite_time(key[1]), key[2])
                    if key
                    else (object_id, None, None, None)
                )
            )
            rows = ", ".join(["(?, ?, ?, ?)"] * len(chunk))
            statement = _NEWEST_SQLITE.format(values=rows)
            result = ctx.connection.exec_driver_sql(statement, values)
        for row in result.all():
            object_id = int(row[0])
            outcome = None
            before = None
            newest = None
            first = firsts[object_id]
            if row[1] is not None:
                newest = stored((row[1], object_id, *row[2:7]))
                key = newest_key(postgres, newest.finished_at, newest.started_at, newest.digest)
                outcome = (key, newest.phase)
                # The newest outcome, a success, is the one before the key (see _NEWEST_*).
                if newest.phase == _SUCCESS and (
                    first is None
                    or (
                        newest.finished_at is not None
                        and (newest.finished_at, newest.started_at, newest.digest) < first
                    )
                ):
                    before = newest
            if row[7] is not None:
                before = stored((row[7], object_id, *row[8:13]))
            found[object_id] = Newest(outcome, before, _after(object_id, row[13]), newest)
    return found


def late_stored(ctx: Context, late: Mapping[int, tuple[ChainKey, Stored]]) -> dict[int, Newest]:
    """What :func:`newest_stored` reads, for objects whose newest outcome is known.

    ``late`` holds, per object, its batch's first success key and its newest stored outcome,
    which is no success before that key (PostgreSQL; see :mod:`.chain_heads`): only the
    success before the key and the successes from it on are read.
    """
    found: dict[int, Newest] = {}
    items = sorted(late.items())
    for start in range(0, len(items), CHUNK):
        objects = []
        for object_id, (first, newest) in items[start : start + CHUNK]:
            before_key = newest.finished_at is not None and (
                (newest.finished_at, newest.started_at, newest.digest) < first
            )
            objects.append(
                {
                    "id": object_id,
                    "f": first[0],
                    "s": first[1],
                    "d": first[2],
                    "after": not before_key,
                }
            )
        parameters = {"objects": _ROWS.encode(objects).decode()}
        for row in ctx.connection.exec_driver_sql(_LATE_POSTGRES, parameters).all():
            object_id = int(row[0])
            newest = late[object_id][1]
            key = newest_key(True, newest.finished_at, newest.started_at, newest.digest)
            before = None if row[1] is None else stored((row[1], object_id, *row[2:7]))
            found[object_id] = Newest(
                (key, newest.phase), before, _after(object_id, row[7]), newest
            )
    return found


def _after(object_id: int, text: str | None) -> list[tuple[Stored, Deployment | None]]:
    """The stored successes (JSON rows of :data:`_AFTER_ROW`) in chain order."""
    if text is None:
        return []
    found = []
    for item in _READ_ROWS.decode(text):
        started, finished = _text_time(item[2]), _text_time(item[3])
        row = Stored(int(item[0]), object_id, _SUCCESS, item[1], started, finished, item[4])
        deployment = None
        if item[5] is not None:
            deployment = Deployment(
                int(item[5]), item[6], item[7], _text_time(item[8]), _text_time(item[9])
            )
        found.append((row, deployment))
    found.sort(key=lambda pair: chain_key(pair[0].finished_at, pair[0].started_at, pair[0].digest))
    return found


def _text_time(text: str) -> datetime:
    """A time as JSON holds it: ISO 8601 with its offset (PostgreSQL), naive UTC (SQLite)."""
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


_FIRST = datetime.min.replace(tzinfo=UTC)


def newest_key(
    postgres: bool, finished: datetime | None, started: datetime, digest: str
) -> tuple[Any, ...]:
    """The order of :data:`_NEWEST` on the engine as a key (the largest is the newest)."""
    return ((finished is None) == postgres, finished or _FIRST, started, digest)


def derived_states(
    postgres: bool, newest: Mapping[int, Newest], inserted: Sequence[Stored]
) -> dict[int, tuple[str | None, str]]:
    """Per object with inserted operations: its revision and sync status now.

    The revision is the newest success's, the status ``Ready`` when the newest outcome is a
    success (else ``NotReady``), the newest stored before and the inserted ones compared.
    """
    success: dict[int, tuple[tuple[Any, ...], str | None] | None] = {}
    outcome: dict[int, tuple[tuple[Any, ...], str]] = {}
    for object_id, known in newest.items():
        if known.success is not None:
            row = known.success
            key = newest_key(postgres, row.finished_at, row.started_at, row.digest)
            success[object_id] = (key, row.revision)
        if known.outcome is not None:
            outcome[object_id] = known.outcome
    for row in inserted:
        key = newest_key(postgres, row.finished_at, row.started_at, row.digest)
        if row.object_id not in outcome or key > outcome[row.object_id][0]:
            outcome[row.object_id] = (key, row.phase)
        if row.phase == _SUCCESS:
            before = success.get(row.object_id)
            if before is None or key > before[0]:
                success[row.object_id] = (key, row.revision)
    result: dict[int, tuple[str | None, str]] = {}
    for object_id in {row.object_id for row in inserted}:
        newest_success = success.get(object_id)
        status = "Ready" if outcome[object_id][1] == _SUCCESS else "NotReady"
        result[object_id] = (None if newest_success is None else newest_success[1], status)
    return result


# One statement per batch: the rows are one JSON parameter (written by msgspec, which costs
# a fraction of the driver's adaptation of each value), expanded by the server. Inserted in
# key order, so that concurrent writers take the index locks in one order.
_POSTGRES_INSERT = (
    f"INSERT INTO sync_operations ({_NAMES}, origin, started_at_exact) SELECT "
    + ", ".join(f"{key} AS {name}" for name, (_, key) in EVENT_COLUMNS.items())
    + ", %(origin)s, true FROM json_to_recordset(%(rows)s::json) AS x("
    + ", ".join(f"{key} {kind}" for kind, key in EVENT_COLUMNS.values())
    + f") ORDER BY o, s, d ON CONFLICT DO NOTHING RETURNING {_INSERTED}"
)
_ROWS = msgspec.json.Encoder()


def _insert_postgres(ctx: Context, origin: str, rows: Sequence[EventRow]) -> list[Any]:
    text = _ROWS.encode([dict(zip(_KEYS, row, strict=True)) for row in rows]).decode()
    parameters = {"origin": origin, "rows": text}
    return list(ctx.connection.exec_driver_sql(_POSTGRES_INSERT, parameters).all())


# Rows per multi-row INSERT on SQLite (11 parameters each, under its limit of 32,766).
_SQLITE_ROWS = 500
_TIMES = (6, 7, 9)  # the places of the times in an EventRow


def _insert_sqlite(ctx: Context, origin: str, rows: Sequence[EventRow]) -> list[Any]:
    found: list[Any] = []
    for start in range(0, len(rows), _SQLITE_ROWS):
        chunk = rows[start : start + _SQLITE_ROWS]
        values: list[Any] = []
        for row in chunk:
            values += row
            values[-4] = sqlite_time(row[6])
            values[-3] = sqlite_time(row[7])
            values[-1] = sqlite_time(row[9])
            values.append(origin)
        returned = ctx.connection.exec_driver_sql(_sqlite_insert(len(chunk)), tuple(values))
        found += returned.all()
    return found


@lru_cache(maxsize=8)
def _sqlite_insert(count: int) -> str:
    one = "(" + ", ".join("?" for _ in range(len(EVENT_COLUMNS) + 1)) + ", 1)"
    return (
        f"INSERT INTO sync_operations ({_NAMES}, origin, started_at_exact) "
        f"VALUES {', '.join([one] * count)} ON CONFLICT DO NOTHING RETURNING {_INSERTED}"
    )


# The state columns an event may set (never the definition: events are partial states).
STATE_COLUMNS = {
    "api_version": "text",
    "uid": "text",
    "project": "text",
    "source_url": "text",
    "source_path": "text",
    "target_revision": "text",
    "dest_server": "text",
    "dest_namespace": "text",
    "sync_status": "text",
    "health_status": "text",
    "revision": "text",
    "message": "text",
    "created_at": "timestamptz",
    "observed_at": "timestamptz",
}


class Derived(NamedTuple):
    """The changes to the deployments a batch derives."""

    gone: list[int]  # ids of deployments to delete
    changed: list[dict[str, Any]]  # id and the columns of :data:`DEPLOYMENT_COLUMNS` but two
    new: list[dict[str, Any]]  # the columns of :data:`DEPLOYMENT_COLUMNS`


_REDERIVED = ("revision", "previous_revision", "started_at", "finished_at")


def finish(
    ctx: Context,
    derived: Derived,
    changes: Mapping[int, Mapping[str, Any]],
    refreshed: Mapping[int, tuple[str | None, str]],
) -> dict[int, str]:
    """Write the deployments' changes and the objects' states (one statement on PostgreSQL).

    The objects' states are their state changes and their derived revision and sync status.
    Returns the new versions of the object rows written (PostgreSQL; see
    :mod:`.chain_heads`).

    ``refreshed`` holds the revision and sync status of the objects whose operations this
    batch inserted (from :func:`derived_states`). ``changes`` hold non-null values only (a
    state never clears a column), so a column an object's change does not set is written as
    NULL and kept by ``COALESCE``.
    """
    ids = sorted(set(changes) | set(refreshed))
    columns = tuple(name for name in STATE_COLUMNS if any(name in c for c in changes.values()))
    if ctx.connection.dialect.name == "postgresql":
        return _finish_postgres(ctx, derived, ids, columns, changes, refreshed)
    _deployments_sqlite(ctx, derived)
    if not ids:
        return {}
    table: list[list[Any]] = [ids, [i in changes for i in ids], [i in refreshed for i in ids]]
    pairs = [refreshed.get(i, (None, None)) for i in ids]
    table += [[pair[0] for pair in pairs], [pair[1] for pair in pairs]]
    for name in columns:
        values = [changes.get(i, {}).get(name) for i in ids]
        if STATE_COLUMNS[name] == "timestamptz":
            values = [sqlite_time(value) for value in values]
        table.append(values)
    now = sqlite_time(ctx.now)
    ctx.connection.exec_driver_sql(
        _sqlite_update(columns), [(now, *row) for row in zip(*table, strict=True)]
    )
    return {}


def _finish_postgres(
    ctx: Context,
    derived: Derived,
    ids: list[int],
    columns: tuple[str, ...],
    changes: Mapping[int, Mapping[str, Any]],
    refreshed: Mapping[int, tuple[str | None, str]],
) -> dict[int, str]:
    rows = []
    for i in ids:
        pair = refreshed.get(i, (None, None))
        row: dict[str, Any] = {"id": i, "changed": i in changes, "refresh": i in refreshed}
        row["new_revision"], row["new_sync_status"] = pair
        change = changes.get(i)
        if change:
            row.update((name, change[name]) for name in columns if name in change)
        rows.append(row)
    parameters: dict[str, Any] = {"now": ctx.now, "rows": _ROWS.encode(rows).decode()}
    shape = (bool(derived.gone), bool(derived.changed), bool(derived.new), bool(ids))
    if not any(shape):
        return {}
    if derived.gone:
        parameters["gone"] = pg_array(derived.gone)
    if derived.changed:
        parameters["changed"] = _ROWS.encode(derived.changed).decode()
    if derived.new:
        parameters["new"] = _ROWS.encode(derived.new).decode()
    result = ctx.connection.exec_driver_sql(_postgres_finish(columns, *shape), parameters)
    return {int(row[0]): row[1] for row in result.all()} if ids else {}


_DEPLOYMENT_RECORD = ", ".join(f"{name} {kind}" for name, kind in DEPLOYMENT_COLUMNS.items())
_DEPLOYMENT_NAMES = ", ".join(DEPLOYMENT_COLUMNS)


@lru_cache(maxsize=64)
def _postgres_finish(
    columns: tuple[str, ...], gone: bool, changed: bool, new: bool, objects: bool
) -> str:
    """One statement: the deployments' changes, then the objects' ``UPDATE``.

    The changes are data-modifying ``WITH`` queries, each on rows no other one touches.
    """
    steps = []
    if gone:
        steps.append("gone AS (DELETE FROM deployments WHERE id = ANY(%(gone)s::bigint[]))")
    if changed:
        steps.append(
            "changed AS (UPDATE deployments AS t SET "
            + ", ".join(f"{name} = v.{name}" for name in _REDERIVED)
            + f" FROM json_to_recordset(%(changed)s::json) AS v(id bigint, {_DEPLOYMENT_RECORD}) "
            "WHERE t.id = v.id)"
        )
    if new:
        steps.append(
            f"new AS (INSERT INTO deployments ({_DEPLOYMENT_NAMES}) SELECT {_DEPLOYMENT_NAMES} "
            f"FROM json_to_recordset(%(new)s::json) AS v({_DEPLOYMENT_RECORD}))"
        )
    main = _postgres_update(columns) if objects else "SELECT 1"
    return ("WITH " + ", ".join(steps) + " " if steps else "") + main


def _deployments_sqlite(ctx: Context, derived: Derived) -> None:
    if derived.gone:
        marks = ", ".join("?" for _ in derived.gone)
        statement = f"DELETE FROM deployments WHERE id IN ({marks})"
        ctx.connection.exec_driver_sql(statement, tuple(derived.gone))
    if derived.changed:
        assignments = ", ".join(f"{name} = ?" for name in _REDERIVED)
        ctx.connection.exec_driver_sql(
            f"UPDATE deployments SET {assignments} WHERE id = ?",
            [(*_sqlite_values(row, _REDERIVED), row["id"]) for row in derived.changed],
        )
    if derived.new:
        marks = ", ".join("?" for _ in DEPLOYMENT_COLUMNS)
        ctx.connection.exec_driver_sql(
            f"INSERT INTO deployments ({_DEPLOYMENT_NAMES}) VALUES ({marks})",
            [_sqlite_values(row, tuple(DEPLOYMENT_COLUMNS)) for row in derived.new],
        )


def _sqlite_values(row: Mapping[str, Any], names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(
        sqlite_time(row[name]) if DEPLOYMENT_COLUMNS[name] == "timestamptz" else row[name]
        for name in names
    )


def _assignments(columns: tuple[str, ...], value: Any) -> str:
    """``SET`` items: each changed column, ``updated_at``, the derived columns."""
    items = [
        f"{name} = COALESCE({value(name)}, o.{name})" for name in columns if name not in _GIVEN
    ]
    changed, now = value("changed"), value("now")
    items.append(f"updated_at = CASE WHEN {changed} THEN {now} ELSE o.updated_at END")
    for name, given in _GIVEN.items():
        kept = f"COALESCE({value(name)}, o.{name})" if name in columns else f"o.{name}"
        items.append(f"{name} = CASE WHEN {value('refresh')} THEN {value(given)} ELSE {kept} END")
    return ", ".join(items)


# The derived columns and the names of their given values.
_GIVEN = {"revision": "new_revision", "sync_status": "new_sync_status"}
_FIXED = ("id", "changed", "refresh", "new_revision", "new_sync_status")


@lru_cache(maxsize=32)
def _postgres_update(columns: tuple[str, ...]) -> str:
    kinds = ("bigint", "boolean", "boolean", "text", "text", *(STATE_COLUMNS[n] for n in columns))
    record = ", ".join(
        f"{name} {kind}" for name, kind in zip((*_FIXED, *columns), kinds, strict=True)
    )

    def value(name: str) -> str:
        return "%(now)s" if name == "now" else f"v.{name}"

    return (
        f"UPDATE objects AS o SET {_assignments(columns, value)} "
        f"FROM json_to_recordset(%(rows)s::json) AS v({record}) WHERE o.id = v.id "
        f"RETURNING o.id, {ROW_VERSION.format(table='o')}"
    )


@lru_cache(maxsize=32)
def _sqlite_update(columns: tuple[str, ...]) -> str:
    order = ("now", *_FIXED, *columns)

    def value(name: str) -> str:
        return f"?{order.index(name) + 1}"

    return f"UPDATE objects AS o SET {_assignments(columns, value)} WHERE o.id = ?2"
