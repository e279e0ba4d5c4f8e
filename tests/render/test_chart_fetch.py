"""Repository charts fetched into the chart cache when the network is allowed.

Every repository here is a real server on loopback: a Helm repository (``chart_server``,
tests/conftest.py) and a minimal OCI registry (the distribution API's read side).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitops_schema.load import load_paths
from gitops_schema.model import parse_documents
from gitops_schema.render import RenderResult, render_application, render_helm_release
from gitops_schema.render.chart_fetch import default_chart_cache
from gitops_schema.render.manifests import parse_stream

from ..conftest import ChartServer, package_chart


def application(url: str, chart: str, version: str) -> dict[str, Any]:
    return {
        "metadata": {"name": "demo"},
        "spec": {
            "source": {"repoURL": url, "chart": chart, "targetRevision": version},
            "destination": {"namespace": "apps"},
        },
    }


def render(
    url: str, version: str, cache: Path | None, *, allow_network: bool = True, chart: str = "demo"
) -> RenderResult:
    return render_application(
        application(url, chart, version),
        repository=Path("/nonexistent"),
        chart_cache=cache,
        allow_network=allow_network,
    )


def rendered_version(result: RenderResult) -> str:
    assert result.report.ok, [str(d) for d in result.report]
    [config] = result.manifests
    return str(config["data"]["version"])


def only_diagnostic(result: RenderResult) -> tuple[str, str]:
    [diagnostic] = result.report
    return diagnostic.rule, diagnostic.message


def test_a_range_is_fetched_into_the_cache_and_then_read_offline(
    chart_server: ChartServer, tmp_path: Path
) -> None:
    chart_server.publish("demo", "1.0.0", "1.2.0", "1.3.0-rc.1", "2.0.0")
    cache = tmp_path / "cache"
    assert rendered_version(render(chart_server.url, "^1.0.0", cache)) == "1.2.0"
    assert sorted(p.name for p in cache.iterdir()) == ["demo-1.2.0.tgz"]
    assert chart_server.requests == ["/charts/index.yaml", "/charts/demo-1.2.0.tgz"]
    chart_server.stop()
    assert rendered_version(render(chart_server.url, "^1.0.0", cache)) == "1.2.0"
    assert rendered_version(render(chart_server.url, "1.2.0", cache, allow_network=False)) == (
        "1.2.0"
    )


def test_an_exact_version_and_the_latest_stable(chart_server: ChartServer, tmp_path: Path) -> None:
    chart_server.publish("demo", "1.0.0", "2.0.0", "3.0.0-beta.1")
    assert rendered_version(render(chart_server.url, "1.0.0", tmp_path / "a")) == "1.0.0"
    assert rendered_version(render(chart_server.url, "", tmp_path / "b")) == "2.0.0"


def test_a_range_is_decided_by_the_cache_as_it_was_else_by_the_repository(
    chart_server: ChartServer, tmp_path: Path
) -> None:
    chart_server.publish("demo", "1.0.0", "1.2.0")
    cache = tmp_path / "cache"
    assert rendered_version(render(chart_server.url, "1.0.0", cache)) == "1.0.0"
    # Downloaded by the render before, 1.0.0 does not decide the range: renders running in
    # parallel must not render what happened to be downloaded first.
    assert rendered_version(render(chart_server.url, "^1.0.0", cache)) == "1.2.0"
    assert chart_server.requests.count("/charts/demo-1.2.0.tgz") == 1
    # A chart that was in the cache before pins the range, as offline.
    pinned = tmp_path / "pinned"
    pinned.mkdir()
    shutil.copy(cache / "demo-1.0.0.tgz", pinned)
    assert rendered_version(render(chart_server.url, "^1.0.0", pinned)) == "1.0.0"


def test_offline_stays_the_default(chart_server: ChartServer, tmp_path: Path) -> None:
    chart_server.publish("demo", "1.0.0")
    cache = tmp_path / "cache"
    rule, message = only_diagnostic(render(chart_server.url, "1.0.0", cache, allow_network=False))
    assert rule == "render-argocd-chart-not-cached"
    assert f"demo 1.0.0 from {chart_server.url} is not in the chart cache" in message
    assert chart_server.requests == []
    assert not cache.exists()


def test_without_a_chart_cache_the_default_one_is_filled(
    chart_server: ChartServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    chart_server.publish("demo", "1.0.0")
    assert rendered_version(render(chart_server.url, "1.0.0", None)) == "1.0.0"
    assert (default_chart_cache() / "demo-1.0.0.tgz").is_file()
    assert default_chart_cache().is_relative_to(tmp_path)


def fetch_failure(url: str, version: str, cache: Path, chart: str = "demo") -> str:
    rule, message = only_diagnostic(render(url, version, cache, chart=chart))
    assert rule == "render-argocd-chart-fetch-failed"
    assert message.startswith(f"chart {chart} {version} from {url} cannot be fetched: ")
    # Nothing half-written is left for the next render to find.
    assert not cache.exists() or list(cache.iterdir()) == []
    return message


def test_a_missing_index_is_a_404(chart_server: ChartServer, tmp_path: Path) -> None:
    message = fetch_failure(chart_server.url, "1.0.0", tmp_path / "cache")
    assert f"GET {chart_server.url}/index.yaml: HTTP 404 File not found" in message


def test_a_missing_archive_is_a_404(chart_server: ChartServer, tmp_path: Path) -> None:
    chart_server.publish("demo", "1.0.0")
    (chart_server.folder / "demo-1.0.0.tgz").unlink()
    message = fetch_failure(chart_server.url, "1.0.0", tmp_path / "cache")
    assert f"GET {chart_server.url}/demo-1.0.0.tgz: HTTP 404" in message


def test_a_digest_mismatch_is_refused(chart_server: ChartServer, tmp_path: Path) -> None:
    chart_server.publish("demo", "1.0.0")
    index_file = chart_server.folder / "index.yaml"
    index = yaml.safe_load(index_file.read_text())
    index["entries"]["demo"][0]["digest"] = "0" * 64
    index_file.write_text(yaml.safe_dump(index))
    message = fetch_failure(chart_server.url, "1.0.0", tmp_path / "cache")
    actual = hashlib.sha256((chart_server.folder / "demo-1.0.0.tgz").read_bytes()).hexdigest()
    assert (
        f"{chart_server.url}/demo-1.0.0.tgz has the sha256 digest {actual}, but the "
        f"repository index says {'0' * 64}"
    ) in message


def test_a_download_that_is_no_chart_is_refused(chart_server: ChartServer, tmp_path: Path) -> None:
    chart_server.publish("demo", "1.0.0")
    index_file = chart_server.folder / "index.yaml"
    index = yaml.safe_load(index_file.read_text())
    del index["entries"]["demo"][0]["digest"]
    index["entries"]["demo"][0]["urls"] = ["index.yaml"]
    index_file.write_text(yaml.safe_dump(index))
    message = fetch_failure(chart_server.url, "1.0.0", tmp_path / "cache")
    assert f"{chart_server.url}/index.yaml is not a chart archive" in message


def test_a_failed_write_leaves_no_partial_archive(
    chart_server: ChartServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chart_server.publish("demo", "1.0.0")

    def disk_full(source: str, target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    message = fetch_failure(chart_server.url, "1.0.0", tmp_path / "cache")
    assert "demo-1.0.0.tgz cannot be written: [Errno 28] No space left on device" in message


def test_a_version_that_is_no_semver_names_no_file(
    chart_server: ChartServer, tmp_path: Path
) -> None:
    chart_server.publish("demo", "1.0.0")
    index_file = chart_server.folder / "index.yaml"
    index = yaml.safe_load(index_file.read_text())
    index["entries"]["demo"][0]["version"] = "../escaped"
    index_file.write_text(yaml.safe_dump(index))
    message = fetch_failure(chart_server.url, "../escaped", tmp_path / "cache")
    assert "the repository gives the version '../escaped', which is not SemVer" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["served"]


def test_no_admitted_version_lists_what_there_is(chart_server: ChartServer, tmp_path: Path) -> None:
    chart_server.publish("demo", "1.0.0", "1.2.0")
    message = fetch_failure(chart_server.url, ">=3.0.0", tmp_path / "cache")
    assert "no version '>=3.0.0' is published (the repository has 1.2.0, 1.0.0)" in message
    message = fetch_failure(chart_server.url, "1.0.0", tmp_path / "cache", chart="other")
    assert "the repository index has no chart 'other'" in message


def test_an_index_that_is_not_one(chart_server: ChartServer, tmp_path: Path) -> None:
    (chart_server.folder / "index.yaml").write_text("entries: [unclosed\n")
    message = fetch_failure(chart_server.url, "1.0.0", tmp_path / "cache")
    assert f"{chart_server.url}/index.yaml is not a Helm repository index" in message
    (chart_server.folder / "index.yaml").write_text("apiVersion: v1\n")
    message = fetch_failure(chart_server.url, "1.0.0", tmp_path / "cache")
    assert "is not a Helm repository index: it has no entries" in message


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_repositories(tmp_path: Path) -> None:
    refused = f"http://127.0.0.1:{unused_port()}/charts"
    message = fetch_failure(refused, "1.0.0", tmp_path / "cache")
    assert f"GET {refused}/index.yaml: " in message
    assert "refused" in message.lower()
    unknown = "https://charts.invalid"
    message = fetch_failure(unknown, "1.0.0", tmp_path / "cache")
    assert f"GET {unknown}/index.yaml: " in message
    message = fetch_failure("ftp://charts.example.com", "1.0.0", tmp_path / "cache")
    assert "ftp:// is not a chart repository" in message


# -- Flux ------------------------------------------------------------------------------

HELM_RELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: demo, namespace: apps}
spec:
  interval: 1h
  chart:
    spec:
      chart: demo
      version: "~1.0"
      sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}
"""


def helm_release(text: str, tmp_path: Path) -> Any:
    (tmp_path / "hr.yaml").write_text(text)
    [found] = parse_documents(load_paths([tmp_path / "hr.yaml"]).documents).objects
    return found


def helm_repository(url: str) -> dict[str, Any]:
    return {
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "HelmRepository",
        "metadata": {"name": "charts", "namespace": "flux-system"},
        "spec": {"url": url, "interval": "1h"},
    }


def test_a_helm_release_fetches_from_its_helm_repository(
    chart_server: ChartServer, tmp_path: Path
) -> None:
    chart_server.publish("demo", "1.0.0", "1.0.5", "1.1.0")
    release = helm_release(HELM_RELEASE, tmp_path)
    cache = tmp_path / "cache"
    result = render_helm_release(
        release,
        repository=tmp_path,
        objects=[helm_repository(chart_server.url)],
        chart_cache=cache,
        allow_network=True,
    )
    assert rendered_version(result) == "1.0.5"
    assert (cache / "demo-1.0.5.tgz").is_file()
    [unknown] = render_helm_release(
        release, repository=tmp_path, chart_cache=tmp_path / "empty", allow_network=True
    ).report
    assert unknown.rule == "render-flux-helm-chart-not-cached"
    assert unknown.message.endswith(
        "it is not fetched: the URL of HelmRepository flux-system/charts is unknown"
    )


# -- OCI -------------------------------------------------------------------------------


class Registry:
    """The read side of the OCI distribution API, for Helm charts pushed as ``<path>:<tag>``."""

    def __init__(self) -> None:
        self.tags: dict[str, dict[str, bytes]] = {}
        self.blobs: dict[str, bytes] = {}
        self.url = ""

    def push(self, path: str, archive: Path, tag: str) -> None:
        config, layer = b"{}", archive.read_bytes()
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": self._blob("application/vnd.cncf.helm.config.v1+json", config),
                "layers": [
                    self._blob("application/vnd.cncf.helm.chart.content.v1.tar+gzip", layer)
                ],
            }
        ).encode()
        self.tags.setdefault(path, {})[tag] = manifest
        self.blobs[digest(manifest)] = manifest

    def _blob(self, media_type: str, data: bytes) -> dict[str, Any]:
        self.blobs[digest(data)] = data
        return {"mediaType": media_type, "digest": digest(data), "size": len(data)}

    def answer(self, path: str) -> tuple[int, bytes, str, str]:
        """Status, body, media type and the digest the registry stores the body under."""
        for repository, tags in self.tags.items():
            prefix = f"/v2/{repository}/"
            if not path.startswith(prefix):
                continue
            kind, _, reference = path.removeprefix(prefix).partition("/")
            if kind == "tags" and reference == "list":
                listing = json.dumps({"name": repository, "tags": sorted(tags)}).encode()
                return 200, listing, "application/json", digest(listing)
            manifest = tags.get(reference) or self.blobs.get(reference)
            if kind == "manifests" and manifest is not None:
                return 200, manifest, "application/vnd.oci.image.manifest.v1+json", digest(manifest)
            if kind == "blobs" and reference in self.blobs:
                return 200, self.blobs[reference], "application/octet-stream", reference
        unknown = b'{"errors": [{"code": "NAME_UNKNOWN"}]}'
        return 404, unknown, "application/json", digest(unknown)


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.fixture
def registry() -> Iterator[Registry]:
    fake = Registry()

    class Handler(BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            self.reply(with_body=False)

        def do_GET(self) -> None:
            self.reply(with_body=True)

        def reply(self, *, with_body: bool) -> None:
            status, body, media_type, stored = fake.answer(self.path.split("?")[0])
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Docker-Content-Digest", stored)
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"oci://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


def test_an_oci_chart_is_pulled_at_the_highest_admitted_tag(
    registry: Registry, tmp_path: Path
) -> None:
    for version in ("1.0.0", "1.4.0", "2.0.0"):
        registry.push("charts/demo", package_chart(tmp_path, "demo", version), version)
    cache = tmp_path / "cache"
    result = render(f"{registry.url}/charts", ">=1.0.0 <2.0.0", cache)
    assert rendered_version(result) == "1.4.0"
    assert sorted(p.name for p in cache.iterdir()) == ["demo-1.4.0.tgz"]
    # Argo CD writes an OCI Helm repository without its scheme.
    bare = render(f"{registry.url.removeprefix('oci://')}/charts", "2.0.0", cache)
    assert rendered_version(bare) == "2.0.0"
    message = fetch_failure(f"{registry.url}/charts", "~3.0", tmp_path / "none")
    assert "no version '~3.0' is published (the repository has 2.0.0, 1.4.0, 1.0.0)" in message
    message = fetch_failure(f"{registry.url}/other", "1.0.0", tmp_path / "none")
    assert f"{registry.url}/other/demo: " in message


def test_an_oci_layer_that_is_not_what_its_manifest_says_is_refused(
    registry: Registry, tmp_path: Path
) -> None:
    archive = package_chart(tmp_path, "demo", "1.0.0")
    registry.push("charts/demo", archive, "1.0.0")
    layer = archive.read_bytes()
    # As long as the layer its manifest describes, but not the same bytes.
    registry.blobs[digest(layer)] = layer[:-1] + bytes([layer[-1] ^ 0xFF])
    message = fetch_failure(f"{registry.url}/charts", "1.0.0", tmp_path / "cache")
    assert f"{registry.url}/charts/demo:1.0.0: " in message
    assert "digest" in message


OCI_RELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: demo, namespace: apps}
spec:
  interval: 1h
  chartRef: {kind: OCIRepository, name: demo}
"""


def test_a_chart_ref_pulls_from_its_oci_repository(registry: Registry, tmp_path: Path) -> None:
    for version in ("0.9.0", "1.0.0"):
        registry.push("charts/demo", package_chart(tmp_path, "demo", version), version)
    source = parse_stream(
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\n"
        "metadata: {name: demo, namespace: apps}\n"
        f"spec: {{url: '{registry.url}/charts/demo', ref: {{semver: '<1.0.0'}}}}\n"
    )
    result = render_helm_release(
        helm_release(OCI_RELEASE, tmp_path),
        repository=tmp_path,
        objects=source,
        chart_cache=tmp_path / "cache",
        allow_network=True,
    )
    assert rendered_version(result) == "0.9.0"
    assert (tmp_path / "cache" / "demo-0.9.0.tgz").is_file()
