"""Which objects belong to a production environment.

There is no field that says so; people say it with names. An object counts as production
when any *word* of the names around it — its name, namespace, environment labels, file
path, Flux path and target namespace, Argo CD destination and source path, and the
labels its ApplicationSet generators select — matches one of the configured globs
(``production`` in ``.gitops-schema.yaml``; default ``prod``, ``prod[0-9]*``,
``production*``, ``prd``). Words are split at ``-``, ``_``, ``.`` and ``/``, so
``payment-service-prod`` and ``overlays/production/`` are production and
``product-catalog`` is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from gitops_schema.check.rule import RuleContext
from gitops_schema.model import GitOpsObject

_WORD_SPLIT = re.compile(r"[-_./:\s]+")
_ENVIRONMENT_LABELS = (
    "environment",
    "env",
    "stage",
    "tier",
    "app.kubernetes.io/environment",
    "toolkit.fluxcd.io/tenant",
)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _get(data: Any, *path: str) -> Any:
    for step in path:
        if not isinstance(data, dict):
            return None
        data = data.get(step)
    return data


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def environment_names(obj: GitOpsObject, file: str) -> set[str]:
    """The names that say which environment an object belongs to.

    ``file`` is the object's path relative to the checked folder: the folders above it
    (a home directory called ``prod-tools``...) say nothing about the object.
    """
    data = obj.document.data
    names = {obj.name, obj.namespace or "", file}
    labels = _get(data, "metadata", "labels")
    if isinstance(labels, dict):
        names.update(str(labels[k]) for k in _ENVIRONMENT_LABELS if k in labels)
    spec = _get(data, "spec")
    for path in (
        ("path",),
        ("targetNamespace",),
        ("destination", "namespace"),
        ("destination", "name"),
        ("destination", "server"),
        ("source", "path"),
        ("template", "metadata", "name"),
        ("template", "spec", "destination", "namespace"),
        ("template", "spec", "destination", "name"),
        ("template", "spec", "source", "path"),
    ):
        value = _get(spec, *path)
        if isinstance(value, str):
            names.add(value)
    # Read before the object is known to fit a schema: any shape may come here.
    for source in _items(_get(spec, "sources")):
        names.update(_strings(_get(source, "path")))
    # An ApplicationSet is production when a generator selects or lists production.
    for generator in _items(_get(spec, "generators")):
        names.update(_strings(generator))
    names.discard("")
    return names


def words(names: set[str]) -> set[str]:
    """Every word of the names, lower-cased."""
    return {word for name in names for word in _words_of(name)}


@lru_cache(maxsize=65536)
def _words_of(name: str) -> frozenset[str]:
    # Names repeat across a repository's objects (namespaces, paths, labels).
    return frozenset(w.lower() for w in _WORD_SPLIT.split(name) if w)


def is_production(obj: GitOpsObject, context: RuleContext) -> bool:
    """True when a word of the object's environment names matches a production glob."""
    names = environment_names(obj, context.relative(obj.document.file))
    return any(context.config.is_production(word) for word in words(names))
