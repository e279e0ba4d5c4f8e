"""Charts fetched from Helm and OCI repositories into the chart cache, when allowed.

Rendering is offline unless the caller allows the network. Then a repository chart the
chart cache lacks is downloaded and stored as ``<cache>/<chart>-<version>.tgz``, the layout
:func:`~gitops_schema.render.charts.cached_chart` reads, so the next render finds it
offline. A chart that was in the cache before is used as it is, even when the repository
has since published a newer version its range admits: the cache pins what is rendered.

* A Helm repository (``http://`` or ``https://``): its ``index.yaml`` gives the versions;
  the chart is the one Helm picks (the exact version, else the highest the range
  admits), downloaded from the entry's first URL and checked against its ``digest``.
* An OCI registry (``oci://host/path``, or ``host/path`` as Argo CD writes it): the
  registry's tags give the versions, picked the same way, and Helm's registry client
  pulls the chart. Registries on the loopback interface are spoken to in plain HTTP, as
  Docker treats them.

A failure is a :class:`ChartFetchError` naming the repository, chart and version, and
leaves nothing in the cache: an archive is written to a temporary file and renamed.
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import os
import tarfile
import tempfile
import threading
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

from gitops_schema.golang.semver import SemverError, Version
from gitops_schema.load.plain import InputError, first_yaml_value, text_of
from gitops_schema.render.cache import default_cache_dir
from gitops_schema.render.charts import cached_chart, highest_admitted

__all__ = ["ChartFetchError", "default_chart_cache", "fetch_chart", "repository_chart"]

_TIMEOUT = 30.0
"""Seconds an HTTP request may wait (to connect, read, write)."""
_SHOWN_VERSIONS = 10

# One lookup at a time: the renders of a wave run in parallel and often ask for the same
# chart; waiting here lets the second find it stored instead of downloading it again.
_LOCK = threading.Lock()

_downloaded: set[Path] = set()
"""Archives this process stored. A range is not resolved by them alone: which of the
renders running in parallel downloaded first must not decide what another one renders."""

_Download = Callable[[], bytes]


class ChartFetchError(Exception):
    """A chart that could not be fetched; the message names repository, chart and version."""


class _Failure(Exception):
    """Why a fetch failed, before the chart, version and repository are added."""


def default_chart_cache() -> Path:
    """The chart cache used when the network is allowed and no cache is given."""
    return default_cache_dir() / "charts"


def repository_chart(
    cache: Path | None, repository: str, chart: str, version: str, *, allow_network: bool
) -> Path | None:
    """The chart from the chart cache, else fetched into it when the network is allowed.

    With the network allowed, a chart already cached when the process started is taken as
    offline; otherwise the repository decides the version (the exact one, or the highest
    its range admits) and the archive is downloaded unless it is already stored. When the
    repository cannot be read, a chart this process downloaded earlier is taken instead.

    Args:
        cache: the chart cache; with the network allowed, :func:`default_chart_cache`
            when None.
        repository: the Helm repository URL or OCI registry path the chart comes from.
        chart: the chart's name in that repository.
        version: a version, a semver range, or empty for the latest stable version.
        allow_network: whether a chart missing from the cache may be downloaded.

    Returns:
        The cached ``.tgz`` or folder; None when the chart is not cached and the network
        is not allowed.

    Raises:
        ChartFetchError: the network is allowed and the chart cannot be fetched.
    """
    if not allow_network:
        return cached_chart(cache, chart, version)
    cache = default_chart_cache() if cache is None else cache
    with _LOCK:
        found = cached_chart(cache, chart, version, ignore=_downloaded)
        if found is not None:
            return found
        try:
            found = fetch_chart(cache, repository, chart, version)
        except ChartFetchError:
            earlier = cached_chart(cache, chart, version)
            if earlier is None:
                raise
            return earlier
        _downloaded.add(found)
        return found


def fetch_chart(cache: Path, repository: str, chart: str, version: str) -> Path:
    """Store ``chart`` at ``version`` (or the highest its range admits) in ``cache``.

    The repository picks the version; its archive is downloaded unless the cache already
    holds ``<chart>-<version>.tgz``.

    Returns:
        The stored archive, ``<cache>/<chart>-<version>.tgz``.

    Raises:
        ChartFetchError: the repository cannot be reached or read, it has no such chart
            or version, or the download is not the chart the repository describes.
    """
    scheme = repository.partition("://")[0].lower() if "://" in repository else ""
    try:
        if scheme in ("http", "https"):
            found, download = _from_helm_repository(repository, chart, version)
        elif scheme in ("oci", ""):
            found, download = _from_oci_registry(repository, chart, version)
        else:
            raise _Failure(
                f"{scheme}:// is not a chart repository: give an http(s):// Helm repository "
                "or an oci:// registry"
            )
        _check_version(found)
        target = cache / f"{chart.rsplit('/', 1)[-1]}-{found}.tgz"
        if target.is_file():
            return target
        return _store(target, download())
    except _Failure as failure:
        raise ChartFetchError(
            f"chart {chart} {version or '(latest)'} from {repository} cannot be fetched: {failure}"
        ) from None


def _from_helm_repository(repository: str, chart: str, version: str) -> tuple[str, _Download]:
    """The version the repository's index picks, and how to download its archive."""
    # Without a trailing slash, a relative chart URL would replace the last path segment.
    base = repository.rstrip("/") + "/"
    index_url = urljoin(base, "index.yaml")
    entry = _index_entry(_index(_get(index_url), index_url), chart, version)
    found = str(entry["version"])
    urls = entry.get("urls")
    if not isinstance(urls, list) or not urls:
        raise _Failure(f"the index entry of {chart} {found} has no download URL")
    archive_url = urljoin(base, str(urls[0]))
    expected = str(entry.get("digest") or "").removeprefix("sha256:").lower()

    def download() -> bytes:
        data = _get(archive_url)
        actual = hashlib.sha256(data).hexdigest()
        if expected and actual != expected:
            raise _Failure(
                f"{archive_url} has the sha256 digest {actual}, but the repository index "
                f"says {expected}"
            )
        _check_archive(data, archive_url)
        return data

    return found, download


def _get(url: str) -> bytes:
    # Imported on a download only: a render from the chart cache never loads an HTTP client.
    import httpx

    try:
        with httpx.Client(timeout=_TIMEOUT, follow_redirects=True) as client:
            response = client.get(url)
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise _Failure(f"GET {url}: {error or type(error).__name__}") from error
    if response.status_code >= 400:
        raise _Failure(f"GET {url}: HTTP {response.status_code} {response.reason_phrase}")
    return response.content


def _index(data: bytes, url: str) -> Mapping[str, Any]:
    try:
        index = first_yaml_value(text_of(data, url), url)
    except InputError as error:
        message = error.diagnostic.message
        raise _Failure(f"{url} is not a Helm repository index: {message}") from error
    if not isinstance(index, Mapping) or not isinstance(index.get("entries"), Mapping):
        raise _Failure(f"{url} is not a Helm repository index: it has no entries")
    return index


def _index_entry(index: Mapping[str, Any], chart: str, version: str) -> Mapping[str, Any]:
    """The entry Helm takes: the exact version when listed, else the highest admitted."""
    listed = index["entries"].get(chart)
    if not isinstance(listed, list) or not listed:
        raise _Failure(f"the repository index has no chart {chart!r}")
    entries = [e for e in listed if isinstance(e, Mapping) and e.get("version") is not None]
    for entry in entries:
        if version and str(entry["version"]) == version:
            return entry
    chosen = highest_admitted(version, ((str(e["version"]), e) for e in entries))
    if chosen is None:
        raise _Failure(_no_version(version, [str(e["version"]) for e in entries]))
    return chosen


def _no_version(version: str, versions: list[str]) -> str:
    wanted = f"version {version!r}" if version else "stable version"
    shown = ", ".join(versions[:_SHOWN_VERSIONS]) + (
        ", ..." if len(versions) > _SHOWN_VERSIONS else ""
    )
    return f"no {wanted} is published (the repository has {shown or 'none'})"


def _from_oci_registry(repository: str, chart: str, version: str) -> tuple[str, _Download]:
    """The tag the registry's tags pick, and how to pull it with Helm's registry client."""
    # Imported on a pull only: Helm's SDK takes a tenth of a second to load.
    import helm_python

    path = repository.removeprefix("oci://").rstrip("/")
    reference = f"oci://{path}/{chart}"
    plain_http = _is_loopback(urlsplit(f"//{path}").hostname or "")
    try:
        with helm_python.RegistryClient(plain_http=plain_http) as client:
            # Helm lists the semver tags only, with "_" turned back into "+".
            tags = client.tags(reference)
    except helm_python.HelmError as error:
        raise _Failure(f"{reference}: {error}") from error
    chosen = version if version in tags else highest_admitted(version, ((t, t) for t in tags))
    if chosen is None:
        raise _Failure(_no_version(version, tags))
    tag: str = chosen

    def download() -> bytes:
        try:
            with (
                helm_python.RegistryClient(plain_http=plain_http) as client,
                tempfile.TemporaryDirectory(prefix="gitops-schema-pull-") as folder,
            ):
                helm_python.pull(
                    reference, client=client, version=tag, destination=folder, plain_http=plain_http
                )
                archives = sorted(Path(folder).glob("*.tgz"))
                if len(archives) != 1:
                    raise _Failure(f"pulling {reference}:{tag} gave no single chart archive")
                data = archives[0].read_bytes()
        except helm_python.HelmError as error:
            raise _Failure(f"{reference}:{tag}: {error}") from error
        _check_archive(data, f"{reference}:{tag}")
        return data

    return tag, download


def _check_version(version: str) -> None:
    # Helm loads only SemVer chart versions; anything else (a "/" in a version the
    # repository made up) would also name a file outside the cache.
    try:
        Version(version)
    except SemverError as error:
        raise _Failure(
            f"the repository gives the version {version!r}, which is not SemVer"
        ) from error


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_archive(data: bytes, source: str) -> None:
    """Refuse what is not a chart archive, so that the cache never holds one."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            names = archive.getnames()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise _Failure(f"{source} is not a chart archive: {error}") from error
    if not any(
        len(parts := PurePosixPath(name).parts) == 2 and parts[1] == "Chart.yaml" for name in names
    ):
        raise _Failure(f"{source} is not a chart archive: it has no <chart>/Chart.yaml")


def _store(target: Path, data: bytes) -> Path:
    """Write the archive through a temporary file and a rename: never half a chart."""
    cache = target.parent
    try:
        cache.mkdir(parents=True, exist_ok=True)
        # A hidden name that the cache's "<chart>-*.tgz" lookup never matches.
        descriptor, temporary = tempfile.mkstemp(prefix=".", suffix=".part", dir=cache)
    except OSError as error:
        raise _Failure(f"the chart cache {cache} cannot be written: {error}") from error
    stored = False
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
        stored = True
    except OSError as error:
        raise _Failure(f"{target} cannot be written: {error}") from error
    finally:
        if not stored:
            Path(temporary).unlink(missing_ok=True)
    return target
