"""Durability while the database is unreachable: accepted deliveries wait on disk.

A delivery that passed validation but could not be written (the database is down or
locked) is written, secrets already redacted, to one file in the spool folder (written to a
temporary name, fsynced, renamed), and the sender gets 202. A background thread retries the
files in arrival order every few seconds and deletes each once it is stored. Ingest is
idempotent, so a file written twice (a crash between storing and deleting it, or two
servers sharing the folder) is harmless.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError

from gitops_schema.store.sources.payload import PayloadError

log = logging.getLogger("gitops_schema.server")


@dataclass
class Spooled:
    """One accepted delivery: its tool, cluster (Flux), redacted bodies and arrival time."""

    tool: str
    bodies: list[Any]
    cluster: str
    received_at: datetime


# Writes one spooled delivery to the database; raises OperationalError while it is down.
Writer = Callable[[Spooled], object]


@dataclass
class Spool:
    """The spool folder and its retry thread."""

    folder: Path
    retry_seconds: float
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def put(self, delivery: Spooled) -> None:
        """Write ``delivery`` durably."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{delivery.received_at.strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex}.json"
        partial = self.folder / f".{name}.tmp"
        document = {
            "tool": delivery.tool,
            "cluster": delivery.cluster,
            "received_at": delivery.received_at.isoformat(),
            "bodies": delivery.bodies,
        }
        with partial.open("w", encoding="utf-8") as out:
            json.dump(document, out)
            out.flush()
            os.fsync(out.fileno())
        partial.rename(self.folder / name)
        _sync_folder(self.folder)

    def pending(self) -> list[Path]:
        """Spooled files not written yet, oldest first."""
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("[!.]*.json"))

    def flush(self, write: Writer) -> int:
        """Write every spooled file it can; the number written.

        Stops at the first database outage; a file that no longer parses is moved to
        ``failed/``.
        """
        written = 0
        for path in self.pending():
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                continue  # another server sharing the folder wrote it
            delivery = Spooled(
                document["tool"],
                document["bodies"],
                document["cluster"],
                datetime.fromisoformat(document["received_at"]).astimezone(UTC),
            )
            try:
                write(delivery)
            except OperationalError:
                return written
            except PayloadError as error:
                log.error("spooled delivery %s no longer parses (%s): kept in failed/", path, error)
                (self.folder / "failed").mkdir(exist_ok=True)
                path.rename(self.folder / "failed" / path.name)
                continue
            path.unlink(missing_ok=True)
            written += 1
        return written

    def start(self, write: Writer) -> None:
        """Retry the spool in the background every ``retry_seconds``."""

        def loop() -> None:
            while not self._stop.wait(self.retry_seconds):
                try:
                    count = self.flush(write)
                except Exception:  # keep retrying: the files stay until they are written
                    log.exception("writing the spool failed")
                    continue
                if count:
                    log.info("wrote %d spooled deliveries", count)

        self._thread = threading.Thread(target=loop, name="spool", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the background retries."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
