"""A Flux event's digest is the sha256 of ``json.dumps({"cluster", "event":
redact(event)}, sort_keys=True, separators=(",", ":"))`` and its stored text is redacted,
whatever the event holds: the faster encoding (msgspec when it writes the same text) must
never change either, or a retry sent across an upgrade would be stored twice."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_schema.store.redact import REDACTED, is_secret_key, redact, redact_text
from gitops_schema.store.sources import flux

_WORDS = ["token", "Pass-Word", "api_key", "name", "value", "kind", "Secret", "x", "\u212aey"]
_TEXTS = st.one_of(
    st.text(max_size=12),
    st.sampled_from([
        "Bearer abcdefghijk", "ghp_" + "a" * 24, "https://u:p@h/x", "password: x", "\x7f",
        "é", "sha1:" + "e" * 40, "1e5", "\u212aey", "Secret", "line\nbreak", 'q"uote',
    ]),
)  # fmt: skip
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), _TEXTS,
    st.floats(allow_nan=False, allow_infinity=False),
)  # fmt: skip
_KEYS = st.one_of(st.sampled_from(_WORDS), st.text(max_size=6))
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12,
)


def _event(metadata: Any, message: str) -> dict[str, Any]:
    return {
        "involvedObject": {"kind": "Kustomization", "name": "apps", "namespace": "flux"},
        "severity": "error",
        "timestamp": "2026-03-02T10:00:00Z",
        "reason": "ReconciliationFailed",
        "message": message,
        "metadata": metadata,
    }


def _plain_digest(event: dict[str, Any], cluster: str) -> str:
    canonical = json.dumps(
        {"cluster": cluster, "event": redact(event)}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@settings(max_examples=400, deadline=None)
@given(
    metadata=st.dictionaries(_KEYS, _JSON, max_size=4),
    message=_TEXTS,
    cluster=st.sampled_from(["prod", "tokens", "é"]),
)
def test_digest_and_text_are_the_plain_definitions(
    metadata: dict[str, Any], message: str, cluster: str
) -> None:
    event = _event(metadata, message)
    observation = flux.parse_event(event, cluster=cluster)
    [operation] = observation.operations
    assert operation.digest == _plain_digest(event, cluster)
    assert observation.state.definition == {"involvedObject": redact(event)["involvedObject"]}
    assert operation.message == redact(event)["message"]


def _plain_redact(value: Any) -> Any:
    """Redaction as defined (the store's walk is arranged for speed, to the same result)."""
    if isinstance(value, dict):
        if value.get("kind") == "Secret" and isinstance(value.get("apiVersion"), str):
            result = {key: _plain_redact(item) for key, item in value.items()}
            for name in ("data", "stringData"):
                if isinstance(value.get(name), dict):
                    result[name] = dict.fromkeys(value[name], REDACTED)
            return result
        named = value.get("name")
        pair = isinstance(named, str) and is_secret_key(named)
        return {
            key: REDACTED
            if item is not None
            and (
                (is_secret_key(str(key)) and not isinstance(item, dict | list))
                or (pair and str(key) == "value")
            )
            else _plain_redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_plain_redact(item) for item in value]
    return redact_text(value) if isinstance(value, str) else value


@settings(max_examples=400, deadline=None)
@given(
    value=st.recursive(
        _SCALARS | st.sampled_from([{"kind": "Secret", "apiVersion": "v1", "data": {"k": "v"}}]),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
        max_leaves=14,
    )
)
def test_redaction_is_the_plain_definition(value: Any) -> None:
    assert redact(value) == _plain_redact(value)
