"""What scmProvider and pullRequest generators share: the controller's gates and filter regexes.

Argo CD refuses both generators when ``applicationsetcontroller.enable.scm.providers`` is
off, and refuses a provider whose ``api`` URL is not in
``applicationsetcontroller.allowed.scm.providers`` (exact string comparison).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitops_schema.appset.env import Env
from gitops_schema.appset.errors import GeneratorError
from gitops_schema.golang.regex import RegexError, Regexp, compile_go
from gitops_schema.gotemplate.literals import go_quote

SCM_PROVIDER_APIS = ("github", "gitlab", "gitea", "bitbucketServer", "azureDevOps")
"""scmProvider providers whose ``api`` the allow-list checks, in Argo CD's order."""

PULL_REQUEST_APIS = ("github", "gitlab", "gitea", "bitbucketServer", "bitbucket", "azuredevops")
"""pullRequest providers whose ``api`` the allow-list checks (Bitbucket Cloud included)."""


def check_access(spec: Mapping[str, Any], env: Env, providers: tuple[str, ...]) -> None:
    """Refuse the generator as Argo CD's controller does.

    Raises:
        GeneratorError: ``scm providers are disabled``, or ``scm provider not allowed: ...``.
    """
    if not env.scm_providers_enabled:
        raise GeneratorError("scm providers are disabled")
    url = custom_api_url(spec, providers)
    allowed = env.allowed_scm_providers
    if url and allowed and url not in allowed:
        raise GeneratorError(
            f"scm provider not allowed: scm provider {go_quote(url)} not allowed, "
            f"must use one of the following: {', '.join(allowed)}"
        )


def custom_api_url(spec: Mapping[str, Any], providers: tuple[str, ...]) -> str:
    """The ``api`` of the first provider the spec sets ("" when none sets one)."""
    for name in providers:
        provider = spec.get(name)
        if provider is not None:
            return str((provider or {}).get("api") or "")
    return ""


def compile_match(field: str, pattern: Any) -> Regexp:
    """A filter's RE2 regex (matched anywhere in the string, as Go's ``MatchString``).

    Raises:
        GeneratorError: the pattern does not compile, with Go's message.
    """
    text = str(pattern)
    try:
        return compile_go(text)
    except RegexError as error:
        raise GeneratorError(f"error compiling {field} regexp {go_quote(text)}: {error}") from error
