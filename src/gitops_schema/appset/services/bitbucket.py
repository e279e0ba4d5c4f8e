"""Bitbucket Server and Bitbucket Cloud REST clients (pull requests and repositories)."""

from __future__ import annotations


def normalize_base_path(url: str) -> str:
    """A Bitbucket Server API URL ending in ``/rest`` (Argo CD's NormalizeBitbucketBasePath)."""
    if url.endswith("/rest/"):
        return url[:-1]
    if not url.endswith("/rest"):
        return url + "/rest"
    return url
