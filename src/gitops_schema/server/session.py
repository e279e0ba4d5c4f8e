"""Readers of the reports and the dashboard: a bearer token, or the login cookie made from one.

The dashboard's login form takes a read token and sets it as an HttpOnly, SameSite=Strict
cookie, so the page's own requests carry it; every other client sends ``Authorization:
Bearer``. Either way the token is looked up, role-checked and rate-limited as the store's
:func:`~gitops_schema.server.auth.require` does.
"""

from __future__ import annotations

from fastapi import HTTPException, Request

from gitops_schema.server.auth import TokenCache, require
from gitops_schema.store.tokens import Role, Token

COOKIE = "gitops_schema_session"


def token_of(request: Request) -> str | None:
    """The cookie's token, if the request has one."""
    value = request.cookies.get(COOKIE, "").strip()
    return value or None


def reader(request: Request) -> Token:
    """A dependency admitting read (and admin) tokens from the header or the cookie."""
    if request.headers.get("authorization") or token_of(request) is None:
        return require(Role.READ)(request)
    cache: TokenCache = request.app.state.tokens
    token = cache.find(token_of(request) or "")
    if token is None:
        raise HTTPException(401, "unknown token: log in again at /login")
    if not token.role.allows(Role.READ):
        raise HTTPException(403, f"token {token.name!r} has role {token.role}, not read")
    request.app.state.rate_limiter.take(f"token:{token.id}")
    return token


def valid_reader(request: Request, secret: str) -> Token | None:
    """The token ``secret`` is when it may read, else ``None`` (for the login form)."""
    cache: TokenCache = request.app.state.tokens
    token = cache.find(secret.strip()) if secret.strip() else None
    if token is None or not token.role.allows(Role.READ):
        return None
    return token
