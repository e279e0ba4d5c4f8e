"""Redaction of secret values before anything is stored or logged.

Three kinds of secrets are replaced by :data:`REDACTED`: the values of a Kubernetes Secret
(``data`` and ``stringData``), the values of keys that name a credential (``password``,
``token``, ``apiKey``, ``name/value`` pairs such as Helm parameters and env entries whose name
does), and strings that look like credentials wherever they are (bearer tokens, JWTs, private
keys, well-known token formats, passwords inside URLs, ``password: x`` lines in embedded YAML).
Revisions (hex digests) never look like credentials, so they survive.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "<redacted>"

# Lower-cased, with "-", "_" and "." removed, a key containing one of these names a secret...
_SECRET_WORDS = (
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "privatekey",
    "credential",
    "authorization",
    "bearer",
    "cookie",
    "hmackey",
    "signingkey",
)
# ...unless it only refers to one (a Secret's name, a key in it, a file holding it).
_REFERENCE_ENDINGS = ("ref", "refs", "name", "names", "namespace", "path", "file", "selector")

_PATTERNS = [
    # PEM private keys, whole block.
    re.compile(
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.DOTALL
    ),
    # JSON Web Tokens.
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
    # GitHub, GitLab, Slack, AWS and generic prefixed tokens.
    re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
    re.compile(r"\bglpat-[A-Za-z0-9_-]{16,}"),
    re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
]
# "Bearer xxx" / "Basic xxx" credentials in headers or messages: keep the scheme.
_AUTH_SCHEME = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
# Passwords in URLs: scheme://user:password@host.
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)[^@\s/]+@", re.IGNORECASE)
# "password: value" / "token=value" inside embedded text (Helm values, env files).
_ASSIGNMENT = re.compile(
    r"(?P<key>[\w.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|credentials?)"
    r"[\w.-]*)(?P<sep>[\"']?\s*[:=]\s*)(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s,;}\]]+)",
    re.IGNORECASE,
)

# Every pattern above starts with one of these: text without any is returned as it is, in
# one scan instead of one per pattern (most of a payload's strings are names and times).
_MAYBE_SECRET = re.compile(
    r"private key|eyj|gh[pousr]_|github_pat_|glpat-|xox[abprs]-|akia|asia|bearer|basic|://"
    r"|passw|secret|token|api[_-]?key|access[_-]?key|credential",
    re.IGNORECASE,
)


def is_secret_key(key: str) -> bool:
    """Whether a mapping key names a credential (not a reference to one)."""
    known = _SECRET_KEYS.get(key)
    if known is None:
        folded = key.lower().replace("-", "").replace("_", "").replace(".", "")
        known = not folded.endswith(_REFERENCE_ENDINGS) and any(
            word in folded for word in _SECRET_WORDS
        )
        _remember(_SECRET_KEYS, key, known)
    return known


def redact_text(text: str) -> str:
    """``text`` with every credential-looking part replaced."""
    # Payloads repeat their names, kinds and messages: short strings are remembered.
    known = _SHORT_TEXTS.get(text)
    if known is None:
        known = _redact_text(text)
        if len(text) <= _SHORT:
            _remember(_SHORT_TEXTS, text, known)
    return known


_SHORT = 256
# Remembered answers (plain dicts: cheaper to consult than a cached function), emptied
# when full.
_SECRET_KEYS: dict[str, bool] = {}
_SHORT_TEXTS: dict[str, str] = {}
_REMEMBERED = 1 << 16


def _remember(cache: dict[str, Any], key: str, value: Any) -> None:
    if len(cache) >= _REMEMBERED:
        cache.clear()
    cache[key] = value


def _redact_text(text: str) -> str:
    if _MAYBE_SECRET.search(text) is None:
        return text
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    text = _AUTH_SCHEME.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _URL_PASSWORD.sub(lambda m: f"{m.group(1)}{REDACTED}@", text)
    return _ASSIGNMENT.sub(_redact_assignment, text)


def _redact_assignment(match: re.Match[str]) -> str:
    if not is_secret_key(match.group("key")) or match.group("value") == REDACTED:
        return match.group(0)
    return f"{match.group('key')}{match.group('sep')}{REDACTED}"


def redact(value: Any) -> Any:
    """A JSON-like value with every secret replaced by :data:`REDACTED`.

    A value (or a part of it) in which nothing is secret is returned as it is, not copied;
    the parts that change are copies.
    """
    if isinstance(value, dict):
        return _redact_mapping(value)
    if isinstance(value, list):
        return _redact_list(value)
    if isinstance(value, str):
        return redact_text(value)
    return value


def _redact_list(value: list[Any]) -> list[Any]:
    result: list[Any] | None = None
    for index, item in enumerate(value):
        clean = redact(item)
        if clean is not item and (result is not None or _changed(clean, item)):
            if result is None:
                result = list(value)
            result[index] = clean
    return value if result is None else result


def _changed(clean: Any, item: Any) -> bool:
    """Whether redacting ``item`` gave another value (texts may be equal copies)."""
    return type(clean) is not str or clean != item


def _redact_mapping(value: dict[Any, Any]) -> dict[Any, Any]:
    if value.get("kind") == "Secret" and isinstance(value.get("apiVersion"), str):
        return _redact_secret_object(value)
    named = value.get("name")
    secret_pair = isinstance(named, str) and is_secret_key(named)
    # Copied at the first change only: most mappings hold no secret.
    result: dict[Any, Any] | None = None
    # The common shapes first (every payload is walked whole, so this is a hot loop).
    for key, item in value.items():
        if item is None:
            continue
        kind = type(item)
        if secret_pair and key == "value":
            clean: Any = REDACTED
        elif kind is dict:
            clean = _redact_mapping(item)
        elif kind is str:
            secret = _SECRET_KEYS.get(key)
            if secret is None:
                secret = is_secret_key(str(key))
            if secret:
                clean = REDACTED
            else:
                cached = _SHORT_TEXTS.get(item)
                clean = cached if cached is not None else redact_text(item)
        elif isinstance(item, dict | list):
            clean = redact(item)
        else:
            clean = REDACTED if is_secret_key(str(key)) else redact(item)
        if clean is not item and (result is not None or _changed(clean, item)):
            if result is None:
                result = dict(value)
            result[key] = clean
    return value if result is None else result


def _redact_secret_object(secret: dict[str, Any]) -> dict[str, Any]:
    result = {key: redact(item) for key, item in secret.items()}
    for field in ("data", "stringData"):
        values = secret.get(field)
        if isinstance(values, dict):
            result[field] = {key: REDACTED for key in values}
    return result
