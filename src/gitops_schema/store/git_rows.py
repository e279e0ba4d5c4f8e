"""Commits and config revisions from git, keyed by repository + sha (+ path + object)."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, Table, func, select
from sqlalchemy.dialects import postgresql, sqlite

from gitops_schema.store.sources.git import GitHistory
from gitops_schema.store.tables import commits, config_revisions


def ingest_git(engine: Engine, history: GitHistory) -> tuple[int, int]:
    """Store a repository's commits and config revisions; how many of each were new.

    Keys: repository + sha for a commit; repository + sha + path + object for a revision.
    """
    commit_rows = [{"repo": history.repo, **vars(commit)} for commit in history.commits]
    revision_rows = [{"repo": history.repo, **vars(revision)} for revision in history.revisions]
    with engine.begin() as connection:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        before = (
            _count(connection, commits, history.repo),
            _count(connection, config_revisions, history.repo),
        )
        for table, rows in ((commits, commit_rows), (config_revisions, revision_rows)):
            for start in range(0, len(rows), 500):
                connection.execute(
                    dialect.insert(table).on_conflict_do_nothing(), rows[start : start + 500]
                )
        after = (
            _count(connection, commits, history.repo),
            _count(connection, config_revisions, history.repo),
        )
    return after[0] - before[0], after[1] - before[1]


def _count(connection: Connection, table: Table, repo: str) -> int:
    query = select(func.count()).select_from(table).where(table.c.repo == repo)
    return int(connection.execute(query).scalar_one())
