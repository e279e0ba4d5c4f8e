"""The service's settings: where the history is, and the limits it enforces."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from gitops_schema.check.config import DEFAULT_PRODUCTION
from gitops_schema.errors import UsageError

FLUX_HMAC_ENV = "GITOPS_SCHEMA_FLUX_HMAC_KEY"


def default_spool_dir() -> Path:
    """``spool/`` in the user's state folder."""
    return Path(platformdirs.user_state_dir("gitops-schema", appauthor=False)) / "spool"


@dataclass
class Settings:
    """Everything ``serve`` can be told; the defaults suit one small installation."""

    db_url: str
    # Key of the Flux generic-hmac provider; None accepts unsigned Flux events.
    flux_hmac_key: bytes | None = None
    # Argo CD Applications with many resources are large; etcd stops objects at 1.5 MiB.
    max_body_bytes: int = 4 * 1024 * 1024
    # Token bucket per token (or per client address for unsigned Flux events). A refused
    # delivery is lost when its sender gives up (Argo CD retries no 429; one Flux cluster's
    # events all come from one address), so the defaults stop floods, not a fleet's bursts
    # nor a history replayed at once.
    rate_per_second: float = 1000.0
    rate_burst: int = 10000
    spool_dir: Path = field(default_factory=default_spool_dir)
    # How often spooled events are retried while the database is unreachable.
    spool_retry_seconds: float = 2.0
    # Argo CD destination servers -> cluster names (for apps whose destination has no name).
    cluster_names: dict[str, str] = field(default_factory=dict)
    # The `production` globs of .gitops-schema.yaml: what the reports and /metrics call production.
    production: tuple[str, ...] = DEFAULT_PRODUCTION


def flux_hmac_key(key_file: Path | None) -> bytes | None:
    """The Flux HMAC key: ``key_file``'s content, else ``$GITOPS_SCHEMA_FLUX_HMAC_KEY``.

    A trailing newline of the file is not part of the key; None when neither is set.

    Raises:
        UsageError: the file cannot be read, or holds no key (anyone could sign with an
            empty one: a key file left empty by mistake would open the endpoint).
    """
    if key_file is not None:
        try:
            key = key_file.read_bytes().rstrip(b"\r\n")
        except OSError as error:
            raise UsageError(
                f"--flux-hmac-key-file {key_file}: cannot read: {error.strerror}"
            ) from None
        if not key:
            raise UsageError(f"--flux-hmac-key-file {key_file}: the file is empty, no key")
        return key
    value = os.environ.get(FLUX_HMAC_ENV)
    return value.encode() if value else None
