"""The neutral model -> Argo CD Applications (the reverse of :mod:`.flux_write`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gitops_schema.convert.argocd_read import FINALIZER, IN_CLUSTER
from gitops_schema.convert.data import as_list, as_map
from gitops_schema.convert.folders import SourceFolders
from gitops_schema.convert.kustomize_fields import flux_files, kustomize_fields
from gitops_schema.convert.neutral import BuildTool, NeutralApp, Part, RefType, SourceType
from gitops_schema.render.argocd_sources import directory_files
from gitops_schema.render.inputs import kustomization_file

__all__ = ["ARGOCD_NAMESPACE", "IN_CLUSTER", "ArgoWritten", "application"]

ARGOCD_NAMESPACE = "argocd"


@dataclass(slots=True)
class ArgoWritten:
    """An Application and what its source object lost on the way."""

    application: dict[str, Any]
    losses: list[tuple[str, str]] = field(default_factory=list)


def _revision(part: Part) -> str:
    source = part.source
    if source.type is not SourceType.GIT:
        return source.version or "*"
    if source.revision.type is RefType.DEFAULT:
        return "HEAD"
    return source.revision.value


def _image(entry: dict[str, str]) -> str:
    """A kustomize ``images`` entry as Argo CD's ``kustomize edit set image`` argument."""
    name = entry.get("name", "")
    new = entry.get("newName", "")
    target = new or name
    if entry.get("digest"):
        target += f"@{entry['digest']}"
    elif entry.get("newTag"):
        target += f":{entry['newTag']}"
    return f"{name}={target}" if new else target


def _kustomize(part: Part) -> dict[str, Any]:
    options = part.build.kustomize
    edits = kustomize_fields(options, _image, options.namespace)
    if options.common_labels:
        edits["commonLabels"] = options.common_labels
        if options.labels_without_selector:
            edits["labelWithoutSelector"] = True
    return edits


def _directory(part: Part, folder: Path, losses: list[tuple[str, str]]) -> dict[str, Any]:
    """A folder without a kustomization: Flux builds it recursively, so does Argo CD here."""
    if folder.is_dir():
        argo, _ = directory_files(folder, recurse=True, include="", exclude="")
        if argo != flux_files(folder):
            losses.append(
                (
                    "$.spec.path",
                    "Flux generates a kustomization over the folder's .yaml/.yml files (a "
                    "sub-folder with a kustomization being one build); Argo CD reads the "
                    "files themselves, .json included: add a kustomization.yaml to the folder",
                )
            )
    options = part.build.kustomize
    if options.name_prefix or options.name_suffix or options.namespace or options.images:
        losses.append(
            (
                "$.spec",
                "namePrefix, nameSuffix, targetNamespace and images need a kustomization in "
                "the folder for Argo CD (a plain directory only fills in missing namespaces)",
            )
        )
    return {"recurse": True}


def _files_outside(kustomization: Path) -> bool:
    """Whether a kustomization names a file (not a folder) outside its own folder."""
    try:
        data = yaml.safe_load(kustomization.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    folder = kustomization.parent.resolve()
    for entry in as_list(as_map(data).get("resources")):
        if not isinstance(entry, str) or "://" in entry:
            continue
        target = (folder / entry).resolve()
        if target.is_file() and not target.is_relative_to(folder):
            return True
    return False


def _helm(part: Part) -> dict[str, Any]:
    options = part.build.helm
    helm: dict[str, Any] = {"releaseName": options.release_name}
    if options.value_files:
        helm["valueFiles"] = [f.path for f in options.value_files]
        if options.ignore_missing_value_files:
            helm["ignoreMissingValueFiles"] = True
    if options.values:
        helm["valuesObject"] = options.values
    if options.skip_crds:
        helm["skipCrds"] = True
    return helm


def _source(part: Part, folders: SourceFolders, losses: list[tuple[str, str]]) -> dict[str, Any]:
    """The Application's source: where it is, and how it is built."""
    source: dict[str, Any] = {"repoURL": part.source.url, "targetRevision": _revision(part)}
    if part.source.type is SourceType.GIT:
        source["path"] = part.source.path
    else:
        source["chart"] = part.source.chart
    if part.build.tool is BuildTool.HELM:
        source["helm"] = _helm(part)
        return source
    folder = folders.inside(part.source.url, part.source.path)
    found = kustomization_file(folder) if folder is not None else None
    if folder is not None and found is None and folder.is_dir():
        source["directory"] = _directory(part, folder, losses)
        return source
    if found is not None and _files_outside(found):
        losses.append(
            (
                "$.spec.path",
                "its kustomization reads files outside its folder, which Flux allows "
                "and Argo CD's kustomize refuses unless argocd-cm sets "
                "kustomize.buildOptions: --load-restrictor LoadRestrictionsNone",
            )
        )
    edits = _kustomize(part)
    if edits:
        source["kustomize"] = edits
    return source


def _destination(app: NeutralApp) -> dict[str, Any]:
    destination: dict[str, Any] = (
        {"server": IN_CLUSTER}
        if app.target.cluster in ("in-cluster", "default")
        else {"name": app.target.cluster}
    )
    if app.target.namespace:
        destination["namespace"] = app.target.namespace
    return destination


def _sync_policy(app: NeutralApp) -> dict[str, Any]:
    sync: dict[str, Any] = {}
    policy = app.policy
    if policy.automated:
        sync["automated"] = {"prune": policy.prune, "selfHeal": policy.self_heal}
    options = []
    if app.target.create_namespace:
        options.append("CreateNamespace=true")
    # Flux applies server-side; so does Argo CD with this option.
    options.append("ServerSideApply=true")
    sync["syncOptions"] = options
    if policy.retry is not None:
        sync["retry"] = {
            "limit": policy.retry.limit,
            "backoff": {
                "duration": policy.retry.duration,
                "factor": policy.retry.factor,
                "maxDuration": policy.retry.max_duration,
            },
        }
    return sync


def application(app: NeutralApp, name: str, folders: SourceFolders, finalizer: bool) -> ArgoWritten:
    """The Application for ``app``, named ``name``, in the ``argocd`` namespace."""
    losses: list[tuple[str, str]] = []
    spec: dict[str, Any] = {
        "project": app.tenancy.project or "default",
        "source": _source(app.parts[0], folders, losses),
        "destination": _destination(app),
        "syncPolicy": _sync_policy(app),
    }
    metadata: dict[str, Any] = {"name": name, "namespace": ARGOCD_NAMESPACE}
    if finalizer:
        metadata["finalizers"] = [FINALIZER]
    annotations = dict(app.notifications)
    if app.policy.wave:
        annotations["argocd.argoproj.io/sync-wave"] = str(app.policy.wave)
    if annotations:
        metadata["annotations"] = annotations
    return ArgoWritten(
        {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": metadata,
            "spec": spec,
        },
        losses,
    )
