"""Every report names files from the repository, whatever form its folder was given in.

``check`` of ``.``, a relative path, an absolute path and a subfolder; ``diff`` and
``envdiff`` of an absolute path and of ``..``: no report depends on the form, and SARIF's
artifact URIs are paths from the git work tree's root, as GitHub code scanning maps them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replica: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
"""
SECRET = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: hunter2\n"
BROKEN_APP = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: broken-dev, namespace: argocd}
spec:
  project: default
  source: {repoURL: https://github.com/org/repo.git, path: apps/missing, targetRevision: HEAD}
  destination: {server: https://kubernetes.default.svc, namespace: web}
"""


@pytest.fixture
def repository(tmp_path: Path, git: Callable[..., str]) -> Path:
    root = tmp_path / "repo"
    for name, text in {
        "apps/web/deploy.yaml": DEPLOYMENT,
        "apps/web/secret.yaml": SECRET,
        "argocd/broken.yaml": BROKEN_APP,
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root


def sarif_uris(out: str) -> list[str]:
    run = json.loads(out)["runs"][0]
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert all(location["uriBaseId"] == "%SRCROOT%" for location in locations)
    return sorted(location["uri"] for location in locations)


def test_check_reports_name_the_same_files_whatever_form_the_folder_is_given_in(
    repository: Path, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repository)
    forms = [".", str(repository), f"../{repository.name}"]
    reports = {
        fmt: {cli("check", form, "-o", fmt).out for form in forms}
        for fmt in ("text", "json", "junit")
    }
    assert all(len(outs) == 1 for outs in reports.values()), reports
    assert str(repository) not in "".join(o for outs in reports.values() for o in outs)
    expected = ["apps/web/deploy.yaml", "apps/web/secret.yaml"]
    assert sorted(f["file"] for f in json.loads(reports["json"].pop())["findings"]) == expected
    for form in [*forms, "apps", str(repository / "apps")]:
        assert sarif_uris(cli("check", form, "-o", "sarif").out) == expected, form
    # Run from elsewhere, the URIs are still the repository's paths.
    monkeypatch.chdir(repository.parent)
    assert sarif_uris(cli("check", "repo", "-o", "sarif").out) == expected
    assert sarif_uris(cli("check", str(repository / "apps"), "-o", "sarif").out) == expected


def test_check_of_a_subfolder_is_told_relative_to_it_in_every_form(
    repository: Path, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repository)
    outs = {cli("check", form, "-o", "json").out for form in ("apps", str(repository / "apps"))}
    assert len(outs) == 1
    assert sorted(f["file"] for f in json.loads(outs.pop())["findings"]) == [
        "web/deploy.yaml",
        "web/secret.yaml",
    ]


def test_sarif_outside_git_is_relative_to_the_checked_folder(
    tmp_path: Path, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "repo/apps").mkdir(parents=True)
    (tmp_path / "repo/apps/secret.yaml").write_text(SECRET)
    monkeypatch.chdir(tmp_path)
    for form in ("repo", str(tmp_path / "repo")):
        assert sarif_uris(cli("check", form, "-o", "sarif").out) == ["apps/secret.yaml"]


@pytest.mark.parametrize("command", ["diff", "envdiff"])
def test_diff_and_envdiff_name_files_from_the_repository(
    repository: Path, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.chdir(repository / "apps")
    for fmt in ("text", "markdown", "json"):
        runs = [cli(command, form, "--no-cache", "-o", fmt) for form in ("..", str(repository))]
        assert runs[0].out == runs[1].out
        assert runs[0].err == runs[1].err
        for run in runs:
            assert run.code == 1
            assert "argocd/broken.yaml:" in run.err + run.out
            assert str(repository) not in run.err + run.out
            assert "../argocd" not in run.err + run.out


def test_files_named_one_by_one_are_told_alike_absolute_or_relative(
    repository: Path, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repository)
    relative = ["apps/web/deploy.yaml", "apps/web/secret.yaml"]
    outs = {
        fmt: {
            cli("check", *files, "-o", fmt).out
            for files in (relative, [str(repository / f) for f in relative])
        }
        for fmt in ("text", "json", "junit", "sarif")
    }
    assert all(len(out) == 1 for out in outs.values()), outs
    assert sorted(f["file"] for f in json.loads(outs["json"].pop())["findings"]) == relative
