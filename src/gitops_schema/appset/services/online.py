"""The SCM APIs online: pull requests and repositories of the provider a spec names.

Tokens are read from the Secrets of the :class:`~gitops_schema.appset.env.Env` (the
spec's ``tokenRef``, ``basicAuth.passwordRef``, ``bearerToken.tokenRef``,
``appPasswordRef`` or ``accessTokenRef``), in the Argo CD namespace. GitHub App
credentials and AWS CodeCommit are not supported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from gitops_schema.appset.env import ScmProvider
from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.services import azure_devops, bitbucket, gitea, github, gitlab
from gitops_schema.appset.services.rest import Rest, secret_value


class _Secrets:
    def __init__(
        self,
        secrets: Mapping[str, Mapping[str, str]],
        namespace: str,
        transport: httpx.BaseTransport | None,
    ) -> None:
        self.secrets = secrets
        self.namespace = namespace
        self.transport = transport

    def value(self, config: Mapping[str, Any], *path: str) -> str:
        ref: Any = config
        for step in path:
            ref = (ref or {}).get(step)
        return secret_value(self.secrets, self.namespace, ref)

    def options(self, config: Mapping[str, Any]) -> dict[str, Any]:
        return {"transport": self.transport, "verify": not config.get("insecure")}

    def bitbucket_auth(self, config: Mapping[str, Any]) -> dict[str, Any]:
        if config.get("bearerToken") is not None:
            token = self.value(config, "bearerToken", "tokenRef")
            return {"headers": {"Authorization": f"Bearer {token}"}}
        if config.get("basicAuth") is not None:
            user = str(config["basicAuth"].get("username") or "")
            return {"auth": (user, self.value(config, "basicAuth", "passwordRef"))}
        return {}


class HttpPullRequests(_Secrets):
    """:class:`~gitops_schema.appset.env.PullRequests` over the providers' REST APIs."""

    def __init__(
        self,
        secrets: Mapping[str, Mapping[str, str]],
        namespace: str,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """Read tokens from ``secrets`` (Secrets of ``namespace``); ``transport`` for tests."""
        super().__init__(secrets, namespace, transport)

    def list(self, spec: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Open pull requests of the repository the spec names.

        Raises:
            GeneratorError: no provider, a missing token Secret, or the API fails
                (RepositoryNotFoundError when the repository does not exist).
        """
        if (config := spec.get("github")) is not None:
            rest = github.client(
                config.get("api", ""), self.value(config, "tokenRef"), **self.options(config)
            )
            return github.pull_requests(rest, config)
        if (config := spec.get("gitlab")) is not None:
            rest = gitlab.client(
                config.get("api", ""), self.value(config, "tokenRef"), **self.options(config)
            )
            return gitlab.pull_requests(rest, config)
        if (config := spec.get("gitea")) is not None:
            rest = gitea.client(
                config.get("api", ""), self.value(config, "tokenRef"), **self.options(config)
            )
            return gitea.pull_requests(rest, config)
        if (config := spec.get("bitbucketServer")) is not None:
            rest = bitbucket.server_client(
                config.get("api", ""), **self.bitbucket_auth(config), **self.options(config)
            )
            return bitbucket.server_pull_requests(rest, config)
        if (config := spec.get("bitbucket")) is not None:
            rest = bitbucket.cloud_client(
                config.get("api", ""), **self.bitbucket_auth(config), **self.options(config)
            )
            return bitbucket.cloud_pull_requests(rest, config)
        if (config := spec.get("azuredevops")) is not None:
            rest = azure_devops.client(
                config.get("api", ""),
                config.get("organization", ""),
                self.value(config, "tokenRef"),
                **self.options(config),
            )
            return azure_devops.pull_requests(rest, config)
        raise GeneratorError("no Pull Request provider implementation configured")


class HttpScm(_Secrets):
    """:class:`~gitops_schema.appset.env.ScmRepositories` over the providers' REST APIs."""

    def __init__(
        self,
        secrets: Mapping[str, Mapping[str, str]],
        namespace: str,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """Read tokens from ``secrets`` (Secrets of ``namespace``); ``transport`` for tests."""
        super().__init__(secrets, namespace, transport)

    def provider(self, spec: Mapping[str, Any]) -> ScmProvider:
        """The provider the spec names.

        Raises:
            GeneratorError: no (supported) provider, or a missing token Secret.
        """
        if (config := spec.get("github")) is not None:
            token = self._token(config, "scm provider: error fetching Github token", "tokenRef")
            rest = github.client(config.get("api", ""), token, **self.options(config))
            return github.GithubProvider(rest, config)
        if (config := spec.get("gitlab")) is not None:
            token = self._token(config, "error fetching Gitlab token", "tokenRef")
            rest = gitlab.client(config.get("api", ""), token, **self.options(config))
            return gitlab.GitlabProvider(rest, config)
        if (config := spec.get("gitea")) is not None:
            token = self._token(config, "error fetching Gitea token", "tokenRef")
            rest = gitea.client(config.get("api", ""), token, **self.options(config))
            return gitea.GiteaProvider(rest, config)
        if (config := spec.get("bitbucketServer")) is not None:
            rest = bitbucket.server_client(
                config.get("api", ""), **self.bitbucket_auth(config), **self.options(config)
            )
            return bitbucket.BitbucketServerProvider(rest, config)
        if (config := spec.get("azureDevOps")) is not None:
            what = "error fetching Azure Devops access token"
            token = self._token(config, what, "accessTokenRef")
            rest = azure_devops.client(
                config.get("api", ""), config.get("organization", ""), token, **self.options(config)
            )
            return azure_devops.AzureDevOpsProvider(rest, config)
        if (config := spec.get("bitbucket")) is not None:
            what = "error fetching Bitbucket cloud appPassword"
            password = self._token(config, what, "appPasswordRef")
            auth = (str(config.get("user") or ""), password)
            rest = Rest(bitbucket.CLOUD_API, auth=auth, transport=self.transport)
            return bitbucket.BitbucketCloudProvider(rest, config)
        if spec.get("awsCodeCommit") is not None:
            raise GeneratorError(
                "error initializing AWS codecommit service: not supported online here; "
                "record the listing and pass --scm-data FILE"
            )
        raise GeneratorError("no SCM provider implementation configured")

    def _token(self, config: Mapping[str, Any], context: str, ref: str) -> str:
        try:
            return self.value(config, ref)
        except GeneratorError as error:
            raise GeneratorError(f"{context}: {error}") from error
