"""A chart's values.schema.json that refers ($ref) to another document over HTTP: offline
its values cannot be verified (an info, not an invalid schema); with --allow-network the
document is fetched, as Helm fetches it, and the values are checked against it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..conftest import ChartServer


def chart(root: Path, reference: str) -> Path:
    folder = root / "charts/web"
    folder.mkdir(parents=True)
    (folder / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 0.1.0\n")
    (folder / "values.yaml").write_text("replicas: two\n")
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {"replicas": {"$ref": reference}},
    }
    (folder / "values.schema.json").write_text(json.dumps(schema))
    return root


def test_a_remote_ref_is_fetched_only_with_allow_network(
    tmp_path: Path, cli: Callable[..., Any], chart_server: ChartServer
) -> None:
    (chart_server.folder / "defs.json").write_text(
        json.dumps({"definitions": {"count": {"type": "integer", "minimum": 1}}})
    )
    repo = chart(tmp_path / "repo", f"{chart_server.url}/defs.json#/definitions/count")

    offline = cli("check", str(repo), "-o", "json")
    assert offline.code == 0, offline.out
    [finding] = json.loads(offline.out)["findings"]
    assert (finding["rule"], finding["severity"]) == ("schema-missing", "info")
    assert finding["file"] == "charts/web/values.schema.json"
    assert "cannot verify offline" in finding["message"]
    assert "--allow-network" in finding["message"]
    assert chart_server.requests == []

    online = cli("check", str(repo), "--allow-network", "-o", "json")
    assert online.code == 1, online.out
    [finding] = json.loads(online.out)["findings"]
    assert (finding["rule"], finding["file"], finding["line"]) == (
        "schema",
        "charts/web/values.yaml",
        1,
    )
    assert "replicas" in finding["path"] and "integer" in finding["message"]
    assert chart_server.requests == ["/charts/defs.json"]


def test_a_remote_ref_that_cannot_be_fetched_is_an_error_naming_it(
    tmp_path: Path, cli: Callable[..., Any], chart_server: ChartServer
) -> None:
    repo = chart(tmp_path / "repo", f"{chart_server.url}/missing.json")
    result = cli("check", str(repo), "--allow-network", "-o", "json")
    assert result.code == 1
    [finding] = json.loads(result.out)["findings"]
    assert finding["rule"] == "schema" and finding["file"] == "charts/web/values.schema.json"
    assert f"$ref {chart_server.url}/missing.json cannot be fetched: HTTP 404" in finding["message"]
