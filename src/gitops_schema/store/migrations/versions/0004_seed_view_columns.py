"""The seed's own column names in the seed's four views, so its queries run as written.

The seed's service reads ``SELECT sync_status, COUNT(*), AVG(sync_duration), ... FROM
argocd_sync_history WHERE started_at BETWEEN ... GROUP BY sync_status`` and counts
deployments per day with ``sync_status = 'Synced'`` (Argo CD) and ``sync_status = 'Ready'``
(Flux); its tables name their columns ``app_name``, ``app_id``, ``sync_revision``,
``sync_message``, ``sync_duration``, ``config_name``, ``config_type``, ``last_applied_time``
and so on. Revision 0001's views had other names for them; these views keep those columns and
add the seed's. A sync operation's ``sync_status`` is the seed's word for its outcome: Argo CD
``Synced`` for a successful operation (else its phase: Running, Terminating, Failed, Error),
Flux ``Ready`` for a successful reconcile (else ``NotReady``, as ``flux_configs`` says of an
object whose last reconcile failed). ``last_applied_time`` (and ``last_applied_at``) is the
finish of the object's newest successful reconcile.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import importlib

from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

_FIRST = importlib.import_module("gitops_schema.store.migrations.versions.0001_history_store")
_NEWEST_SUCCESS = """(SELECT MAX(a.finished_at) FROM sync_operations a
                 WHERE a.object_id = o.id AND a.phase = 'Succeeded')"""
# The seed's names of each view's columns, added after revision 0001's.
_SEED_COLUMNS = {
    "argocd_applications": """o.name AS app_name, o.namespace AS app_namespace,
               o.source_url AS source_repo_url, o.target_revision,
               o.definition AS app_definition, o.message AS sync_message""",
    "argocd_sync_history": """s.object_id AS app_id, o.name AS app_name,
               s.revision AS sync_revision,
               CASE s.phase WHEN 'Succeeded' THEN 'Synced' ELSE s.phase END AS sync_status,
               s.message AS sync_message, s.duration_seconds AS sync_duration,
               s.received_at AS created_at""",
    "flux_configs": f"""o.name AS config_name, o.kind AS config_type,
               o.namespace AS config_namespace, o.source_url AS source_repo_url,
               o.definition AS config_definition, {_NEWEST_SUCCESS} AS last_applied_time""",
    "flux_sync_history": """CASE s.phase WHEN 'Succeeded' THEN 'Ready' ELSE 'NotReady' END
                   AS sync_status,
               s.message AS sync_message, s.duration_seconds AS sync_duration,
               s.received_at AS created_at""",
}
VIEWS = {
    name: query.replace(
        "o.observed_at AS last_applied_at", f"{_NEWEST_SUCCESS} AS last_applied_at"
    ).replace("\n        FROM", f",\n               {_SEED_COLUMNS[name]}\n        FROM", 1)
    for name, query in _FIRST._VIEWS.items()
}


def upgrade() -> None:
    """The views again, with the seed's column names added."""
    _replace(VIEWS)


def downgrade() -> None:
    """Revision 0001's views."""
    _replace(_FIRST._VIEWS)


def _replace(views: dict[str, str]) -> None:
    for name, query in views.items():
        op.execute(f"DROP VIEW {name}")
        op.execute(f"CREATE VIEW {name} AS {query}")
