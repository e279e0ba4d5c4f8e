"""How external engines are run: a small :class:`Runner` protocol and its subprocess form.

Every engine that is a separate program goes through a runner, so tests can count or fake
the calls and the errors (:class:`~gitops_schema.errors.ToolNotFound`,
:class:`~gitops_schema.errors.ToolFailed`) are raised in one place.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from gitops_schema.errors import ToolFailed, ToolNotFound

__all__ = ["DEFAULT_TIMEOUT", "Runner", "SubprocessRunner"]

DEFAULT_TIMEOUT = 120.0
"""Seconds one engine call may take before it is stopped."""


class Runner(Protocol):
    """Runs one engine command and returns what it printed on standard output."""

    def run(self, args: Sequence[str], *, cwd: Path | None = None) -> str:
        """Run ``args``; raise ToolNotFound or ToolFailed when it cannot or does not succeed."""
        ...


@dataclass(frozen=True, slots=True)
class SubprocessRunner:
    """Runs commands as child processes, with a timeout."""

    timeout: float = DEFAULT_TIMEOUT
    defaults: Mapping[str, str] = field(default_factory=dict)
    """Environment variables set for the command unless the caller's environment has them."""

    def run(self, args: Sequence[str], *, cwd: Path | None = None) -> str:
        """Run ``args`` and return its standard output.

        Raises:
            ToolNotFound: the program does not exist.
            ToolFailed: it exited non-zero or ran past the timeout; the message quotes
                its standard error.
        """
        command = " ".join(args)
        try:
            done = subprocess.run(
                list(args),
                cwd=cwd,
                env={**self.defaults, **os.environ} if self.defaults else None,
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except FileNotFoundError as error:
            raise ToolNotFound(f"{args[0]} is not installed ({error.strerror})") from error
        except subprocess.TimeoutExpired as error:
            raise ToolFailed(f"{command} ran past its {self.timeout:g}s timeout") from error
        if done.returncode != 0:
            stderr = done.stderr.strip() or f"exit status {done.returncode}"
            raise ToolFailed(f"{command} failed: {stderr}", output=done.stderr)
        return done.stdout
