"""The read API: reports, and paged listings of objects, sync operations and deployments.

``GET /api/v1/reports/{name}`` returns exactly the JSON ``gitops-schema report NAME -o json``
prints.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from sqlalchemy import Engine

from gitops_schema.analytics import browse, query, rollups
from gitops_schema.analytics.catalog import NAMES
from gitops_schema.check.config import DEFAULT_PRODUCTION
from gitops_schema.errors import UsageError
from gitops_schema.server.session import reader

router = APIRouter(prefix="/api/v1", tags=["reports"], dependencies=[Depends(reader)])


class Env(StrEnum):
    """Which objects a report covers."""

    production = "production"
    all = "all"


class Tool(StrEnum):
    """The GitOps tools."""

    argocd = "argocd"
    flux = "flux"


class By(StrEnum):
    """How ``dora`` groups its figures."""

    cluster = "cluster"
    application = "application"
    team = "team"


From = Annotated[
    str | None, Query(alias="from", description="Window start (ISO 8601); default to - 30 days.")
]
To = Annotated[
    str | None, Query(alias="to", description="Window end, excluded (ISO 8601); default now.")
]
ReportName = Annotated[
    str,
    Path(
        pattern="^(" + "|".join(re.escape(name) for name in NAMES) + ")$",
        description="One of: " + ", ".join(NAMES),
    ),
]
Limit = Annotated[int, Query(ge=1, le=browse.MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=2**31)]


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def production(request: Request) -> tuple[str, ...]:
    """The production globs the service was started with (``check``'s defaults if none)."""
    globs: tuple[str, ...] = getattr(request.app.state, "production", DEFAULT_PRODUCTION)
    return globs


def _bad_request(error: UsageError) -> HTTPException:
    return HTTPException(400, str(error))


def report_data(
    request: Request,
    name: str,
    *,
    start: str | None,
    end: str | None,
    env: str | None = None,
    tool: str | None = None,
    cluster: str | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """A report's JSON, as the CLI prints it; 400 naming a wrong parameter."""
    try:
        parsed = query.ReportRequest.parse(
            name,
            start=start,
            end=end,
            env=env,
            tool=tool,
            cluster=cluster,
            by=by,
            production=production(request),
            prefix="",
        )
    except UsageError as error:
        raise _bad_request(error) from None
    rollups.ensure(_engine(request))
    with _engine(request).connect() as connection:
        return query.run(connection, parsed)


@router.get("/reports/{name}", summary="A report, exactly as `gitops-schema report NAME -o json`")
def get_report(
    request: Request,
    name: ReportName,
    start: From = None,
    end: To = None,
    env: Env | None = None,
    tool: Tool | None = None,
    cluster: str | None = None,
    by: By | None = None,
) -> dict[str, Any]:
    """A report over the window ``[from, to)``.

    ``dora`` covers production by default and groups with ``by``.
    """
    return report_data(
        request,
        name,
        start=start,
        end=end,
        env=env.value if env else None,
        tool=tool.value if tool else None,
        cluster=cluster,
        by=by.value if by else None,
    )


@router.get("/objects", summary="The recorded GitOps objects, paged")
def get_objects(
    request: Request,
    tool: Tool | None = None,
    cluster: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Objects by tool, cluster, namespace and name, with their current status."""
    with _engine(request).connect() as connection:
        return browse.list_objects(
            connection,
            browse.Page(limit, offset),
            tool=tool.value if tool else None,
            cluster=cluster,
        )


@router.get("/sync-operations", summary="Sync operations in a window, newest first, paged")
def get_sync_operations(
    request: Request,
    start: From = None,
    end: To = None,
    object_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Completed sync operations (of one object with ``object_id``)."""
    try:
        window = query.make_window(start, end, prefix="")
    except UsageError as error:
        raise _bad_request(error) from None
    with _engine(request).connect() as connection:
        return browse.list_sync_operations(
            connection, window, browse.Page(limit, offset), object_id=object_id
        )


@router.get("/deployments", summary="Deployments in a window, paged, with `failed`")
def get_deployments(
    request: Request,
    start: From = None,
    end: To = None,
    env: Env | None = None,
    tool: Tool | None = None,
    cluster: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """The ``deployments`` report's items, a page at a time."""
    data = report_data(
        request,
        "deployments",
        start=start,
        end=end,
        env=env.value if env else None,
        tool=tool.value if tool else None,
        cluster=cluster,
    )
    items = data["deployments"]
    return browse.Page(limit, offset).wrap(items[offset : offset + limit], len(items))
