"""Who may call: bearer tokens with roles, Flux HMAC signatures, rate limits per caller."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import HTTPException, Request
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from gitops_schema.store.tokens import Role, Token, find_token, token_hash

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def bearer_token(request: Request) -> Token:
    """The caller's stored token; 401 when there is none or it is unknown."""
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise HTTPException(401, "a bearer token is required", headers=_CHALLENGE)
    cache: TokenCache = request.app.state.tokens
    token = cache.find(secret.strip())
    if token is None:
        raise HTTPException(401, "unknown token", headers=_CHALLENGE)
    return token


def require(role: Role) -> Callable[[Request], Token]:
    """A dependency admitting tokens whose role allows ``role`` (403 otherwise), rate-limited."""

    def check(request: Request) -> Token:
        token = bearer_token(request)
        if not token.role.allows(role):
            raise HTTPException(403, f"token {token.name!r} has role {token.role}, not {role}")
        request.app.state.rate_limiter.take(f"token:{token.id}")
        return token

    return check


def check_signature(key: bytes, body: bytes, header: str | None) -> None:
    """401 unless ``header`` is ``sha256=<hex HMAC-SHA256 of body>`` (constant-time compare)."""
    if not header:
        raise HTTPException(401, "X-Signature header required (sha256=<hex HMAC of the body>)")
    algorithm, _, given = header.strip().partition("=")
    if algorithm.lower() != "sha256":
        raise HTTPException(401, "X-Signature must be sha256=<hex HMAC of the body>")
    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), given.strip().lower().encode()):
        raise HTTPException(401, "X-Signature does not match the body")


@dataclass
class TokenCache:
    """Token look-ups, remembered for ``ttl`` seconds.

    Known tokens are also remembered for as long as the database is unreachable: their
    senders keep being accepted (and spooled) then.
    """

    engine: Engine
    ttl: float = 30.0
    _known: dict[str, tuple[Token | None, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def find(self, secret: str) -> Token | None:
        """The token ``secret`` is, or None; 503 when it cannot be checked."""
        key = token_hash(secret)
        now = time.monotonic()
        with self._lock:
            cached = self._known.get(key)
        if cached is not None and now - cached[1] < self.ttl:
            return cached[0]
        try:
            token = find_token(self.engine, secret)
        except OperationalError:
            if cached is not None and cached[0] is not None:
                return cached[0]
            raise HTTPException(
                503,
                "database unreachable: the token cannot be checked",
                headers={"Retry-After": "5"},
            ) from None
        with self._lock:
            self._known[key] = (token, now)
        return token


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass
class RateLimiter:
    """Token buckets: ``rate`` requests per second per key, bursts up to ``burst``."""

    rate: float
    burst: int
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: str) -> None:
        """Spend one request of ``key``'s bucket; 429 with Retry-After when it is empty."""
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.setdefault(key, _Bucket(float(self.burst), now))
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens < 1:
                wait = (1 - bucket.tokens) / self.rate
                raise HTTPException(
                    429, "rate limit exceeded", headers={"Retry-After": str(int(wait) + 1)}
                )
            bucket.tokens -= 1
