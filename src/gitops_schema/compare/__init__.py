"""COMPARE: revision to revision (diff), environment to environment (envdiff).

The verbs :func:`diff` and :func:`envdiff` render through ``desired`` and compare; below
them, pure functions over rendered manifests (:func:`diff_sets`, :func:`envdiff_many`)
and their text, Markdown and JSON reports. This stage imports ``render`` only through
``desired``, and nothing above ``check``.
"""

from gitops_schema.compare.diff import (
    Action,
    AppDiff,
    ClusterDiff,
    Diff,
    DiffSummary,
    ObjectChange,
    RenderFailure,
    Renders,
    diff_sets,
)
from gitops_schema.compare.diff_render import (
    DIFF_REPORTERS,
    GITHUB_COMMENT_LIMIT,
    render_json,
    render_markdown,
    render_text,
)
from gitops_schema.compare.envdiff import (
    EnvDiff,
    EnvDiffs,
    FieldDifference,
    ObjectRow,
    envdiff_application,
    envdiff_many,
)
from gitops_schema.compare.envdiff_render import (
    ENVDIFF_REPORTERS,
    render_envdiff_json,
    render_envdiff_markdown,
    render_envdiff_text,
)
from gitops_schema.compare.environments import EnvDiffOptions, EnvironmentDiff, envdiff
from gitops_schema.compare.normalize import ObjectId, identities, identity, normalize, to_yaml
from gitops_schema.compare.revisions import DiffOptions, RevisionDiff, diff

__all__ = [
    "DIFF_REPORTERS",
    "ENVDIFF_REPORTERS",
    "GITHUB_COMMENT_LIMIT",
    "Action",
    "AppDiff",
    "ClusterDiff",
    "Diff",
    "DiffOptions",
    "DiffSummary",
    "EnvDiff",
    "EnvDiffOptions",
    "EnvDiffs",
    "EnvironmentDiff",
    "FieldDifference",
    "ObjectChange",
    "ObjectId",
    "ObjectRow",
    "RenderFailure",
    "Renders",
    "RevisionDiff",
    "diff",
    "diff_sets",
    "envdiff",
    "envdiff_application",
    "envdiff_many",
    "identities",
    "identity",
    "normalize",
    "render_envdiff_json",
    "render_envdiff_markdown",
    "render_envdiff_text",
    "render_json",
    "render_markdown",
    "render_text",
    "to_yaml",
]
