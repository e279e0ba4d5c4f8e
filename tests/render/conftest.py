"""Fixtures of the render tests: a kustomize engine that counts its builds, a chart."""

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


CAPABILITIES_TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
data:
  version: {{ .Capabilities.KubeVersion.Version | quote }}
  minor: {{ .Capabilities.KubeVersion.Minor | quote }}
  foo: {{ .Capabilities.APIVersions.Has "foo.example.com/v1" | quote }}
  bar: {{ .Capabilities.APIVersions.Has "foo.example.com/v1/Bar" | quote }}
  apps: {{ .Capabilities.APIVersions.Has "apps/v1" | quote }}
"""


@pytest.fixture
def capabilities_chart(tmp_path: Path) -> Path:
    """A chart folder ``caps`` whose one ConfigMap prints the ``.Capabilities`` it saw."""
    chart = tmp_path / "caps"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: caps\nversion: 0.1.0\n")
    (chart / "templates" / "caps.yaml").write_text(CAPABILITIES_TEMPLATE)
    return chart
