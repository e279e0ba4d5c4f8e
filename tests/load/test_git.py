"""A git revision's tree read through the git program: what it lists, reads and refuses."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from gitops_schema.errors import LoadError, RevisionNotFound
from gitops_schema.load.git import GitTree, work_tree
from gitops_schema.render.revision import Revision


@pytest.fixture
def repo(tmp_path: Path, git: Callable[..., str]) -> Path:
    root = tmp_path / "repo"
    (root / "apps" / ".hidden").mkdir(parents=True)
    (root / "apps" / "app.yaml").write_text("name: app\n")
    (root / "apps" / ".sops.yaml").write_text("creation_rules: []\n")
    (root / "apps" / ".hidden" / "secret.yaml").write_text("kind: Secret\n")
    (root / "apps" / "with space.yaml").write_text("name: spaced\n")
    os.symlink("app.yaml", root / "apps" / "link.yaml")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    (root / "apps" / "app.yaml").write_text("name: changed\n")
    git(root, "commit", "-qam", "second")
    return root


def test_lists_the_files_of_a_folder_hidden_folders_aside(repo: Path) -> None:
    tree = GitTree(repo / "apps", "HEAD~1")
    files = {file.path: file for file in tree.files()}
    assert sorted(files) == [".sops.yaml", "app.yaml", "link.yaml", "with space.yaml"]
    assert files["link.yaml"].link and not files["app.yaml"].link
    assert tree.read_blob(files["app.yaml"].blob_id) == b"name: app\n"
    assert tree.read_blob(files["link.yaml"].blob_id) == b"app.yaml"
    assert files["app.yaml"].size == len(b"name: app\n")
    assert GitTree(repo / "apps", "HEAD").read_blob(files["app.yaml"].blob_id) == b"name: app\n"
    assert tree.read_blob(files["with space.yaml"].blob_id) == b"name: spaced\n"


def test_the_tree_id_is_git_s(repo: Path, git: Callable[..., str]) -> None:
    assert GitTree(repo / "apps", "main").tree_id == git(repo, "rev-parse", "main:apps").strip()
    assert GitTree(repo, "main").tree_id == git(repo, "rev-parse", "main^{tree}").strip()


def test_a_hook_s_repository_variables_do_not_redirect_it(
    repo: Path, tmp_path: Path, git: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A pre-commit hook runs with GIT_DIR and GIT_INDEX_FILE of its own repository.
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git" / "index"))
    tree = GitTree(repo / "apps", "HEAD")
    assert "app.yaml" in {file.path for file in tree.files()}
    assert work_tree(repo / "apps" / "nowhere") == repo.resolve()


def test_what_it_refuses(repo: Path, tmp_path: Path, git: Callable[..., str]) -> None:
    with pytest.raises(RevisionNotFound, match="no-such"):
        GitTree(repo, "no-such")
    with pytest.raises(RevisionNotFound):
        GitTree(repo, "HEAD\nHEAD")
    (repo / "later").mkdir()
    with pytest.raises(LoadError, match="later does not exist at revision HEAD"):
        GitTree(repo / "later", "HEAD")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(LoadError, match="not inside a git repository"):
        GitTree(plain, "HEAD")
    assert work_tree(plain) is None
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    with pytest.raises(LoadError, match="bare repository"):
        GitTree(bare, "HEAD")


def test_contents_streams_every_file_and_stops_cleanly(repo: Path) -> None:
    tree = GitTree(repo / "apps", "HEAD")
    files = list(tree.files()) * 500  # more than a pipe holds, each way
    read = list(tree.contents(files))
    assert [file for file, _ in read] == files
    assert dict(read)[next(f for f in files if f.path == "app.yaml")] == b"name: changed\n"
    stream = tree.contents(files)
    next(stream)
    stream.close()  # stopped early: neither git nor the feeder is left waiting


def test_the_work_tree_is_found_as_git_finds_it(
    repo: Path, tmp_path: Path, git: Callable[..., str]
) -> None:
    assert work_tree(repo / "apps") == repo.resolve()
    assert work_tree(repo / "apps" / "app.yaml") == repo.resolve()
    # Through a link, from where the folder really is.
    os.symlink(repo / "apps", tmp_path / "linked")
    assert work_tree(tmp_path / "linked") == repo.resolve()
    # A linked work tree has a .git file, not a folder.
    git(repo, "worktree", "add", "-q", str(tmp_path / "other-tree"))
    assert work_tree(tmp_path / "other-tree" / "apps") == (tmp_path / "other-tree").resolve()
    assert (
        GitTree(tmp_path / "other-tree" / "apps", "HEAD~1").read_blob(
            git(repo, "rev-parse", "HEAD~1:apps/app.yaml")
        )
        == b"name: app\n"
    )


def test_a_repository_git_cannot_read_is_said_so(tmp_path: Path) -> None:
    # Not "revision not found": what git said (here a broken .git file; in a container,
    # often a repository another user owns).
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / ".git").write_text("not a gitdir line\n")
    with pytest.raises(LoadError, match=r"git cannot read the repository .*broken: .+"):
        GitTree(broken, "HEAD")


def test_a_crafted_tree_s_dot_names_are_not_files(tmp_path: Path, git: Callable[..., str]) -> None:
    root = tmp_path / "crafted"
    root.mkdir()
    git(root, "init", "-q")
    blob = (
        subprocess.run(
            ["git", "hash-object", "-w", "--stdin"], cwd=root, input=b"x: 1\n", capture_output=True
        )
        .stdout.decode()
        .strip()
    )
    listing = f"100644 blob {blob}\t..\n100644 blob {blob}\tok.yaml\n".encode()
    tree = subprocess.run(["git", "mktree"], cwd=root, input=listing, capture_output=True)
    commit = git(root, "commit-tree", tree.stdout.decode().strip(), "-m", "crafted")
    git(root, "update-ref", "refs/heads/main", commit)
    assert [file.path for file in GitTree(root, "main").files()] == ["ok.yaml"]
    with Revision(root, "main").copy() as copy:
        assert sorted(p.name for p in copy.iterdir()) == ["ok.yaml"]
