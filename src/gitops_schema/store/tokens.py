"""API tokens: 256 random bits shown once, stored as a sha256 hash with a role.

Roles: ``ingest`` (send events), ``read`` (read reports and history), ``admin`` (both).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from gitops_schema.errors import UsageError
from gitops_schema.store.tables import tokens

PREFIX = "gsk_"


class Role(StrEnum):
    """What a token may do."""

    INGEST = "ingest"
    READ = "read"
    ADMIN = "admin"

    def allows(self, needed: Role) -> bool:
        """Whether a token of this role may do what ``needed`` may."""
        return self is Role.ADMIN or self is needed


@dataclass(frozen=True)
class Token:
    """A stored token (never its secret)."""

    id: int
    name: str
    role: Role


def token_hash(token: str) -> str:
    """The sha256 hex digest stored for ``token``."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(engine: Engine, *, name: str, role: Role) -> str:
    """A new token named ``name``; only its hash is stored, so this is the only copy.

    Raises:
        UsageError: a token of that name exists already.
    """
    token = PREFIX + secrets.token_urlsafe(32)
    try:
        with engine.begin() as connection:
            connection.execute(
                tokens.insert().values(
                    name=name, role=role.value, hash=token_hash(token), created_at=datetime.now(UTC)
                )
            )
    except IntegrityError:
        raise UsageError(f"a token named {name!r} exists already") from None
    return token


def find_token(engine: Engine, token: str) -> Token | None:
    """The stored token ``token`` is, or None."""
    with engine.connect() as connection:
        row = connection.execute(select(tokens).where(tokens.c.hash == token_hash(token))).first()
    return None if row is None else Token(row.id, row.name, Role(row.role))
