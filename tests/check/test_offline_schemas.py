"""Outside render: schemas only from the bundled catalog, no $ref fetched, no symlink out."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitops_schema.check import schema_catalog as catalog
from gitops_schema.load.files import walk

CANARY = "canary-schema-7c21"


@pytest.mark.parametrize(
    ("group", "api", "kind"),
    [("../../../tmp/x", "v1", "Y"), ("example.com", "../v1", "Y"), ("a/b", "v1", "Y")],
)
def test_an_api_version_never_names_a_file(group: str, api: str, kind: str) -> None:
    assert catalog.packaged_schema(False, group, api, kind) is None


def test_a_values_schema_ref_is_never_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"type": "string", "description": CANARY}))
    for ref in (secret.as_uri(), "http://127.0.0.1:9/schema.json"):
        with pytest.raises(ValueError) as refused:
            catalog.values_schema({"$ref": ref}, "values.schema.json")
        assert "not fetched" in str(refused.value)
        assert CANARY not in str(refused.value)


def test_check_and_inventory_skip_symlinks_out_of_the_repository(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(f"apiVersion: v1\nkind: Secret\nmetadata: {{name: {CANARY}}}\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n")
    (repo / "leak.yaml").symlink_to(outside)
    (repo / "inside.yaml").symlink_to(repo / "cm.yaml")
    assert sorted(walk(repo)) == ["cm.yaml", "inside.yaml"]
    runs = (["inventory", str(repo)], ["check", str(repo)], ["check", str(repo), "-o", "json"])
    for args in runs:
        done = cli(*args)
        assert CANARY not in done.out + done.err
