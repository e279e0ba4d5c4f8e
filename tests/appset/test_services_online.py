"""The REST clients against a fake SCM server on loopback (no external network)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.services import RepositoryNotFoundError
from gitops_schema.appset.services.bitbucket import normalize_base_path
from gitops_schema.appset.services.online import HttpPullRequests, HttpScm

Route = tuple[int, Any, dict[str, str]]


class FakeScm:
    """Answers GETs from a table of path (with query) -> (status, JSON body, headers)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.url = ""

    def add(self, path: str, body: Any, status: int = 200, **headers: str) -> None:
        self.routes[path] = (status, body, headers)


@pytest.fixture
def scm() -> Iterator[FakeScm]:
    fake = FakeScm()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake.requests.append((self.path, dict(self.headers)))
            parts = urlsplit(self.path)
            route = fake.routes.get(self.path) or fake.routes.get(parts.path)
            status, body, headers = route or (404, {"message": "Not Found"}, {})
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key.replace("_", "-"), value.replace("{url}", fake.url))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


SECRETS = {"tok": {"token": "s3cret", "password": "pw"}}


def pulls(scm: FakeScm) -> HttpPullRequests:
    return HttpPullRequests(SECRETS, "argocd")


def gh_pull(number: int, branch: str, labels: list[str]) -> dict[str, Any]:
    return {
        "number": number,
        "title": f"PR {number}",
        "head": {"ref": branch, "sha": f"{number}abcdef0123"},
        "base": {"ref": "main"},
        "labels": [{"name": label} for label in labels],
        "user": {"login": "alice"},
    }


def test_github_pull_requests_follow_link_pages_and_select_labels(scm: FakeScm) -> None:
    scm.add(
        "/api/v3/repos/org/app/pulls",
        [gh_pull(1, "feat/a", ["preview"]), gh_pull(2, "feat/b", [])],
        Link='<{url}/api/v3/repos/org/app/pulls?page=2>; rel="next"',
    )
    scm.add("/api/v3/repos/org/app/pulls?page=2", [gh_pull(3, "feat/c", ["preview", "x"])])
    spec = {
        "github": {
            "api": scm.url,
            "owner": "org",
            "repo": "app",
            "labels": ["preview"],
            "tokenRef": {"secretName": "tok", "key": "token"},
        }
    }
    got = pulls(scm).list(spec)
    assert [p["number"] for p in got] == [1, 3]
    assert got[0] == {
        "number": 1,
        "title": "PR 1",
        "branch": "feat/a",
        "targetBranch": "main",
        "headSHA": "1abcdef0123",
        "labels": ["preview"],
        "author": "alice",
    }
    assert scm.requests[0][1]["Authorization"] == "Bearer s3cret"


def test_github_missing_repository_is_repository_not_found(scm: FakeScm) -> None:
    spec = {"github": {"api": scm.url, "owner": "org", "repo": "gone"}}
    with pytest.raises(RepositoryNotFoundError):
        pulls(scm).list(spec)


def test_missing_token_secret_uses_argo_message(scm: FakeScm) -> None:
    spec = {
        "github": {
            "api": scm.url,
            "owner": "o",
            "repo": "r",
            "tokenRef": {"secretName": "nope", "key": "token"},
        }
    }
    with pytest.raises(GeneratorError, match='secrets "nope" not found'):
        pulls(scm).list(spec)


def test_gitlab_merge_requests_page_by_header(scm: FakeScm) -> None:
    mr = {
        "iid": 7,
        "title": "t",
        "source_branch": "b",
        "target_branch": "main",
        "sha": "abc",
        "labels": ["l"],
        "author": {"username": "bob"},
    }
    scm.add("/api/v4/projects/grp%2Fapp/merge_requests", [mr], X_Next_Page="2")
    scm.add(
        "/api/v4/projects/grp%2Fapp/merge_requests?labels=l&per_page=100&page=2", [{**mr, "iid": 8}]
    )
    spec = {
        "gitlab": {
            "api": scm.url,
            "project": "grp/app",
            "labels": ["l"],
            "tokenRef": {"secretName": "tok", "key": "token"},
        }
    }
    got = pulls(scm).list(spec)
    assert [p["number"] for p in got] == [7, 8]
    assert got[0]["author"] == "bob"
    assert scm.requests[0][1]["PRIVATE-TOKEN"] == "s3cret"


def test_gitea_bitbucket_and_azure_pull_requests(scm: FakeScm) -> None:
    scm.add("/api/v1/repos/o/r/pulls", [gh_pull(4, "x", [])])
    scm.add(
        "/rest/api/1.0/projects/P/repos/r/pull-requests",
        {
            "isLastPage": True,
            "values": [
                {
                    "id": 5,
                    "title": "t",
                    "fromRef": {"displayId": "f", "latestCommit": "c"},
                    "toRef": {"displayId": "main"},
                    "author": {"user": {"name": "u"}},
                }
            ],
        },
    )
    scm.add(
        "/2.0/repositories/o/r/pullrequests",
        {
            "values": [
                {
                    "id": 6,
                    "title": "t",
                    "source": {"branch": {"name": "s"}, "commit": {"hash": "h"}},
                    "destination": {"branch": {"name": "main"}},
                    "author": {"nickname": "n"},
                }
            ]
        },
    )
    scm.add(
        "/org/proj/_apis/git/pullrequests",
        {
            "value": [
                {
                    "pullRequestId": 9,
                    "title": "t",
                    "sourceRefName": "refs/heads/feat",
                    "targetRefName": "refs/heads/main",
                    "lastMergeSourceCommit": {"commitId": "c9"},
                    "repository": {"name": "r"},
                    "createdBy": {"uniqueName": "carol@example.org"},
                },
                {
                    "pullRequestId": 10,
                    "repository": {"name": "other"},
                    "lastMergeSourceCommit": {"commitId": "c"},
                },
            ]
        },
    )
    service = pulls(scm)
    assert service.list({"gitea": {"api": scm.url, "owner": "o", "repo": "r"}})[0]["number"] == 4
    server = service.list(
        {
            "bitbucketServer": {
                "api": scm.url,
                "project": "P",
                "repo": "r",
                "basicAuth": {
                    "username": "me",
                    "passwordRef": {"secretName": "tok", "key": "password"},
                },
            }
        }
    )
    assert server[0]["branch"] == "f" and server[0]["headSHA"] == "c"
    cloud = service.list({"bitbucket": {"api": scm.url + "/2.0", "owner": "o", "repo": "r"}})
    assert cloud[0]["targetBranch"] == "main"
    azure = service.list(
        {"azuredevops": {"api": scm.url, "organization": "org", "project": "proj", "repo": "r"}}
    )
    assert azure == [
        {
            "number": 9,
            "title": "t",
            "branch": "feat",
            "targetBranch": "main",
            "headSHA": "c9",
            "labels": [],
            "author": "carol",
        }
    ]


def test_no_provider_is_argo_error() -> None:
    with pytest.raises(GeneratorError, match="no Pull Request provider implementation"):
        HttpPullRequests({}, "argocd").list({})
    with pytest.raises(GeneratorError, match="no SCM provider implementation configured"):
        HttpScm({}, "argocd").provider({})


def test_github_repositories_branches_and_paths(scm: FakeScm) -> None:
    scm.add(
        "/api/v3/orgs/org/repos",
        [
            {
                "name": "app",
                "owner": {"login": "org"},
                "default_branch": "main",
                "id": 11,
                "ssh_url": "git@x:org/app.git",
                "clone_url": "https://x/org/app.git",
                "topics": ["t"],
            },
            {"name": "old", "owner": {"login": "org"}, "archived": True},
        ],
    )
    scm.add("/api/v3/repos/org/app/branches/main", {"name": "main", "commit": {"sha": "s1"}})
    scm.add("/api/v3/repos/org/app/contents/k8s", [])
    provider = HttpScm(SECRETS, "argocd").provider(
        {"github": {"api": scm.url, "organization": "org", "excludeArchivedRepos": True}}
    )
    repos = provider.list_repos("https")
    assert [(r["repository"], r["url"], r["repositoryId"]) for r in repos] == [
        ("app", "https://x/org/app.git", 11)
    ]
    (branch,) = provider.branches(repos[0])
    assert (branch["branch"], branch["sha"], branch["labels"]) == ("main", "s1", ["t"])
    assert provider.has_path(branch, "k8s")
    assert not provider.has_path(branch, "missing")
    with pytest.raises(GeneratorError, match="unknown clone protocol"):
        provider.list_repos("ftp")


def test_gitlab_gitea_bitbucket_azure_repositories(scm: FakeScm) -> None:
    scm.add(
        "/api/v4/groups/grp/projects",
        [
            {
                "path": "app",
                "id": 3,
                "default_branch": "main",
                "namespace": {"full_path": "grp/sub"},
                "ssh_url_to_repo": "ssh://a",
                "tag_list": ["x"],
            }
        ],
    )
    scm.add("/api/v4/projects/3/repository/branches/main", {"name": "main", "commit": {"id": "g"}})
    gitlab = HttpScm(SECRETS, "argocd").provider({"gitlab": {"api": scm.url, "group": "grp"}})
    (repo,) = gitlab.list_repos("")
    assert (repo["organization"], repo["labels"]) == ("grp/sub", ["x"])
    assert gitlab.branches(repo)[0]["sha"] == "g"

    scm.add(
        "/api/v1/orgs/o/repos",
        [{"name": "r", "id": 1, "default_branch": "dev", "html_url": "https://g/o/r"}],
    )
    scm.add("/api/v1/repos/o/r/labels", [{"name": "lbl"}])
    scm.add("/api/v1/repos/o/r/branches/dev", {"commit": {"id": "d"}})
    gitea = HttpScm(SECRETS, "argocd").provider({"gitea": {"api": scm.url, "owner": "o"}})
    (repo,) = gitea.list_repos("https")
    assert (repo["url"], repo["labels"]) == ("https://g/o/r", ["lbl"])
    assert gitea.branches(repo)[0]["sha"] == "d"

    scm.add(
        "/rest/api/1.0/projects/P/repos",
        {
            "isLastPage": True,
            "values": [
                {
                    "slug": "r",
                    "id": 2,
                    "links": {"clone": [{"name": "http", "href": "https://b/r.git"}]},
                }
            ],
        },
    )
    scm.add(
        "/rest/api/1.0/projects/P/repos/r/branches/default",
        {"displayId": "main", "latestCommit": "b"},
    )
    server = HttpScm(SECRETS, "argocd").provider(
        {"bitbucketServer": {"api": scm.url + "/rest/", "project": "P"}}
    )
    (repo,) = server.list_repos("https")
    assert repo["url"] == "https://b/r.git"
    assert server.branches(repo)[0]["branch"] == "main"

    scm.add(
        "/org/proj/_apis/git/repositories",
        {
            "value": [
                {
                    "name": "r",
                    "id": "guid",
                    "remoteUrl": "https://a/r",
                    "defaultBranch": "refs/heads/main",
                }
            ]
        },
    )
    scm.add(
        "/org/proj/_apis/git/repositories/guid/refs",
        {"value": [{"name": "refs/heads/main", "objectId": "z"}]},
    )
    azure = HttpScm(SECRETS, "argocd").provider(
        {"azureDevOps": {"api": scm.url, "organization": "org", "teamProject": "proj"}}
    )
    (repo,) = azure.list_repos("https")
    assert azure.branches(repo)[0]["sha"] == "z"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://b.example", "https://b.example/rest"),
        ("https://b.example/rest", "https://b.example/rest"),
        ("https://b.example/rest/", "https://b.example/rest"),
    ],
)
def test_normalize_base_path(url: str, expected: str) -> None:
    assert normalize_base_path(url) == expected
