"""Engine workers: processes that run Helm and Jsonnet calls under the render's bounds.

A worker (:mod:`.engine_worker`, started as a script) serves one call at a time and stays
up for the next, so its start is paid once per process, not per chart. A call that runs
past the time bound has its worker killed; a worker that dies (its memory limit, a crash
of the engine) is replaced by a new one at the next call. Either way the caller gets a
:class:`~gitops_schema.errors.ToolFailed` that says which bound was hit.
"""

from __future__ import annotations

import atexit
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

from gitops_schema.errors import ToolFailed
from gitops_schema.render.bounds import Bounds, current_bounds, ran_out_of_memory
from gitops_schema.render.engine_worker import read_message, write_message

__all__ = ["call_worker", "prestart_worker"]

_SCRIPT = Path(__file__).with_name("engine_worker.py")
_START_TIMEOUT = 120.0
"""Seconds a new worker may take to load its engines (a loaded machine is slow)."""


class _Died(Exception):
    """The worker ended before it replied."""


class _Worker:
    """One worker process and its pipes."""

    def __init__(self, memory: int) -> None:
        self.memory = memory
        self.ready = False
        # Closed with the worker (kill), which outlives any one block of code.
        self.errors: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-I", str(_SCRIPT), str(memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            start_new_session=True,
        )

    def wait_ready(self) -> None:
        """Wait for the worker to have loaded its engines (not part of any call's time).

        Raises:
            _Died: the worker ended, or did not start within :data:`_START_TIMEOUT`.
        """
        if self.ready:
            return
        stdout = self.process.stdout
        assert stdout is not None
        ready, _, _ = select.select([stdout], [], [], _START_TIMEOUT)
        if not ready or read_message(stdout) is None:
            raise _Died
        self.ready = True

    def exchange(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send ``request`` and wait at most ``timeout`` seconds for the reply.

        Raises:
            TimeoutError: no reply in time (the worker is still running).
            _Died: the worker ended without replying.
        """
        process = self.process
        assert process.stdin is not None and process.stdout is not None
        try:
            write_message(process.stdin, request)
        except (BrokenPipeError, OSError) as error:
            raise _Died from error
        ready, _, _ = select.select([process.stdout], [], [], timeout)
        if not ready:
            raise TimeoutError
        reply = read_message(process.stdout)
        if reply is None:
            raise _Died
        result: dict[str, Any] = reply
        return result

    def kill(self) -> None:
        """Stop the worker for good."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.errors):
            if stream is not None:
                stream.close()

    def death(self, bounds: Bounds) -> str:
        """Why the worker died: its memory bound, or the engine's own last words."""
        if self.process.poll() is None:  # It never became ready: stop it to read why.
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.errors.seek(0)
        # Go's runtime says "out of memory" first, then dumps every goroutine.
        printed = self.errors.read(1 << 20).decode("utf-8", "replace").strip()
        if ran_out_of_memory(printed):
            return bounds.exceeded()
        last = printed.splitlines()[-1] if printed else ""
        status = self.process.returncode
        how = f"signal {-status}" if status < 0 else f"exit status {status}"
        return f"the engine process died ({how}){': ' + last if last else ''}"


class _Pool:
    """Idle workers, at most one busy per core; new ones started on demand."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: list[_Worker] = []
        # One busy worker per core the process may use, as many as renders run at once.
        cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else ()
        self.slots = threading.BoundedSemaphore(len(cores) or os.cpu_count() or 1)

    def take(self, memory: int) -> _Worker:
        with self.lock:
            for worker in self.idle:
                if worker.memory == memory and worker.process.poll() is None:
                    self.idle.remove(worker)
                    return worker
        return _Worker(memory)

    def give_back(self, worker: _Worker) -> None:
        with self.lock:
            self.idle.append(worker)

    def prestart(self, memory: int) -> None:
        with self.lock:
            if not any(worker.memory == memory for worker in self.idle):
                self.idle.append(_Worker(memory))

    def close(self) -> None:
        with self.lock:
            workers, self.idle = self.idle, []
        for worker in workers:
            worker.kill()


_POOL = _Pool()
atexit.register(_POOL.close)


def prestart_worker() -> None:
    """Start a worker now, so that the first call does not wait for it to start."""
    _POOL.prestart(current_bounds().memory)


def call_worker(request: dict[str, Any], what: str) -> dict[str, Any]:
    """The worker's reply to ``request``, under the bounds in force.

    Args:
        request: the operation (``op``) and its arguments.
        what: names the call in a failure (``helm template CHART``).

    Raises:
        ToolFailed: the call ran past its time or memory bound, or the worker died.
    """
    bounds = current_bounds()
    with _POOL.slots:
        worker = _POOL.take(bounds.memory)
        try:
            worker.wait_ready()
            started = time.monotonic()
            reply = worker.exchange(request, bounds.timeout)
        except TimeoutError:
            worker.kill()
            raise ToolFailed(f"{what} {bounds.stopped()}") from None
        except _Died:
            message = worker.death(bounds)
            worker.kill()
            raise ToolFailed(f"{what}: {message}") from None
        if reply.get("memory"):
            worker.kill()
            raise ToolFailed(f"{what} {bounds.exceeded()}")
        if time.monotonic() - started > bounds.timeout:
            worker.kill()
            raise ToolFailed(f"{what} {bounds.stopped()}")
        _POOL.give_back(worker)
    return reply
