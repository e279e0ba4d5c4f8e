"""Environments of rendered applications.

Which environment each application is, and which applications are one application in
several environments (what ``envdiff`` compares).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from gitops_schema.desired.types import RenderedApp, RenderedRepository

DEFAULT_ENVIRONMENTS = ("dev", "test", "qa", "staging", "prod", "production")
"""Environment words looked for in application names, in promotion order."""


def environment_words(name: str, environments: Iterable[str]) -> str | None:
    """The first of ``environments`` that is a word of ``name`` (words split at - and _)."""
    words = set(name.lower().replace("_", "-").split("-"))
    return next((e for e in environments if e.lower() in words), None)


def environment_of(app: RenderedApp, environments: Sequence[str]) -> str | None:
    """The environment of an application, or None.

    Its cluster's ``environment`` label, else an environment word of its name, else one
    of its cluster's name (``kind-dev``).
    """
    return (
        app.environment
        or environment_words(app.name, environments)
        or environment_words(app.cluster, environments)
    )


def application_key(app: RenderedApp, environments: Sequence[str]) -> str:
    """The name an application has in every environment: its own, less cluster and env."""
    name = app.name
    if app.cluster and name.endswith(f"-{app.cluster}"):
        name = name[: -len(app.cluster) - 1]
    words = [w for w in name.split("-") if w.lower() not in {e.lower() for e in environments}]
    return "-".join(words) or name


def application_environments(
    rendered: RenderedRepository, *, environments: Sequence[str] | None = None
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Map application -> environment -> manifests, for those in two environments or more."""
    names = tuple(environments or DEFAULT_ENVIRONMENTS)
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for app in rendered.apps:
        environment = environment_of(app, names)
        if environment is None or (environments and environment not in environments):
            continue
        grouped.setdefault(application_key(app, names), {}).setdefault(environment, []).extend(
            app.manifests
        )
    ordered = {
        key: {e: envs[e] for e in sorted(envs, key=lambda e: names.index(e) if e in names else 99)}
        for key, envs in grouped.items()
    }
    return {key: envs for key, envs in ordered.items() if len(envs) > 1}
