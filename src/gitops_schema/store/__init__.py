"""STAGE store: the history of what the clusters did, in SQLite or PostgreSQL.

An optional extra (``pip install gitops-schema[service]``): ``import gitops_schema`` never
imports this package or SQLAlchemy. One schema for both engines (``tables``), created and
changed only by Alembic migrations (``migrate``, ``migrations/``):

- ``objects``: one row per GitOps object (tool, cluster, kind, namespace, name, uid), its current
  definition with secrets redacted, sync and health status, last revision, and the payload
  time (``observed_at``) of that state, so late payloads never overwrite newer state.
- ``sync_operations``: every sync / reconcile outcome (revision, phase Running / Succeeded /
  Failed / Error, reason, message, started / finished, duration, origin webhook / poll /
  import). Unique on object + ``started_at`` + ``digest`` (``""`` for Argo CD; a Flux event's
  content digest; ``"history"`` for an Argo CD history entry of unknown start) and on object +
  ``deployed_at`` (an Argo CD history entry; + ``started_at`` on PostgreSQL).
- ``deployments``: derived on ingest, one per successful operation whose revision differs from
  the object's previous successful one (by finish time), with that previous revision.
- ``health_transitions``: the health status an object had from a time: when it began (exact) or
  when it was seen (unique object + time; a repeat of the previous status is no change).
- ``commits`` and ``config_revisions``: from git (``record git``): who changed which definition.
- ``tokens``: API tokens (sha256 hashes) and their roles.
- views ``argocd_applications``, ``argocd_sync_history``, ``flux_configs``,
  ``flux_sync_history``: the seed's tables with its column names (``app_name``,
  ``sync_status``, ``sync_duration``, ...; revision 0004), so its queries still run.

On PostgreSQL the event tables are partitioned by month of their event time (``partitions``).

Times are the payloads' own, stored as UTC. Modules: ``db`` (URLs, engines), ``migrate``,
``tables``, ``partitions``, ``records`` (what parsers produce), ``ingest`` (idempotent writes,
one transaction per batch) over ``writing`` (the transaction's context), ``object_rows``
(locking objects, their state), ``event_rows`` (Flux events in bulk), ``operation_rows``
(operations folded one by one), ``chain`` (derived deployments), ``health_rows``,
``git_rows`` (commits); ``redact``, ``sources/`` (pure parsers of Argo CD and Flux payloads,
files, the cluster poller, git).
"""
