"""A new object's row holds its first state as written, whichever statement inserts it (one
raw statement on PostgreSQL, SQLAlchemy's on SQLite): every column, the definition as the
JSON text json.dumps writes, and ids in the order every writer locks objects in."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, Text, cast, select

from gitops_schema.store.object_rows import lock, sort_key, state_values
from gitops_schema.store.records import ObjectState, Origin
from gitops_schema.store.sources import argocd, flux
from gitops_schema.store.tables import objects
from gitops_schema.store.writing import Context

from .simulate import application, flux_event, sha

NOW = datetime(2026, 3, 9, 12, 0, 0, 123456, tzinfo=UTC)


def _states() -> list[ObjectState]:
    app = application("web", {"sync": {"status": "Synced"}, "health": {"status": "Healthy"}})
    app["app"]["metadata"]["annotations"] = {"note": 'é \u2028 "quoted"'}
    polled = {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": "apps", "namespace": "flux-system",
                     "creationTimestamp": "2026-01-02T03:04:05Z"},
        "spec": {"path": "./apps", "sourceRef": {"kind": "GitRepository", "name": "cfg"},
                 "targetNamespace": "apps"},
        "status": {"lastAppliedRevision": f"main@sha1:{sha(1)}"},
    }  # fmt: skip
    event = flux_event(
        "k-1", NOW - timedelta(minutes=5), revision=sha(2), severity="info",
        reason="ReconciliationSucceeded", message="Reconciliation finished in 2s",
    )  # fmt: skip
    return [
        argocd.parse_webhook(app, cluster_names={}).state,
        flux.parse_object(polled, cluster="prod").state,
        flux.parse_event(event, cluster="prod").state,
    ]


def test_new_objects_hold_their_first_state(engine: Engine) -> None:
    states = {state.key: state for state in _states()}
    with engine.begin() as connection:
        locked = lock(Context(connection, Origin.WEBHOOK, NOW), states)
        assert all(row.created for row in locked.values())
        rows = {row.id: row for row in connection.execute(select(objects))}
        text = cast(objects.c.definition, Text)
        texts = {row[0]: row[1] for row in connection.execute(select(objects.c.id, text))}
    by_id = sorted(locked.items(), key=lambda item: item[1].id)
    assert [key for key, _ in by_id] == sorted(states, key=sort_key)
    for key, row in by_id:
        stored = rows[row.id]
        assert (stored.tool, stored.cluster, stored.kind, stored.namespace, stored.name) == (
            sort_key(key)
        )
        assert stored.updated_at == NOW
        for name, value in state_values(states[key]).items():
            assert getattr(stored, name) == value, name
        assert texts[row.id] == json.dumps(states[key].definition)
