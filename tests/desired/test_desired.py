"""The desired state of every cluster: entry points, trees, render, diff and envdiff."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitops_schema.desired import RenderOptions, application_environments, render_repository
from gitops_schema.render.cache import RenderCache

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
OFFLINE = EXAMPLES / "offline"
OPTIONS = RenderOptions(
    exclude=("seed-as-written",),
    scm_data=(OFFLINE / "pull-requests.json", OFFLINE / "scm-repos.json"),
)


@pytest.fixture(scope="module")
def rendered():  # type: ignore[no-untyped-def]
    return render_repository(EXAMPLES, OPTIONS)


def test_examples_render_per_cluster(rendered) -> None:  # type: ignore[no-untyped-def]
    clusters = rendered.by_cluster()
    assert set(clusters) == {"default", "dev-eu-west-1", "staging-eu-west-1", "prod-eu-central-1"}
    prod = clusters["prod-eu-central-1"]
    user_service = prod["Application/user-service-prod-eu-central-1"]
    deployment = next(m for m in user_service if m["kind"] == "Deployment")
    assert deployment["metadata"]["namespace"] == "user-service"
    flux = clusters["default"]
    assert set(flux) == {
        f"Kustomization/payment-service-{env}" for env in ("dev", "test", "staging", "prod")
    }
    # Only the SCM-discovered repositories (not in this repository) fail, by name.
    failed = {d.message.split("'")[1] for d in rendered.report if d.rule.startswith("render-")}
    assert failed == {"k8s"}


def test_environments_of_an_application(rendered) -> None:  # type: ignore[no-untyped-def]
    apps = application_environments(rendered)
    assert list(apps["payment-service"]) == ["dev", "test", "staging", "prod"]
    assert list(apps["user-service"]) == ["dev", "staging", "prod"]


def test_render_command_writes_a_tree(tmp_path: Path, cli: Callable[..., Any]) -> None:
    out = tmp_path / "out"
    code, _, err = astuple(
        cli(
            "render",
            str(EXAMPLES),
            "-x",
            "seed-as-written",
            "--cluster",
            "prod-eu-central-1",
            "-o",
            str(out),
        )
    )
    assert code == 0, err
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.yaml"))
    assert "prod-eu-central-1/user-service/Deployment-user-service.yaml" in files
    assert all(f.startswith("prod-eu-central-1/") for f in files)
    document = yaml.safe_load(
        (out / "prod-eu-central-1/user-service/Deployment-user-service.yaml").read_text()
    )
    assert document["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":1.4.0")


def test_diff_between_revisions(  # type: ignore[no-untyped-def]
    tmp_path: Path, golden, cli: Callable[..., Any], git: Callable[..., str]
) -> None:
    repo = tmp_path / "repo"
    (repo / "clusters" / "prod").mkdir(parents=True)
    (repo / "apps").mkdir()
    (repo / "apps" / "kustomization.yaml").write_text("resources: [deployment.yaml]\n")
    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: web}\n"
        "spec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n"
        "  template:\n    metadata: {labels: {app: web}}\n"
        "    spec: {containers: [{name: web, image: 'web:1.0'}]}\n"
    )
    (repo / "apps" / "deployment.yaml").write_text(deployment)
    (repo / "clusters" / "prod" / "apps.yaml").write_text(
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
        "metadata: {name: apps, namespace: flux-system}\n"
        "spec:\n  interval: 10m\n  path: ./apps\n  prune: true\n"
        "  sourceRef: {kind: GitRepository, name: flux-system}\n"
    )
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "one")
    (repo / "apps" / "deployment.yaml").write_text(deployment.replace("web:1.0", "web:1.1"))
    code, out, err = astuple(cli("diff", str(repo), "--no-cache", "-o", "markdown", "--exit-code"))
    assert code == 1, err
    assert "-      - image: web:1.0" in out and "+      - image: web:1.1" in out
    golden("desired/diff.md", out)
    code, out, _ = astuple(cli("diff", str(repo), "--no-cache", "-o", "json"))
    assert code == 0 and json.loads(out)["summary"]["changed"] == 1


def test_envdiff_command(cli: Callable[..., Any]) -> None:
    code, out, err = astuple(
        cli(
            "envdiff",
            str(EXAMPLES),
            "-x",
            "seed-as-written",
            "--app",
            "payment-service",
            "-o",
            "json",
        )
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["applications"][0]["application"] == "payment-service"
    assert 90 <= data["applications"][0]["score"] <= 100


def test_an_object_defined_twice_is_rendered_once_and_reported(tmp_path: Path) -> None:
    kustomization = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: web, namespace: flux-system}
spec:
  interval: 5m
  path: ./app
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
"""
    app = tmp_path / "app"
    app.mkdir()
    (app / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n")
    (tmp_path / "a.yaml").write_text(kustomization)
    (tmp_path / "b.yaml").write_text(kustomization)
    rendered = render_repository(tmp_path, RenderOptions())
    assert len(rendered.apps) == 1
    [duplicate] = [d for d in rendered.report if d.rule == "render-duplicate"]
    assert duplicate.location.file == str(tmp_path / "b.yaml")
    assert f"already defined at {tmp_path / 'a.yaml'}:1:1" in duplicate.message


def test_an_unchanged_repository_is_read_back_from_the_cache(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    for part in ("flux", "payment-service"):
        shutil.copytree(EXAMPLES / part, repo / part)
    options = RenderOptions(cache=RenderCache(tmp_path / "cache"))
    first = render_repository(repo, options)
    again = render_repository(repo, options)
    assert again.by_cluster() == first.by_cluster()
    assert [str(d) for d in again.report] == [str(d) for d in first.report]
    assert [(a.location, a.environment, a.tool) for a in again.apps] == [
        (a.location, a.environment, a.tool) for a in first.apps
    ]
    # A changed file is seen: prod's replica count.
    prod = repo / "payment-service" / "overlays" / "prod" / "kustomization.yaml"
    prod.write_text(prod.read_text().replace("count: 3", "count: 4"))
    changed = render_repository(repo, options).by_cluster()["default"]
    [deployment] = [
        m for m in changed["Kustomization/payment-service-prod"] if m["kind"] == "Deployment"
    ]
    assert deployment["spec"]["replicas"] == 4


def test_a_revision_with_the_work_trees_files_is_read_back_from_the_cache(
    tmp_path: Path, git: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    for part in ("flux", "payment-service"):
        shutil.copytree(EXAMPLES / part, repo / part)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    options = RenderOptions(cache=RenderCache(tmp_path / "cache"), git_folder=repo)
    work_tree = render_repository(repo, options)
    prod = repo / "payment-service" / "overlays" / "prod" / "kustomization.yaml"
    prod.write_text(prod.read_text().replace("count: 3", "count: 4"))
    git(repo, "commit", "-qam", "two")
    changed = render_repository(repo, options, revision="HEAD")

    def no_render(*args: object) -> None:
        raise AssertionError("rendered again: the revision's files were rendered before")

    monkeypatch.setattr("gitops_schema.desired.repository._render_fresh", no_render)
    # HEAD~1 holds the files the work tree held; HEAD those of the last render.
    before = render_repository(repo, options, revision="HEAD~1")
    after = render_repository(repo, options, revision="HEAD")
    assert before.by_cluster() == work_tree.by_cluster()
    assert [str(d) for d in before.report] == [str(d) for d in work_tree.report]
    assert after.by_cluster() == changed.by_cluster() != before.by_cluster()
    assert [a.location for a in after.apps] == [a.location for a in work_tree.apps]


TENANT = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: team, namespace: apps}
spec: {interval: 1m, url: "https://example.com/team.git", ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: team, namespace: apps}
spec:
  interval: 5m
  path: ./deploy
  prune: true
  sourceRef: {kind: GitRepository, name: team}
"""


@pytest.mark.parametrize("key", ["https://example.com/team.git", "GitRepository/apps/team"])
def test_a_flux_source_in_another_repository_is_read_from_its_folder(
    tmp_path: Path, key: str
) -> None:
    platform = tmp_path / "platform"
    (platform / "clusters" / "prod").mkdir(parents=True)
    (platform / "clusters" / "prod" / "team.yaml").write_text(TENANT)
    team = tmp_path / "team"
    (team / "deploy").mkdir(parents=True)
    (team / "deploy" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: team-settings}\n"
    )
    alone = render_repository(platform, RenderOptions())
    [missing] = [d for d in alone.report if d.rule == "render-flux-path-not-found"]
    assert "./deploy" in missing.message
    mapped = render_repository(platform, RenderOptions(repos={key: team}))
    assert mapped.report.ok, [str(d) for d in mapped.report]
    [app] = mapped.apps
    assert [m["metadata"]["name"] for m in app.manifests] == ["team-settings"]


def test_progress_hears_of_every_application_as_it_is_rendered() -> None:
    heard: list[str] = []
    options = RenderOptions(
        exclude=OPTIONS.exclude,
        scm_data=OPTIONS.scm_data,
        progress=lambda app: heard.append(f"{app.cluster}/{app.name}"),
    )
    rendered = render_repository(EXAMPLES, options)
    assert heard == [f"{app.cluster}/{app.name}" for app in rendered.apps]
    assert len(heard) > 30


@pytest.mark.parametrize("command", ["render", "diff", "envdiff"])
def test_a_file_or_missing_folder_is_a_usage_error(command: str, cli: Callable[..., Any]) -> None:
    code, _, err = astuple(cli(command, str(ROOT / "README.md")))
    assert code == 2 and "is a file: give the repository folder" in err
    code, _, err = astuple(cli(command, str(ROOT / "no-such-folder")))
    assert code == 2 and "no such folder" in err


def test_rendering_nothing_says_so(tmp_path: Path, cli: Callable[..., Any]) -> None:
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    code, out, err = astuple(cli("render", str(tmp_path), "--no-cache"))
    assert (code, out) == (0, "")
    assert "nothing to render" in err


def test_a_bootstrapped_cluster_renders_each_kustomization_once_without_findings(
    tmp_path: Path,
) -> None:
    sync = tmp_path / "clusters" / "prod" / "flux-system"
    sync.mkdir(parents=True)
    (sync / "gotk-sync.yaml").write_text(
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\n"
        "metadata: {name: flux-system, namespace: flux-system}\n"
        "spec: {interval: 1m, url: 'https://example.com/fleet.git', ref: {branch: main}}\n"
        "---\n"
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
        "metadata: {name: flux-system, namespace: flux-system}\n"
        "spec: {interval: 10m, path: ./clusters/prod, prune: true,\n"
        "  sourceRef: {kind: GitRepository, name: flux-system}}\n"
    )
    (sync / "kustomization.yaml").write_text("resources: [gotk-sync.yaml]\n")
    (tmp_path / "clusters" / "prod" / "apps.yaml").write_text(
        KUSTOMIZATION_APPS.replace("name: web", "name: apps")
    )
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n"
    )
    rendered = render_repository(tmp_path, RenderOptions())
    assert rendered.report.ok, [str(d) for d in rendered.report]
    assert sorted(a.name for a in rendered.apps) == ["apps", "flux-system"]


KUSTOMIZATION_APPS = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: web, namespace: flux-system}
spec:
  interval: 5m
  path: ./app
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
"""


BRANCH_TENANT = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: dev-team, namespace: apps}
spec: {interval: 1m, url: https://example.com/platform.git, ref: {branch: dev-team}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: dev-team, namespace: apps}
spec:
  interval: 5m
  prune: true
  path: ./staging
  sourceRef: {kind: GitRepository, name: dev-team}
"""


def tenant_repository(repo: Path, git: Callable[..., str]) -> None:
    """A platform branch whose tenant reads the dev-team branch of the same repository."""
    (repo / "clusters" / "staging").mkdir(parents=True)
    (repo / "clusters" / "staging" / "tenant.yaml").write_text(BRANCH_TENANT)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "platform")
    git(repo, "checkout", "-q", "-b", "dev-team")
    (repo / "staging").mkdir()
    (repo / "staging" / "app.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: team-app}\ndata: {stage: staging}\n"
    )
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "tenant")
    git(repo, "checkout", "-q", "main")


def test_a_source_read_at_a_revision_of_the_repository(
    tmp_path: Path, git: Callable[..., str]
) -> None:
    repo = tmp_path / "repo"
    tenant_repository(repo, git)
    assert not (repo / "staging").exists()
    [missing] = render_repository(repo).report
    assert missing.rule == "render-flux-path-not-found"
    options = RenderOptions(revisions={"GitRepository/apps/dev-team": "dev-team"})
    rendered = render_repository(repo, options)
    assert [d.rule for d in rendered.report] == []
    [config] = rendered.by_cluster()["staging"]["Kustomization/dev-team"]
    assert config["metadata"]["name"] == "team-app" and config["data"] == {"stage": "staging"}
    unknown = RenderOptions(revisions={"GitRepository/apps/dev-team": "no-such-branch"})
    [failure] = render_repository(repo, unknown).report
    assert failure.rule == "render-revision-unavailable"
    assert "no-such-branch" in failure.message


def test_repo_at_a_revision_on_the_command_line(
    tmp_path: Path, cli: Callable[..., Any], git: Callable[..., str]
) -> None:
    repo = tmp_path / "repo"
    tenant_repository(repo, git)
    out = tmp_path / "out"
    code, _, err = astuple(
        cli("render", str(repo), "-o", str(out), "--repo", "GitRepository/apps/dev-team=@dev-team")
    )
    assert code == 0, err
    assert (out / "staging" / "_cluster" / "ConfigMap-team-app.yaml").is_file()
