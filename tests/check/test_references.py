"""What a file refers to: kustomize entries on disk, secret-manager references."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from gitops_schema.check import check


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


OVERLAY = {
    "base/kustomization.yaml": "resources: [deployment.yaml]\n",
    "base/deployment.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n",
    "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n  - ../../gone\n",
}


@pytest.mark.parametrize("checked", ["overlays/prod", "overlays/prod/kustomization.yaml"])
def test_kustomize_entries_outside_the_checked_folder_are_looked_up_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checked: str
) -> None:
    write(tmp_path, OVERLAY)
    monkeypatch.chdir(tmp_path)
    result = check([checked])
    missing = [f.message for f in result.findings if f.rule == "kustomize-missing-resource"]
    assert len(missing) == 1
    assert "'../../gone'" in missing[0]


def test_at_a_revision_entries_outside_the_checked_folder_are_looked_up_in_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, git: Callable[..., str]
) -> None:
    write(tmp_path, OVERLAY)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "overlay")
    # The work tree has moved on: the base is gone from it, "gone" appeared.
    shutil.rmtree(tmp_path / "base")
    write(tmp_path, {"gone/kustomization.yaml": "resources: []\n"})
    monkeypatch.chdir(tmp_path)
    result = check(["overlays/prod"], revision="HEAD")
    missing = [f.message for f in result.findings if f.rule == "kustomize-missing-resource"]
    assert len(missing) == 1
    assert "'../../gone'" in missing[0]


SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  onepassword: op://Automation/1password connect/token
  bankvaults: vault:secret/data/app#password
  vals: ref+vault://secret/app with space#/key
  awssm: awssm://prod db/password
  plain: hunter2
"""


def test_secret_manager_references_are_not_plain_text(tmp_path: Path) -> None:
    write(tmp_path, {"secret.yaml": SECRET})
    result = check([tmp_path])
    flagged = [f.location.path[-1] for f in result.findings if f.rule == "secret-plaintext"]
    assert flagged == ["plain"]
