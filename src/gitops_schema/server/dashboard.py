"""The dashboard at ``/``: login with a read token, the page, its static files, its data.

The uPlot charting library is shipped in the package (the machines may be offline); the page
draws what ``GET /api/v1/dashboard`` returns.
"""

from __future__ import annotations

from importlib import resources
from pathlib import PurePosixPath
from typing import Annotated, Any, Final
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gitops_schema.analytics import query, rollups
from gitops_schema.analytics.dashboard import dashboard_data
from gitops_schema.analytics.definitions import Scope
from gitops_schema.errors import UsageError
from gitops_schema.server.reports import Env, From, To, Tool, production
from gitops_schema.server.session import COOKIE, reader, token_of, valid_reader

router = APIRouter(tags=["dashboard"])

STATIC: Final = resources.files("gitops_schema.server") / "static"
_TYPES: Final = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
}
# A token is 47 characters; a form much larger than that is not a login.
_MAX_FORM_BYTES: Final = 4096
_SECURITY_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


_LOGIN_FAILED: Final = '<p class="error" role="alert">That token is unknown or may not read.</p>'


def _page(name: str, status: int = 200, error: str = "") -> HTMLResponse:
    """A static page; ``error`` (HTML) takes the place of its ``<!--error-->`` marker."""
    text = (STATIC / name).read_text(encoding="utf-8").replace("<!--error-->", error)
    return HTMLResponse(text, status_code=status, headers=_SECURITY_HEADERS)


@router.get("/", include_in_schema=False)
def index(request: Request) -> Response:
    """The dashboard, or the login form when the caller has no valid session."""
    secret = token_of(request)
    if secret is None or valid_reader(request, secret) is None:
        return RedirectResponse("/login", status_code=303)
    return _page("dashboard.html")


@router.get("/login", include_in_schema=False)
def login_form() -> HTMLResponse:
    """The form that asks for a read token."""
    return _page("login.html")


@router.post("/login", include_in_schema=False)
async def login(request: Request) -> Response:
    """Check the token of the form; on success set the session cookie and go to ``/``."""
    body = await request.body()
    if len(body) > _MAX_FORM_BYTES:
        raise HTTPException(413, "login form too large")
    fields = parse_qs(body.decode("utf-8", "replace"))
    secret = (fields.get("token") or [""])[0].strip()
    if valid_reader(request, secret) is None:
        return _page("login.html", status=401, error=_LOGIN_FAILED)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        COOKIE,
        secret,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=12 * 3600,
    )
    return response


@router.post("/logout", include_in_schema=False)
def logout() -> Response:
    """Forget the session cookie."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/static/{path:path}", include_in_schema=False)
def static(path: str) -> Response:
    """A file of the dashboard (no listing, nothing outside the static folder)."""
    parts = PurePosixPath(path).parts
    if not parts or any(part in ("..", "") or part.startswith(".") for part in parts):
        raise HTTPException(404, "not found")
    target = STATIC.joinpath(*parts)
    suffix = PurePosixPath(path).suffix
    if suffix not in _TYPES or not target.is_file():
        raise HTTPException(404, "not found")
    return Response(
        target.read_bytes(),
        media_type=_TYPES[suffix],
        headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


@router.get(
    "/api/v1/dashboard",
    summary="Everything the dashboard draws, over a window",
    dependencies=[Depends(reader)],
)
def get_dashboard(
    request: Request,
    start: From = None,
    end: To = None,
    env: Annotated[Env | None, Query(description="Default: all.")] = None,
    tool: Tool | None = None,
    cluster: str | None = None,
) -> dict[str, Any]:
    """DORA, per-day series, weekly failure rates, recoveries, applications, consistency."""
    try:
        window = query.make_window(start, end, prefix="")
    except UsageError as error:
        raise HTTPException(400, str(error)) from None
    scope = Scope(
        env="production" if env is Env.production else "all",
        tool=tool.value if tool else None,
        cluster=cluster or None,
        production=production(request),
    )
    rollups.ensure(request.app.state.engine)
    with request.app.state.engine.connect() as connection:
        return dashboard_data(connection, window, scope)
