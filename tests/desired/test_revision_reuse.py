"""A revision rendered before is read back by its git tree, without being copied out of git."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from gitops_schema.desired import RenderOptions, render_repository
from gitops_schema.render import RenderCache, Revision

KUSTOMIZATION = (
    "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
    "metadata: {name: web, namespace: flux-system}\n"
    "spec: {interval: 10m, path: ./web, prune: true, sourceRef: {kind: GitRepository, name: x}}\n"
)


def config_map(value: str) -> str:
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata: {{v: '{value}'}}\n"


@pytest.fixture
def repository(tmp_path: Path, git: Callable[..., str]) -> Path:
    repo = tmp_path / "repo"
    (repo / "web").mkdir(parents=True)
    (repo / "web/cm.yaml").write_text(config_map("one"))
    (repo / "ks.yaml").write_text(KUSTOMIZATION)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    return repo


def value(repo: Path, options: RenderOptions, revision: str) -> str:
    rendered = render_repository(repo, options, revision=revision)
    (app,) = rendered.apps
    return str(app.manifests[0]["data"]["v"])


@contextmanager
def no_copy_out_of_git(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refused(self: Revision) -> None:
        raise AssertionError("a revision was copied out of git")

    with monkeypatch.context() as patched:
        patched.setattr(Revision, "copy", refused)
        yield


def test_a_revision_rendered_before_is_not_copied_again(
    repository: Path, tmp_path: Path, git: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    options = RenderOptions(cache=RenderCache(tmp_path / "cache"))
    assert value(repository, options, "HEAD") == "one"
    with no_copy_out_of_git(monkeypatch):
        assert value(repository, options, "HEAD") == "one"
    # A new tree is copied and rendered; then the old one is still read back by its tree.
    (repository / "web/cm.yaml").write_text(config_map("two"))
    git(repository, "commit", "-qam", "two")
    assert value(repository, options, "HEAD") == "two"
    with no_copy_out_of_git(monkeypatch):
        assert value(repository, options, "HEAD~1") == "one"
        assert value(repository, options, "HEAD") == "two"
    # What the key holds beside the tree still counts: here, the cluster asked for.
    with no_copy_out_of_git(monkeypatch), pytest.raises(AssertionError, match="copied"):
        render_repository(repository, options, revision="HEAD", cluster="default")


def test_a_tree_with_a_link_is_always_copied(
    repository: Path, tmp_path: Path, git: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A link's copy may point out of the tree, at what its git id does not name.
    (repository / "web/link.yaml").symlink_to("cm.yaml")
    git(repository, "add", "-A")
    git(repository, "commit", "-qm", "link")
    options = RenderOptions(cache=RenderCache(tmp_path / "cache"))
    render_repository(repository, options, revision="HEAD")
    with no_copy_out_of_git(monkeypatch), pytest.raises(AssertionError, match="copied"):
        render_repository(repository, options, revision="HEAD")
