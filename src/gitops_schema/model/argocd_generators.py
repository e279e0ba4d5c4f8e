"""Argo CD ApplicationSet generators: the spec of each kind, and their registry.

Each generator kind is a model registered under its key of the CRD with
:func:`generator`; registration order is the CRD's. The entry models (one generator key
plus an optional post-selector) and :data:`Generator`, the union an ApplicationSet's
``spec.generators`` holds, are made from the registry: adding a generator is its model
here (and its ``generate`` in ``appset/generators/<key>.py``), nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, Union

from pydantic import Discriminator, Field, Tag, create_model
from pydantic.alias_generators import to_snake

from gitops_schema.model.argocd import ApplicationSpec
from gitops_schema.model.argocd_scm import (
    PullRequestAzureDevOps,
    PullRequestBitbucketCloud,
    PullRequestBitbucketServer,
    PullRequestFilter,
    PullRequestGitea,
    PullRequestGitHub,
    PullRequestGitLab,
    ScmProviderAwsCodeCommit,
    ScmProviderAzureDevOps,
    ScmProviderBitbucketCloud,
    ScmProviderBitbucketServer,
    ScmProviderFilter,
    ScmProviderGitea,
    ScmProviderGitHub,
    ScmProviderGitLab,
)
from gitops_schema.model.base import KubeModel, LabelSelector

__all__ = [
    "GENERATOR_KINDS",
    "Generator",
    "generator",
    "generator_kind",
    "generator_module",
]

_Spec = TypeVar("_Spec", bound=KubeModel)

GENERATOR_KINDS: dict[str, type[KubeModel]] = {}
"""Each generator key of the CRD and the model of its spec, in the CRD's order."""


def generator(key: str) -> Callable[[type[_Spec]], type[_Spec]]:
    """Register the decorated model as the spec of the generator ``key`` (``scmProvider``)."""

    def register(model: type[_Spec]) -> type[_Spec]:
        GENERATOR_KINDS[key] = model
        return model

    return register


def generator_module(key: str) -> str:
    """The module of ``appset.generators`` that runs the generator ``key``: its snake case."""
    return to_snake(key)


class TemplateMeta(KubeModel):
    """Metadata of the Applications a template produces."""

    name: str | None = None
    namespace: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    finalizers: list[str] = Field(default_factory=list)


class ApplicationSetTemplate(KubeModel):
    """The Application each parameter set is rendered into."""

    metadata: TemplateMeta
    spec: ApplicationSpec


class _Generator(KubeModel):
    """Fields every generator kind has."""

    template: ApplicationSetTemplate | None = None


@generator("list")
class ListGenerator(_Generator):
    """Literal parameter sets."""

    elements: list[Any] = Field(default_factory=list)
    elements_yaml: str | None = None


@generator("clusters")
class ClusterGenerator(_Generator):
    """One parameter set per cluster of Argo CD's inventory that matches the selector."""

    selector: LabelSelector | None = None
    values: dict[str, str] = Field(default_factory=dict)
    flat_list: bool | None = None


class GitPathEntry(KubeModel):
    """A path pattern of a git generator, or an exclusion."""

    path: str
    exclude: bool | None = None


@generator("git")
class GitGenerator(_Generator):
    """Parameter sets from the folders or files of a git repository."""

    repo_url: str = Field(alias="repoURL")
    revision: str
    directories: list[GitPathEntry] = Field(default_factory=list)
    files: list[GitPathEntry] = Field(default_factory=list)
    path_param_prefix: str | None = None
    values: dict[str, str] = Field(default_factory=dict)
    requeue_after_seconds: int | None = None


@generator("matrix")
class MatrixGenerator(_Generator):
    """The cartesian product of two child generators."""

    generators: list[Generator]


@generator("merge")
class MergeGenerator(_Generator):
    """Child generators merged on common keys."""

    generators: list[Generator]
    merge_keys: list[str]


@generator("scmProvider")
class ScmProviderGenerator(_Generator):
    """One parameter set per repository (and branch) of an SCM organisation."""

    github: ScmProviderGitHub | None = None
    gitlab: ScmProviderGitLab | None = None
    gitea: ScmProviderGitea | None = None
    bitbucket_server: ScmProviderBitbucketServer | None = None
    bitbucket: ScmProviderBitbucketCloud | None = None
    azure_dev_ops: ScmProviderAzureDevOps | None = None
    aws_code_commit: ScmProviderAwsCodeCommit | None = None
    filters: list[ScmProviderFilter] = Field(default_factory=list)
    clone_protocol: str | None = None
    values: dict[str, str] = Field(default_factory=dict)
    requeue_after_seconds: int | None = None


@generator("pullRequest")
class PullRequestGenerator(_Generator):
    """One parameter set per open pull request."""

    github: PullRequestGitHub | None = None
    gitlab: PullRequestGitLab | None = None
    gitea: PullRequestGitea | None = None
    bitbucket_server: PullRequestBitbucketServer | None = None
    bitbucket: PullRequestBitbucketCloud | None = None
    azuredevops: PullRequestAzureDevOps | None = None
    filters: list[PullRequestFilter] = Field(default_factory=list)
    continue_on_repo_not_found_error: bool | None = None
    values: dict[str, str] = Field(default_factory=dict)
    requeue_after_seconds: int | None = None


@generator("clusterDecisionResource")
class ClusterDecisionResourceGenerator(_Generator):
    """One parameter set per decision in the status of a duck-typed resource."""

    config_map_ref: str
    name: str | None = None
    label_selector: LabelSelector | None = None
    values: dict[str, str] = Field(default_factory=dict)
    requeue_after_seconds: int | None = None


class PluginConfigMapRef(KubeModel):
    """The ConfigMap that names a generator plugin's service and token."""

    name: str


class PluginInput(KubeModel):
    """What is sent to a generator plugin."""

    parameters: dict[str, Any] = Field(default_factory=dict)


@generator("plugin")
class PluginGenerator(_Generator):
    """Parameter sets returned by an HTTP plugin service."""

    config_map_ref: PluginConfigMapRef
    input: PluginInput | None = None
    values: dict[str, str] = Field(default_factory=dict)
    requeue_after_seconds: int | None = None


# Every generator's model is above this line: the entries below are made from the registry.


class _Entry(KubeModel):
    """A generator entry: one generator kind plus an optional post-selector."""

    selector: LabelSelector | None = None


def _entry(key: str, spec: type[KubeModel]) -> type[_Entry]:
    """The entry model of the generator ``key``: its spec under that key, and a selector."""
    entry: type[_Entry] = create_model(
        f"{key[0].upper()}{key[1:]}Entry",
        __base__=_Entry,
        __doc__=f"A ``{key}`` generator entry.",
        **{to_snake(key): (spec, Field(alias=key))},  # type: ignore[call-overload]
    )
    return entry


_ENTRIES = {key: _entry(key, spec) for key, spec in GENERATOR_KINDS.items()}
"""The entry model of each generator key."""


def generator_kind(value: Any) -> str | None:
    """The generator kind of a raw or typed entry: the first generator key it sets."""
    if isinstance(value, _Entry):
        for kind, entry in _ENTRIES.items():
            if isinstance(value, entry):
                return kind
        return None
    if isinstance(value, dict):
        for kind in GENERATOR_KINDS:
            if value.get(kind) is not None:  # null is unset, as Go decodes it
                return kind
    return None


if TYPE_CHECKING:
    Generator = _Entry
else:
    Generator = Annotated[
        Union[tuple(Annotated[entry, Tag(key)] for key, entry in _ENTRIES.items())],  # noqa: UP007
        Discriminator(
            generator_kind,
            custom_error_type="generator_kind",
            custom_error_message="a generator needs exactly one of: " + ", ".join(GENERATOR_KINDS),
        ),
    ]
"""A generator entry, typed by which generator key it sets."""
