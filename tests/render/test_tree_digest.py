"""The hash of a repository's files, which every command's render key is made of."""

from __future__ import annotations

import os
from pathlib import Path

from gitops_schema.render import tree_digest


def tree(root: Path) -> Path:
    (root / "apps/web").mkdir(parents=True)
    (root / "apps/web/kustomization.yaml").write_text("resources: [cm.yaml]\n")
    (root / "apps/web/cm.yaml").write_text("kind: ConfigMap\n")
    (root / "apps-extra").mkdir()
    (root / "apps-extra/values.yaml").write_text("a: 1\n")
    return root


def test_a_copy_hashed_as_its_folder_has_the_folder_hash(tmp_path: Path) -> None:
    work, copy = tree(tmp_path / "work"), tree(tmp_path / "copy")
    assert tree_digest([copy], aliases={copy: work}) == tree_digest([work])
    assert tree_digest([copy]) != tree_digest([work])


def test_every_change_of_a_file_its_name_or_the_files_changes_the_hash(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo")
    seen = {tree_digest([root])}
    (root / "apps/web/cm.yaml").write_text("kind: Secret\n")
    seen.add(tree_digest([root]))
    (root / "apps/web/cm.yaml").rename(root / "apps/web/secret.yaml")
    seen.add(tree_digest([root]))
    (root / "apps/web/secret.yaml").unlink()
    seen.add(tree_digest([root]))
    (root / "apps/web/new.yaml").write_text("")
    seen.add(tree_digest([root]))
    assert len(seen) == 5


def test_git_folders_links_to_folders_and_special_files_are_not_read(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo")
    before = tree_digest([root])
    (root / ".git").mkdir()
    (root / ".git/HEAD").write_text("ref: refs/heads/main\n")
    (root / "linked").symlink_to(root / "apps", target_is_directory=True)
    assert tree_digest([root]) == before
    os.mkfifo(root / "pipe")  # read, it would block
    (root / "dangling").symlink_to(root / "nowhere")
    assert tree_digest([root]) != before
    assert tree_digest([root / "missing"]) == tree_digest([root / "missing"])
