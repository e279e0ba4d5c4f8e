from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gitops_schema.store.records import Phase, Tool
from gitops_schema.store.redact import redact
from gitops_schema.store.sources import argocd, flux
from gitops_schema.store.sources.payload import PayloadError, format_time, parse_time

from .simulate import application, flux_event, sha

SHA = sha("x")


def test_argocd_application_gives_state_operation_history_and_health() -> None:
    status = {
        "sync": {"status": "Synced", "revision": SHA},
        "health": {"status": "Healthy", "lastTransitionTime": "2026-03-02T10:02:00Z"},
        "operationState": {
            "phase": "Failed",
            "message": "one or more objects failed to apply",
            "startedAt": "2026-03-02T10:00:00Z",
            "finishedAt": "2026-03-02T10:00:30.5Z",
            "syncResult": {"revisions": [SHA, sha("y")]},
            "operation": {"initiatedBy": {"username": "alice"}},
        },
        "history": [{"id": 4, "revision": SHA, "deployedAt": "2026-03-01T09:00:00Z"}],
        "reconciledAt": "2026-03-02T10:03:00Z",
    }
    observation = argocd.parse_webhook(application("web", status, cluster="prod-us"))
    state = observation.state
    assert (state.key.tool, state.key.cluster, state.key.namespace, state.key.name) == (
        Tool.ARGOCD, "prod-us", "argocd", "web",
    )  # fmt: skip
    assert (state.sync_status, state.health_status, state.revision) == ("Synced", "Healthy", SHA)
    assert state.observed_at == datetime(2026, 3, 2, 10, 3, tzinfo=UTC)
    failed, entry = observation.operations
    assert failed.phase is Phase.FAILED
    assert failed.revision == f"{SHA},{sha('y')}"
    assert failed.duration_seconds == 30.5
    assert failed.initiated_by == "alice"
    assert entry.phase is Phase.SUCCEEDED
    assert entry.deployed_at == entry.started_at == datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert not entry.started_at_exact
    (health,) = observation.health
    assert (health.status, health.exact) == ("Healthy", True)


def test_argocd_cluster_from_server() -> None:
    body = application("a", {})
    destination = body["app"]["spec"]["destination"]
    destination.pop("name")
    destination["server"] = "https://kubernetes.default.svc"
    assert argocd.parse_webhook(body).state.key.cluster == "in-cluster"
    destination["server"] = "https://10.0.0.1:6443"
    names = {"https://10.0.0.1:6443": "edge"}
    assert argocd.parse_webhook(body, cluster_names=names).state.key.cluster == "edge"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ([], "body: expected an object"),
        ({"application": {}}, '"app" is missing'),
        ({"app": {"metadata": {}}}, "app.metadata.name: required"),
        ({"app": {"metadata": {"name": 3}}}, "app.metadata.name: expected a string"),
        ({"app": {"kind": "Deployment", "metadata": {"name": "a"}}}, "app.kind: expected"),
        (
            {"app": {"metadata": {"name": "a"}, "status": {"operationState": {"phase": "Odd"}}}},
            "app.status.operationState.phase: unknown phase 'Odd'",
        ),
        (
            {"app": {"metadata": {"name": "a"},
                     "status": {"history": [{"deployedAt": "yesterday"}]}}},
            "app.status.history[0].deployedAt: not an RFC 3339 timestamp",
        ),
        (
            {"app": {"metadata": {"name": "a"}, "status": {"operationState": {
                "phase": "Succeeded", "startedAt": "yesterday"}}}},
            "app.status.operationState.startedAt: not an RFC 3339 timestamp",
        ),
        (
            {"app": {"metadata": {"name": "a"}, "status": {"history": [
                {"deployedAt": "2026-03-01T09:00:00Z", "revisions": [1]}]}}},
            "app.status.history[0].revisions: expected a list of strings",
        ),
        (
            {"app": {"metadata": {"name": "a"}, "status": {"health": {
                "status": "Healthy", "lastTransitionTime": "soon"}}}},
            "app.status.health.lastTransitionTime: not an RFC 3339 timestamp",
        ),
        ({"app": {"metadata": {"name": "a"}, "status": {"sync": {"status": 1}}}},
         "app.status.sync.status: expected a string"),
        ({"app": {"metadata": {"name": "a"}, "spec": {"destination": {"name": 1}}}},
         "app.spec.destination.name: expected a string"),
        ({"app": {"metadata": {"name": "a"}, "spec": {"sources": [{"repoURL": 1}]}}},
         "app.spec.sources[0].repoURL: expected a string"),
    ],
)  # fmt: skip
def test_argocd_bad_payloads_name_the_field(body: object, reason: str) -> None:
    with pytest.raises(PayloadError, match=None) as raised:
        argocd.parse_webhook(body)
    assert reason in str(raised.value)


def test_flux_success_event_revision_duration_and_digest() -> None:
    moment = datetime(2026, 3, 2, 10, 0, 25, tzinfo=UTC)
    body = flux_event(
        "apps", moment, revision=SHA, severity="info", reason="ReconciliationSucceeded",
        message="Reconciliation finished in 1m2.5s, next run in 10m0s",
    )  # fmt: skip
    observation = flux.parse_event(body, cluster="eu")
    (operation,) = observation.operations
    assert operation.phase is Phase.SUCCEEDED
    assert operation.revision == SHA
    assert operation.duration_seconds == 62.5
    assert operation.finished_at == moment
    assert operation.started_at == datetime(2026, 3, 2, 9, 59, 22, 500000, tzinfo=UTC)
    assert operation.digest == flux.event_digest(dict(reversed(body.items())), "eu")
    assert flux.parse_event(redact(body), cluster="eu").operations[0].digest == operation.digest
    assert operation.digest != flux.event_digest(body, "us")
    assert observation.state.partial and observation.state.key.cluster == "eu"


def test_flux_outcomes() -> None:
    moment = datetime(2026, 3, 2, 10, tzinfo=UTC)
    failed = flux_event("a", moment, revision=SHA, severity="error", reason="HealthCheckFailed",
                        message="health check failed")  # fmt: skip
    (operation,) = flux.parse_event(failed, cluster="c").operations
    assert (operation.phase, operation.duration_seconds) == (Phase.FAILED, None)
    progress = flux_event("a", moment, revision=SHA, severity="info", reason="Progressing",
                          message="Deployment/default/web configured")  # fmt: skip
    assert flux.parse_event(progress, cluster="c").operations == []


@pytest.mark.parametrize(
    ("revision", "commit"),
    [
        (f"main@sha1:{SHA}", SHA),
        (f"sha1:{SHA}", SHA),
        (f"main/{SHA}", SHA),
        (SHA, SHA),
        ("v1.2.3@sha256:" + "a" * 64, "v1.2.3@sha256:" + "a" * 64),
        ("6.6.1+0cc9a8446c95", "6.6.1+0cc9a8446c95"),
    ],
)
def test_flux_revisions(revision: str, commit: str) -> None:
    assert flux.commit_of(revision) == commit


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("text", "body: expected an event object"),
        ({}, "involvedObject: required"),
        ({"involvedObject": {"kind": "Kustomization", "name": "a"}, "severity": "warn",
          "timestamp": "2026-03-02T10:00:00Z"}, "severity: expected one of"),
        ({"involvedObject": {"kind": "Kustomization", "name": "a"}, "severity": "info"},
         "timestamp: required"),
        ({"involvedObject": {"kind": "Kustomization", "name": "a"}, "severity": "info",
          "timestamp": "2026-03-02T10:00:00"}, "timestamp: timestamp without a time zone"),
    ],
)  # fmt: skip
def test_flux_bad_payloads_name_the_field(body: object, reason: str) -> None:
    with pytest.raises(PayloadError) as raised:
        flux.parse_event(body, cluster="c")
    assert reason in str(raised.value)


def test_times_nanoseconds_and_format() -> None:
    parsed = parse_time("2026-03-02T10:00:00.123456789+02:00", "t")
    assert parsed == datetime(2026, 3, 2, 8, 0, 0, 123456, tzinfo=UTC)
    assert format_time(parsed) == "2026-03-02T08:00:00.123456Z"
    assert format_time(datetime(2026, 3, 2, 8, tzinfo=UTC)) == "2026-03-02T08:00:00Z"
    # read again (remembered): the same instant; a refusal names each caller's field
    assert parse_time("2026-03-02T10:00:00.123456789+02:00", "u") == parsed
    for where in ("a.time", "b.time"):
        with pytest.raises(PayloadError, match=f"{where}: timestamp without a time zone"):
            parse_time("2026-03-02T10:00:00", where)


def helm_event(moment: datetime, reason: str, version: str, severity: str = "info") -> object:
    return {
        "involvedObject": {
            "kind": "HelmRelease", "namespace": "apps", "name": "podinfo",
            "apiVersion": "helm.toolkit.fluxcd.io/v2",
        },
        "severity": severity,
        "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "message": f"Helm {reason} for release apps/podinfo.v2 with chart podinfo@{version}",
        "reason": reason,
        "metadata": {
            "helm.toolkit.fluxcd.io/revision": version,
            "helm.toolkit.fluxcd.io/token": "sha256:" + "b" * 64,
        },
        "reportingController": "helm-controller",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("reason", "severity", "phase"),
    [
        ("InstallSucceeded", "info", Phase.SUCCEEDED),
        ("UpgradeSucceeded", "info", Phase.SUCCEEDED),
        ("TestSucceeded", "info", Phase.SUCCEEDED),
        ("RollbackSucceeded", "info", Phase.SUCCEEDED),
        ("UpgradeFailed", "error", Phase.FAILED),
        ("TestFailed", "error", Phase.FAILED),
        ("InstallFailed", "error", Phase.FAILED),
        ("UninstallSucceeded", "info", None),
    ],
)
def test_helmrelease_outcomes(reason: str, severity: str, phase: Phase | None) -> None:
    moment = datetime(2026, 3, 2, 10, tzinfo=UTC)
    observation = flux.parse_event(helm_event(moment, reason, "6.6.1", severity), cluster="c")
    assert [o.phase for o in observation.operations] == ([phase] if phase else [])
    for operation in observation.operations:
        assert (operation.revision, operation.reason) == ("6.6.1", reason)
        assert operation.finished_at == moment


def helm_release(history: list[dict[str, object]], ready: str, reason: str) -> dict[str, object]:
    return {
        "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
        "metadata": {"name": "podinfo", "namespace": "apps", "uid": "9e1"},
        "spec": {"chart": {"spec": {"chart": "podinfo",
                                    "sourceRef": {"kind": "HelmRepository", "name": "podinfo"}}}},
        "status": {
            "conditions": [{"type": "Ready", "status": ready, "reason": reason,
                            "lastTransitionTime": "2026-03-03T10:00:00Z", "message": reason}],
            "history": history,
        },
    }  # fmt: skip


def snapshot(version: int, chart: str, status: str, deployed: str) -> dict[str, object]:
    return {"name": "podinfo", "namespace": "apps", "version": version, "chartName": "podinfo",
            "chartVersion": chart, "configDigest": f"sha256:{version}", "status": status,
            "firstDeployed": "2026-03-01T09:00:00Z", "lastDeployed": deployed}  # fmt: skip


def test_helmrelease_history_snapshots_are_its_releases() -> None:
    history = [
        snapshot(3, "6.6.2", "failed", "2026-03-03T10:00:00Z"),
        snapshot(2, "6.6.1", "deployed", "2026-03-02T09:00:00Z"),
        snapshot(1, "6.6.0", "superseded", "2026-03-01T09:00:00Z"),
    ]
    observation = flux.parse_object(helm_release(history, "False", "UpgradeFailed"), cluster="c")
    outcomes = [(o.phase, o.revision, o.reason, o.finished_at) for o in observation.operations]
    assert outcomes == [
        (Phase.FAILED, "6.6.2", "UpgradeFailed", datetime(2026, 3, 3, 10, tzinfo=UTC)),
        (Phase.SUCCEEDED, "6.6.1", "UpgradeSucceeded", datetime(2026, 3, 2, 9, tzinfo=UTC)),
        (Phase.SUCCEEDED, "6.6.0", "InstallSucceeded", datetime(2026, 3, 1, 9, tzinfo=UTC)),
    ]
    assert observation.state.revision == "6.6.1"
    # Superseded later: the same release, the same key.
    later = [snapshot(4, "6.6.3", "deployed", "2026-03-04T09:00:00Z"),
             snapshot(2, "6.6.1", "superseded", "2026-03-02T09:00:00Z")]  # fmt: skip
    again = flux.parse_object(helm_release(later, "True", "UpgradeSucceeded"), cluster="c")
    assert again.operations[1].digest == observation.operations[1].digest
    assert [o.revision for o in again.operations] == ["6.6.3", "6.6.1"]


@pytest.mark.parametrize(
    ("status", "spec", "reason"),
    [
        ({"conditions": [{"type": "Reconciling"}, {"type": "Ready", "status": "True",
                                                   "lastTransitionTime": "soon"}]}, {},
         "k.status.conditions[1].lastTransitionTime: not an RFC 3339 timestamp"),
        ({"lastAppliedRevision": 7}, {}, "k.status.lastAppliedRevision: expected a string"),
        ({}, {"sourceRef": {"kind": "GitRepository", "name": 7}},
         "k.spec.sourceRef.name: expected a string"),
        ({}, {"targetNamespace": ["a"]}, "k.spec.targetNamespace: expected a string"),
    ],
)  # fmt: skip
def test_flux_objects_bad_fields_are_named_from_the_object(
    status: dict[str, object], spec: dict[str, object], reason: str
) -> None:
    kustomization = {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                     "metadata": {"name": "apps"}, "spec": spec, "status": status}  # fmt: skip
    with pytest.raises(PayloadError) as raised:
        flux.parse_object(kustomization, cluster="c", path="k")
    assert reason in str(raised.value)
