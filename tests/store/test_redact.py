from __future__ import annotations

from gitops_schema.store.redact import REDACTED, redact, redact_text

SHA = "0123456789abcdef0123456789abcdef01234567"


def test_secret_objects_credential_keys_and_named_values() -> None:
    value = {
        "kind": "Secret",
        "apiVersion": "v1",
        "metadata": {"name": "git-creds"},
        "data": {"password": "aHVudGVyMg=="},
        "stringData": {"username": "bob"},
    }
    assert redact(value)["data"] == {"password": REDACTED}
    assert redact(value)["stringData"] == {"username": REDACTED}
    assert redact(value)["metadata"] == {"name": "git-creds"}
    spec = {
        "token": "abc",
        "secretRef": {"name": "git-creds"},
        "passwordSecretName": "kept",
        "parameters": [{"name": "db.password", "value": "s3"}, {"name": "image", "value": "web"}],
        "revision": SHA,
    }
    assert redact(spec) == {
        "token": REDACTED,
        "secretRef": {"name": "git-creds"},
        "passwordSecretName": "kept",
        "parameters": [
            {"name": "db.password", "value": REDACTED},
            {"name": "image", "value": "web"},
        ],
        "revision": SHA,
    }


def test_credential_looking_text() -> None:
    text = (
        "Authorization: Bearer abcdefghijklmnop; https://bob:hunter2@git.example/repo "
        "ghp_0123456789abcdefghijABCDEFGHIJ012345 values: {password: hunter2, host: db} "
        f'{{"apiKey": "k-123"}} revision {SHA}'
    )
    redacted = redact_text(text)
    for secret in ("abcdefghijklmnop", "hunter2", "ghp_0123", "k-123"):
        assert secret not in redacted
    assert SHA in redacted and "host: db" in redacted and "bob:" in redacted


def test_what_holds_no_secret_is_returned_as_it_is_and_nothing_is_changed_in_place() -> None:
    plain = {"metadata": {"name": "web", "labels": {"a": "b"}}, "items": [1, "x", {"k": None}]}
    assert redact(plain) is plain
    holder = {"metadata": {"name": "web"}, "spec": {"token": "abc"}, "args": ["x", "Bearer " + SHA]}
    clean = redact(holder)
    assert clean == {
        "metadata": {"name": "web"},
        "spec": {"token": REDACTED},
        "args": ["x", f"Bearer {REDACTED}"],
    }
    assert holder["spec"] == {"token": "abc"} and holder["args"][1] == "Bearer " + SHA
    assert clean["metadata"] is holder["metadata"]
