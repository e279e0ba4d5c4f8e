"""Argo CD Application -> the neutral model, with every field it cannot hold named.

The sources are read here (their builds in :mod:`.argocd_builds`, what their files do in
:mod:`.argocd_scan`), the sync policy in :mod:`.argocd_policy`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_schema.appset.inventory import secret_value
from gitops_schema.convert.argocd_builds import (
    SourceContext,
    read_directory,
    read_helm,
    read_kustomize,
)
from gitops_schema.convert.argocd_policy import read_policy, read_unmapped
from gitops_schema.convert.argocd_scan import scan_hooks, scan_namespaces
from gitops_schema.convert.folders import SourceFolders
from gitops_schema.convert.neutral import (
    Build,
    BuildTool,
    NeutralApp,
    Part,
    Policy,
    RefType,
    Source,
    SourceType,
    Target,
    Tenancy,
)
from gitops_schema.convert.notes import Notes
from gitops_schema.convert.notifications import SUBSCRIBE
from gitops_schema.convert.revisions import classify_revision
from gitops_schema.convert.typed import typed
from gitops_schema.model.argocd import Application, ApplicationSource, ApplicationSpec
from gitops_schema.render.inputs import kustomization_file

__all__ = [
    "FINALIZER",
    "IN_CLUSTER",
    "ArgoRead",
    "cluster_name",
    "read_application",
    "typed_application",
]

IN_CLUSTER = "https://kubernetes.default.svc"
_WAVE = "$.metadata.annotations['argocd.argoproj.io/sync-wave']"
FINALIZER = "resources-finalizer.argocd.argoproj.io"
"""The finalizer that makes deleting an Application delete its objects."""


@dataclass(slots=True)
class ArgoRead:
    """An Application read into the neutral model, or why it cannot be."""

    app: NeutralApp | None
    losses: list[tuple[str, str]] = field(default_factory=list)
    """(JSON path, reason) of every field the neutral model does not hold."""
    unsupported: tuple[str, str] | None = None
    """(JSON path, reason) when nothing could be converted."""
    finalizer: bool = False
    """The resources finalizer: deleting the Application deletes its objects."""


class Unsupported(Exception):
    """The Application cannot be converted at all: (JSON path, reason)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason


def cluster_name(destination: Mapping[str, Any], clusters: Sequence[Mapping[str, Any]]) -> str:
    """The name Argo CD knows a destination's cluster by: its Secret's, or ``in-cluster``."""
    name, server = destination.get("name"), destination.get("server")
    for secret in clusters:
        if (name and secret_value(secret, "name") == name) or (
            server and str(secret_value(secret, "server") or "").rstrip("/") == server.rstrip("/")
        ):
            return str(secret_value(secret, "name") or name or server)
    if (isinstance(server, str) and server.rstrip("/") == IN_CLUSTER) or name == "in-cluster":
        return "in-cluster"
    return str(name or server or "in-cluster")


def _tool(raw: ApplicationSource, folder: Path | None) -> BuildTool:
    if raw.plugin is not None:
        return BuildTool.PLUGIN
    if raw.chart or raw.helm is not None:
        return BuildTool.HELM
    if raw.kustomize is not None:
        return BuildTool.KUSTOMIZE
    jsonnet = raw.directory.jsonnet if raw.directory is not None else None
    if jsonnet is not None and (jsonnet.model_fields_set or jsonnet.model_extra):
        return BuildTool.JSONNET
    if folder is not None and folder.is_dir():
        if (folder / "Chart.yaml").is_file():
            return BuildTool.HELM
        if kustomization_file(folder) is not None:
            return BuildTool.KUSTOMIZE
        if any(folder.glob("*.jsonnet")):
            return BuildTool.JSONNET
    return BuildTool.DIRECTORY


_NOT_RENDERABLE = {
    BuildTool.PLUGIN: "a config management plugin runs inside Argo CD's repo-server; Flux "
    "cannot run it: pre-render its output into the repository",
    BuildTool.JSONNET: "Jsonnet has no Flux equivalent: pre-render it into YAML in the repository",
}


class _Reader:
    def __init__(
        self, app: Application, clusters: Sequence[Mapping[str, Any]], folders: SourceFolders
    ) -> None:
        self.app = app
        self.clusters = clusters
        self.folders = folders
        self.notes = Notes()

    def read(self) -> ArgoRead:
        metadata, spec = self.app.metadata, self.app.spec
        try:
            parts = self._parts(spec)
        except Unsupported as refused:
            return ArgoRead(None, unsupported=(refused.path, refused.reason))
        destination = spec.destination
        target = Target(
            cluster=cluster_name(destination.model_dump(exclude_none=True), self.clusters),
            namespace=destination.namespace or "",
        )
        for part in parts:
            folder = self._folder(part)
            if folder is not None:
                scan_namespaces(part, folder, target.namespace, self.notes)
        policy = read_policy(spec.sync_policy, target, self.notes)
        self._wave(metadata.annotations, policy)
        read_unmapped(spec, self.notes)
        app = NeutralApp(
            name=metadata.name or "",
            namespace=metadata.namespace or "argocd",
            parts=parts,
            target=target,
            policy=policy,
            tenancy=Tenancy(project=spec.project or "default"),
            notifications={
                k: v for k, v in metadata.annotations.items() if k.startswith(SUBSCRIBE)
            },
            origins=self.notes.origins,
        )
        finalizer = any(f.startswith(FINALIZER) for f in metadata.finalizers)
        return ArgoRead(app, self.notes.losses, finalizer=finalizer)

    def _wave(self, annotations: Mapping[str, str], policy: Policy) -> None:
        wave = annotations.get("argocd.argoproj.io/sync-wave")
        if wave is None:
            return
        try:
            policy.wave = int(wave.strip())
            self.notes.origins["policy.wave"] = _WAVE
        except ValueError:
            self.notes.lose(_WAVE, f"sync wave {wave!r} is not an integer (Argo CD refuses it)")

    def _parts(self, spec: ApplicationSpec) -> list[Part]:
        """Each source that renders something, with its build.

        Raises:
            Unsupported: a hydrated source, no source, a plugin or Jsonnet source, or a
                path outside the repository.
        """
        if spec.source_hydrator is not None:
            raise Unsupported(
                "$.spec.sourceHydrator",
                "a hydrated source renders from a branch Argo CD writes itself; convert "
                "the dry source by hand",
            )
        sources = list(spec.sources) or ([spec.source] if spec.source is not None else [])
        if not sources:
            raise Unsupported("$.spec.source", "the Application has no source")
        origins = (
            [f"$.spec.sources[{index}]" for index in range(len(sources))]
            if spec.sources
            else ["$.spec.source"]
        )
        pairs = list(zip(sources, origins, strict=True))
        refs = {raw.ref: self._source(raw, where) for raw, where in pairs if raw.ref}
        parts = [
            self._part(raw, where, refs)
            for raw, where in pairs
            if not (raw.ref and not raw.path) or raw.chart
        ]
        for part in parts:
            if part.build.tool in _NOT_RENDERABLE:
                raise Unsupported(part.origin, _NOT_RENDERABLE[part.build.tool])
        if not parts:
            raise Unsupported("$.spec.sources", "only ref sources, nothing to render")
        return parts

    def _source(self, raw: ApplicationSource, where: str) -> Source:
        url = raw.repo_url
        revision_text = raw.target_revision or ""
        if raw.chart:
            oci = not url.startswith(("http://", "https://")) or url.startswith("oci://")
            return Source(
                SourceType.OCI if oci else SourceType.HELM,
                url.removeprefix("oci://"),
                version=revision_text or "*",
                chart=raw.chart,
            )
        revision = classify_revision(revision_text, url, self.folders.mapped(url))
        if revision.type is RefType.DEFAULT:
            self.notes.lose(
                f"{where}.targetRevision",
                f"{revision_text or 'no targetRevision'} follows the default branch of {url}, "
                "which is not known offline (a GitRepository without ref follows 'master'): "
                "set spec.ref.branch of the GitRepository, or map the repository with "
                "--repo to a clone that records origin/HEAD",
            )
        path = (raw.path or "").strip("/")
        path = posixpath.normpath(path) if path else "."
        if self.folders.inside(url, path) is None:
            raise Unsupported(
                f"{where}.path",
                f"{path!r} is outside the repository (or cannot be resolved): Argo CD "
                "refuses it, nothing is read",
            )
        return Source(SourceType.GIT, url, revision=revision, path=path)

    def _folder(self, part: Part) -> Path | None:
        if part.source.type is not SourceType.GIT:
            return None
        return self.folders.inside(part.source.url, part.source.path)

    def _part(self, raw: ApplicationSource, where: str, refs: Mapping[str, Source]) -> Part:
        part = Part(self._source(raw, where), Build(BuildTool.DIRECTORY), where)
        folder = self._folder(part)
        part.build.tool = _tool(raw, folder)
        context = SourceContext(where, part.source, self.folders, refs, self.notes)
        if part.build.tool is BuildTool.HELM:
            read_helm(raw.helm, part.build, context)
        elif part.build.tool is BuildTool.KUSTOMIZE:
            read_kustomize(raw.kustomize, part.build, context)
        elif part.build.tool is BuildTool.DIRECTORY:
            read_directory(raw.directory, part.build)
        if folder is not None and part.build.tool in (BuildTool.KUSTOMIZE, BuildTool.DIRECTORY):
            scan_hooks(folder, where, self.notes)
        return part


def typed_application(data: Mapping[str, Any]) -> Application | str:
    """An Application (as generated, or templated by a chart) in its typed model.

    Returns what does not fit the model when it does not (Argo CD's API refuses it too).
    """
    return typed(Application, data)


def read_application(
    app: Application, clusters: Sequence[Mapping[str, Any]], folders: SourceFolders
) -> ArgoRead:
    """An Application (as loaded or generated) in the neutral model.

    ``clusters`` are the Argo CD cluster Secrets known (for the destination's name);
    ``folders`` say where git sources are on disk (to detect the tool, read value files
    and resolve revisions, as Argo CD's repo-server would).
    """
    return _Reader(app, clusters, folders).read()
