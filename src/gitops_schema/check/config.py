"""``.gitops-schema.yaml``: which rules run, how severe they are, what is production.

Example::

    rules:
      argocd-no-retry: off            # or: false
      secret-plaintext: warning       # a severity overrides the default
      appproject-wildcard: {severity: info}
    exclude: [examples/seed-as-written, "*.generated.yaml"]
    production: [prod, "prod-*", live] # globs over the words of environment names
    kubernetes-version: "1.33"
    flux-version: "2.6"
    argocd-version: "3.1"
    strict: false

A broken configuration file is a usage error that names the file, line and problem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fnmatch import translate
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from gitops_schema.diagnostics import Severity
from gitops_schema.errors import UsageError
from gitops_schema.load import Document, LoadOptions, YamlMap, load_bytes
from gitops_schema.load.plain import InputError, read_file
from gitops_schema.location import JsonPath

CONFIG_FILE = ".gitops-schema.yaml"

DEFAULT_KUBERNETES_VERSION = "1.37"
DEFAULT_FLUX_VERSION = "2.9"
DEFAULT_ARGOCD_VERSION = "3.6"
DEFAULT_PRODUCTION = ("prod", "prod[0-9]*", "production*", "prd")
"""Globs over the words of environment names (``product`` is not one of them)."""


@dataclass(frozen=True, slots=True)
class RuleSetting:
    """A rule switched off, or given another severity."""

    enabled: bool = True
    severity: Severity | None = None


@dataclass(frozen=True, slots=True)
class CheckConfig:
    """The resolved configuration of one check run."""

    rules: Mapping[str, RuleSetting] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    production: tuple[str, ...] = DEFAULT_PRODUCTION
    kubernetes_version: str = DEFAULT_KUBERNETES_VERSION
    flux_version: str = DEFAULT_FLUX_VERSION
    argocd_version: str = DEFAULT_ARGOCD_VERSION
    strict: bool = False
    source: str | None = None
    """The configuration file this came from, if any."""

    def is_production(self, word: str) -> bool:
        """True when a word of an environment name matches one of the production globs."""
        return _is_production(self.production, word.lower())

    def setting(self, rule: str) -> RuleSetting:
        """The setting of a rule (enabled at its default severity when not configured)."""
        return self.rules.get(rule, RuleSetting())

    def with_overrides(
        self,
        *,
        strict: bool | None = None,
        kubernetes_version: str | None = None,
        flux_version: str | None = None,
        argocd_version: str | None = None,
    ) -> CheckConfig:
        """A copy with the fields given replaced (command-line options win over the file).

        A version may be written with its ``v`` (``v1.33``), as in the configuration file.
        """
        changes: dict[str, Any] = {"strict": strict}
        versions = {
            "kubernetes_version": kubernetes_version,
            "flux_version": flux_version,
            "argocd_version": argocd_version,
        }
        changes.update({k: v and v.removeprefix("v") for k, v in versions.items()})
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


@lru_cache(maxsize=65536)
def _is_production(patterns: tuple[str, ...], word: str) -> bool:
    # Repositories repeat their words (team, app, overlay names) across thousands of objects.
    return _globs(patterns).fullmatch(word) is not None


@cache
def _globs(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression for a tuple of globs (lower-cased)."""
    return re.compile("|".join(f"(?:{translate(p.lower())})" for p in patterns) or "(?!)")


_KEYS = {
    "rules",
    "exclude",
    "production",
    "kubernetes-version",
    "flux-version",
    "argocd-version",
    "strict",
}


def find_config(paths: list[Path]) -> Path | None:
    """The configuration file of the first checked folder, or of a parent folder.

    The search stops at the root of a git work tree, so one repository's file does
    not apply to another repository below it.
    """
    for path in paths:
        folder = path if path.is_dir() else path.parent
        for candidate in (folder.resolve(), *folder.resolve().parents):
            config = candidate / CONFIG_FILE
            if config.is_file():
                return config
            if (candidate / ".git").exists():
                break
    return None


def load_config(path: Path, known_rules: set[str]) -> CheckConfig:
    """Read and validate a configuration file.

    Raises:
        UsageError: the file is not valid YAML or does not follow the format above.
    """
    shown = str(path)
    try:
        # A FIFO or device named .gitops-schema.yaml is refused, never waited on.
        data = read_file(path, shown)
    except InputError as error:
        raise UsageError(error.diagnostic.message, location=error.diagnostic.location) from error
    loaded = load_bytes(data, shown, LoadOptions())
    for diagnostic in loaded.report:
        raise UsageError(diagnostic.message, location=diagnostic.location)
    if not loaded.documents:
        return CheckConfig(source=shown)
    document = loaded.documents[0]
    return _Reader(document, known_rules, data.decode("utf-8", "replace")).read()


class _Reader:
    def __init__(self, document: Document, known_rules: set[str], text: str = "") -> None:
        self.document = document
        self.known_rules = known_rules
        self.lines = text.splitlines()

    def fail(self, path: JsonPath, message: str, *, key: bool = False) -> UsageError:
        return UsageError(message, location=self.document.locate(path, key=key))

    def read(self) -> CheckConfig:
        data = self.document.data
        if not isinstance(data, YamlMap):
            raise self.fail((), f"{CONFIG_FILE} must be a mapping of settings")
        for key in data:
            if key not in _KEYS:
                raise self.fail(
                    (key,), f"unknown setting {key!r}; known: {', '.join(sorted(_KEYS))}", key=True
                )
        return CheckConfig(
            rules=self.rules(data.get("rules")),
            exclude=self.strings(data, "exclude", ()),
            production=self.strings(data, "production", DEFAULT_PRODUCTION),
            kubernetes_version=self.version(data, "kubernetes-version", DEFAULT_KUBERNETES_VERSION),
            flux_version=self.version(data, "flux-version", DEFAULT_FLUX_VERSION),
            argocd_version=self.version(data, "argocd-version", DEFAULT_ARGOCD_VERSION),
            strict=self.boolean(data, "strict"),
            source=self.document.file,
        )

    def strings(self, data: YamlMap, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return default
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail((key,), f"{key!r} must be a list of strings")
        return tuple(value)

    def version(self, data: YamlMap, key: str, default: str) -> str:
        value = data.get(key, default)
        if isinstance(value, float | int) and not isinstance(value, bool):
            # YAML reads 1.30 as the number 1.3; a version is what the user wrote.
            raise self.fail((key,), f'{key!r} must be quoted, e.g. "{self.written((key,))}"')
        if not isinstance(value, str):
            raise self.fail((key,), f'{key!r} must be a version string such as "1.33"')
        parts = value.removeprefix("v").split(".")
        if not all(p.isdigit() for p in parts) or len(parts) < 2:
            raise self.fail((key,), f'{key!r}: {value!r} is not a version such as "1.33"')
        return value.removeprefix("v")

    def written(self, path: JsonPath) -> str:
        """The scalar at ``path`` as the file spells it (``1.30``, not the number 1.3)."""
        where = self.document.locate(path)
        line = self.lines[where.line - 1] if 0 < where.line <= len(self.lines) else ""
        found = re.match(r"[^\s#,}\]]+", line[max(where.column - 1, 0) :])
        return found.group(0) if found else str(self.document.data.get(path[0]))

    def boolean(self, data: YamlMap, key: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise self.fail((key,), f"{key!r} must be true or false")
        return value

    def rules(self, value: Any) -> dict[str, RuleSetting]:
        if value is None:
            return {}
        if not isinstance(value, YamlMap):
            raise self.fail(("rules",), "'rules' must map rule ids to off, a severity, or {...}")
        settings: dict[str, RuleSetting] = {}
        for rule, setting in value.items():
            if rule not in self.known_rules:
                raise self.fail(
                    ("rules", rule),
                    f"unknown rule {rule!r} (see `gitops-schema rules`)",
                    key=True,
                )
            settings[rule] = self.rule_setting(rule, setting)
        return settings

    def rule_setting(self, rule: str, setting: Any) -> RuleSetting:
        path: JsonPath = ("rules", rule)
        if setting is False or setting == "off":
            return RuleSetting(enabled=False)
        if setting is True or setting == "on":
            return RuleSetting()
        if isinstance(setting, str):
            return RuleSetting(severity=self.severity(path, setting))
        if isinstance(setting, YamlMap):
            unknown = set(setting) - {"enabled", "severity"}
            if unknown:
                raise self.fail(
                    path, f"rule setting keys are 'enabled' and 'severity', not {unknown}"
                )
            enabled = setting.get("enabled", True)
            if not isinstance(enabled, bool):
                raise self.fail((*path, "enabled"), "'enabled' must be true or false")
            raw = setting.get("severity")
            severity = self.severity((*path, "severity"), raw) if raw is not None else None
            return RuleSetting(enabled=enabled, severity=severity)
        raise self.fail(path, "a rule setting is off, on, a severity, or {enabled, severity}")

    def severity(self, path: JsonPath, value: Any) -> Severity:
        try:
            return Severity(value)
        except ValueError:
            raise self.fail(
                path, f"unknown severity {value!r}: use error, warning or info"
            ) from None
