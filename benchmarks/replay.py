"""Replay a simulated delivery history through two real ``serve`` processes on one real
PostgreSQL: 10% of the deliveries sent twice, all shuffled, the database restarted halfway,
senders retrying as Argo CD and Flux do. Compares the store with the same history ingested
in order in-process, and prints lost and duplicated operations (both must be 0).

    python benchmarks/replay.py [--events 100000] [--senders 8] [--batch 1] [--workers 1]

Each delivery is one request, as Argo CD and Flux send them; ``--batch N`` sends up to N of
one tool in a JSON array instead (what a relay would do), for runs at full scale on a small
machine.

``--workers N`` runs each ``serve`` with N worker processes. The test suite runs it with
--events 150 --workers 2 (tests/server/test_replay.py).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from queue import Empty, Queue

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import postgres  # noqa: E402
from tests.server.serving import start_server  # noqa: E402
from tests.store.dump import dump  # noqa: E402
from tests.store.simulate import Delivery, history, replayed  # noqa: E402

from gitops_schema.store import db, migrate  # noqa: E402
from gitops_schema.store.ingest import ingest  # noqa: E402
from gitops_schema.store.records import Observation, Origin  # noqa: E402
from gitops_schema.store.sources import argocd, flux  # noqa: E402
from gitops_schema.store.tokens import Role, create_token  # noqa: E402


def batches(deliveries: list[Delivery], size: int) -> list[list[Delivery]]:
    """The deliveries in their order, in requests of up to ``size`` of one tool and cluster."""
    found: list[list[Delivery]] = []
    open_batches: dict[tuple[str, str], list[Delivery]] = {}
    for delivery in deliveries:
        batch = open_batches.setdefault((delivery.tool, delivery.cluster), [])
        batch.append(delivery)
        if len(batch) == size:
            found.append(open_batches.pop((delivery.tool, delivery.cluster)))
    return found + list(open_batches.values())


def send(base: str, token: str, batch: list[Delivery], client: httpx.Client) -> int:
    """POST deliveries (one, or a JSON array) until accepted (2xx), as the senders' retries
    do; the status that accepted them (202: spooled while the database was down)."""
    first = batch[0]
    if first.tool == "argocd":
        url, headers = f"{base}/api/v1/events/argocd", {"Authorization": f"Bearer {token}"}
    else:
        url, headers = f"{base}/api/v1/events/flux?cluster={first.cluster}", {}
    body = first.body if len(batch) == 1 else [delivery.body for delivery in batch]
    for attempt in range(200):
        try:
            answer = client.post(url, json=body, headers=headers, timeout=120)
            if answer.status_code < 300:
                return answer.status_code
            if answer.status_code < 500 and answer.status_code != 429:
                raise RuntimeError(f"{answer.status_code}: {answer.text}")
        except httpx.TransportError:
            pass
        time.sleep(min(0.05 * 2**attempt, 1.0))
    raise RuntimeError(f"delivery never accepted by {base}")


def observe(delivery: Delivery) -> Observation:
    if delivery.tool == "argocd":
        return argocd.parse_webhook(delivery.body)
    return flux.parse_event(delivery.body, cluster=delivery.cluster)


def operation_counts(snapshot: dict[str, list[object]]) -> Counter[object]:
    return Counter(map(repr, snapshot["operations"]))


def replay(
    events: int, senders: int, batch: int = 1, seed: int = 42, workers: int = 1
) -> dict[str, object]:
    # Each app index gives 2 x 12 Argo CD notifications and 12 Flux events: 36 deliveries.
    apps = max(1, events // 36)
    deliveries = history(seed, apps=apps, syncs=12)
    mixed = replayed(deliveries, seed, duplicates=0.1)
    server = postgres.start()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        url = server.create_database()
        engine = db.create(url)
        migrate.upgrade(engine)
        token = create_token(engine, name="replay", role=Role.INGEST)
        spools = Path(tempfile.mkdtemp(prefix="replay-spool-"))
        bases = []
        for index in range(2):
            process, base = start_server(url, spools / str(index), "--workers", str(workers))
            processes.append(process)
            bases.append(base)
        queue: Queue[tuple[int, list[Delivery]]] = Queue()
        for item in enumerate(batches(mixed, batch)):
            queue.put(item)
        sent = [0]
        spooled = [0]
        errors: list[str] = []

        def worker() -> None:
            with httpx.Client() as client:
                while True:
                    try:
                        index, chunk = queue.get_nowait()
                    except Empty:
                        return
                    try:
                        if send(bases[index % 2], token, chunk, client) == 202:
                            spooled[0] += len(chunk)
                    except RuntimeError as error:
                        errors.append(str(error))
                    sent[0] += len(chunk)

        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(senders)]
        for thread in threads:
            thread.start()
        while sent[0] < len(mixed) // 2 and any(t.is_alive() for t in threads):
            time.sleep(0.05)
        server.pg_ctl("restart")
        for thread in threads:
            thread.join()
        for _ in range(600):
            depth = sum(httpx.get(f"{b}/healthz", timeout=5).json()["spooled"] for b in bases)
            if depth == 0:
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        actual = dump(engine)
        # The same history in time order, in batches, into SQLite (ingest gives the same rows
        # in any order and on both engines; SQLite in-process is the fastest reference).
        reference = db.create(f"sqlite:///{spools / 'reference.db'}")
        migrate.upgrade(reference)
        for start in range(0, len(deliveries), 500):
            observed = [observe(delivery) for delivery in deliveries[start : start + 500]]
            ingest(reference, observed, origin=Origin.WEBHOOK)
        expected = dump(reference)
        have, want = operation_counts(actual), operation_counts(expected)
        return {
            "deliveries": len(deliveries),
            "sent_with_duplicates": len(mixed),
            "operations_expected": sum(want.values()),
            "operations_stored": sum(have.values()),
            "lost": sum((want - have).values()),
            "duplicated": sum((have - want).values()),
            "deployments_equal": actual["deployments"] == expected["deployments"],
            "store_equal": actual == expected,
            "accepted_into_spool": spooled[0],
            "send_errors": errors[:5],
            "seconds": round(elapsed, 1),
            "deliveries_per_second": round(len(mixed) / elapsed),
            "deliveries_per_request": batch,
        }
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument(
        "--batch", type=int, default=1, help="deliveries per request (a JSON array when > 1)"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="worker processes of each serve (serve --workers)"
    )
    arguments = parser.parse_args()
    result = replay(arguments.events, arguments.senders, arguments.batch, workers=arguments.workers)
    print(json.dumps(result, indent=2))
    ok = result["lost"] == 0 and result["duplicated"] == 0 and result["store_equal"]
    return 0 if ok and not result["send_errors"] else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
