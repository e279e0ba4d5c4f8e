"""A real PostgreSQL server for tests: Debian's binaries, initdb + pg_ctl into a temporary
folder, run as the ``postgres`` user (the server refuses root), listening only on a unix
socket inside that folder. One server per test session; one fresh database per test.

A server outlives a test run killed before it could stop it (pg_ctl detaches the server), so
each folder names the process that started it, and :func:`start` first stops the servers of
processes that are gone.

Used by the store, server and analytics tests through the fixtures of ``tests/conftest.py``:
``postgres_server`` (session) and ``postgres_url`` (a new empty database per test).
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER = "postgres"
PREFIX = "gitops-schema-pg-"
OWNER = "owner"
"""The file of a server's folder naming the process that started it (pid and start time)."""


def server_bin() -> Path:
    """The folder of Debian's PostgreSQL server programs (off PATH), newest major first."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]),
        reverse=True,
    )
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run `make install`")
    return Path(found[0]).parent


def _as_postgres(*command: str) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:
        command = ("runuser", "-u", USER, "--", *command)
    return subprocess.run(command, check=True, capture_output=True, text=True)


@dataclass
class PostgresServer:
    """A running server; ``url(database)`` is its libpq URL over the unix socket."""

    folder: Path
    _names: itertools.count[int]

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@/{database}?host={self.socket_dir}"

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        name = f"test_{next(self._names)}"
        _as_postgres(
            str(server_bin() / "psql"),
            "-h",
            str(self.socket_dir),
            "-d",
            "postgres",
            "-qc",
            f"CREATE DATABASE {name}",
        )
        return self.url(name)

    def pg_ctl(self, action: str) -> None:
        """``stop``, ``start`` or ``restart`` the server (to test outages)."""
        options = f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off"
        options += " -c synchronous_commit=off -c full_page_writes=off"
        _as_postgres(
            str(server_bin() / "pg_ctl"),
            "-D",
            str(self.folder / "data"),
            "-l",
            str(self.folder / "log"),
            "-o",
            options,
            "-w",
            "-m",
            "fast",
            action,
        )

    def stop(self) -> None:
        self.pg_ctl("stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def _process(pid: int) -> str | None:
    """A process's identity (pid and start time, as pids are reused), None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the fields after the command name, which may hold spaces, start after its ")"
    return f"{pid} {stat.rpartition(')')[2].split()[19]}"


def reap() -> None:
    """Stop and remove the servers whose starting process is gone."""
    for owner in Path(tempfile.gettempdir()).glob(f"{PREFIX}*/{OWNER}"):
        pid, _, _ = owner.read_text().partition(" ")
        if pid.isdigit() and _process(int(pid)) == owner.read_text():
            continue
        folder = owner.parent
        if (folder / "data" / "postmaster.pid").exists():
            server = PostgresServer(folder, itertools.count(1))
            try:
                server.pg_ctl("stop")
            except subprocess.CalledProcessError:
                continue  # not ours to remove while it may still run
        shutil.rmtree(folder, ignore_errors=True)


def start() -> PostgresServer:
    """initdb into a new temporary folder owned by ``postgres`` and start the server."""
    reap()
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    (folder / OWNER).write_text(_process(os.getpid()) or "")
    (folder / "socket").mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, USER)
        shutil.chown(folder / "socket", USER)
        folder.chmod(0o755)
    _as_postgres(
        str(server_bin() / "initdb"),
        "-D",
        str(folder / "data"),
        "-U",
        USER,
        "--auth=trust",
        "--no-sync",
        "-E",
        "UTF8",
        "--locale=C",
    )
    server = PostgresServer(folder, itertools.count(1))
    server.pg_ctl("start")
    return server
