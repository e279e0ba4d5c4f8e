"""The scmProvider generator: params, filter phases, gates, recorded listings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gitops_schema.appset.env import Env
from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.generators import GeneratorContext
from gitops_schema.appset.generators.scm_provider import generate
from gitops_schema.appset.services.recorded import RecordedScm, read_listing

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "offline"


class Provider:
    def __init__(self, repos: list[dict[str, Any]]) -> None:
        self.repos = repos
        self.path_checks: list[str] = []

    def list_repos(self, clone_protocol: str) -> list[dict[str, Any]]:
        seen: dict[str, dict[str, Any]] = {}
        for repo in self.repos:
            seen.setdefault(repo["repository"], repo)
        return list(seen.values())

    def branches(self, repo: Any) -> list[dict[str, Any]]:
        return [r for r in self.repos if r["repository"] == repo["repository"]]

    def has_path(self, repo: Any, path: str) -> bool:
        self.path_checks.append(path)
        return path in repo.get("paths", ())


class Scm:
    def __init__(self, provider: Provider) -> None:
        self.given = provider

    def provider(self, spec: Any) -> Provider:
        return self.given


def repo(name: str, branch: str = "main", **extra: Any) -> dict[str, Any]:
    return {
        "organization": "o",
        "repository": name,
        "url": f"u/{name}",
        "branch": branch,
        "sha": "0123456789",
        "labels": [],
        "repositoryId": 1,
        **extra,
    }


def run(spec: dict[str, Any], repos: list[dict[str, Any]], **env: Any) -> list[dict[str, Any]]:
    context = GeneratorContext(Env(scm=Scm(Provider(repos)), **env))
    return generate(spec, context)


def test_params_as_argo_names_them() -> None:
    (params,) = run({}, [repo("app", "Feature/X", labels=["a", "b"], repositoryId="id9")])
    assert params == {
        "organization": "o",
        "repository": "app",
        "repository_id": "id9",
        "url": "u/app",
        "branch": "Feature/X",
        "branchNormalized": "feature-x",
        "sha": "0123456789",
        "short_sha": "01234567",
        "short_sha_7": "0123456",
        "labels": "a,b",
    }


def test_repository_filters_run_before_branch_filters() -> None:
    repos = [repo("app"), repo("app", "dev"), repo("lib"), repo("lib", "dev")]
    spec = {"filters": [{"repositoryMatch": "^app$"}, {"branchMatch": "dev"}]}
    # Not a plain OR: the repository filter chose app, the branch filter then chose dev.
    assert [(p["repository"], p["branch"]) for p in run(spec, repos)] == [("app", "dev")]


def test_empty_filter_is_ignored_and_paths_are_trimmed() -> None:
    repos = [repo("app", paths=["k8s"]), repo("lib")]
    assert len(run({"filters": [{}]}, repos)) == 2
    provider = Provider(repos)
    got = generate(
        {"filters": [{"pathsExist": ["k8s/"]}]}, GeneratorContext(Env(scm=Scm(provider)))
    )
    assert [p["repository"] for p in got] == ["app"]
    assert provider.path_checks == ["k8s", "k8s"]


def test_bad_regex_reports_go_error() -> None:
    with pytest.raises(
        GeneratorError, match=r'error listing repos: error compiling LabelMatch regexp "\("'
    ):
        run({"filters": [{"labelMatch": "("}]}, [repo("a")])


def test_gates() -> None:
    with pytest.raises(GeneratorError, match="scm providers are disabled"):
        run({}, [], scm_providers_enabled=False)
    spec = {"gitea": {"api": "https://evil"}}
    with pytest.raises(
        GeneratorError,
        match='scm provider "https://evil" not allowed, must use one of the following: a, b',
    ):
        run(spec, [], allowed_scm_providers=("a", "b"))
    assert run({"gitea": {"api": "a"}}, [], allowed_scm_providers=("a",)) == []


def test_without_listing_the_error_says_how_to_go_offline() -> None:
    with pytest.raises(GeneratorError, match="--scm-data"):
        generate({}, GeneratorContext(Env()))


def test_recorded_example_listing_with_go_values() -> None:
    listing = read_listing(EXAMPLES / "scm-repos.json")
    spec = {
        "github": {"organization": "example-org"},
        "cloneProtocol": "https",
        "filters": [{"repositoryMatch": "^microservice-", "labelMatch": "^gitops$"}],
        "values": {"name": "{{ .repository }}-dev"},
    }
    got = generate(spec, GeneratorContext(Env(scm=RecordedScm(listing)), go_template=True))
    assert [p["values"]["name"] for p in got] == [
        "microservice-billing-dev",
        "microservice-fraud-check-dev",
        "microservice-ledger-dev",
    ]
    assert got[2]["branch"] == "trunk"
    assert got[0]["repository_id"] == 610201001
