"""The ``helm`` program kustomize runs for ``helmCharts`` (``--enable-helm``), on the Helm SDK.

kustomize inflates a kustomization's ``helmCharts`` by running a ``helm`` program:
``helm version -c --short``, then ``helm template RELEASE CHART --namespace NS --values
FILE ...``. No ``helm`` program is needed here: kustomize's ``--helm-command`` is a small
script that runs :func:`main` (see ``engines``), which answers those two calls with the
Helm engine Argo CD Helm sources and Flux HelmReleases render with.

A chart missing from the kustomization's chart home is what kustomize asks ``helm pull``
for: it is taken from the chart cache (``--chart-cache``, as for Helm sources and
HelmReleases), downloaded into it only when the network is allowed, and unpacked where
kustomize reads it. Having been read, it is removed: a render leaves the repository as it
found it.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_schema.errors import ToolFailed
from gitops_schema.load.plain import InputError, read_yaml_mapping
from gitops_schema.render.chart_fetch import ChartFetchError, repository_chart
from gitops_schema.render.charts import (
    ChartError,
    cache_hint,
    cached_chart,
    plain_name,
    unpack_chart,
)
from gitops_schema.render.engines import HelmEngine
from gitops_schema.render.helm_values import merge_values
from gitops_schema.render.manifests import dump_stream, parse_stream

__all__ = ["main"]

_VERSION = "v3.0.0+gitops-schema"
"""What ``helm version`` answers: kustomize requires a Helm 3."""
_FLAGS = frozenset({"--include-crds", "--skip-tests", "--no-hooks", "--generate-name"})
_HOOK = "helm.sh/hook"
_PULLED = ".gitops-schema-pulled"
"""Marks a chart unpacked from the chart cache; it names the folder to remove after use."""


@dataclass
class _Template:
    """The arguments of one ``helm template`` call."""

    positional: list[str] = field(default_factory=list)
    namespace: str = "default"
    values: list[str] = field(default_factory=list)
    api_versions: list[str] = field(default_factory=list)
    kube_version: str | None = None
    flags: set[str] = field(default_factory=set)
    untardir: str = ""
    repo: str = ""
    version: str = ""


def _parse(args: Sequence[str]) -> _Template:
    parsed = _Template()
    words = iter(args)
    for word in words:
        name, equals, inline = word.partition("=")
        if name in _FLAGS:
            parsed.flags.add(name)
        elif name == "--untar":
            continue
        elif name.startswith("-"):
            value = inline if equals else next(words, "")
            if name in ("--namespace", "-n"):
                parsed.namespace = value
            elif name in ("--values", "-f"):
                parsed.values.append(value)
            elif name == "--api-versions":
                parsed.api_versions.append(value)
            elif name == "--kube-version":
                parsed.kube_version = value
            elif name in ("--untardir", "--repo", "--version"):
                setattr(parsed, name[2:], value)
        else:
            parsed.positional.append(word)
    return parsed


def _template(args: Sequence[str], fetch: bool) -> str:
    parsed = _parse(args)
    if "--generate-name" in parsed.flags:
        parsed.positional.insert(0, "release-name")
    if len(parsed.positional) != 2:
        raise ToolFailed(f"helm template needs a release name and a chart, got {args}")
    release, chart = parsed.positional
    values: dict[str, Any] = {}
    for file in parsed.values:
        try:
            values = merge_values(values, read_yaml_mapping(Path(file)))
        except InputError as error:
            raise ToolFailed(f"values file {file}: {error.diagnostic.message}") from error
    text = HelmEngine(allow_network=fetch).template(
        Path(chart),
        values,
        release=release,
        namespace=parsed.namespace,
        kube_version=parsed.kube_version,
        api_versions=parsed.api_versions,
    )
    objects = [o for o in parse_stream(text, f"helm template {chart}") if _kept(o, parsed.flags)]
    if "--include-crds" in parsed.flags:
        objects = _crds(Path(chart)) + objects
    marker = Path(chart) / _PULLED
    if marker.is_file():
        shutil.rmtree(marker.read_text(encoding="utf-8"), ignore_errors=True)
    return dump_stream(objects)


def _pull(args: Sequence[str], chart_cache: Path | None, fetch: bool) -> None:
    """``helm pull --untar --untardir DIR [--repo URL] CHART [--version V]``, from the cache.

    kustomize then reads ``DIR/<chart>``; the folders made for it are removed once
    ``helm template`` has read the chart.
    """
    parsed = _parse(args)
    if len(parsed.positional) != 1 or not parsed.untardir:
        raise ToolFailed(f"helm pull needs a chart and --untardir, got {args}")
    [name] = parsed.positional
    repository, chart = parsed.repo, name
    if name.startswith("oci://"):
        repository, _, chart = name.rpartition("/")
    if not plain_name(chart):
        # The name comes from the repository; it is unpacked, then removed, under untardir.
        raise ToolFailed(f"helmCharts name {name!r} is not a chart name: it names a path")
    if fetch:
        try:
            found = repository_chart(
                chart_cache, repository, chart, parsed.version, allow_network=True
            )
        except ChartFetchError as error:
            raise ToolFailed(str(error)) from None
    else:
        found = cached_chart(chart_cache, chart, parsed.version)
    if found is None:
        where = f"the chart cache {chart_cache}" if chart_cache else "a chart cache (--chart-cache)"
        raise ToolFailed(
            f"chart {chart} {parsed.version or '(latest)'} of {repository or 'no repository'} is "
            f"not in the chart home; put it in {where} as {cache_hint(chart, parsed.version)}, "
            "or pass --allow-network to download it"
        )
    target = Path(parsed.untardir) / chart
    made = target
    while not made.parent.exists():
        made = made.parent
    try:
        unpack_chart(found, target)
    except ChartError as error:
        shutil.rmtree(made, ignore_errors=True)
        raise ToolFailed(str(error)) from None
    (target / _PULLED).write_text(str(made), encoding="utf-8")


def _kept(obj: dict[str, Any], flags: set[str]) -> bool:
    """Whether ``helm template`` prints a rendered object under these flags."""
    hooks = str(((obj.get("metadata") or {}).get("annotations") or {}).get(_HOOK) or "")
    if hooks and "--no-hooks" in flags:
        return False
    return not ("--skip-tests" in flags and "test" in hooks.replace(" ", "").split(","))


def _crds(chart: Path) -> list[dict[str, Any]]:
    """The chart's ``crds/`` files, which ``helm template --include-crds`` prints first."""
    folder = chart / "crds"
    if not folder.is_dir():
        return []
    found: list[dict[str, Any]] = []
    for path in sorted(folder.iterdir()):
        if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
            try:
                found.extend(parse_stream(path.read_text(encoding="utf-8"), str(path)))
            except (InputError, OSError, UnicodeDecodeError) as error:
                raise ToolFailed(f"CRD file {path}: {error}") from error
    return found


def main(args: Sequence[str], *, chart_cache: str | None = None, fetch: bool = False) -> int:
    """Answer one call kustomize makes of ``helm``; the exit status.

    ``chart_cache`` and ``fetch`` say where ``helm pull`` finds a chart (see :func:`_pull`).
    """
    command = args[0] if args else ""
    try:
        if command == "version":
            sys.stdout.write(_VERSION + "\n")
        elif command == "template":
            sys.stdout.write(_template(args[1:], fetch))
        elif command == "pull":
            _pull(args[1:], None if chart_cache is None else Path(chart_cache), fetch)
        else:
            sys.stderr.write(f"helm {command}: not run offline\n")
            return 1
    except ToolFailed as error:
        sys.stderr.write(f"{error}\n")
        return 1
    return 0
