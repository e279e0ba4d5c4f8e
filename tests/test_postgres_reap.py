"""The test PostgreSQL servers of a killed run are stopped by the next run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests import postgres

ROOT = Path(__file__).resolve().parents[1]


def _running(pid: int) -> bool:
    """Whether a process runs (an exited one may stay a zombie until the init reaps it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def test_a_server_whose_starter_is_gone_is_stopped_and_removed() -> None:
    # the starter exits at once, as a killed run would, without stopping its server
    starter = "from tests import postgres; import os; print(postgres.start().folder); os._exit(0)"
    folder = Path(
        subprocess.run(
            [sys.executable, "-c", starter],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    pid = int((folder / "data" / "postmaster.pid").read_text().split()[0])
    assert _running(pid)

    postgres.reap()

    assert not folder.exists()
    assert not _running(pid)


def test_a_server_whose_starter_runs_is_left_alone(
    postgres_server: postgres.PostgresServer,
) -> None:
    postgres.reap()

    assert (postgres_server.folder / "data" / "postmaster.pid").exists()
