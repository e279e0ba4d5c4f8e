"""Credentials committed in plain text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from gitops_schema.check.rule import Rule, RuleContext
from gitops_schema.check.rules._helpers import at, get
from gitops_schema.codes import Code
from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.model.argocd import SECRET_TYPE_LABEL

# Keys of Argo CD cluster and repository Secrets that carry no credential.
_ARGOCD_PLAIN_KEYS = frozenset(
    {
        "name",
        "server",
        "namespaces",
        "clusterResources",
        "project",
        "shard",
        "url",
        "type",
        "enableOCI",
        "insecure",
        "insecureIgnoreHostKey",
        "enableLfs",
        "proxy",
        "noProxy",
        "forceHttpBasicAuth",
        "useAzureWorkloadIdentity",
        "depth",
        "username",
        "githubAppID",
        "githubAppInstallationID",
        "githubAppEnterpriseBaseUrl",
    }
)
# Keys of the cluster Secret's ``config`` JSON that are credentials.
_CLUSTER_CONFIG_SECRETS = ("bearerToken", "password", "keyData", "certData")


# References a tool resolves when it applies the Secret: 1Password (op inject; vault and
# item names may hold spaces), Vault (bank-vaults' vault:path#key), vals' ref+backend://...,
# cloud secret managers, and Flux post-build variables (${VAR}, filled from another Secret).
_REFERENCE = re.compile(
    r"\s*(?:(?:op|ref\+[a-z0-9]+|awssm|gcpsm|akv)://[^\n]+|vault:[^\n]+"
    r"|\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-=+][^}]*)?\})\s*"
)


def _encrypted(value: Any) -> bool:
    return isinstance(value, str) and (
        value.startswith("ENC[") or bool(_REFERENCE.fullmatch(value))
    )


def _sensitive(key: str, value: Any, argocd: bool) -> bool:
    if value in (None, "") or _encrypted(value):
        return False
    if not argocd:
        return True
    if key == "config" and isinstance(value, str):
        try:
            config = json.loads(value)
        except ValueError:
            return True
        return _config_has_secret(config)
    return key not in _ARGOCD_PLAIN_KEYS


def _config_has_secret(config: Any) -> bool:
    if isinstance(config, dict):
        return any(
            (k in _CLUSTER_CONFIG_SECRETS and v) or _config_has_secret(v) for k, v in config.items()
        )
    return False


def check_plaintext(context: RuleContext) -> Iterator[Diagnostic]:
    """Secrets whose data or stringData holds unencrypted values."""
    for obj in context.of_kind("Secret"):
        # The Secret as written, not its model: a credential is in the repository's history
        # whether or not the Secret fits its schema (a number where a string belongs).
        data = obj.document.data
        if obj.api_version != "v1" or get(data, "sops") is not None:
            continue
        argocd = get(data, "metadata", "labels", SECRET_TYPE_LABEL) is not None
        for field in ("stringData", "data"):
            values = get(data, field)
            if not isinstance(values, dict):
                continue
            for key, value in values.items():
                if _sensitive(key, value, argocd):
                    encoding = "plain text" if field == "stringData" else "base64, not encrypted"
                    yield SECRET_PLAINTEXT.finding(
                        f"Secret {obj.name!r} holds {field}.{key} in {encoding}; encrypt it "
                        "with SOPS, or use a SealedSecret or an ExternalSecret",
                        at(obj, field, key),
                    )


SECRET_PLAINTEXT = Rule(
    Code(
        "secret-plaintext",
        Severity.ERROR,
        "A Secret with data or stringData that is not SOPS-encrypted.",
        bad="kind: Secret\nstringData:\n  password: hunter2",
        good="kind: Secret\nstringData:\n  password: ENC[AES256_GCM,data:...]\nsops:\n  age: [...]",
        explanation="Anyone who can read the repository can read the credential, forever: it "
        "stays in the git history. For Argo CD cluster and repository Secrets only the credential "
        "keys count (password, tokens, keys), not name, server or url. Values that are references "
        "resolved when the Secret is applied (op://, vault:, ref+..., Flux ${VARIABLES}) are not "
        "credentials.",
    ),
    check=check_plaintext,
)

RULES = (SECRET_PLAINTEXT,)
