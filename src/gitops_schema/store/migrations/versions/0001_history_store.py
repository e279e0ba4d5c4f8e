"""The history store, first revision.

Objects, sync operations, deployments, health transitions, commits, config revisions, tokens,
and the views named as the seed's tables.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TIME = sa.DateTime(timezone=True)

# The seed's four tables, as views over the store's tables, so its queries still run.
_VIEWS = {
    "argocd_applications": """
        SELECT o.id, o.cluster, o.name, o.namespace, o.project,
               o.source_url AS source_repo, o.source_path, o.target_revision AS source_revision,
               o.dest_server AS destination_server, o.dest_namespace AS destination_namespace,
               o.definition, o.sync_status, o.health_status, o.revision AS sync_revision,
               o.message, o.created_at, o.updated_at
        FROM objects o WHERE o.tool = 'argocd'""",
    "argocd_sync_history": """
        SELECT s.id, s.object_id AS application_id, o.cluster, o.namespace,
               o.name AS application_name, s.revision, s.phase AS status, s.message,
               s.started_at, s.finished_at, s.duration_seconds,
               s.resources AS synced_resources, s.initiated_by
        FROM sync_operations s JOIN objects o ON o.id = s.object_id
        WHERE o.tool = 'argocd'""",
    "flux_configs": """
        SELECT o.id, o.cluster, o.name, o.kind AS type, o.namespace, o.source_url,
               o.source_path, o.dest_namespace AS target_namespace, o.definition,
               o.sync_status, o.revision AS last_applied_revision,
               o.observed_at AS last_applied_at, o.created_at, o.updated_at
        FROM objects o WHERE o.tool = 'flux'""",
    "flux_sync_history": """
        SELECT s.id, s.object_id AS config_id, o.cluster, o.namespace,
               o.name AS config_name, o.kind AS config_type, s.revision AS applied_revision,
               s.phase AS status, s.reason, s.message, s.started_at, s.finished_at,
               s.duration_seconds, s.resources AS applied_resources
        FROM sync_operations s JOIN objects o ON o.id = s.object_id
        WHERE o.tool = 'flux'""",
}


def upgrade() -> None:
    """Create the tables, their indexes (BRIN on PostgreSQL for event times) and views."""
    _objects()
    _sync_operations()
    _deployments()
    _health_transitions()
    _commits()
    _config_revisions()
    _tokens()
    _indexes()
    for name, query in _VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {query}")


def _objects() -> None:
    op.create_table(
        "objects",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("tool", sa.String(16), nullable=False),
        sa.Column("cluster", sa.String(253), nullable=False),
        sa.Column("namespace", sa.String(253), nullable=False),
        sa.Column("name", sa.String(253), nullable=False),
        sa.Column("kind", sa.String(63), nullable=False),
        sa.Column("api_version", sa.String(253), nullable=False),
        sa.Column("uid", sa.String(64)),
        sa.Column("project", sa.String(253)),
        sa.Column("source_url", sa.Text),
        sa.Column("source_path", sa.Text),
        sa.Column("target_revision", sa.Text),
        sa.Column("dest_server", sa.Text),
        sa.Column("dest_namespace", sa.String(253)),
        sa.Column("definition", sa.JSON, nullable=False),
        sa.Column("sync_status", sa.String(32)),
        sa.Column("health_status", sa.String(32)),
        sa.Column("revision", sa.Text),
        sa.Column("message", sa.Text),
        sa.Column("observed_at", _TIME),
        sa.Column("created_at", _TIME),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_objects"),
        sa.UniqueConstraint(
            "tool", "cluster", "kind", "namespace", "name",
            name="uq_objects_tool_cluster_kind_namespace_name",
        ),
    )  # fmt: skip


def _sync_operations() -> None:
    op.create_table(
        "sync_operations",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("object_id", _ID, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("revision", sa.Text),
        sa.Column("phase", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(128)),
        sa.Column("message", sa.Text),
        sa.Column("started_at", _TIME, nullable=False),
        sa.Column("started_at_exact", sa.Boolean, nullable=False),
        sa.Column("finished_at", _TIME),
        sa.Column("duration_seconds", sa.Float),
        sa.Column("deployed_at", _TIME),
        sa.Column("initiated_by", sa.String(253)),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("resources", sa.JSON),
        sa.Column("received_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sync_operations"),
        sa.ForeignKeyConstraint(
            ["object_id"], ["objects.id"], name="fk_sync_operations_object_id_objects"
        ),
        sa.UniqueConstraint(
            "object_id", "started_at", "digest",
            name="uq_sync_operations_object_id_started_at_digest",
        ),
        sa.UniqueConstraint(
            "object_id", "deployed_at", name="uq_sync_operations_object_id_deployed_at"
        ),
    )  # fmt: skip


def _deployments() -> None:
    op.create_table(
        "deployments",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("object_id", _ID, nullable=False),
        sa.Column("sync_operation_id", _ID, nullable=False),
        sa.Column("revision", sa.Text, nullable=False),
        sa.Column("previous_revision", sa.Text),
        sa.Column("started_at", _TIME, nullable=False),
        sa.Column("finished_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deployments"),
        sa.ForeignKeyConstraint(
            ["object_id"], ["objects.id"], name="fk_deployments_object_id_objects"
        ),
        sa.ForeignKeyConstraint(
            ["sync_operation_id"],
            ["sync_operations.id"],
            name="fk_deployments_sync_operation_id_sync_operations",
        ),
        sa.UniqueConstraint("sync_operation_id", name="uq_deployments_sync_operation_id"),
    )


def _health_transitions() -> None:
    op.create_table(
        "health_transitions",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("object_id", _ID, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("message", sa.Text),
        sa.Column("transitioned_at", _TIME, nullable=False),
        sa.Column("exact", sa.Boolean, nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_health_transitions"),
        sa.ForeignKeyConstraint(
            ["object_id"], ["objects.id"], name="fk_health_transitions_object_id_objects"
        ),
        sa.UniqueConstraint(
            "object_id", "transitioned_at", name="uq_health_transitions_object_id_transitioned_at"
        ),
    )


def _commits() -> None:
    op.create_table(
        "commits",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("repo", sa.Text, nullable=False),
        sa.Column("sha", sa.String(64), nullable=False),
        sa.Column("parents", sa.JSON, nullable=False),
        sa.Column("author_name", sa.Text),
        sa.Column("author_email", sa.Text),
        sa.Column("authored_at", _TIME, nullable=False),
        sa.Column("committer_name", sa.Text),
        sa.Column("committer_email", sa.Text),
        sa.Column("committed_at", _TIME, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_commits"),
        sa.UniqueConstraint("repo", "sha", name="uq_commits_repo_sha"),
    )


def _config_revisions() -> None:
    op.create_table(
        "config_revisions",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("repo", sa.Text, nullable=False),
        sa.Column("sha", sa.String(64), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("tool", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(63), nullable=False),
        sa.Column("namespace", sa.String(253), nullable=False),
        sa.Column("name", sa.String(253), nullable=False),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("digest", sa.String(64)),
        sa.Column("definition", sa.JSON),
        sa.Column("author_name", sa.Text),
        sa.Column("author_email", sa.Text),
        sa.Column("committed_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_config_revisions"),
        sa.UniqueConstraint(
            "repo", "sha", "path", "kind", "namespace", "name",
            name="uq_config_revisions_repo_sha_path_kind_namespace_name",
        ),
    )  # fmt: skip


def _tokens() -> None:
    op.create_table(
        "tokens",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("name", sa.String(253), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tokens"),
        sa.UniqueConstraint("name", name="uq_tokens_name"),
        sa.UniqueConstraint("hash", name="uq_tokens_hash"),
    )


def _indexes() -> None:
    # BRIN: event times grow with the physical order of rows (PostgreSQL; btree on SQLite).
    for table, column in (
        ("sync_operations", "started_at"),
        ("sync_operations", "finished_at"),
        ("health_transitions", "transitioned_at"),
    ):
        op.create_index(f"ix_{table}_{column}", table, [column], postgresql_using="brin")
    op.create_index(
        "ix_deployments_object_id_finished_at", "deployments", ["object_id", "finished_at"]
    )
    op.create_index("ix_deployments_finished_at", "deployments", ["finished_at"])
    op.create_index("ix_commits_committed_at", "commits", ["committed_at"])
    op.create_index("ix_config_revisions_committed_at", "config_revisions", ["committed_at"])


def downgrade() -> None:
    """Drop everything :func:`upgrade` made."""
    for name in _VIEWS:
        op.execute(f"DROP VIEW {name}")
    for table in (
        "tokens",
        "config_revisions",
        "commits",
        "health_transitions",
        "deployments",
        "sync_operations",
        "objects",
    ):
        op.drop_table(table)
