"""Fixtures of the render tests: a real kustomize engine that counts its builds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gitops_schema.render import KustomizeEngine, find_kustomize
from gitops_schema.render.runner import SubprocessRunner


@dataclass
class CountingRunner:
    """A real runner that counts the builds it runs."""

    builds: list[str] = field(default_factory=list)

    def run(self, args: Sequence[str], *, cwd: Path | None = None) -> str:
        if "version" not in args:
            self.builds.append(args[-1])
        return SubprocessRunner().run(args, cwd=cwd)


@pytest.fixture
def counting_engine() -> KustomizeEngine:
    """kubectl kustomize, through a :class:`CountingRunner` (its ``runner``)."""
    return KustomizeEngine(find_kustomize().command, CountingRunner())
