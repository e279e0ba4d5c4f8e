from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from gitops_schema.store import db
from gitops_schema.store.tables import commits, config_revisions, objects, sync_operations

from .simulate import START, application, flux_event, sha


def kustomization(name: str, ready: str, revision: str) -> dict[str, Any]:
    return {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": name, "namespace": "flux-system", "uid": sha("k", name)},
        "spec": {"path": "./apps", "sourceRef": {"kind": "GitRepository", "name": "fleet"}},
        "status": {
            "lastAppliedRevision": f"main@sha1:{revision}",
            "lastAttemptedRevision": f"main@sha1:{revision}",
            "conditions": [
                {"type": "Ready", "status": ready, "reason": "ReconciliationSucceeded",
                 "message": "Applied revision", "lastTransitionTime": "2026-03-02T09:00:00Z"}
            ],
        },
    }  # fmt: skip


def rows(db_url: str, table: Any) -> list[Any]:
    with db.create(db_url).connect() as connection:
        return list(connection.execute(select(table)).all())


def test_record_import_files(cli: Callable[..., Any], db_url: str, tmp_path: Path) -> None:
    operation = {
        "phase": "Succeeded",
        "startedAt": "2026-03-02T10:00:00Z",
        "finishedAt": "2026-03-02T10:01:00Z",
        "syncResult": {"revision": sha("a")},
    }
    listed = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {**application("web", {"operationState": operation})["app"]},
            kustomization("apps", "True", sha("k")),
        ],
    }
    export = tmp_path / "export.json"
    export.write_text(json.dumps(listed, indent=2))
    event = flux_event("infra", START, revision=sha("i"), severity="error",
                       reason="HealthCheckFailed", message="timeout")  # fmt: skip
    lines = tmp_path / "deliveries.jsonl"
    lines.write_text(
        json.dumps(application("api", {"operationState": operation}))
        + "\n\n{broken\n"
        + json.dumps(event)
        + "\n"
        + json.dumps({"kind": "ConfigMap", "apiVersion": "v1"})
        + "\n"
    )
    first = cli("record", "import", str(export), str(lines), "--db", db_url, "--cluster", "eu")
    assert first.code == 1
    assert f"{lines}:3: not JSON" in first.err
    assert f"{lines}:5: not an Argo CD Application" in first.err
    names = sorted((r.tool, r.cluster, r.kind, r.name) for r in rows(db_url, objects))
    assert names == [
        ("argocd", "prod-eu", "Application", "api"),
        ("argocd", "prod-eu", "Application", "web"),
        ("flux", "eu", "Kustomization", "apps"),
        ("flux", "eu", "Kustomization", "infra"),
    ]
    assert len(rows(db_url, sync_operations)) == 4
    again = cli("record", "import", str(export), "--db", db_url, "--cluster", "eu")
    assert again.code == 0 and "0 operations inserted" in again.out
    assert len(rows(db_url, sync_operations)) == 4


@pytest.fixture
def fake_api_server(tmp_path: Path) -> Iterator[Path]:
    """A Kubernetes API server serving recorded Applications and Kustomizations (no
    HelmRelease CRD); yields a kubeconfig for it."""
    operation = {"phase": "Failed", "startedAt": "2026-03-02T10:00:00Z",
                 "finishedAt": "2026-03-02T10:00:09Z", "message": "hook failed",
                 "syncResult": {"revision": sha("x")}}  # fmt: skip
    served = {
        "/apis/argoproj.io/v1alpha1/applications": [
            application("web", {"operationState": operation})["app"]
        ],
        "/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations": [
            kustomization("apps", "False", sha("bad"))
        ],
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if path in served:
                items = [{k: v for k, v in item.items() if k not in ("kind", "apiVersion")}
                         for item in served[path]]  # fmt: skip
                body = {"kind": "List", "apiVersion": "v1", "metadata": {}, "items": items}
                code = 200
            else:
                body = {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                        "message": "the server could not find the requested resource",
                        "reason": "NotFound", "code": 404}  # fmt: skip
                code = 404
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "fake", "cluster": {"server": f"http://127.0.0.1:{server.server_port}"}}],
                "users": [{"name": "me", "user": {"token": "t"}}],
                "contexts": [{"name": "staging", "context": {"cluster": "fake", "user": "me"}}],
                "current-context": "staging",
            }
        )
    )  # fmt: skip
    yield kubeconfig
    server.shutdown()
    server.server_close()


def test_record_cluster(cli: Callable[..., Any], db_url: str, fake_api_server: Path) -> None:
    result = cli("record", "cluster", "--kubeconfig", str(fake_api_server), "--db", db_url)
    assert result.code == 0, result.err
    assert "HelmRelease: not served" in result.err
    operations = sorted((r.phase, r.revision, r.message) for r in rows(db_url, sync_operations))
    assert operations == sorted(
        [("Failed", sha("bad"), "Applied revision"), ("Failed", sha("x"), "hook failed")]
    )
    clusters = sorted((r.tool, r.cluster) for r in rows(db_url, objects))
    assert clusters == [("argocd", "prod-eu"), ("flux", "staging")]
    again = cli("record", "cluster", "--kubeconfig", str(fake_api_server), "--db", db_url)
    assert "0 operations inserted" in again.out
    missing = cli("record", "cluster", "--kubeconfig", str(fake_api_server), "--context", "nope",
                  "--db", db_url)  # fmt: skip
    assert missing.code == 2 and "nope" in missing.err


def test_record_git(
    cli: Callable[..., Any], db_url: str, tmp_path: Path, git: Callable[..., str]
) -> None:
    repo = tmp_path / "repo"
    (repo / "apps").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    app = application("web", {})["app"]
    (repo / "apps" / "web.yaml").write_text(json.dumps(app))
    (repo / "README.md").write_text("fleet\n")
    # A Helm chart's templates are Go templates, not YAML: skipped, no problem.
    (repo / "charts" / "web" / "templates").mkdir(parents=True)
    (repo / "charts" / "web" / "Chart.yaml").write_text(
        "apiVersion: v2\nname: web\nversion: 1.0.0\n"
    )
    (repo / "charts" / "web" / "templates" / "deployment.yaml").write_text(
        "{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: Deployment\n{{- end }}\n"
    )
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "add web")
    app["spec"]["source"]["targetRevision"] = "v2"
    app["spec"]["source"]["helm"] = {"parameters": [{"name": "db.password", "value": "hunter2"}]}
    (repo / "apps" / "web.yaml").write_text(json.dumps(app))
    (repo / "README.md").write_text("fleet of apps\n")
    git(repo, "commit", "-qam", "web v2")
    git(repo, "rm", "-q", "apps/web.yaml")
    git(repo, "commit", "-qm", "drop web")
    result = cli("record", "git", str(repo), "--db", db_url)
    assert result.code == 0, result.err
    assert "3 commits, 3 new commits, 3 config revisions, 3 new config revisions" in result.out
    by_message = {r.message.strip(): r for r in rows(db_url, commits)}
    first, second, third = (by_message[m] for m in ("add web", "web v2", "drop web"))
    assert (first.parents, second.parents, third.parents) == ([], [first.sha], [second.sha])
    assert "charts/web/templates/deployment.yaml" in first.files
    assert second.files == ["README.md", "apps/web.yaml"]
    assert second.author_email == "t@example.com" and second.committed_at.tzinfo is not None
    revisions = {r.change: r for r in rows(db_url, config_revisions)}
    assert set(revisions) == {"added", "modified", "deleted"}
    assert revisions["modified"].definition["spec"]["source"]["targetRevision"] == "v2"
    assert "hunter2" not in json.dumps(revisions["modified"].definition)
    assert (revisions["deleted"].kind, revisions["deleted"].name) == ("Application", "web")
    assert revisions["deleted"].definition is None
    again = cli("record", "git", str(repo), "--db", db_url)
    assert "0 new commits" in again.out and "0 new config revisions" in again.out


@pytest.mark.parametrize(
    ("escaped", "problem"),
    [
        ('"message": "done \\ud800"', "a string holds an unpaired surrogate"),
        ('"message": "done \\u0000"', "a string holds a NUL character"),
        ('"message": "done", "took": NaN', "a number is not finite"),
    ],
    ids=["surrogate", "nul", "nan"],
)
def test_record_import_names_what_no_database_stores(
    cli: Callable[..., Any], db_url: str, tmp_path: Path, escaped: str, problem: str
) -> None:
    event = json.dumps(
        flux_event(
            "infra",
            START,
            revision=sha("i"),
            severity="info",
            reason="ReconciliationSucceeded",
            message="done",
        )
    )
    lines = tmp_path / "events.jsonl"
    lines.write_text(event.replace('"message": "done"', escaped) + "\n" + event + "\n")

    run = cli("record", "import", str(lines), "--db", db_url, "--cluster", "eu")

    assert run.code == 1
    assert f"{lines}:1: {problem}" in run.err
    assert "internal error" not in run.err
    with db.create(db_url).connect() as connection:
        assert len(connection.execute(select(sync_operations)).all()) == 1


def test_a_json_array_of_deliveries_is_a_batch_as_serve_takes_it(tmp_path: Path) -> None:
    from gitops_schema.store.sources.files import read_files

    event = flux_event("infra", START, revision=sha("i"), severity="info",
                       reason="ReconciliationSucceeded", message="finished in 3s")  # fmt: skip
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps([application("api", {}), event]))
    found = read_files([batch], cluster="eu")
    assert found.problems == []
    assert [o.state.key.name for o in found.observations] == ["api", "infra"]
    batch.write_text(json.dumps([application("api", {}), {"involvedObject": {}}]))
    assert read_files([batch], cluster="eu").problems == [
        f"{batch}:1: [1]: involvedObject: required"
    ]


def test_record_import_names_destination_servers_as_serve_does(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'history.db'}"
    body = application("api", {})
    body["app"]["spec"]["destination"] = {"server": "https://10.0.0.1:6443", "namespace": "api"}
    (tmp_path / "api.json").write_text(json.dumps(body))
    done = cli("record", "import", str(tmp_path / "api.json"), "--db", url,
               "--cluster-name", "https://10.0.0.1:6443=edge")  # fmt: skip
    assert done.code == 0, done.err
    assert [row.cluster for row in rows(url, objects)] == ["edge"]
    bad = cli("record", "import", str(tmp_path / "api.json"), "--db", url,
              "--cluster-name", "edge")  # fmt: skip
    assert bad.code == 2 and "--cluster-name 'edge': expected SERVER_URL=NAME" in bad.err
