"""Git repositories for the git generator, read from local folders or git revisions.

An ApplicationSet names its repository by URL; offline, ``--repo URL=PATH`` maps a URL to a
local folder and ``--repo PATH`` gives the folder for every other URL. With a revision the
folder is read from git at that revision (no checkout); without one, from the work tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.globbing import match_files
from gitops_schema.errors import LoadError
from gitops_schema.load.files import walk
from gitops_schema.load.git import GitTree
from gitops_schema.load.plain import InputError, read_file


def _normal(url: str) -> str:
    return url.rstrip("/").removesuffix(".git").lower()


@dataclass(frozen=True)
class LocalRepos:
    """Repository URLs answered from local folders (a GitRepos implementation)."""

    default: Path | None = None
    urls: Mapping[str, Path] = field(default_factory=dict)
    revision: str | None = None
    """Read every repository at this git revision instead of its work tree."""

    def root(self, repo_url: str) -> Path:
        """The local folder of a repository URL."""
        wanted = _normal(repo_url)
        for url, path in self.urls.items():
            if _normal(url) == wanted:
                return path
        if self.default is None:
            raise GeneratorError(
                f"repository {repo_url} is not available offline; map it to its local "
                f"folder with --repo {repo_url}=DIR"
            )
        return self.default

    def _files(self, repo_url: str) -> dict[str, Path | tuple[GitTree, str]]:
        return _listing(self.root(repo_url), self.revision)

    def directories(self, repo_url: str, revision: str) -> list[str]:
        """Every directory of the repository (hidden ones excluded, as the repo-server does)."""
        folders: set[str] = set()
        for path in self._files(repo_url):
            parents = PurePosixPath(path).parents
            folders.update(str(p) for p in parents if str(p) != ".")
        return sorted(folders)

    def files(
        self, repo_url: str, revision: str, pattern: str, *, new_globbing: bool
    ) -> dict[str, bytes]:
        """The files matching a glob, with their content."""
        listing = self._files(repo_url)
        found: dict[str, bytes] = {}
        for path in match_files(listing, pattern, new_globbing=new_globbing):
            source = listing[path]
            if isinstance(source, Path):
                try:
                    # A FIFO or device in the folder is refused, never waited on.
                    found[path] = read_file(source, path)
                except InputError as error:
                    raise GeneratorError(str(error)) from error
            else:
                tree, blob = source
                found[path] = tree.read_blob(blob)
        return found


@cache
def _listing(root: Path, revision: str | None) -> dict[str, Path | tuple[GitTree, str]]:
    try:
        if revision is None:
            return {p: root / p for p in walk(root)}
        tree = GitTree(root, revision)
        return {f.path: (tree, f.blob_id) for f in tree.files()}
    except (LoadError, OSError) as error:
        raise GeneratorError(f"cannot read repository folder {root}: {error}") from error
