"""The replay acceptance test, small: benchmarks/replay.py with 150 events (the 100k form is
``python benchmarks/replay.py``): two real ``serve`` processes on one real PostgreSQL,
duplicates, shuffling, the database restarted mid-stream: 0 lost, 0 duplicated. Each
``serve`` runs two worker processes (``--workers 2``), so four writers share the database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "replay.py"


def test_replay_loses_and_duplicates_nothing() -> None:
    run = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--events",
            "150",
            "--senders",
            "4",
            "--workers",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(run.stdout)
    assert result["sent_with_duplicates"] > result["deliveries"] > 100
    assert (result["lost"], result["duplicated"]) == (0, 0)
    assert result["store_equal"] and result["deployments_equal"]
