"""Environment to environment: the same application's rendered objects in dev, test, prod….

A matrix of objects by environment, the fields that differ between environments (each
classified by :mod:`~gitops_schema.compare.classify`) and a consistency score. Pure
functions over rendered manifests; rendering is the caller's job
(:func:`gitops_schema.compare.envdiff` renders through ``desired``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from gitops_schema.compare.classify import ABSENT, classify, compile_globs, strip_name_hash
from gitops_schema.compare.diff import RenderFailure
from gitops_schema.compare.fields import flatten
from gitops_schema.compare.normalize import ObjectId, identities, normalize

__all__ = [
    "EnvDiff",
    "EnvDiffs",
    "FieldDifference",
    "ObjectRow",
    "envdiff_application",
    "envdiff_many",
]

# Namespaces differ per environment, so an environment's single Namespace object is
# matched with the others' under this name whatever it is called.
NAMESPACE_KEY = "<namespace>"
# Objects named after their environment are matched with the others under this word.
ENV_KEY = "<env>"


@dataclass(frozen=True, slots=True)
class FieldDifference:
    """One field whose value is not the same in every environment that has the object."""

    path: str
    values: Mapping[str, Any]
    """Environment -> value, for the environments that set the field."""
    expected: bool
    """True when every differing pair of environments differs in an expected way."""
    reason: str
    """The rule behind the verdict: ``replicas``, ``image tag``, ``image repository``…"""


@dataclass(frozen=True, slots=True)
class ObjectRow:
    """One object of the matrix: where it exists and how it differs."""

    id: ObjectId
    """The identity without namespace (namespaces often differ per environment)."""
    present: tuple[str, ...]
    missing: tuple[str, ...]
    differences: tuple[FieldDifference, ...]


@dataclass(frozen=True, slots=True)
class EnvDiff:
    """One application compared across its environments."""

    application: str
    environments: tuple[str, ...]
    objects: tuple[ObjectRow, ...]
    compared: int
    """Fields compared, over every object and pair of environments."""
    consistent: int
    """Of those, the ones equal or different in an expected way."""

    @property
    def score(self) -> float | None:
        """Consistency as a percentage; None when no environment rendered any object.

        Objects without fields to compare are consistent (100); an application that
        rendered nothing anywhere has no consistency to tell.
        """
        if not self.objects:
            return None
        return 100.0 * self.consistent / self.compared if self.compared else 100.0

    @property
    def unexpected(self) -> tuple[tuple[ObjectRow, FieldDifference], ...]:
        """Every unexpected field difference with its object (missing objects: ``missing``)."""
        return tuple(
            (row, difference)
            for row in self.objects
            for difference in row.differences
            if not difference.expected
        )


@dataclass(frozen=True, slots=True)
class EnvDiffs:
    """Many applications compared across their environments, ordered by name."""

    applications: tuple[EnvDiff, ...]
    failures: tuple[RenderFailure, ...] = ()
    """Applications not rendered in an environment: that environment is not compared."""

    @property
    def score(self) -> float | None:
        """Overall consistency: the mean of the applications' scores.

        100 when there was nothing to compare at all; None when applications were found
        but none rendered an object.
        """
        scores = [app.score for app in self.applications if app.score is not None]
        if scores:
            return sum(scores) / len(scores)
        return None if self.applications or self.failures else 100.0


def envdiff_application(
    renders: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    expected: Sequence[str] = (),
    application: str = "",
) -> EnvDiff:
    """Compare one application's rendered manifests across environments.

    Args:
        renders: environment -> the application's rendered manifests, in promotion order.
        expected: JSON-path globs of further expected differences
            (``spec.template.spec.containers[*].env[name=LOG_LEVEL].value``).
        application: the application's name, for the reports.

    Returns:
        The matrix, the classified differences and the consistency score.
    """
    environments = tuple(renders)
    configured = compile_globs(expected)
    leaves = {env: _objects(manifests, env) for env, manifests in renders.items()}
    rows: list[ObjectRow] = []
    compared = consistent = 0
    for key in sorted({key for objects in leaves.values() for key in objects}):
        present = tuple(env for env in environments if key in leaves[env])
        differences: dict[str, list[tuple[str, str, bool, str]]] = {}
        for first, second in combinations(environments, 2):
            a = leaves[first].get(key)
            b = leaves[second].get(key)
            if a is None or b is None:
                # A missing object is unexpected in every field it has; the matrix, not
                # the field list, reports it.
                compared += len(a or b or {})
                continue
            for path in a.keys() | b.keys():
                compared += 1
                va, vb = a.get(path, ABSENT), b.get(path, ABSENT)
                if va == vb:
                    consistent += 1
                    continue
                verdict = classify(key.kind, path, (va, vb), (first, second), configured)
                consistent += verdict.expected
                differences.setdefault(path, []).append(
                    (first, second, verdict.expected, verdict.reason)
                )
        rows.append(
            ObjectRow(
                id=key,
                present=present,
                missing=tuple(env for env in environments if env not in present),
                differences=tuple(
                    _difference(path, pairs, {env: leaves[env].get(key, {}) for env in present})
                    for path, pairs in sorted(differences.items())
                ),
            )
        )
    return EnvDiff(application, environments, tuple(rows), compared, consistent)


def envdiff_many(
    apps: Mapping[str, Mapping[str, Sequence[Mapping[str, Any]]]],
    *,
    expected: Sequence[str] = (),
) -> EnvDiffs:
    """Compare many applications: application -> environment -> rendered manifests."""
    return EnvDiffs(
        tuple(
            envdiff_application(apps[name], expected=expected, application=name)
            for name in sorted(apps)
        )
    )


def _objects(
    manifests: Sequence[Mapping[str, Any]], environment: str
) -> dict[ObjectId, dict[str, Any]]:
    namespaces = [obj for obj in manifests if obj.get("kind") == "Namespace"]
    objects = {}
    for key, obj in zip(identities(manifests), manifests, strict=True):
        key = key._replace(namespace="")
        if len(namespaces) == 1 and key.kind == "Namespace":
            key = key._replace(name=NAMESPACE_KEY)
        if key.kind in ("ConfigMap", "Secret"):
            key = key._replace(name=strip_name_hash(key.name))
        objects[key._replace(name=_unnamed(key.name, environment))] = flatten(normalize(obj))
    return objects


def _unnamed(name: str, environment: str) -> str:
    """``name`` with its environment's word as ``<env>``.

    ``web-dev-api`` and ``web-prod-api`` (a Helm release named after its Application)
    are one object in two environments.
    """
    words = re.split(r"([-._])", name)
    return "".join(ENV_KEY if word == environment else word for word in words)


def _difference(
    path: str,
    pairs: list[tuple[str, str, bool, str]],
    present: Mapping[str, Mapping[str, Any]],
) -> FieldDifference:
    unexpected = [reason for _, _, ok, reason in pairs if not ok]
    return FieldDifference(
        path=path,
        values={env: fields[path] for env, fields in present.items() if path in fields},
        expected=not unexpected,
        reason=unexpected[0] if unexpected else pairs[0][3],
    )
