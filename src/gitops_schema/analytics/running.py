"""The running sync rollup of PostgreSQL: per object and status, every day's state so far.

``analytics_sync_running`` holds, per object, status and UTC day, from the object's first
completed operation to its last: how many operations finished up to the end of that day, how
many had a known duration, the sum of those durations and their histogram
(:mod:`gitops_schema.analytics.sketch`). The figures of the whole days ``[first, last]`` are
then the row of ``last`` minus the row of the day before ``first``: two rows per object and
status, whatever the window's length. Minimum and maximum do not subtract; each row also holds
them over the ``2^k`` days ending with it (``lows[k + 1]``, ``highs[k + 1]``, ``k`` up to
:data:`LEVELS` - 1), and two such spans of ``2^k`` days, one starting at ``first`` and one ending
at ``last``, cover the whole days of any window of ``2^k`` to ``2^(k+1)`` days: a third row.

Rows exist for every day between an object's first and last operation (days without an
operation repeat the day before), so each of the three is found by its day.
``analytics_sync_totals`` keeps each object's all-time count and first and last day.

``analytics_running_rebuild`` recomputes the rows of some objects from a day on, from the raw
operations of those days: the triggers call it for the days a statement's inserts reach (for
operations arriving in order: the last day and the new ones), and for the days an update or
delete touches. The day spans are filled in day order, from the rows before.
"""

from __future__ import annotations

from typing import Final

from gitops_schema.analytics import sketch, sql

LEVELS: Final = 12
"""Spans of 1 to 2^11 days: any window of whole days up to 2^12 days is two of them."""

TABLE: Final = """
CREATE TABLE analytics_sync_running (
    object_id BIGINT NOT NULL,
    status VARCHAR(16) NOT NULL,
    day DATE NOT NULL,
    operations BIGINT NOT NULL,
    timed BIGINT NOT NULL,
    total NUMERIC NOT NULL,
    histogram NUMERIC NOT NULL,
    lows DOUBLE PRECISION[] NOT NULL,
    highs DOUBLE PRECISION[] NOT NULL,
    PRIMARY KEY (object_id, status, day)
)"""
INDEX: Final = "CREATE INDEX analytics_ix_sync_running_day ON analytics_sync_running (day)"
_GROUPS: Final = "unnest(p_objects, p_statuses, p_froms) g(o, s, f)"
_DAY: Final = "CAST(s.finished_at AT TIME ZONE 'UTC' AS DATE)"


def _levels(which: str, extreme: str) -> str:
    """SQL: the span array of the row ``r`` from its own day's value and earlier rows'."""
    # the 2^k days ending at e: e itself, then 2^i days ending at e - 2^i for i < k
    parts = [f"r.{which}[1]"]
    items = [f"r.{which}[1]"]
    for level in range(1, LEVELS):
        parts.append(f"x.{which}{level}")
        items.append(f"{extreme}({', '.join(parts)})")
    return f"{which} = ARRAY[{', '.join(items)}]"


def _earlier() -> str:
    """SQL: per rebuilt object, the spans of the earlier rows a day ``e``'s spans combine."""
    columns = ", ".join(
        f"p{level}.lows[{level}] AS lows{level}, p{level}.highs[{level}] AS highs{level}"
        for level in range(1, LEVELS)
    )
    joins = "\n".join(
        f"LEFT JOIN analytics_sync_running p{level} ON p{level}.object_id = g.o "
        f"AND p{level}.status = g.s AND p{level}.day = e - {2 ** (level - 1)}"
        for level in range(1, LEVELS)
    )
    return f"SELECT g.o, g.s, g.f, {columns} FROM {_GROUPS}\n{joins}"


def rebuild_function() -> str:
    """The plpgsql function recomputing objects' running rows from a day on.

    ``p_scan``: read the operations in one pass over the table (every object from its first
    day: the backfill) rather than object by object through the index (a few days of some).
    """
    status = sql.status("s")
    figures = f"""{_DAY} AS day, COUNT(*) AS operations,
           COUNT(s.duration_seconds) AS timed,
           COALESCE(SUM(CAST(s.duration_seconds AS NUMERIC)), 0) AS total,
           COALESCE(SUM({sketch.one_sql("s.duration_seconds")}), 0) AS histogram,
           MIN(s.duration_seconds) AS lo, MAX(s.duration_seconds) AS hi"""
    since = "s.finished_at >= CAST(g.f AS TIMESTAMP) AT TIME ZONE 'UTC'"
    scanned = f"""
    SELECT g.o, g.s, {figures}
    FROM {_GROUPS}
    JOIN sync_operations s ON s.object_id = g.o AND {since}
     AND {sql.completed("s")} AND {status} = g.s
    GROUP BY 1, 2, 3"""
    probed = f"""
    SELECT g.o, g.s, a.* FROM {_GROUPS} CROSS JOIN LATERAL (
        SELECT {figures} FROM sync_operations s
        WHERE s.object_id = g.o AND {since} AND {sql.completed("s")} AND {status} = g.s
        GROUP BY 1) a"""
    running = ", ".join(
        f"COALESCE(b.{column}, 0) + SUM(COALESCE(a.{column}, 0)) OVER w"
        for column in ("operations", "timed", "total", "histogram")
    )
    insert = f"""
    WITH days AS ({{days}}),
    -- through the object's last operation or p_until, whichever is later, for an object
    -- that has operations from f on or had some before
    spans AS (
        SELECT g.o, g.s, g.f, GREATEST(MAX(d.day), p_until) AS last FROM {_GROUPS}
        LEFT JOIN days d ON d.o = g.o AND d.s = g.s GROUP BY 1, 2, 3
        HAVING MAX(d.day) IS NOT NULL OR EXISTS (
            SELECT 1 FROM analytics_sync_running b
            WHERE b.object_id = g.o AND b.status = g.s AND b.day = g.f - 1)
    )
    INSERT INTO analytics_sync_running
        (object_id, status, day, operations, timed, total, histogram, lows, highs)
    SELECT t.o, t.s, t.f + n, {running}, ARRAY[a.lo], ARRAY[a.hi]
    FROM spans t
    CROSS JOIN LATERAL generate_series(0, t.last - t.f) n
    LEFT JOIN days a ON a.o = t.o AND a.s = t.s AND a.day = t.f + n
    LEFT JOIN analytics_sync_running b ON b.object_id = t.o AND b.status = t.s AND b.day = t.f - 1
    WINDOW w AS (PARTITION BY t.o, t.s ORDER BY n)"""
    # the earliest day rebuilt bounds the rows read by day
    after = "r.day >= (SELECT MIN(x) FROM unnest(p_froms) x)"
    return f"""
CREATE OR REPLACE FUNCTION analytics_running_rebuild(
    p_objects BIGINT[], p_statuses VARCHAR[], p_froms DATE[], p_until DATE, p_scan BOOLEAN)
RETURNS void AS $$
DECLARE
    e DATE;
BEGIN
    DELETE FROM analytics_sync_running r USING {_GROUPS}
    WHERE r.object_id = g.o AND r.status = g.s AND r.day >= g.f AND {after};
    IF p_scan THEN
        {insert.format(days=scanned)};
    ELSE
        {insert.format(days=probed)};
    END IF;
    -- each day's spans from its own value and the finished rows before it, in day order
    FOR e IN
        SELECT DISTINCT r.day FROM analytics_sync_running r JOIN {_GROUPS}
        ON r.object_id = g.o AND r.status = g.s AND r.day >= g.f AND {after} ORDER BY 1
    LOOP
        UPDATE analytics_sync_running r
        SET {_levels("lows", "LEAST")}, {_levels("highs", "GREATEST")}
        FROM ({_earlier()}) x
        WHERE r.object_id = x.o AND r.status = x.s AND r.day = e AND e >= x.f;
    END LOOP;
    DELETE FROM analytics_sync_totals t USING {_GROUPS}
    WHERE t.object_id = g.o AND t.status = g.s;
    INSERT INTO analytics_sync_totals (object_id, status, operations)
    SELECT g.o, g.s, z.operations
    FROM (SELECT DISTINCT o, s FROM {_GROUPS}) g
    CROSS JOIN LATERAL (
        SELECT r.operations FROM analytics_sync_running r
        WHERE r.object_id = g.o AND r.status = g.s ORDER BY r.day DESC LIMIT 1) z;
END
$$ LANGUAGE plpgsql SET jit = off"""


_LAST: Final = "(SELECT MAX(day) FROM analytics_sync_running)"
_SERIAL: Final = "PERFORM pg_advisory_xact_lock(7202606)"
"""One writer of the running rollup at a time, until it commits: two statements starting a
day would both add its rows, and a rebuild reading the raw rows would miss the operations
another transaction adds to a row it replaces."""
_ADDED: Final = ", ".join(
    [
        *(f"{column} = r.{column} + n.{column}" for column in ("operations", "timed", "total")),
        "histogram = r.histogram + n.histogram",
        *(
            f"{which} = ARRAY["
            + ", ".join(f"{extreme}(r.{which}[{k}], n.{one})" for k in range(1, LEVELS + 1))
            + "]"
            for which, extreme, one in (("lows", "LEAST", "lo"), ("highs", "GREATEST", "hi"))
        ),
    ]
)
"""SQL: the running row ``r`` of the last day with operations ``n`` of that day added (every
span ending on that day holds them)."""


def _same_day() -> str:
    """SQL: a statement's operations of the last day added in place, for objects with rows."""
    one = sketch.one_sql("s.duration_seconds")
    return f"""
    WITH n AS (
        SELECT s.object_id AS o, {sql.status("s")} AS s, COUNT(*) AS operations,
               COUNT(s.duration_seconds) AS timed,
               COALESCE(SUM(CAST(s.duration_seconds AS NUMERIC)), 0) AS total,
               COALESCE(SUM({one}), 0) AS histogram,
               MIN(s.duration_seconds) AS lo, MAX(s.duration_seconds) AS hi
        FROM new_rows s WHERE {sql.completed("s")} GROUP BY 1, 2 HAVING MIN({_DAY}) = until
    ), counted AS (
        UPDATE analytics_sync_totals t SET operations = t.operations + n.operations
        FROM n WHERE t.object_id = n.o AND t.status = n.s
    )
    UPDATE analytics_sync_running r SET {_ADDED}
    FROM n WHERE r.object_id = n.o AND r.status = n.s AND r.day = until"""


def _known(row: str) -> str:
    return f"CASE WHEN {row}.duration_seconds IS NULL THEN 0 ELSE 1 END"


def trigger_functions() -> list[str]:
    """The rebuild function and the trigger functions calling it.

    Every object's rows reach the last day any object has (``until``): a statement that
    starts a new day extends them all, so the last day of any window is a row of each.
    """
    inserted = f"""DECLARE
    until DATE;
    reached DATE;
BEGIN
    SELECT MAX({_DAY}) INTO reached FROM new_rows s WHERE {sql.completed("s")};
    IF reached IS NULL THEN
        RETURN NULL;
    END IF;
    {_SERIAL};
    until := {_LAST};
    IF reached = until THEN
        -- operations of the last day, the usual case: added to it; others rebuilt
        {_same_day()};
        PERFORM analytics_running_rebuild(array_agg(n.o), array_agg(n.s), array_agg(n.first),
                                          until, false)
        FROM (
            SELECT s.object_id AS o, CAST({sql.status("s")} AS VARCHAR) AS s,
                   MIN({_DAY}) AS first
            FROM new_rows s WHERE {sql.completed("s")} GROUP BY 1, 2
        ) n LEFT JOIN analytics_sync_totals t ON t.object_id = n.o AND t.status = n.s
        WHERE n.first < until OR t.object_id IS NULL
        HAVING COUNT(*) > 0;
        RETURN NULL;
    END IF;
    -- the objects written from their first new day (or the day after the last row), and
    -- when the statement starts a new day, every other object from the day after the last
    PERFORM analytics_running_rebuild(array_agg(o), array_agg(s), array_agg(f),
                                      GREATEST(until, reached), false)
    FROM (
        WITH n AS (
            SELECT s.object_id AS o, CAST({sql.status("s")} AS VARCHAR) AS s,
                   MIN({_DAY}) AS first
            FROM new_rows s WHERE {sql.completed("s")} GROUP BY 1, 2
        )
        SELECT COALESCE(n.o, t.object_id) AS o, COALESCE(n.s, t.status) AS s,
               CASE WHEN t.object_id IS NULL THEN n.first
                    WHEN n.o IS NULL THEN until + 1
                    ELSE LEAST(n.first, until + 1) END AS f
        FROM n FULL JOIN (
            SELECT object_id, status FROM analytics_sync_totals WHERE reached > until
            UNION
            SELECT t.object_id, t.status FROM analytics_sync_totals t JOIN n
            ON t.object_id = n.o AND t.status = n.s
        ) t ON t.object_id = n.o AND t.status = n.s
    ) x;
    RETURN NULL;
END"""
    old_day = "CAST(OLD.finished_at AT TIME ZONE 'UTC' AS DATE)"
    new_day = "CAST(NEW.finished_at AT TIME ZONE 'UTC' AS DATE)"
    function = (
        "CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$\n{body}\n$$ LANGUAGE plpgsql"
    )
    return [
        rebuild_function(),
        function.format(name="analytics_running_inserted", body=inserted),
        function.format(
            name="analytics_running_changed",
            body=f"""DECLARE
    until DATE;
BEGIN
    {_SERIAL};
    until := {_LAST};
    IF NOT {sql.completed("OLD")} AND {sql.completed("NEW")} AND {new_day} = until
       AND EXISTS (SELECT 1 FROM analytics_sync_totals t
                   WHERE t.object_id = NEW.object_id AND t.status = {sql.status("NEW")}) THEN
        -- an operation of the last day completing, the usual case: added to that day
        UPDATE analytics_sync_totals t SET operations = t.operations + 1
        WHERE t.object_id = NEW.object_id AND t.status = {sql.status("NEW")};
        UPDATE analytics_sync_running r SET {_ADDED}
        FROM (SELECT 1 AS operations, {_known("NEW")} AS timed,
                     COALESCE(CAST(NEW.duration_seconds AS NUMERIC), 0) AS total,
                     COALESCE({sketch.one_sql("NEW.duration_seconds")}, 0) AS histogram,
                     NEW.duration_seconds AS lo, NEW.duration_seconds AS hi) n
        WHERE r.object_id = NEW.object_id AND r.status = {sql.status("NEW")} AND r.day = until;
        RETURN NULL;
    END IF;
    IF {sql.completed("OLD")} THEN
        PERFORM analytics_running_rebuild(
            ARRAY[OLD.object_id], ARRAY[CAST({sql.status("OLD")} AS VARCHAR)],
            ARRAY[{old_day}], until, false);
    END IF;
    IF TG_OP = 'UPDATE' AND {sql.completed("NEW")} THEN
        IF {new_day} > until THEN
            -- a new last day: the other objects reach it too
            PERFORM analytics_running_rebuild(array_agg(t.object_id), array_agg(t.status),
                                              array_agg(until + 1), {new_day}, false)
            FROM analytics_sync_totals t;
        END IF;
        PERFORM analytics_running_rebuild(
            ARRAY[NEW.object_id], ARRAY[CAST({sql.status("NEW")} AS VARCHAR)],
            ARRAY[LEAST({new_day}, COALESCE(until + 1, {new_day}))], GREATEST(until, {new_day}),
            false);
    END IF;
    RETURN NULL;
END""",
        ),
    ]


_WATCHED: Final = ("object_id", "phase", "finished_at", "duration_seconds")
"""The columns of ``sync_operations`` the running rollup depends on."""


def triggers() -> list[str]:
    """The triggers of ``sync_operations`` keeping the running rollup exact."""
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _WATCHED)
    return [
        "CREATE TRIGGER analytics_running_inserted AFTER INSERT ON sync_operations "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION analytics_running_inserted()",
        f"CREATE TRIGGER analytics_running_updated AFTER UPDATE OF {', '.join(_WATCHED)} "
        f"ON sync_operations FOR EACH ROW WHEN ({changed}) "
        "EXECUTE FUNCTION analytics_running_changed()",
        "CREATE TRIGGER analytics_running_deleted AFTER DELETE ON sync_operations "
        "FOR EACH ROW EXECUTE FUNCTION analytics_running_changed()",
    ]


def backfill() -> str:
    """SQL filling the running rollup from every stored operation."""
    status = sql.status("s")
    return f"""
    SELECT analytics_running_rebuild(array_agg(o), array_agg(s), array_agg(f), MAX(last), true)
    FROM (
        SELECT s.object_id AS o, CAST({status} AS VARCHAR) AS s, MIN({_DAY}) AS f,
               MAX({_DAY}) AS last
        FROM sync_operations s WHERE {sql.completed("s")} GROUP BY 1, 2
    ) x HAVING COUNT(*) > 0"""
