"""Helm charts offline: a chart folder, or a repository chart from the local chart cache.

A chart from a Helm or OCI repository is never downloaded here: it is looked up in the
chart cache as ``<cache>/<chart>-<version>.tgz`` or ``<cache>/<chart>/<version>/``
(:mod:`.chart_fetch` fills the cache when the network is allowed). Dependencies missing
from a chart's ``charts/`` folder are looked up the same way.
"""

from __future__ import annotations

import shutil
import tarfile
import tempfile
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import Field, ValidationError

from gitops_schema.golang.semver import SemverError, Version, semver_compare
from gitops_schema.load.plain import InputError, read_text, read_yaml_mapping
from gitops_schema.model.base import KubeModel
from gitops_schema.model.helm import ChartDependency
from gitops_schema.render.engines import HelmEngine
from gitops_schema.render.manifests import parse_stream

__all__ = [
    "ChartError",
    "ChartNotCached",
    "cache_hint",
    "cached_chart",
    "highest_admitted",
    "plain_name",
    "prepared_chart",
    "template_chart",
    "unpack_chart",
]

_T = TypeVar("_T")


class ChartError(Exception):
    """A chart that cannot be rendered offline; the message says what is missing."""


class ChartNotCached(ChartError):
    """A dependency neither vendored nor in the chart cache: cannot verify offline."""


def cached_chart(
    cache: Path | None, name: str, version: str, *, ignore: Collection[Path] = ()
) -> Path | None:
    """The chart ``name`` at ``version`` in the chart cache (a ``.tgz`` or a folder).

    ``version`` may be a semver range (``>=1.0.0``, ``^2.1``, ``1.x``) or empty, as Helm
    and Flux accept: the highest cached version it admits is taken, as a repository
    index would give it. Paths in ``ignore`` are not taken.
    """
    short = name.rsplit("/", 1)[-1]
    if cache is None or not plain_name(short) or (version and not plain_name(version)):
        # Both come from the repository: a name that is a path would read outside the cache.
        return None
    for candidate in (cache / f"{short}-{version}.tgz", cache / short / version):
        if version and candidate.exists() and candidate not in ignore:
            return candidate
    cached = ((found, path) for found, path in _cached_versions(cache, short) if path not in ignore)
    return highest_admitted(version, cached)


def plain_name(text: str) -> bool:
    """Whether ``text`` names one entry of a folder (no separator, not ``.`` or ``..``)."""
    return text not in ("", ".", "..") and not any(c in text for c in "/\\\x00")


def highest_admitted(constraint: str, candidates: Iterable[tuple[str, _T]]) -> _T | None:
    """The candidate of the highest version that ``constraint`` admits, as Helm picks one.

    Args:
        constraint: a semver range or version; empty is Helm's "latest stable".
        candidates: pairs of a version text and what it names (a file, an index entry);
            texts that are not semver are passed over.
    """
    # No version is Helm's "latest stable": the range "*", which admits no prerelease.
    constraint = constraint or "*"
    best: tuple[Version, _T] | None = None
    for found, item in candidates:
        try:
            if not semver_compare(constraint, found):
                continue
            parsed = Version(found)
        except SemverError:
            continue
        if best is None or parsed.compare(best[0]) > 0:
            best = (parsed, item)
    return best[1] if best is not None else None


def cache_hint(name: str, version: str) -> str:
    """Where the chart cache would hold ``name`` at ``version`` (a version or a range)."""
    short = name.rsplit("/", 1)[-1]
    try:
        Version(version)
    except SemverError:
        admits = f"a version {version!r} admits" if version else "any version"
        return f"{short}-<version>.tgz or {short}/<version>/, for {admits}"
    return f"{short}-{version}.tgz or {short}/{version}/"


def _cached_versions(cache: Path, chart: str) -> Iterator[tuple[str, Path]]:
    prefix = f"{chart}-"
    for archive in cache.glob(f"{chart}-*.tgz"):
        yield archive.name[len(prefix) : -len(".tgz")], archive
    folder = cache / chart
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.is_dir():
                yield entry.name, entry


@contextmanager
def prepared_chart(
    chart: Path,
    cache: Path | None,
    *,
    defaults: Mapping[str, Any] | None = None,
    allow_network: bool = False,
) -> Iterator[Path]:
    """A chart folder ready for Helm: unpacked, its dependencies present.

    Args:
        chart: a chart folder or a ``.tgz`` archive.
        cache: the chart cache that missing dependencies come from.
        defaults: values that replace the chart's ``values.yaml`` (Flux ``valuesFiles``).
        allow_network: download a dependency the cache lacks into it, from its
            repository, as the chart itself would be.

    Raises:
        ChartNotCached: a dependency is neither vendored in ``charts/`` nor in the cache
            (the network not allowed).
        ChartError: the chart cannot be read, or a dependency cannot be downloaded.
    """
    with tempfile.TemporaryDirectory(prefix="gitops-schema-chart-") as temporary:
        folder = chart
        if chart.is_file():
            folder = _unpack(chart, Path(temporary) / "unpacked")
        missing = _missing_dependencies(folder, cache, allow_network)
        if missing or defaults is not None:
            copy = Path(temporary) / "chart"
            # Links are kept as links: the engine refuses those that leave the chart.
            shutil.copytree(folder, copy, symlinks=True)
            for dependency in missing:
                target = copy / "charts"
                target.mkdir(exist_ok=True)
                if dependency.is_file():
                    shutil.copy(dependency, target / dependency.name)
                else:
                    shutil.copytree(dependency, target / dependency.parent.name)
            if defaults is not None:
                (copy / "values.yaml").write_text(yaml.safe_dump(dict(defaults)), "utf-8")
            folder = copy
        yield folder


def template_chart(
    engine: HelmEngine,
    chart: Path,
    values: Mapping[str, Any],
    *,
    release: str,
    namespace: str,
    include_crds: bool,
    kube_version: str | None = None,
    api_versions: Sequence[str] = (),
) -> str:
    """``helm template`` of a prepared chart, with ``--include-crds`` when asked.

    ``kube_version`` and ``api_versions`` are ``--kube-version`` and ``--api-versions``
    (see :meth:`HelmEngine.template`).

    Raises:
        ToolFailed: Helm fails on the chart; the message is Helm's.
        ChartError: a CRD file of the chart that cannot be read.
    """
    text = engine.template(
        chart,
        values,
        release=release,
        namespace=namespace,
        kube_version=kube_version,
        api_versions=api_versions,
    )
    if not include_crds:
        return text
    crds = [
        f"---\n# Source: {path.relative_to(chart)}\n{read_text(path).strip()}\n"
        for path in _crd_files(chart)
    ]
    return "".join(crds) + text


def _crd_files(chart: Path) -> list[Path]:
    # Helm installs the crds/ of the chart and of every vendored subchart, never templated.
    files: list[Path] = []
    crds = chart / "crds"
    if crds.is_dir():
        files.extend(sorted(p for p in crds.rglob("*") if p.suffix in (".yaml", ".yml", ".json")))
    subcharts = chart / "charts"
    if subcharts.is_dir():
        for sub in sorted(subcharts.iterdir()):
            if sub.is_dir():
                files.extend(_crd_files(sub))
    try:
        return [f for f in files if parse_stream(read_text(f), str(f))]
    except InputError as error:
        raise ChartError(f"a CRD file of the chart cannot be read: {error}") from error


def unpack_chart(chart: Path, target: Path) -> None:
    """The cached ``chart`` (a ``.tgz`` or a folder) as the chart folder ``target``.

    Raises:
        ChartError: the archive cannot be read or holds no single chart.
    """
    if chart.is_dir():
        shutil.copytree(chart, target, symlinks=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".unpacking-", dir=target.parent) as temporary:
        _unpack(chart, Path(temporary)).rename(target)


def _unpack(archive: Path, target: Path) -> Path:
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise ChartError(f"chart archive {archive} cannot be read: {error}") from error
    folders = [p for p in target.iterdir() if (p / "Chart.yaml").is_file()]
    if len(folders) != 1:
        raise ChartError(f"chart archive {archive} holds no single chart folder")
    return folders[0]


class _ChartDependencies(KubeModel):
    # Only what is read here: Helm itself checks the rest of Chart.yaml, in its own words.
    name: str = ""
    dependencies: list[ChartDependency] = Field(default_factory=list)


def _missing_dependencies(chart: Path, cache: Path | None, allow_network: bool) -> list[Path]:
    """Cached copies of the dependencies that ``charts/`` lacks (downloaded when allowed)."""
    metadata_file = chart / "Chart.yaml"
    if not metadata_file.is_file():
        raise ChartError(f"no Chart.yaml in {chart}")
    try:
        metadata = _ChartDependencies.model_validate(read_yaml_mapping(metadata_file))
    except InputError as error:
        raise ChartError(str(error)) from error
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(step) for step in first["loc"])
        raise ChartError(f"{metadata_file}: {where}: {first['msg']}") from error
    shown = metadata.name or chart.name
    found: list[Path] = []
    for dependency in metadata.dependencies:
        name, version = dependency.name, dependency.version or ""
        repository = dependency.repository or ""
        if _vendored(chart / "charts", name) or repository.startswith("file://"):
            continue
        if allow_network and repository:
            # chart_fetch reads this module: imported here, on a download only.
            from gitops_schema.render.chart_fetch import ChartFetchError, repository_chart

            try:
                cached = repository_chart(cache, repository, name, version, allow_network=True)
            except ChartFetchError as error:
                raise ChartError(f"chart {shown} depends on {error}") from None
        else:
            cached = cached_chart(cache, name, version)
        if cached is None:
            raise ChartNotCached(
                f"cannot verify offline: chart {shown} depends on {name} {version} from "
                f"{repository}, which is not in charts/ nor in the chart cache "
                f"({cache_hint(name, version)})"
            )
        found.append(cached)
    return found


def _vendored(charts: Path, name: str) -> bool:
    if not charts.is_dir():
        return False
    return (charts / name).is_dir() or any(charts.glob(f"{name}-*.tgz"))
