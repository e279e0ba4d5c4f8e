"""Fuzzing both webhook parsers through the HTTP app: any body gets 2xx or 4xx, never 5xx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitops_schema.store.tokens import Role

from ..store.simulate import flux_event, sha
from .conftest import Service, start_service

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
times = st.sampled_from(
    ["2026-03-02T10:00:00Z", "2026-03-02T10:00:00.123456789+02:00", "2026-02-30T10:00:00Z",
     "yesterday", "", "2026-03-02T10:00:00"]
) | st.text(max_size=30) | st.integers()  # fmt: skip
names = st.sampled_from(["web", "a" * 300, "", "x\u0000y", "ünï"]) | st.text(max_size=12) | scalars
phases = (
    st.sampled_from(["Running", "Succeeded", "Failed", "Error", "Terminating", "Odd"]) | scalars
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(None), strategy)


operation_states = st.fixed_dictionaries(
    {},
    optional={
        "phase": phases,
        "startedAt": times,
        "finishedAt": times,
        "message": names,
        "syncResult": st.fixed_dictionaries(
            {}, optional={"revision": names, "revisions": st.lists(names, max_size=3) | scalars}
        ) | scalars,
        "operation": json_values,
    },
)  # fmt: skip
history_entries = st.fixed_dictionaries(
    {}, optional={"deployedAt": times, "deployStartedAt": times, "revision": names,
                  "revisions": json_values, "initiatedBy": json_values, "id": scalars}
) | scalars  # fmt: skip
applications = st.fixed_dictionaries(
    {
        "app": st.fixed_dictionaries(
            {},
            optional={
                "kind": st.sampled_from(["Application", "Deployment"]) | scalars,
                "metadata": st.fixed_dictionaries(
                    {}, optional={"name": names, "namespace": names, "uid": names}
                ) | scalars,
                "spec": st.fixed_dictionaries(
                    {}, optional={"destination": json_values, "source": json_values,
                                  "sources": json_values, "project": names}
                ) | scalars,
                "status": st.fixed_dictionaries(
                    {}, optional={"operationState": operation_states | scalars,
                                  "history": st.lists(history_entries, max_size=3) | scalars,
                                  "health": json_values, "sync": json_values,
                                  "reconciledAt": times}
                ) | scalars,
            },
        ) | json_values
    }
)  # fmt: skip
flux_events = st.fixed_dictionaries(
    {},
    optional={
        "involvedObject": st.fixed_dictionaries(
            {}, optional={"kind": names, "name": names, "namespace": names, "apiVersion": names,
                          "uid": names}
        ) | scalars,
        "severity": st.sampled_from(["info", "error", "trace"]) | scalars,
        "timestamp": times,
        "message": st.sampled_from(["Reconciliation finished in 2m3.5s, next run in 5m",
                                    "finished in 99999999999h", "finished in ."]) | names,
        "reason": st.sampled_from(["ReconciliationSucceeded", "HealthCheckFailed"]) | names,
        "metadata": st.dictionaries(
            st.sampled_from(["kustomize.toolkit.fluxcd.io/revision", "revision", "x/revision"])
            | st.text(max_size=8), names, max_size=3) | scalars,
    },
)  # fmt: skip


# Valid deliveries, and valid deliveries with one value anywhere replaced by anything: most
# of them get far into the parsers and the database (2xx), the rest must get 4xx.
valid_times = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
).map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
valid_names = st.sampled_from(["web", "api", "db"])
revisions = st.sampled_from([sha(i) for i in range(3)])
valid_operations = st.fixed_dictionaries(
    {"phase": st.sampled_from(["Running", "Succeeded", "Failed", "Error"]),
     "startedAt": valid_times},
    optional={"finishedAt": valid_times, "message": st.text(max_size=20),
              "syncResult": st.fixed_dictionaries({"revision": revisions})},
)  # fmt: skip
valid_history = st.fixed_dictionaries(
    {"deployedAt": valid_times, "revision": revisions}, optional={"deployStartedAt": valid_times}
)
valid_applications = st.fixed_dictionaries(
    {
        "app": st.fixed_dictionaries(
            {
                "kind": st.just("Application"),
                "metadata": st.fixed_dictionaries(
                    {"name": valid_names, "namespace": st.just("argocd")}
                ),
                "spec": st.fixed_dictionaries(
                    {"destination": st.fixed_dictionaries({"name": valid_names})}
                ),
                "status": st.fixed_dictionaries(
                    {},
                    optional={
                        "operationState": valid_operations,
                        "history": st.lists(valid_history, max_size=3),
                        "health": st.fixed_dictionaries(
                            {"status": st.sampled_from(["Healthy", "Degraded"])},
                            optional={"lastTransitionTime": valid_times},
                        ),
                        "reconciledAt": valid_times,
                    },
                ),
            }
        )
    }
)  # fmt: skip
valid_flux_events = st.builds(
    lambda name, moment, revision, severity, reason, message: flux_event(
        name, datetime.fromisoformat(moment.replace("Z", "+00:00")), revision=revision,
        severity=severity, reason=reason, message=message,
    ),
    valid_names, valid_times, revisions, st.sampled_from(["info", "error"]),
    st.sampled_from(["ReconciliationSucceeded", "Progressing", "HealthCheckFailed"]),
    st.sampled_from(["Reconciliation finished in 2m3.5s, next run in 5m", "finished in 1h"]),
)  # fmt: skip


def leaf_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            paths += leaf_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths += leaf_paths(item, (*prefix, index))
    return paths


def mutated(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    def mutate(body: Any) -> st.SearchStrategy[Any]:
        def replace(path: tuple[Any, ...], value: Any) -> Any:
            if not path:
                return value
            copy = json.loads(json.dumps(body))
            target = copy
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = value
            return copy

        return st.builds(replace, st.sampled_from(leaf_paths(body)), json_values | times | names)

    return valid | valid.flatmap(mutate)


@pytest.fixture
def fuzzed(db_url: str, tmp_path: Path) -> Iterator[Service]:
    with start_service(db_url, tmp_path, rate_per_second=1e9, rate_burst=10**9) as started:
        yield started


def post_argocd(service: Service, body: bytes) -> int:
    answer = service.client.post(
        "/api/v1/events/argocd", content=body, headers=service.bearer(Role.INGEST)
    )
    assert answer.status_code < 500, answer.text
    return answer.status_code


def post_flux(service: Service, body: bytes, cluster: str = "c") -> int:
    answer = service.client.post(
        "/api/v1/events/flux", params={"cluster": cluster}, content=body,
        headers=service.signed(body),
    )  # fmt: skip
    assert answer.status_code < 500, answer.text
    return answer.status_code


@FUZZ
@given(
    body=mutated(valid_applications)
    | applications
    | st.lists(mutated(valid_applications), max_size=3)
)
def test_argocd_parser_fuzz(fuzzed: Service, body: Any) -> None:
    post_argocd(fuzzed, json.dumps(body).encode())


@FUZZ
@given(
    body=mutated(valid_flux_events) | flux_events | st.lists(valid_flux_events, max_size=3),
    cluster=names,
)
def test_flux_parser_fuzz(fuzzed: Service, body: Any, cluster: Any) -> None:
    post_flux(fuzzed, json.dumps(body).encode(), cluster if isinstance(cluster, str) else "c")


@FUZZ
@given(body=st.binary(max_size=200))
def test_raw_bytes_fuzz(fuzzed: Service, body: bytes) -> None:
    post_argocd(fuzzed, body)
    post_flux(fuzzed, body)
