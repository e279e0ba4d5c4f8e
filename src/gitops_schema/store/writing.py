"""What the writers of one ingest transaction share.

The connection, the origin, the time of arrival and the counts of what was written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, String, Table, bindparam, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from gitops_schema.store.records import Origin
from gitops_schema.store.tables import UtcTime


@dataclass
class IngestCounts:
    """What one ingest call wrote."""

    objects: int = 0
    operations_inserted: int = 0
    operations_updated: int = 0
    operations_unchanged: int = 0
    health_inserted: int = 0
    deployments: int = 0

    def add(self, other: IngestCounts) -> None:
        """Add ``other``'s counts to these."""
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    def to_dict(self) -> dict[str, int]:
        """The counts as a JSON object."""
        return {item.name: getattr(self, item.name) for item in fields(self)}


# The version of a row (PostgreSQL): the transaction that wrote it and its place.
ROW_VERSION = "{table}.xmin::text || ':' || {table}.ctid::text"


@dataclass
class Context:
    """One ingest transaction, of one delivery or of several written together.

    ``now`` and ``counts`` are those of the delivery being written (:meth:`use`); rows
    written for several deliveries at once take the newest time of arrival.
    """

    connection: Connection
    origin: Origin
    now: datetime
    counts: IngestCounts = field(default_factory=IngestCounts)
    # Per delivery of the transaction: its time of arrival and its counts.
    arrivals: list[datetime] = field(default_factory=list)
    tallies: list[IngestCounts] = field(default_factory=list)
    # What to do once the transaction is committed (not when it is rolled back).
    committed: list[Callable[[], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.tallies:
            self.arrivals, self.tallies = [self.now], [self.counts]

    def use(self, delivery: int) -> None:
        """Write for delivery number ``delivery``: its time of arrival, its counts."""
        self.now, self.counts = self.arrivals[delivery], self.tallies[delivery]

    def use_all(self) -> None:
        """Write for every delivery: the newest time of arrival, the first one's counts."""
        self.now, self.counts = max(self.arrivals), self.tallies[0]

    def insert(self, table: Table) -> Any:
        """The dialect's INSERT of ``table`` (it has ON CONFLICT)."""
        dialect = postgresql if self.connection.dialect.name == "postgresql" else sqlite
        return dialect.insert(table)


# The place of a successful operation in its object's chain: (finished, started, digest).
ChainKey = tuple[datetime, datetime, str]


def chain_key(finished: datetime | None, started: datetime, digest: str) -> ChainKey:
    """The chain key of an operation (a success without a finish is placed at its start)."""
    return (finished or started, started, digest)


def bound(key: ChainKey) -> Any:
    """``key`` as typed SQL parameters, to compare with the chain columns."""
    # Typed: SQLite compares the times as the text the column type writes.
    return tuple_(
        bindparam(None, key[0], type_=UtcTime()),
        bindparam(None, key[1], type_=UtcTime()),
        bindparam(None, key[2], type_=String()),
    )


class Stored(NamedTuple):
    """A stored operation as the chain reads it (from statements written without Core)."""

    id: int
    object_id: int
    phase: str
    revision: str | None
    started_at: datetime
    finished_at: datetime | None
    digest: str


def stored(row: Any) -> Stored:
    """A raw row of the columns of :class:`Stored`, in their order."""
    return Stored(
        int(row[0]), int(row[1]), row[2], row[3], read_time(row[4]), read_time(row[5]), row[6]
    )


def sqlite_time(moment: datetime | None) -> str | None:
    """``moment`` as SQLite holds a ``UtcTime``: naive UTC text with microseconds."""
    if moment is None:
        return None
    known = _WRITTEN.get(moment)  # a batch writes the same few times many times
    if known is not None:
        return known
    if moment.tzinfo is UTC:  # as the parsers give times: "+00:00" cut
        if len(_WRITTEN) >= _READ_MAX:
            _WRITTEN.clear()
        known = _WRITTEN[moment] = moment.isoformat(" ", "microseconds")[:26]
        return known
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: the store keeps UTC instants only")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def read_time(value: Any) -> Any:
    """A time read back by the driver (SQLite text, PostgreSQL aware) as aware UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        # A batch reads the same few times back many times (events of one round).
        known = _READ.get(value)
        if known is None:
            if len(_READ) >= _READ_MAX:
                _READ.clear()
            known = _READ[value] = datetime.fromisoformat(value).replace(tzinfo=UTC)
        return known
    return value if value.tzinfo is UTC else value.astimezone(UTC)


_READ: dict[str, datetime] = {}
_WRITTEN: dict[datetime, str] = {}
_READ_MAX = 1 << 14


def pg_array(values: Iterable[Any]) -> str:
    """A PostgreSQL array literal of ``values`` (text, numbers, booleans, aware datetimes).

    Sent as one text parameter and cast (``%(x)s::text[]``): building the literal here
    costs a fraction of the driver's element-by-element adaptation of a list.
    """
    listed = list(values)
    if all(type(value) is int for value in listed):  # ids, the most common arrays
        return "{" + ",".join(map(str, listed)) + "}"
    return "{" + ",".join(map(_element, listed)) + "}"


def _element(value: Any) -> str:
    if value is None:
        return "NULL"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps UTC instants only")
        return value.isoformat()
    text = str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
