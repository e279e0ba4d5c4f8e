"""The pullRequest generator: params, slugs, filters, missing repositories, recorded data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gitops_schema.appset.env import Env
from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.generators import GeneratorContext
from gitops_schema.appset.generators.pull_request import generate, slug
from gitops_schema.appset.services import RepositoryNotFoundError
from gitops_schema.appset.services.recorded import RecordedPullRequests, read_listing

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "offline"


class Pulls:
    def __init__(self, pulls: list[dict[str, Any]], error: Exception | None = None) -> None:
        self.pulls = pulls
        self.error = error

    def list(self, spec: Any) -> list[dict[str, Any]]:
        if self.error:
            raise self.error
        return self.pulls


def pull(number: int, branch: str, title: str = "t", target: str = "main") -> dict[str, Any]:
    return {
        "number": number,
        "title": title,
        "branch": branch,
        "targetBranch": target,
        "headSHA": "abc",
        "labels": ["x"],
        "author": "me",
    }


def run(spec: dict[str, Any], service: Pulls, go: bool = False) -> list[dict[str, Any]]:
    return generate(spec, GeneratorContext(Env(pull_requests=service), go_template=go))


@pytest.mark.parametrize(
    ("branch", "expected"),
    [
        ("feat/my_branch", "feat-my-branch"),
        ("Fix: R&D @home", "fix-randd-athome"),
        ("--__a__--", "a"),
        ("x" * 60, "x" * 50),
        ("feat/" + "word-" * 12, "feat-word-word-word-word-word-word-word-word-word"),
        ("café", "cafe"),
    ],
)
def test_slug_follows_gosimple(branch: str, expected: str) -> None:
    assert slug(branch) == expected


def test_number_is_a_string_and_labels_are_go_only() -> None:
    (fast,) = run({}, Pulls([pull(3, "a_b")]))
    assert fast["number"] == "3" and fast["branch_slug"] == "a-b" and "labels" not in fast
    (go,) = run({}, Pulls([pull(3, "a")]), go=True)
    assert go["labels"] == ["x"]


def test_filters_or_of_ands_and_empty_filter_matches_all() -> None:
    pulls = Pulls([pull(1, "one", "PR one"), pull(2, "two", "PR two", "rel"), pull(3, "three")])
    spec = {"filters": [{"branchMatch": "o", "targetBranchMatch": "rel"}, {"titleMatch": "one"}]}
    assert [p["number"] for p in run(spec, pulls)] == ["1", "2"]
    assert len(run({"filters": [{}]}, pulls)) == 3


def test_repository_not_found() -> None:
    missing = Pulls([], RepositoryNotFoundError("gone"))
    assert run({"continueOnRepoNotFoundError": True}, missing) == []
    with pytest.raises(GeneratorError, match=r"^error listing repos: gone$"):
        run({}, missing)


def test_gates_wrap_the_provider_selection() -> None:
    env = Env(pull_requests=Pulls([]), allowed_scm_providers=("ok",))
    with pytest.raises(
        GeneratorError,
        match=r"^failed to select pull request service provider: scm provider not allowed",
    ):
        generate({"bitbucket": {"api": "bad"}}, GeneratorContext(env))


def test_recorded_example_listing() -> None:
    listing = read_listing(EXAMPLES / "pull-requests.json")
    spec = {
        "github": {"owner": "example-org", "repo": "gitops-examples", "labels": ["preview"]},
        "filters": [{"branchMatch": "^feature/.*"}],
    }
    got = run(spec, RecordedPullRequests(listing), go=True)  # type: ignore[arg-type]
    assert [(p["number"], p["branch_slug"]) for p in got] == [
        ("142", "feature-catalog-search-facets"),
        ("143", "feature-cart-discounts"),
    ]
