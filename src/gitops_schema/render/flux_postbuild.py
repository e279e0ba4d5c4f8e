"""What kustomize-controller does to a Kustomization's objects after the build.

Post-build substitution (``postBuild.substitute`` and ``substituteFrom``, :mod:`.envsubst`),
then Flux's owner labels and ``commonMetadata``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from gitops_schema.diagnostics import Report, Severity
from gitops_schema.location import Location
from gitops_schema.model.flux_kustomize import Kustomization, KustomizationSpec
from gitops_schema.model.identity import ObjectId
from gitops_schema.render.envsubst import envsubst
from gitops_schema.render.manifests import find_object, object_data, parse_stream

__all__ = ["finish", "substitute", "variables"]

NAME_LABEL = "kustomize.toolkit.fluxcd.io/name"
NAMESPACE_LABEL = "kustomize.toolkit.fluxcd.io/namespace"
SUBSTITUTE_KEY = "kustomize.toolkit.fluxcd.io/substitute"

_VARIABLE_NAME = re.compile(r"^[_a-zA-Z][_a-zA-Z0-9]*$")


def substitute(
    document: str, variables: Mapping[str, str], *, strict: bool, enabled: bool = True
) -> dict[str, Any] | None:
    """One object after Flux's post-build substitution (None for an empty document).

    Objects labelled or annotated ``kustomize.toolkit.fluxcd.io/substitute: disabled`` are
    left as they are.

    Raises:
        SubstitutionError: a malformed expression, or an unset variable in strict mode.
        InputError: the substituted text is no longer YAML (or is an alias bomb).
    """
    # Most documents never mention the opt-out key: they are parsed once, substituted.
    if not enabled or SUBSTITUTE_KEY in document:
        objects = parse_stream(document, "kustomize build output")
        if not objects:
            return None
        obj = objects[0]
        metadata = obj.get("metadata") or {}
        marks = {**(metadata.get("labels") or {}), **(metadata.get("annotations") or {})}
        if not enabled or marks.get(SUBSTITUTE_KEY) == "disabled":
            return obj
    substituted = parse_stream(envsubst(document, variables, strict=strict), "post-build output")
    return substituted[0] if substituted else None


def variables(
    spec: KustomizationSpec,
    namespace: str,
    objects: Sequence[Mapping[str, Any]],
    report: Report,
    where: Location,
) -> dict[str, str] | None:
    """The post-build variables: ``substituteFrom`` in order, then ``substitute``.

    None once a diagnostic says why there are none (a source missing, a name not valid).
    """
    if spec.post_build is None:
        return {}
    found: dict[str, str] = {}
    for ref in spec.post_build.substitute_from:
        source = find_object(objects, ObjectId("", ref.kind, namespace, ref.name))
        if source is None:
            if not ref.optional:
                report.emit(
                    "render-flux-substitute-from-missing",
                    Severity.ERROR,
                    f"substituteFrom {ref.kind} {namespace}/{ref.name} not found",
                    where,
                )
                return None
            continue
        found.update(object_data(source))
    found.update(spec.post_build.substitute)
    for name in found:
        if not _VARIABLE_NAME.match(name):
            report.emit(
                "render-flux-substitution-failed",
                Severity.ERROR,
                f"variable name {name!r} is not valid (letters, digits and _, not first digit)",
                where,
            )
            return None
    # Flux deletes newlines from values: a variable is always one line.
    return {name: value.replace("\n", "") for name, value in found.items()}


def finish(obj: dict[str, Any], model: Kustomization, name: str, namespace: str) -> None:
    """Flux's owner labels and the Kustomization's ``commonMetadata``, set on ``obj``."""
    metadata = obj.setdefault("metadata", {})
    labels = metadata.setdefault("labels", {})
    labels[NAME_LABEL] = name
    labels[NAMESPACE_LABEL] = namespace
    common = model.spec.common_metadata
    if common is None:
        return
    labels.update(common.labels)
    if common.annotations:
        metadata.setdefault("annotations", {}).update(common.annotations)
