"""Compliance: what ``check`` finds at each recorded revision that changed a definition.

Findings are recorded once per revision: a revision's findings never change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pygit2
from sqlalchemy import Engine, bindparam, select, text

from gitops_schema.analytics.definitions import Window
from gitops_schema.analytics.tables import compliance_findings, compliance_runs, ensure
from gitops_schema.check import check
from gitops_schema.diagnostics import Severity
from gitops_schema.errors import UsageError
from gitops_schema.store.tables import UtcTime

_CHANGED: Final = """
SELECT DISTINCT c.repo AS repo, c.sha AS sha, c.committed_at AS committed_at,
       c.author_name AS author_name
FROM config_revisions c
WHERE c.committed_at >= :start AND c.committed_at < :end
ORDER BY c.committed_at, c.sha"""


def record_compliance(engine: Engine, repository: Path, window: Window) -> int:
    """Check and record the revisions of ``repository`` that changed a definition in the window.

    Revisions already checked are skipped. Returns how many revisions were checked.
    """
    try:
        repo = pygit2.Repository(str(repository))
    except (pygit2.GitError, KeyError):
        raise UsageError(f"--repo {repository}: not a git repository") from None
    root = Path(repo.workdir or repository)
    clause = (
        text(_CHANGED)
        .bindparams(bindparam("start", type_=UtcTime()), bindparam("end", type_=UtcTime()))
        .columns(committed_at=UtcTime())
    )
    checked = 0
    with engine.begin() as connection:
        ensure(connection)
        done = {
            (row.repo, row.sha)
            for row in connection.execute(select(compliance_runs.c.repo, compliance_runs.c.sha))
        }
        todo = [
            row
            for row in connection.execute(clause, {"start": window.start, "end": window.end})
            if (row.repo, row.sha) not in done and row.sha in repo
        ]
    for row in todo:
        result = check([root], revision=row.sha)
        findings = result.findings
        with engine.begin() as connection:
            run_id = connection.execute(
                compliance_runs.insert()
                .values(
                    repo=row.repo,
                    sha=row.sha,
                    committed_at=row.committed_at,
                    author_name=row.author_name,
                    errors=sum(1 for f in findings if f.severity is Severity.ERROR),
                    warnings=sum(1 for f in findings if f.severity is Severity.WARNING),
                )
                .returning(compliance_runs.c.id)
            ).scalar_one()
            if findings:
                connection.execute(
                    compliance_findings.insert(),
                    [
                        {
                            "run_id": run_id,
                            "rule": f.rule,
                            "severity": f.severity.value,
                            "file": _relative(f.location.file, root),
                            "line": f.location.line or 0,
                            "message": f.message,
                        }
                        for f in findings
                    ],
                )
        checked += 1
    return checked


def _relative(file: str | None, root: Path) -> str:
    if not file:
        return ""
    try:
        return str(Path(file).relative_to(root))
    except ValueError:
        return file
