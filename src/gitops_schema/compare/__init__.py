"""Compare rendered manifests: revision to revision (diff), environment to environment (envdiff).

Pure functions over rendered objects; this stage must not import ``render`` (the caller
renders) nor anything above ``check``.
"""

from gitops_schema.compare.diff import (
    Action,
    AppDiff,
    ClusterDiff,
    Diff,
    DiffSummary,
    ObjectChange,
    Renders,
    diff_sets,
)
from gitops_schema.compare.diff_render import (
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
    envdiff,
    envdiff_many,
)
from gitops_schema.compare.envdiff_render import (
    render_envdiff_json,
    render_envdiff_markdown,
    render_envdiff_text,
)
from gitops_schema.compare.normalize import ObjectId, identities, identity, normalize, to_yaml

__all__ = [
    "GITHUB_COMMENT_LIMIT",
    "Action",
    "AppDiff",
    "ClusterDiff",
    "Diff",
    "DiffSummary",
    "EnvDiff",
    "EnvDiffs",
    "FieldDifference",
    "ObjectChange",
    "ObjectId",
    "ObjectRow",
    "Renders",
    "diff_sets",
    "envdiff",
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
