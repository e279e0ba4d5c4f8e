"""Idempotent ingest: observations -> rows, the same rows whatever the order or repetition.

Every observation is written under a lock on its object's row (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite transactions start with ``BEGIN IMMEDIATE``), so several ``serve``
processes can ingest at once. The natural keys are unique constraints:

- an operation: object + ``started_at`` + ``digest`` (``""`` for Argo CD, whose operations
  are keyed by app + startedAt; the event's content digest for Flux; ``"history"`` for an
  Argo CD history entry without ``deployStartedAt``, whose started_at is its deployedAt);
- an Argo CD history entry: object + ``deployed_at``. An entry with ``deployStartedAt`` is the
  operation that started then; one without it is matched to the successful operation of the
  same revision that finished within :data:`HISTORY_MATCH` of its ``deployedAt``;
- a health transition: object + time.

Derived rows are kept exact after every write: ``deployments`` holds each successful
operation whose revision differs from the object's previous successful one (ordered by finish
time), and ``health_transitions`` drops an observation of the status the object already had.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    String,
    Table,
    bindparam,
    case,
    delete,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ColumnElement

from gitops_schema.store.records import (
    HISTORY_DIGEST,
    HealthSample,
    ObjectKey,
    ObjectState,
    Observation,
    Operation,
    Origin,
    Phase,
)
from gitops_schema.store.sources.git import GitHistory
from gitops_schema.store.tables import (
    UtcTime,
    commits,
    config_revisions,
    deployments,
    health_transitions,
    objects,
    sync_operations,
)

# Argo CD stamps a history entry's deployedAt just before the operation's finishedAt.
HISTORY_MATCH = timedelta(minutes=2)
# PostgreSQL serialization failures and deadlocks are retried this many times.
RETRIES = 5
_RETRY_STATES = {"40001", "40P01"}


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


def ingest(
    engine: Engine,
    observations: Sequence[Observation],
    *,
    origin: Origin,
    received_at: datetime | None = None,
) -> IngestCounts:
    """Write ``observations`` in one transaction (retried on PostgreSQL conflicts)."""
    ordered = sorted(observations, key=lambda o: _sort_key(o.state.key))
    now = received_at or datetime.now(UTC)
    for attempt in range(RETRIES):
        try:
            with engine.begin() as connection:
                return _Writer(connection, origin, now).write(ordered)
        except DBAPIError as error:
            state = getattr(error.orig, "sqlstate", None)
            if state not in _RETRY_STATES or attempt == RETRIES - 1:
                raise
            time.sleep(0.01 * 2**attempt)
    raise AssertionError("unreachable: the last attempt re-raises")


def _sort_key(key: ObjectKey) -> tuple[str, ...]:
    # One lock order for every writer, so concurrent batches cannot deadlock.
    return (key.tool.value, key.cluster, key.kind, key.namespace, key.name)


def _insert(connection: Connection, table: Table) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


@dataclass
class _Writer:
    connection: Connection
    origin: Origin
    now: datetime
    counts: IngestCounts = field(default_factory=IngestCounts)

    def write(self, observations: Sequence[Observation]) -> IngestCounts:
        for _, grouped in groupby(observations, key=lambda o: o.state.key):
            group = list(grouped)
            if len(group) > 1 and all(_event_only(o) for o in group):
                self._event_group(group)
            else:
                self._each(group)
        return self.counts

    def _each(self, observations: list[Observation]) -> None:
        for observation in observations:
            object_id = self._object(observation.state)
            # One query finds the stored rows a payload's operations can be (a payload repeats
            # the same history entries again and again); it is re-read only after a change.
            known = self._known(object_id, observation.operations)
            for operation in observation.operations:
                if self._operation(object_id, operation, known):
                    known = self._known(object_id, observation.operations)
            if observation.state.partial and observation.operations:
                self._refresh_event_state(object_id)
            for sample in observation.health:
                self._health(object_id, sample)

    # objects ---------------------------------------------------------------------------

    def _object(self, state: ObjectState) -> int:
        """The object's id, its row locked for this transaction.

        Its state is updated when the payload's is not older than the stored one.
        """
        key = state.key
        locked = (
            select(objects.c.id, objects.c.observed_at)
            .where(
                objects.c.tool == key.tool.value,
                objects.c.cluster == key.cluster,
                objects.c.kind == key.kind,
                objects.c.namespace == key.namespace,
                objects.c.name == key.name,
            )
            .with_for_update()
        )
        values = _state_values(state)
        self.counts.objects += 1
        row = self.connection.execute(locked).first()
        if row is None:
            inserted = self.connection.execute(
                _insert(self.connection, objects)
                .values(
                    tool=key.tool.value,
                    cluster=key.cluster,
                    kind=key.kind,
                    namespace=key.namespace,
                    name=key.name,
                    updated_at=self.now,
                    **values,
                )
                .on_conflict_do_nothing()
                .returning(objects.c.id)
            ).first()
            if inserted is not None:
                return int(inserted.id)
            # Another writer inserted it meanwhile; its row is ours once it commits.
            row = self.connection.execute(locked).one()
        newer = state.observed_at is not None and (
            row.observed_at is None or state.observed_at >= row.observed_at
        )
        if newer or (row.observed_at is None and state.observed_at is None):
            changes = {k: v for k, v in values.items() if v is not None}
            if state.partial:
                changes.pop("definition", None)
            if not state.api_version:
                changes.pop("api_version", None)
            self.connection.execute(
                update(objects).where(objects.c.id == row.id).values(updated_at=self.now, **changes)
            )
        return int(row.id)

    def _refresh_event_state(self, object_id: int) -> None:
        """Derive the revision and sync status of an object known from events.

        The revision is its latest success's, the status its latest outcome's (Ready or
        NotReady). An event alone cannot say whether a later one was stored, so both are read back
        from the operations, whatever the arrival order.
        """
        ops = sync_operations.c
        newest = (ops.finished_at.desc(), ops.started_at.desc(), ops.digest.desc())
        mine = select(ops.revision).where(ops.object_id == object_id)
        revision = mine.where(ops.phase == Phase.SUCCEEDED.value).order_by(*newest).limit(1)
        phase = select(ops.phase).where(ops.object_id == object_id).order_by(*newest).limit(1)
        status = case((phase.scalar_subquery() == Phase.SUCCEEDED.value, "Ready"), else_="NotReady")
        self.connection.execute(
            update(objects)
            .where(objects.c.id == object_id)
            .values(revision=revision.scalar_subquery(), sync_status=status)
        )

    def _event_group(self, group: list[Observation]) -> None:
        """Several events of one object in one batch, written in bulk.

        Their object state is the newest one (an event's state only has fields whose
        newest value wins); their operations, keyed by content, are inserted in one
        statement, and the deployments re-derived once from the earliest new success on.
        """
        newest = max(group, key=lambda o: o.state.observed_at or datetime.min.replace(tzinfo=UTC))
        object_id = self._object(newest.state)
        self.counts.objects += len(group) - 1
        unique = {(op.started_at, op.digest): op for o in group for op in o.operations}
        if not unique:
            return
        rows = [
            {"object_id": object_id, "origin": self.origin.value, "received_at": self.now,
             **_operation_values(op)}
            for op in unique.values()
        ]  # fmt: skip
        inserted = self.connection.execute(
            _insert(self.connection, sync_operations)
            .values(rows)
            .on_conflict_do_nothing()
            .returning(sync_operations.c.phase, sync_operations.c.finished_at,
                       sync_operations.c.started_at, sync_operations.c.digest)
        ).all()  # fmt: skip
        self.counts.operations_inserted += len(inserted)
        self.counts.operations_unchanged += sum(len(o.operations) for o in group) - len(inserted)
        successes = [
            _chain_key(row.finished_at, row.started_at, row.digest)
            for row in inserted
            if row.phase == Phase.SUCCEEDED
        ]
        if successes:
            self._rederive_from(object_id, min(successes))
        if inserted:
            self._refresh_event_state(object_id)

    def _rederive_from(self, object_id: int, first: tuple[Any, ...]) -> None:
        """Re-derive the deployments of every success from ``first`` on."""
        ops = sync_operations.c
        previous = self._neighbour(object_id, first, after=False)
        later = self.connection.execute(
            select(sync_operations)
            .where(
                ops.object_id == object_id,
                ops.phase == Phase.SUCCEEDED.value,
                tuple_(ops.finished_at, ops.started_at, ops.digest) >= _bound(first),
            )
            .order_by(ops.finished_at, ops.started_at, ops.digest)
        ).all()
        wanted: dict[int, dict[str, Any]] = {}
        before = previous.revision if previous is not None else None
        for row in later:
            if row.revision and (before is None or before != row.revision):
                wanted[row.id] = {
                    "revision": row.revision,
                    "previous_revision": before,
                    "started_at": row.started_at,
                    "finished_at": row.finished_at,
                }
            before = row.revision
        ids = [row.id for row in later]
        existing = {
            row.sync_operation_id: row
            for start in range(0, len(ids), 500)
            for row in self.connection.execute(
                select(deployments).where(
                    deployments.c.sync_operation_id.in_(ids[start : start + 500])
                )
            )
        }
        for operation_id, row in existing.items():
            if operation_id not in wanted:
                self.connection.execute(delete(deployments).where(deployments.c.id == row.id))
            elif any(getattr(row, k) != v for k, v in wanted[operation_id].items()):
                self.connection.execute(
                    update(deployments)
                    .where(deployments.c.id == row.id)
                    .values(**wanted[operation_id])
                )
        new = [
            {"object_id": object_id, "sync_operation_id": operation_id, **values}
            for operation_id, values in wanted.items()
            if operation_id not in existing
        ]
        if new:
            self.connection.execute(deployments.insert(), new)
            self.counts.deployments += len(new)

    # operations ------------------------------------------------------------------------

    def _known(self, object_id: int, operations: list[Operation]) -> list[Row[Any]]:
        if not operations:
            return []
        ops = sync_operations.c
        starts = {operation.started_at for operation in operations}
        deployed = {o.deployed_at for o in operations if o.deployed_at is not None}
        matches: ColumnElement[bool] = ops.started_at.in_(starts)
        if deployed:
            matches = or_(matches, ops.deployed_at.in_(deployed))
        query = select(sync_operations).where(ops.object_id == object_id, matches)
        return list(self.connection.execute(query).all())

    def _operation(self, object_id: int, operation: Operation, known: list[Row[Any]]) -> bool:
        """Store one operation; whether anything changed."""
        existing = self._matching_operation(object_id, operation, known)
        if existing is None:
            values = _operation_values(operation)
            new_id = self.connection.execute(
                _insert(self.connection, sync_operations)
                .values(
                    object_id=object_id,
                    origin=self.origin.value,
                    received_at=self.now,
                    **values,
                )
                .returning(sync_operations.c.id)
            ).scalar_one()
            self.counts.operations_inserted += 1
            if operation.phase is Phase.SUCCEEDED:
                self._refresh_deployments(object_id, new_id, old_key=None)
            return True
        return self._fold(object_id, existing, operation)

    def _fold(self, object_id: int, existing: Row[Any], operation: Operation) -> bool:
        """Fold ``operation`` into the stored row of the same sync; whether anything changed."""
        merged = _merge(existing, operation)
        if not merged:
            self.counts.operations_unchanged += 1
            return False
        same_sync = self._holder_of_key(existing, merged)
        if same_sync is not None:
            self._drop_operation(object_id, existing)
            self._fold(object_id, same_sync, operation)
            return True
        self.connection.execute(
            update(sync_operations).where(sync_operations.c.id == existing.id).values(**merged)
        )
        self.counts.operations_updated += 1
        if not _CHAIN_COLUMNS & merged.keys():
            return True  # e.g. a history entry's deployedAt: the chain of successes is as it was
        old_key = (
            _chain_key(existing.finished_at, existing.started_at, existing.digest)
            if existing.phase == Phase.SUCCEEDED
            else None
        )
        self._refresh_deployments(object_id, existing.id, old_key=old_key)
        return True

    def _holder_of_key(self, existing: Row[Any], merged: dict[str, Any]) -> Row[Any] | None:
        """Another stored operation that already has the key ``merged`` gives ``existing``.

        A history entry stored before its start time was known and an operationState stored
        unpaired are the same sync once an entry with both deployedAt and deployStartedAt
        arrives: the entry then names both rows.
        """
        if "started_at" not in merged and "digest" not in merged:
            return None
        ops = sync_operations.c
        return self.connection.execute(
            select(sync_operations).where(
                ops.object_id == existing.object_id,
                ops.started_at == merged.get("started_at", existing.started_at),
                ops.digest == merged.get("digest", existing.digest),
                ops.id != existing.id,
            )
        ).first()

    def _drop_operation(self, object_id: int, row: Row[Any]) -> None:
        """Delete a row found to repeat another's sync, keeping the chain of deployments."""
        self.connection.execute(
            delete(deployments).where(deployments.c.sync_operation_id == row.id)
        )
        self.connection.execute(delete(sync_operations).where(sync_operations.c.id == row.id))
        if row.phase == Phase.SUCCEEDED:
            after = self._neighbour(
                object_id, _chain_key(row.finished_at, row.started_at, row.digest), after=True
            )
            if after is not None:
                self._derive_deployment(object_id, after.id)

    def _matching_operation(
        self, object_id: int, operation: Operation, known: list[Row[Any]]
    ) -> Row[Any] | None:
        if operation.deployed_at is not None:
            for row in known:
                if row.deployed_at == operation.deployed_at:
                    return row
        for row in known:
            if row.started_at == operation.started_at and row.digest == operation.digest:
                return row
        if operation.keyed_by_content:
            return None
        base = select(sync_operations).where(sync_operations.c.object_id == object_id)
        return self._paired_argocd_operation(base, operation)

    def _paired_argocd_operation(self, base: Any, operation: Operation) -> Row[Any] | None:
        """A history entry and an operation that are the same sync by revision and time.

        Used when start times cannot say so: same revision, finished within
        :data:`HISTORY_MATCH` of each other.
        """
        ops = sync_operations.c
        if operation.phase is not Phase.SUCCEEDED or operation.finished_at is None:
            return None
        if operation.deployed_at is not None and operation.started_at_exact:
            return None  # an entry with deployStartedAt matched by start time or nothing
        query = base.where(
            ops.phase == Phase.SUCCEEDED.value,
            ops.revision == operation.revision,
            ops.finished_at.between(
                operation.finished_at - HISTORY_MATCH, operation.finished_at + HISTORY_MATCH
            ),
        )
        if operation.deployed_at is not None:
            query = query.where(ops.digest == "", ops.deployed_at.is_(None))
        else:
            query = query.where(ops.digest == HISTORY_DIGEST)
        candidates = self.connection.execute(query).all()
        if not candidates:
            return None
        return min(candidates, key=lambda row: abs(row.finished_at - operation.finished_at))

    # deployments -----------------------------------------------------------------------

    def _refresh_deployments(
        self, object_id: int, operation_id: int, old_key: tuple[Any, ...] | None
    ) -> None:
        """Re-derive the deployment flags the change of one operation can affect.

        Those are its own and those of the successful operations right after its old and
        new places in the object's chain of successes.
        """
        row = self.connection.execute(
            select(sync_operations).where(sync_operations.c.id == operation_id)
        ).one()
        to_check = {operation_id}
        if old_key is not None:
            after_old = self._neighbour(object_id, old_key, after=True)
            if after_old is not None:
                to_check.add(after_old.id)
        if row.phase == Phase.SUCCEEDED:
            key = _chain_key(row.finished_at, row.started_at, row.digest)
            after_new = self._neighbour(object_id, key, after=True)
            if after_new is not None:
                to_check.add(after_new.id)
        for checked in sorted(to_check):
            self._derive_deployment(object_id, checked)

    def _neighbour(self, object_id: int, key: tuple[Any, ...], *, after: bool) -> Row[Any] | None:
        ops = sync_operations.c
        order = tuple_(ops.finished_at, ops.started_at, ops.digest)
        bound = _bound(key)
        query = select(sync_operations).where(
            ops.object_id == object_id, ops.phase == Phase.SUCCEEDED.value
        )
        if after:
            query = query.where(order > bound).order_by(ops.finished_at, ops.started_at, ops.digest)
        else:
            query = query.where(order < bound).order_by(
                ops.finished_at.desc(), ops.started_at.desc(), ops.digest.desc()
            )
        return self.connection.execute(query.limit(1)).first()

    def _derive_deployment(self, object_id: int, operation_id: int) -> None:
        row = self.connection.execute(
            select(sync_operations).where(sync_operations.c.id == operation_id)
        ).one()
        existing = self.connection.execute(
            select(deployments).where(deployments.c.sync_operation_id == operation_id)
        ).first()
        previous = None
        is_deployment = False
        if row.phase == Phase.SUCCEEDED and row.revision:
            previous = self._neighbour(
                object_id, _chain_key(row.finished_at, row.started_at, row.digest), after=False
            )
            is_deployment = previous is None or previous.revision != row.revision
        if not is_deployment:
            if existing is not None:
                self.connection.execute(delete(deployments).where(deployments.c.id == existing.id))
            return
        values = {
            "revision": row.revision,
            "previous_revision": previous.revision if previous is not None else None,
            "started_at": row.started_at,
            "finished_at": row.finished_at,
        }
        if existing is None:
            self.connection.execute(
                deployments.insert().values(
                    object_id=object_id, sync_operation_id=operation_id, **values
                )
            )
            self.counts.deployments += 1
        elif any(getattr(existing, name) != value for name, value in values.items()):
            self.connection.execute(
                update(deployments).where(deployments.c.id == existing.id).values(**values)
            )

    # health ----------------------------------------------------------------------------

    def _health(self, object_id: int, sample: HealthSample) -> None:
        rows = health_transitions.c
        same_time = self.connection.execute(
            select(health_transitions).where(
                rows.object_id == object_id, rows.transitioned_at == sample.since
            )
        ).first()
        if same_time is not None:
            if sample.exact and not same_time.exact:
                self.connection.execute(
                    update(health_transitions)
                    .where(rows.id == same_time.id)
                    .values(status=sample.status, message=sample.message, exact=True)
                )
            return
        before = self.connection.execute(
            select(health_transitions)
            .where(rows.object_id == object_id, rows.transitioned_at < sample.since)
            .order_by(rows.transitioned_at.desc())
            .limit(1)
        ).first()
        if not sample.exact and before is not None and before.status == sample.status:
            return
        self.connection.execute(
            health_transitions.insert().values(
                object_id=object_id,
                status=sample.status,
                message=sample.message,
                transitioned_at=sample.since,
                exact=sample.exact,
                origin=self.origin.value,
            )
        )
        self.counts.health_inserted += 1
        after = self.connection.execute(
            select(health_transitions)
            .where(rows.object_id == object_id, rows.transitioned_at > sample.since)
            .order_by(rows.transitioned_at)
            .limit(1)
        ).first()
        if after is not None and not after.exact and after.status == sample.status:
            # It was not a transition: the object already had this status.
            self.connection.execute(delete(health_transitions).where(rows.id == after.id))


# The columns that place a successful operation in its object's chain of deployments.
_CHAIN_COLUMNS = {"phase", "revision", "started_at", "finished_at", "digest"}


def _bound(key: tuple[Any, ...]) -> Any:
    # Typed parameters: SQLite compares the times as the text the column type writes.
    return tuple_(
        bindparam(None, key[0], type_=UtcTime()),
        bindparam(None, key[1], type_=UtcTime()),
        bindparam(None, key[2], type_=String()),
    )


def _event_only(observation: Observation) -> bool:
    """A Flux event: a partial state whose operations are keyed by their content."""
    return observation.state.partial and all(
        operation.keyed_by_content for operation in observation.operations
    )


def _chain_key(finished: datetime | None, started: datetime, digest: str) -> tuple[Any, ...]:
    return (finished or started, started, digest)


def _state_values(state: ObjectState) -> dict[str, Any]:
    return {
        "api_version": state.api_version,
        "definition": state.definition,
        "uid": state.uid,
        "project": state.project,
        "source_url": state.source_url,
        "source_path": state.source_path,
        "target_revision": state.target_revision,
        "dest_server": state.dest_server,
        "dest_namespace": state.dest_namespace,
        "sync_status": state.sync_status,
        "health_status": state.health_status,
        "revision": state.revision,
        "message": state.message,
        "created_at": state.created_at,
        "observed_at": state.observed_at,
    }


def _operation_values(operation: Operation) -> dict[str, Any]:
    finished = operation.finished_at
    if finished is None and operation.phase.completed:
        finished = operation.started_at
    return {
        "digest": operation.digest,
        "revision": operation.revision,
        "phase": operation.phase.value,
        "reason": operation.reason,
        "message": operation.message,
        "started_at": operation.started_at,
        "started_at_exact": operation.started_at_exact,
        "finished_at": finished,
        "duration_seconds": operation.duration_seconds,
        "deployed_at": operation.deployed_at,
        "initiated_by": operation.initiated_by,
        "resources": operation.resources,
    }


def _merge(existing: Row[Any], operation: Operation) -> dict[str, Any]:
    """The column changes that fold ``operation`` into the stored one; {} when none.

    The result does not depend on arrival order: a completed phase beats a running one,
    an exact start beats a history entry's deployedAt, an operationState's finishedAt beats
    a history entry's deployedAt, and the duration follows from the merged times.
    """
    if operation.keyed_by_content:
        return {}  # a Flux event's key is its whole content: the same event, unchanged
    new = _operation_values(operation)
    merged: dict[str, Any] = {}
    completes = Phase(new["phase"]).completed and not Phase(existing.phase).completed
    is_state = operation.deployed_at is None
    if completes:
        for name in ("phase", "message", "resources", "reason"):
            merged[name] = new[name]
    for name in ("revision", "message", "initiated_by", "resources", "reason"):
        if getattr(existing, name) is None and new[name] is not None:
            merged.setdefault(name, new[name])
    if operation.started_at_exact and not existing.started_at_exact:
        merged["started_at"] = operation.started_at
        merged["started_at_exact"] = True
        merged["digest"] = ""
    if existing.deployed_at is None and operation.deployed_at is not None:
        merged["deployed_at"] = operation.deployed_at
    if new["finished_at"] is not None and (
        existing.finished_at is None
        or (is_state and operation.phase.completed and existing.deployed_at is not None)
    ):
        merged["finished_at"] = new["finished_at"]
    started = merged.get("started_at", existing.started_at)
    exact = merged.get("started_at_exact", existing.started_at_exact)
    finished = merged.get("finished_at", existing.finished_at)
    duration = (finished - started).total_seconds() if exact and finished else None
    if duration != existing.duration_seconds and (finished or not existing.finished_at):
        merged["duration_seconds"] = duration
    return {name: value for name, value in merged.items() if getattr(existing, name) != value}


def ingest_git(engine: Engine, history: GitHistory) -> tuple[int, int]:
    """Store a repository's commits and config revisions; how many of each were new.

    Keys: repository + sha for a commit; repository + sha + path + object for a revision.
    """
    commit_rows = [{"repo": history.repo, **vars(commit)} for commit in history.commits]
    revision_rows = [{"repo": history.repo, **vars(revision)} for revision in history.revisions]
    with engine.begin() as connection:
        before = (
            _count(connection, commits, history.repo),
            _count(connection, config_revisions, history.repo),
        )
        for table, rows in ((commits, commit_rows), (config_revisions, revision_rows)):
            for start in range(0, len(rows), 500):
                connection.execute(
                    _insert(connection, table).on_conflict_do_nothing(), rows[start : start + 500]
                )
        after = (
            _count(connection, commits, history.repo),
            _count(connection, config_revisions, history.repo),
        )
    return after[0] - before[0], after[1] - before[1]


def _count(connection: Connection, table: Table, repo: str) -> int:
    query = select(func.count()).select_from(table).where(table.c.repo == repo)
    return int(connection.execute(query).scalar_one())
