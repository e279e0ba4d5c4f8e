"""Which differences between two environments are expected (replicas, resources, image tags…).

A difference is expected when the field is one environments are meant to tune, or when it
matches a configured JSON-path glob; every other difference, and every field one
environment lacks, is unexpected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

__all__ = [
    "ABSENT",
    "Absent",
    "Verdict",
    "classify",
    "compile_globs",
    "split_image",
    "strip_name_hash",
]


class Absent(Enum):
    """The value of a field an environment does not set (``None`` is a value of its own)."""

    ABSENT = "absent"


ABSENT = Absent.ABSENT


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether one difference is expected, and the rule that says so."""

    expected: bool
    reason: str


_SCALING = re.compile(r"^spec\.replicas$")
_HPA_BOUNDS = re.compile(r"^spec\.(minReplicas|maxReplicas)$")
_RESOURCES = re.compile(r"\.resources\.(requests|limits)([.\[]|$)")
_IMAGE = re.compile(r"(containers|initContainers|ephemeralContainers)\[[^\]]*\]\.image$")
_LABEL = re.compile(r'(^|\.)metadata\.(labels|annotations)(\.|\[")(?P<key>[^"]*)"?\]?$')
_ENV_LABEL_KEYS = frozenset({"environment", "env", "stage"})
_DATA = re.compile(r"^(data|stringData|binaryData)([.\[])")
# kustomize appends a hash of the content to generated ConfigMap and Secret names; its
# alphabet has no vowels so the suffix never spells a word.
_NAME_HASH = re.compile(r"-[2456789bcdfghkmt]{10}$")
# Helm values given by a HelmRelease or an Application: by the charts' convention,
# replicaCount and image.tag are what the rendered spec.replicas and image tag come from.
_HELM_VALUES = r"^spec\.(values|(source|sources\[[^\]]*\])\.helm\.valuesObject)\.(.*\.)?"
_VALUES_SCALING = re.compile(_HELM_VALUES + r"(replicaCount|replicas)$")
_VALUES_IMAGE_TAG = re.compile(_HELM_VALUES + r"image\.tag$")
# Environments may leave these to an autoscaler or to defaults, so setting them in one
# environment only is tuning, not drift.
_TUNING = ((_SCALING, "replicas"), (_VALUES_SCALING, "replicas"), (_RESOURCES, "resources"))


def compile_globs(globs: Sequence[str]) -> re.Pattern[str] | None:
    """One regular expression for JSON-path globs (``*`` matches anything, dots included).

    A glob also covers the fields below the path it names: ``metadata.annotations``
    matches ``metadata.annotations.team``.
    """
    if not globs:
        return None
    alternatives = "|".join(".*".join(map(re.escape, glob.split("*"))) for glob in globs)
    return re.compile(rf"(?:{alternatives})(?:[.\[].*)?")


def split_image(image: str) -> tuple[str, str]:
    """An image reference as (repository, tag or digest); the tag is empty when unset."""
    if "@" in image:
        repository, _, digest = image.partition("@")
        return repository, "@" + digest
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        return image[:colon], image[colon + 1 :]
    return image, ""


def strip_name_hash(name: str) -> str:
    """``name`` without the content hash kustomize appends to generated ConfigMaps/Secrets."""
    return _NAME_HASH.sub("", name)


def classify(
    kind: str,
    path: str,
    values: tuple[Any, Any],
    environments: tuple[str, str],
    configured: re.Pattern[str] | None = None,
) -> Verdict:
    """Classify a field whose values differ between two environments.

    Args:
        kind: the object's kind (``HorizontalPodAutoscaler``, ``ConfigMap``…).
        path: the field, as :func:`~gitops_schema.compare.fields.flatten` names it.
        values: its value in each environment, :data:`ABSENT` where unset.
        environments: the two environments' names, in the order of ``values``.
        configured: the configured globs of expected differences.
    """
    if configured is not None and configured.fullmatch(path):
        return Verdict(True, "configured")
    a, b = values
    if a is ABSENT or b is ABSENT:
        for pattern, reason in _TUNING:
            if pattern.search(path):
                return Verdict(True, reason)
        return Verdict(False, f"only in {environments[1] if a is ABSENT else environments[0]}")
    return _present(kind, path, a, b, environments)


def _present(kind: str, path: str, a: Any, b: Any, environments: tuple[str, str]) -> Verdict:
    if _SCALING.search(path) or _VALUES_SCALING.search(path):
        return Verdict(True, "replicas")
    if _VALUES_IMAGE_TAG.search(path):
        return Verdict(True, "image tag")
    if kind == "HorizontalPodAutoscaler" and _HPA_BOUNDS.search(path):
        return Verdict(True, "autoscaling bounds")
    if _RESOURCES.search(path):
        return Verdict(True, "resources")
    if _IMAGE.search(path) and isinstance(a, str) and isinstance(b, str):
        if split_image(a)[0] == split_image(b)[0]:
            return Verdict(True, "image tag")
        return Verdict(False, "image repository")
    if path == "metadata.namespace" or (kind == "Namespace" and path == "metadata.name"):
        return Verdict(True, "namespace")
    label = _LABEL.search(path)
    if label and label["key"].rpartition("/")[2] in _ENV_LABEL_KEYS:
        return Verdict(True, "environment label")
    if kind in ("ConfigMap", "Secret") and _DATA.search(path):
        return Verdict(True, "config data")
    if isinstance(a, str) and isinstance(b, str):
        if strip_name_hash(a) == strip_name_hash(b):
            return Verdict(True, "generated name")
        if _names_environment(a, b, environments):
            return Verdict(True, "environment name")
    return Verdict(False, "differs")


def _names_environment(a: str, b: str, environments: tuple[str, str]) -> bool:
    # `api.dev.example.com` against `api.prod.example.com`: the values differ only by
    # naming their own environment.
    first, second = environments
    return first in a and second in b and a.replace(first, "\0") == b.replace(second, "\0")
