"""The git repositories a vector's ``environment`` describes (see the suite's README).

A pattern the upstream test's repo-server mock answered (``files_by_pattern``) gets that
answer, since it is what upstream asserted against; any other pattern is answered by our
own globbing over every path the environment mentions when ``globbing`` is set, and by
every file otherwise (the mock's behaviour).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.globbing import BadPattern, match_files

__all__ = ["VectorRepos"]


class VectorRepos:
    """A :class:`~gitops_schema.appset.env.GitRepos` over a vector environment."""

    def __init__(self, environment: Mapping[str, Any]) -> None:
        self._directories = [str(d) for d in environment.get("directories") or []]
        self._files: dict[str, str] = dict(environment.get("files") or {})
        self._by_pattern: dict[str, list[str]] = dict(environment.get("files_by_pattern") or {})
        self._globbing = environment.get("globbing")
        self._error = environment.get("repo_error")
        self._expected = environment.get("expected_repo_request")
        paths = set(self._files)
        paths.update(p for listed in self._by_pattern.values() for p in listed)
        paths.update(environment.get("files_matching_no_pattern") or [])
        self._paths = sorted(paths)

    def directories(self, repo_url: str, revision: str) -> list[str]:
        """Every directory the environment lists."""
        if self._error is not None:
            raise GeneratorError(str(self._error))
        return list(self._directories)

    def files(
        self, repo_url: str, revision: str, pattern: str, *, new_globbing: bool
    ) -> dict[str, bytes]:
        """The files a pattern selects, with their content (empty when not given)."""
        if self._error is not None:
            raise GeneratorError(str(self._error))
        if self._expected is not None and (
            self._expected.get("repoURL") != repo_url or self._expected.get("pattern") != pattern
        ):
            raise GeneratorError(f"unexpected repo-server request for {repo_url} {pattern}")
        if pattern in self._by_pattern:
            paths = list(self._by_pattern[pattern])
        elif self._globbing is not None:
            try:
                paths = match_files(self._paths, pattern, new_globbing=new_globbing)
            except BadPattern as error:
                raise GeneratorError(f"error retrieving Git files: {error}") from error
        else:
            paths = list(self._files)
        return {path: self._files.get(path, "").encode() for path in paths}
