"""``gitops-schema serve`` started for real, as a subprocess listening on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(url: str, spool: Path, *options: str) -> tuple[subprocess.Popen[bytes], str]:
    """A running ``serve`` on ``url`` (no rate limit unless ``options`` set one), its base URL.

    Its output goes to ``serve-<port>.log`` beside ``spool``.
    """
    port = free_port()
    command = [
        sys.executable, "-c", "from gitops_schema.cli import main; main()", "serve",
        "--db", url, "--port", str(port), "--spool-dir", str(spool),
        "--rate", "1000000", "--burst", "1000000", *options,
    ]  # fmt: skip
    spool.parent.mkdir(parents=True, exist_ok=True)
    log = open(spool.parent / f"serve-{port}.log", "wb")  # noqa: SIM115 (lives as long as the server)
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"serve did not start on {base}")
