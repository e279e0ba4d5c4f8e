"""Inputs a user can give the history and integration commands: a clear error (exit 2)
naming what is wrong, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def not_a_database(tmp_path: Path) -> Path:
    path = tmp_path / "notes.db"
    path.write_text("these are notes, not an SQLite database\n" * 20)
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["db", "upgrade"],
        ["report", "dora"],
        ["report", "sync-stats", "--from", "2026-03-01"],
        ["token", "create", "--role", "read", "--name", "x"],
        ["record", "import", "events.json"],
        ["serve", "--spool-dir", "spool"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_a_file_that_is_not_a_database(
    cli: Callable[..., Any],
    not_a_database: Path,
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "events.json").write_text("")
    run = cli(*command, "--db", f"sqlite:///{not_a_database}")
    assert run.code == 2
    assert run.err.strip() == (
        f"error: --db sqlite:///{not_a_database}: cannot open the database: file is not a database"
    )
    assert "Traceback" not in run.err and "internal error" not in run.err


def test_a_database_under_a_file(cli: Callable[..., Any], not_a_database: Path) -> None:
    run = cli("db", "upgrade", "--db", f"sqlite:///{not_a_database}/history.db")
    assert run.code == 2
    assert f"{not_a_database} is a file, not a folder" in run.err


def test_a_server_that_does_not_answer_hides_the_password(cli: Callable[..., Any]) -> None:
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    run = cli("report", "deployments", "--db", "postgresql://gitops:s3cret@127.0.0.1:1/history")
    assert run.code == 2
    assert run.err.startswith("error: --db postgresql://gitops:***@127.0.0.1:1/history: ")
    assert "Connection refused" in run.err and "s3cret" not in run.err


def test_serve_refuses_a_port_that_does_not_exist(cli: Callable[..., Any], tmp_path: Path) -> None:
    run = cli("serve", "--db", f"sqlite:///{tmp_path / 'h.db'}", "--port", "99999")
    assert run.code == 2
    assert "99999 is not in the range 1<=x<=65535" in run.err


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--url", "gitops-schema:8080", "give the http(s) address"),
        ("--url", "ftp://history.example.com", "give the http(s) address"),
        ("--url", "http://history:99999", "out of range"),
        ("--url", "http://history:8080/\n  evil: true", "no spaces, quotes"),
        ("--namespace", "Argo CD", "not a Kubernetes namespace name"),
    ],
)
def test_integrations_argocd_refuses_what_argocd_cannot_use(
    cli: Callable[..., Any], option: str, value: str, says: str
) -> None:
    run = cli("integrations", "argocd", option, value)
    assert run.code == 2
    assert run.out == ""
    assert run.err.startswith(f"error: {option} {value!r}: ") and says in run.err


APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web, namespace: argocd}
spec:
  project: default
  source: {repoURL: https://github.com/org/repo.git, path: apps/web, targetRevision: main}
  destination: {server: https://kubernetes.default.svc, namespace: web}
"""


@pytest.mark.parametrize(
    ("output", "says"),
    [
        ("notes.txt", "a file, not a folder to write under"),
        ("notes.txt/converted", "cannot write notes.txt/converted/clusters"),
    ],
)
def test_convert_to_a_folder_that_cannot_be_written(
    tmp_path: Path,
    cli: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    output: str,
    says: str,
) -> None:
    (tmp_path / "apps/web").mkdir(parents=True)
    (tmp_path / "apps/web/kustomization.yaml").write_text("resources: []\n")
    (tmp_path / "web.yaml").write_text(APPLICATION)
    (tmp_path / "notes.txt").write_text("notes\n")
    monkeypatch.chdir(tmp_path)
    run = cli("convert", "argocd-to-flux", "web.yaml", "-o", output)
    assert run.code == 2
    assert run.err.startswith(f"error: -o {output}: ") and says in run.err
    assert "internal error" not in run.err


def test_check_output_file_that_cannot_be_written(
    tmp_path: Path, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "web.yaml").write_text(APPLICATION)
    (tmp_path / "notes.txt").write_text("notes\n")
    monkeypatch.chdir(tmp_path)
    run = cli("check", "web.yaml", "--output-file", "notes.txt/report.sarif", "-o", "sarif")
    assert run.code == 2
    assert (
        run.err.strip()
        == "error: --output-file notes.txt/report.sarif: cannot write: Not a directory"
    )


@pytest.mark.parametrize(
    ("direction", "what"),
    [
        ("argocd-to-flux", "no Argo CD Application, ApplicationSet or AppProject"),
        ("flux-to-argocd", "no Flux Kustomization or HelmRelease that reaches a cluster"),
    ],
)
def test_convert_says_when_there_is_nothing_to_convert(
    tmp_path: Path,
    cli: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    direction: str,
    what: str,
) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo/settings.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
    )
    monkeypatch.chdir(tmp_path)
    run = cli("convert", direction, "repo", "-o", "out")
    assert run.code == 0
    assert f"nothing to convert: {what} in repo" in run.err


def test_a_token_needs_a_name(tmp_path: Path, cli: Callable[..., Any]) -> None:
    db = f"sqlite:///{tmp_path / 'history.db'}"
    run = cli("token", "create", "--role", "read", "--name", " ", "--db", db)
    assert run.code == 2
    assert run.err.strip() == "error: --name: give the token a unique name, not an empty one"
    assert run.out == ""


def test_record_import_of_a_file_that_is_not_there_records_nothing(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    history = tmp_path / "history.db"
    run = cli("record", "import", str(tmp_path / "nosuch.json"), "--db", f"sqlite:///{history}")
    assert run.code == 2
    assert run.err.strip() == f"error: {tmp_path / 'nosuch.json'}: no such file"
    assert not history.exists()


def test_a_kubeconfig_that_is_not_yaml_is_named_with_its_line(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    kubeconfig = tmp_path / "config"
    kubeconfig.write_text("apiVersion: v1\nclusters: [\n")
    run = cli(
        "record", "cluster", "--kubeconfig", str(kubeconfig), "--db", f"sqlite:///{tmp_path}/h.db"
    )
    assert run.code == 2
    assert run.err.startswith(f"error: {kubeconfig}:3:1: not a valid kubeconfig: ")
    assert "internal error" not in run.err


def test_a_report_on_a_database_that_is_not_there_creates_nothing(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    history = tmp_path / "new" / "history.db"
    run = cli("report", "deployments", "--db", f"sqlite:///{history}", "--from", "2026-01-01")
    assert run.code == 2
    assert "no history store here; create it with `gitops-schema db upgrade" in run.err
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "the file is empty, no key"),
        (b"\n", "the file is empty, no key"),
        (None, "not a file"),
    ],
)
def test_serve_refuses_a_flux_key_file_without_a_key(
    cli: Callable[..., Any], tmp_path: Path, content: bytes | None, says: str
) -> None:
    key = tmp_path / "flux.key"
    if content is None:
        key.mkdir()
    else:
        key.write_bytes(content)
    run = cli("serve", "--db", f"sqlite:///{tmp_path / 'h.db'}", "--flux-hmac-key-file", str(key))
    assert run.code == 2
    assert run.err.strip() == f"error: --flux-hmac-key-file {key}: {says}"


@pytest.mark.parametrize("name", ["n" * 254, "grafana\x00", "line\nbreak"])
def test_token_names_the_database_cannot_store(
    cli: Callable[..., Any], tmp_path: Path, name: str
) -> None:
    run = cli("token", "create", "--db", f"sqlite:///{tmp_path / 'h.db'}", "--role", "read",
              "--name", name)  # fmt: skip
    assert run.code == 2
    assert "--name: at most 253 printable characters" in run.err


def test_serve_refuses_a_spool_folder_it_cannot_create(
    cli: Callable[..., Any], tmp_path: Path, not_a_database: Path
) -> None:
    spool = not_a_database / "spool"
    run = cli("serve", "--db", f"sqlite:///{tmp_path / 'h.db'}", "--spool-dir", str(spool))
    assert run.code == 2
    assert run.err.strip() == f"error: --spool-dir {spool}: cannot create it: Not a directory"


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--rate", "0", "--rate 0.0: give a number of requests per second above 0"),
        ("--rate", "-5", "--rate -5.0: give a number of requests per second above 0"),
        ("--max-body", "0", "--max-body 0: give a size of at least 1 byte"),
        ("--burst", "0", "0 is not in the range x>=1"),
    ],
)
def test_serve_refuses_limits_that_refuse_everything(
    cli: Callable[..., Any], tmp_path: Path, option: str, value: str, says: str
) -> None:
    run = cli("serve", "--db", f"sqlite:///{tmp_path / 'h.db'}", option, value)
    assert run.code == 2
    assert says in run.err
