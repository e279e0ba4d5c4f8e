"""The field changes an apiVersion upgrade needs, on ruamel.yaml round-trip documents.

Each function edits one object in place (keeping comments and key order) and returns
what it did, one line per change, and what it could not do (left to the user).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from gitops_schema.convert.yaml_edit import (
    block_text,
    listed,
    move_comment,
    put_trailing,
    rename_key,
    take_trailing,
)

__all__ = ["FIELD_UPGRADES", "MANUAL_KINDS", "Edits", "kustomization_upgrade"]


class Edits:
    """What an upgrade did and what it left to do by hand."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self.manual: list[str] = []


def _into_patches(
    node: CommentedMap,
    strategic_entry: Callable[[Any], CommentedMap],
    json6902_entry: Callable[[Any], CommentedMap],
) -> bool:
    """Move ``patchesStrategicMerge`` and ``patchesJson6902`` entries into ``patches``.

    Strategic-merge patches go first, as kustomize applied them before the others; a
    comment after the old lists stays after the new one. False when there were none.
    """
    strategic = node.get("patchesStrategicMerge")
    json6902 = node.get("patchesJson6902")
    if strategic is None and json6902 is None:
        return False
    trailing = [take_trailing(value) for value in (strategic, json6902) if value is not None]
    patches = node.get("patches")
    entries = patches if isinstance(patches, CommentedSeq) else CommentedSeq()
    for index, patch in enumerate(strategic or []):
        entry = strategic_entry(patch)
        move_comment(strategic, index, entry, next(iter(entry)))
        entries.insert(index, entry)
    for index, patch in enumerate(json6902 or []):
        entry = json6902_entry(patch)
        move_comment(json6902, index, entry, next(iter(entry)))
        for key in entry:
            move_comment(patch, key, entry, key)
        entries.append(entry)
    first = "patchesStrategicMerge" if strategic is not None else "patchesJson6902"
    if "patches" not in node:
        rename_key(node, first, "patches", entries)
    for key in ("patchesStrategicMerge", "patchesJson6902"):
        if key in node:
            del node[key]
    token = next((t for t in reversed(trailing) if t is not None), None)
    if token is not None:
        put_trailing(node["patches"], token)
    return True


def _flux_strategic(patch: Any) -> CommentedMap:
    return CommentedMap([("patch", block_text(patch))])


def _flux_json6902(patch: Any) -> CommentedMap:
    item = CommentedMap([("patch", block_text(patch.get("patch", [])))])
    if patch.get("target") is not None:
        item["target"] = patch["target"]
    return item


def _patch_entries(spec: CommentedMap, edits: Edits, where: str) -> None:
    """Flux ``patchesStrategicMerge`` / ``patchesJson6902`` (objects) -> ``patches`` (text)."""
    if _into_patches(spec, _flux_strategic, _flux_json6902):
        edits.done.append(f"{where}patchesStrategicMerge/patchesJson6902 -> patches")


def _drop(spec: CommentedMap, key: str, edits: Edits, why: str, where: str = "spec.") -> None:
    if key in spec:
        del spec[key]
        edits.done.append(f"{where}{key} dropped ({why})")


def _flux_kustomization(obj: CommentedMap, edits: Edits) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, CommentedMap):
        return
    _drop(spec, "validation", edits, "server-side apply validates every object")
    _patch_entries(spec, edits, "spec.")


def _git_repository(obj: CommentedMap, edits: Edits) -> None:
    spec = obj.get("spec")
    if isinstance(spec, CommentedMap):
        _drop(spec, "gitImplementation", edits, "go-git is the only implementation")
        _drop(spec, "accessFrom", edits, "v1 has no cross-namespace access list")


def _access_from(obj: CommentedMap, edits: Edits) -> None:
    spec = obj.get("spec")
    if isinstance(spec, CommentedMap):
        _drop(spec, "accessFrom", edits, "v1 has no cross-namespace access list")


def _values_file(chart_spec: CommentedMap, edits: Edits, where: str) -> None:
    if "valuesFile" not in chart_spec:
        return
    single = chart_spec["valuesFile"]
    files = chart_spec.get("valuesFiles")
    if isinstance(files, CommentedSeq):
        if single not in files:
            files.insert(0, single)
        del chart_spec["valuesFile"]
    else:
        listed(chart_spec, "valuesFile", "valuesFiles")
    edits.done.append(f"{where}valuesFile -> valuesFiles")


def _helm_chart(obj: CommentedMap, edits: Edits) -> None:
    spec = obj.get("spec")
    if isinstance(spec, CommentedMap):
        _values_file(spec, edits, "spec.")
        _drop(spec, "accessFrom", edits, "v1 has no cross-namespace access list")


def _helm_release(obj: CommentedMap, edits: Edits) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, CommentedMap):
        return
    chart = spec.get("chart")
    chart_spec = chart.get("spec") if isinstance(chart, CommentedMap) else None
    if isinstance(chart_spec, CommentedMap):
        _values_file(chart_spec, edits, "spec.chart.spec.")
    for index, renderer in enumerate(spec.get("postRenderers") or []):
        kustomize = renderer.get("kustomize") if isinstance(renderer, CommentedMap) else None
        if isinstance(kustomize, CommentedMap):
            _patch_entries(kustomize, edits, f"spec.postRenderers[{index}].kustomize.")


def _backend(old: Any) -> Any:
    """An Ingress v1beta1 backend (serviceName/servicePort) in the v1 shape."""
    if not isinstance(old, CommentedMap) or "serviceName" not in old:
        return old
    port = old.get("servicePort")
    new = CommentedMap()
    service = CommentedMap([("name", old["serviceName"])])
    move_comment(old, "serviceName", service, "name")
    is_number = isinstance(port, int) or (isinstance(port, str) and port.isdigit())
    kind = "number" if is_number else "name"
    service["port"] = CommentedMap([(kind, _port(port))])
    move_comment(old, "servicePort", service["port"], kind)
    new["service"] = service
    for key, value in old.items():
        if key not in ("serviceName", "servicePort"):
            new[key] = value
    return new


def _port(port: Any) -> Any:
    return int(port) if isinstance(port, str) and port.isdigit() else port


def _ingress(obj: CommentedMap, edits: Edits) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, CommentedMap):
        return
    if "backend" in spec:
        rename_key(spec, "backend", "defaultBackend", _backend(spec["backend"]))
        edits.done.append("spec.backend -> spec.defaultBackend (service.name, service.port)")
    for rule in spec.get("rules") or []:
        http = rule.get("http") if isinstance(rule, CommentedMap) else None
        for path in (http or {}).get("paths") or []:
            if not isinstance(path, CommentedMap):
                continue
            if "backend" in path:
                old = path["backend"]
                path["backend"] = _backend(old)
                trailing = take_trailing(old) if path["backend"] is not old else None
                if trailing is not None:
                    put_trailing(path["backend"], trailing)
            if "pathType" not in path:
                # The v1beta1 behaviour: matching left to the ingress controller.
                path.insert(1 if "path" in path else 0, "pathType", "ImplementationSpecific")
    if spec.get("rules"):
        edits.done.append(
            "spec.rules[].http.paths[]: backend -> service.name/service.port, "
            "pathType ImplementationSpecific where missing"
        )


_METRIC_TARGETS = (
    ("targetAverageUtilization", "Utilization", "averageUtilization"),
    ("targetAverageValue", "AverageValue", "averageValue"),
    ("targetValue", "Value", "value"),
)


def _hpa_v2beta1(obj: CommentedMap, edits: Edits) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, CommentedMap):
        return
    for metric in spec.get("metrics") or []:
        kind = metric.get("type") if isinstance(metric, CommentedMap) else None
        source = metric.get(_lower_first(str(kind))) if kind else None
        if not isinstance(source, CommentedMap):
            continue
        target = CommentedMap()
        for old, target_type, new in _METRIC_TARGETS:
            if old in source:
                target["type"] = target_type
                target[new] = source.pop(old)
        if "metricName" in source:
            described = CommentedMap([("name", source.pop("metricName"))])
            for key in ("selector", "metricSelector"):
                if key in source:
                    described["selector"] = source.pop(key)
            source.insert(0, "metric", described)
        if target:
            source["target"] = target
    if spec.get("metrics"):
        edits.done.append("spec.metrics[]: target* fields -> target {type, value}")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _workload_selector(obj: CommentedMap, edits: Edits) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, CommentedMap) or "selector" in spec:
        return
    template = spec.get("template")
    labels = (template or {}).get("metadata", {}).get("labels") if template else None
    if isinstance(labels, CommentedMap) and labels:
        # apps/v1 requires the selector the old versions defaulted from the template.
        spec.insert(0, "selector", CommentedMap([("matchLabels", CommentedMap(labels))]))
        edits.done.append("spec.selector added from the pod template's labels")
    else:
        edits.manual.append("spec.selector is required by apps/v1: add one")


def _manual(why: str) -> Callable[[CommentedMap, Edits], None]:
    def note(obj: CommentedMap, edits: Edits) -> None:
        edits.manual.append(why)

    return note


FIELD_UPGRADES: dict[tuple[str, str], Callable[[CommentedMap, Edits], None]] = {
    ("kustomize.toolkit.fluxcd.io", "Kustomization"): _flux_kustomization,
    ("source.toolkit.fluxcd.io", "GitRepository"): _git_repository,
    ("source.toolkit.fluxcd.io", "HelmChart"): _helm_chart,
    ("source.toolkit.fluxcd.io", "Bucket"): _access_from,
    ("helm.toolkit.fluxcd.io", "HelmRelease"): _helm_release,
    ("extensions", "Ingress"): _ingress,
    ("networking.k8s.io", "Ingress"): _ingress,
    ("autoscaling", "HorizontalPodAutoscaler"): _hpa_v2beta1,
    ("apps", "Deployment"): _workload_selector,
    ("apps", "StatefulSet"): _workload_selector,
    ("apps", "DaemonSet"): _workload_selector,
    ("apps", "ReplicaSet"): _workload_selector,
    ("extensions", "Deployment"): _workload_selector,
    ("extensions", "DaemonSet"): _workload_selector,
    ("extensions", "ReplicaSet"): _workload_selector,
    ("apiextensions.k8s.io", "CustomResourceDefinition"): _manual(
        "apiextensions.k8s.io/v1 needs a structural schema per version "
        "(spec.versions[].schema.openAPIV3Schema): convert the CRD by hand"
    ),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"): _manual(
        "admissionregistration.k8s.io/v1 requires sideEffects and admissionReviewVersions "
        "on every webhook: set them by hand"
    ),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"): _manual(
        "admissionregistration.k8s.io/v1 requires sideEffects and admissionReviewVersions "
        "on every webhook: set them by hand"
    ),
}
"""Field changes by (old group, kind); only applied with the apiVersion upgrade."""

MANUAL_KINDS = frozenset(
    {"CustomResourceDefinition", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"}
)
"""Kinds whose upgrade needs decisions only their author can make: not rewritten."""


def kustomization_upgrade(data: CommentedMap, edits: Edits) -> None:
    """kustomization.yaml fields deprecated by kustomize v5 -> their replacements.

    As ``kustomize edit fix`` does, so ``kubectl kustomize`` prints the same objects:
    ``bases`` join ``resources``; ``commonLabels`` become ``labels`` with
    ``includeSelectors: true``; ``patchesStrategicMerge`` / ``patchesJson6902`` become
    ``patches`` (strategic-merge first, as kustomize applied them); ``imageTags`` become
    ``images``; a generator's ``env`` becomes ``envs``.
    """
    if "bases" in data:
        bases = data["bases"] or []
        resources = data.get("resources")
        if isinstance(resources, CommentedSeq):
            resources.extend(b for b in bases if b not in resources)
            del data["bases"]
        else:
            rename_key(data, "bases", "resources")
        edits.done.append("bases -> resources")
    if "commonLabels" in data:
        entry = CommentedMap()
        entry["pairs"] = data["commonLabels"]
        if isinstance(entry["pairs"], CommentedMap):
            # ruamel keeps the comment after "commonLabels:" on the key and on its map too.
            entry["pairs"].ca.comment = None
        entry["includeSelectors"] = True
        labels = data.get("labels")
        if isinstance(labels, CommentedSeq):
            labels.append(entry)
            del data["commonLabels"]
        else:
            rename_key(data, "commonLabels", "labels", CommentedSeq([entry]))
        edits.done.append("commonLabels -> labels (includeSelectors: true)")
    if _into_patches(data, _kustomize_strategic, _kustomize_json6902):
        edits.done.append("patchesStrategicMerge/patchesJson6902 -> patches")
    if "imageTags" in data:
        images = data.get("images")
        if isinstance(images, CommentedSeq):
            images.extend(data["imageTags"] or [])
            del data["imageTags"]
        else:
            rename_key(data, "imageTags", "images")
        edits.done.append("imageTags -> images")
    for kind in ("configMapGenerator", "secretGenerator"):
        for generator in data.get(kind) or []:
            if isinstance(generator, CommentedMap) and "env" in generator:
                envs = generator.get("envs")
                if isinstance(envs, CommentedSeq):
                    envs.insert(0, generator["env"])
                    del generator["env"]
                else:
                    listed(generator, "env", "envs")
                edits.done.append(f"{kind}[].env -> envs")
    if "vars" in data:
        edits.manual.append(
            "vars -> replacements needs each variable's source and targets: rewrite by hand"
        )


def _kustomize_strategic(patch: Any) -> CommentedMap:
    # An entry is a file name, or an inline patch (YAML text).
    key = "patch" if isinstance(patch, str) and "\n" in patch.strip() else "path"
    return CommentedMap([(key, patch)])


def _kustomize_json6902(patch: Any) -> CommentedMap:
    return CommentedMap(
        [(k, patch[k]) for k in ("path", "patch", "target", "options") if k in patch]
    )
