"""Recorded SCM listings (--scm-data): format, keys, provider-side selections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.services.recorded import RecordedPullRequests, RecordedScm, read_listing
from gitops_schema.errors import LoadError


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "scm.json"
    path.write_text(json.dumps(document))
    return path


def test_keyed_listing_and_generator_shaped_entries(tmp_path: Path) -> None:
    listing = read_listing(
        write(
            tmp_path,
            {
                "pullRequests": {
                    "grp/app": [{"number": "4", "target_branch": "main", "head_sha": "s"}]
                },
                "repositories": {
                    "grp": [
                        {
                            "repository": "a",
                            "branch": "main",
                            "labels": "x,y",
                            "repository_id": 5,
                            "paths": ["k8s/base/kustomization.yaml"],
                        },
                        {"repository": "a", "branch": "dev"},
                    ]
                },
            },
        )
    )
    (pull,) = RecordedPullRequests(listing).list({"gitlab": {"project": "grp/app"}})
    assert (pull["targetBranch"], pull["headSHA"]) == ("main", "s")
    provider = RecordedScm(listing).provider({"gitlab": {"group": "grp"}})
    (repo,) = provider.list_repos("")
    assert (repo["labels"], repo["repositoryId"]) == (["x", "y"], 5)
    assert len(provider.branches(repo)) == 1
    assert provider.has_path(repo, "k8s") and not provider.has_path(repo, "k8")
    every = RecordedScm(listing).provider({"gitlab": {"group": "grp", "allBranches": True}})
    (dev,) = every.branches(repo)[1:]
    with pytest.raises(GeneratorError, match="record its 'paths'"):
        every.has_path(dev, "k8s")


def test_unknown_key_and_bad_files(tmp_path: Path) -> None:
    listing = read_listing(write(tmp_path, {"pullRequests": {"a/b": []}}))
    with pytest.raises(GeneratorError, match="no pull requests for 'c/d'"):
        RecordedPullRequests(listing).list({"github": {"owner": "c", "repo": "d"}})
    with pytest.raises(LoadError):
        read_listing(write(tmp_path, {"repositories": {"o": "not a list"}}))
    with pytest.raises(LoadError):
        read_listing(tmp_path / "missing.json")
