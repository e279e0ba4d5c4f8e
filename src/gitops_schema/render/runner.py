"""How external engines are run: a small :class:`Runner` protocol and its subprocess form.

Every engine that is a separate program goes through a runner, so tests can count or fake
the calls and the errors (:class:`~gitops_schema.errors.ToolNotFound`,
:class:`~gitops_schema.errors.ToolFailed`) are raised in one place.
"""

from __future__ import annotations

import os
import resource
import subprocess
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from gitops_schema.errors import ToolFailed, ToolNotFound
from gitops_schema.render.bounds import current_bounds, ran_out_of_memory

__all__ = ["Runner", "SubprocessRunner"]


class Runner(Protocol):
    """Runs one engine command and returns what it printed on standard output."""

    def run(self, args: Sequence[str], *, cwd: Path | None = None) -> str:
        """Run ``args``; raise ToolNotFound or ToolFailed when it cannot or does not succeed."""
        ...


@dataclass(frozen=True, slots=True)
class SubprocessRunner:
    """Runs commands as child processes, held to the render's bounds (:mod:`.bounds`)."""

    defaults: Mapping[str, str] = field(default_factory=dict)
    """Environment variables set for the command unless the caller's environment has them."""

    def run(self, args: Sequence[str], *, cwd: Path | None = None) -> str:
        """Run ``args`` and return its standard output.

        The command may run for the bounds' time and use their memory (its data
        segment: Go programs reserve much more address space than they use).

        Raises:
            ToolNotFound: the program does not exist.
            ToolFailed: it exited non-zero or went past a bound; the message quotes its
                standard error or names the bound.
        """
        bounds = current_bounds()
        command = " ".join(args)
        try:
            process = subprocess.Popen(
                list(args),
                cwd=cwd,
                env={**self.defaults, **os.environ} if self.defaults else None,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        except FileNotFoundError as error:
            raise ToolNotFound(f"{args[0]} is not installed ({error.strerror})") from error
        with process:
            # Set from here, not in the child before exec (preexec_fn may deadlock a
            # process with threads); a Go program allocates nothing before it starts.
            _limit_memory(process.pid, bounds.memory)
            try:
                stdout, stderr = process.communicate(timeout=bounds.timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
                raise ToolFailed(f"{command} {bounds.stopped()}") from None
        if process.returncode != 0:
            if ran_out_of_memory(stderr):
                raise ToolFailed(f"{command} {bounds.exceeded()}")
            message = stderr.strip() or f"exit status {process.returncode}"
            raise ToolFailed(f"{command} failed: {message}", output=stderr)
        return stdout


def _limit_memory(pid: int, memory: int) -> None:
    with suppress(ProcessLookupError):  # It may have ended already.
        resource.prlimit(pid, resource.RLIMIT_DATA, (memory, memory))
