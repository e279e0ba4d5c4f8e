"""Shared fixtures: paths to the shared data, the golden-file switch, the CLI in-process,
git as a fixed test author, a Helm chart repository served on loopback."""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import helm_python
import pytest

from gitops_schema.cli import main

from . import postgres

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite golden files with the current output instead of comparing.",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Compare text with tests/golden/<name>, or rewrite it under --update-golden."""
    update = request.config.getoption("--update-golden")

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual)
            return
        assert path.exists(), f"golden file {path} missing: run pytest --update-golden"
        assert actual == path.read_text(), f"output differs from {path} (--update-golden)"

    return check


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run the CLI in-process, as `gitops-schema ARGS`, optionally with stdin bytes."""

    def run(*args: str, stdin: bytes = b"") -> Run:
        monkeypatch.setattr(sys, "argv", ["gitops-schema", *args])
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        code = 0
        try:
            main()
        except SystemExit as done:
            code = int(done.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def run(cli: Callable[..., Run]) -> Callable[..., str]:
    """Run the CLI in-process as :func:`cli` does; the command must succeed: its output."""

    def succeeded(*args: str) -> str:
        done = cli(*args)
        assert done.code == 0, done.out + done.err
        return done.out

    return succeeded


def package_chart(folder: Path, name: str, version: str) -> Path:
    """``<folder>/<name>-<version>.tgz``: a chart whose ConfigMap says which version it is."""
    with tempfile.TemporaryDirectory() as temporary:
        source = Path(temporary, name)
        (source / "templates").mkdir(parents=True)
        (source / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: {version}\n")
        (source / "templates" / "cm.yaml").write_text(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: '{{ .Release.Name }}'}\n"
            "data: {version: '{{ .Chart.Version }}'}\n"
        )
        return Path(helm_python.package(source, destination=folder))


@dataclass
class ChartServer:
    """A Helm repository at ``url``, served over HTTP on loopback from ``folder``."""

    folder: Path
    url: str
    requests: list[str] = field(default_factory=list)
    stop: Callable[[], None] = lambda: None

    def publish(self, name: str, *versions: str) -> None:
        """Package the chart at these versions and index the repository, as Helm does."""
        for version in versions:
            package_chart(self.folder, name, version)
        helm_python.repo_index_generate(self.folder)


@pytest.fixture
def chart_server(tmp_path: Path) -> Iterator[ChartServer]:
    """An empty Helm repository at ``<server>/charts``; ``publish`` fills it."""
    served = tmp_path / "served"
    (served / "charts").mkdir(parents=True)
    requests: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            super().do_GET()

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    stopped = False

    def stop() -> None:
        nonlocal stopped
        if not stopped:
            server.shutdown()
            server.server_close()
            stopped = True

    # No trailing slash: chart URLs in the index must resolve below it all the same.
    url = f"http://127.0.0.1:{server.server_address[1]}/charts"
    yield ChartServer(served / "charts", url, requests, stop)
    stop()


@pytest.fixture
def git() -> Callable[..., str]:
    """``git(repo, *args)``: git run in ``repo`` as a fixed test author; what it printed."""

    def run(repo: Path, *args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=repo,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    return run


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.PostgresServer]:
    """One real PostgreSQL server for the whole test session (see tests/postgres.py)."""
    server = postgres.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.db'}"
    server: postgres.PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database()
