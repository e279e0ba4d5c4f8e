"""Argo CD Application -> the neutral model, with every field it cannot hold named."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_schema.appset.inventory import secret_value
from gitops_schema.convert.data import as_list, as_map, plain
from gitops_schema.convert.neutral import (
    Build,
    BuildTool,
    NeutralApp,
    Part,
    Policy,
    RefType,
    Retry,
    Source,
    SourceType,
    Target,
    Tenancy,
    ValueFile,
)
from gitops_schema.convert.revisions import classify_revision
from gitops_schema.load import load_paths
from gitops_schema.load.plain import InputError, first_yaml_value, read_text
from gitops_schema.render.argocd import CLUSTER_SCOPED_KINDS
from gitops_schema.render.argocd_sources import directory_files, parse_image
from gitops_schema.render.helm_values import (
    ValuesPathError,
    merge_values,
    parse_set_value,
    set_path,
)
from gitops_schema.render.inputs import kustomization_file

__all__ = ["IN_CLUSTER", "ArgoRead", "SourceFolders", "cluster_name", "read_application"]

IN_CLUSTER = "https://kubernetes.default.svc"
HOOK_MARKS = ("argocd.argoproj.io/hook", "argocd.argoproj.io/sync-wave", "helm.sh/hook")
"""Annotations Argo CD orders or runs apart from the other objects (Helm hooks in plain
manifests included), which a Flux Kustomization applies as ordinary objects."""
_SUBSCRIBE = "notifications.argoproj.io/subscribe."
_RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io"


@dataclass(frozen=True, slots=True)
class SourceFolders:
    """Where git repositories are on disk: mapped ones, else the repository read."""

    root: Path
    repos: Mapping[str, Path] = field(default_factory=dict)
    """Normalised repository URL -> folder."""

    def folder(self, url: str) -> Path:
        """The folder holding repository ``url`` (as the renderer resolves it)."""
        return self.repos.get(normal(url), self.root)

    def mapped(self, url: str) -> Path | None:
        """The folder given for ``url`` with ``--repo``, if any."""
        return self.repos.get(normal(url))


def normal(url: str) -> str:
    """A repository URL as Argo CD compares them (case, trailing ``/`` and ``.git`` aside)."""
    return url.strip().lower().rstrip("/").removesuffix(".git")


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


def _strings(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in as_map(value).items()}


class _Reader:
    def __init__(
        self, app: Mapping[str, Any], clusters: Sequence[Mapping[str, Any]], folders: SourceFolders
    ) -> None:
        self.data = app
        self.clusters = clusters
        self.folders = folders
        self.losses: list[tuple[str, str]] = []
        self.origins: dict[str, str] = {}

    def lose(self, path: str, reason: str) -> None:
        if (path, reason) not in self.losses:
            self.losses.append((path, reason))

    def read(self) -> ArgoRead:
        metadata = as_map(self.data.get("metadata"))
        spec = as_map(self.data.get("spec"))
        name = str(metadata.get("name") or "")
        if spec.get("sourceHydrator") is not None:
            return ArgoRead(
                None,
                unsupported=(
                    "$.spec.sourceHydrator",
                    "a hydrated source renders from a branch Argo CD writes itself; convert "
                    "the dry source by hand",
                ),
            )
        raw_sources = as_list(spec.get("sources"))
        single = not raw_sources
        if single:
            raw_sources = [spec.get("source")] if isinstance(spec.get("source"), Mapping) else []
        if not raw_sources:
            return ArgoRead(None, unsupported=("$.spec.source", "the Application has no source"))

        def origin(index: int) -> str:
            return "$.spec.source" if single else f"$.spec.sources[{index}]"

        refs = self._refs(raw_sources, origin)
        parts: list[Part] = []
        for index, raw in enumerate(raw_sources):
            source = as_map(raw)
            if source.get("ref") and not source.get("path") and not source.get("chart"):
                continue
            part = self._part(source, origin(index), refs)
            if part is None:
                continue
            parts.append(part)
        unsupported = [p for p in parts if p.build.tool in (BuildTool.PLUGIN, BuildTool.JSONNET)]
        if unsupported:
            part = unsupported[0]
            what = (
                "a config management plugin runs inside Argo CD's repo-server; Flux cannot run "
                "it: pre-render its output into the repository"
                if part.build.tool is BuildTool.PLUGIN
                else "Jsonnet has no Flux equivalent: pre-render it into YAML in the repository"
            )
            return ArgoRead(None, unsupported=(part.origin, what))
        destination = as_map(spec.get("destination"))
        target = Target(
            cluster=cluster_name(destination, self.clusters),
            namespace=str(destination.get("namespace") or ""),
        )
        for part in parts:
            self._namespaces(part, target.namespace)
        policy = self._policy(as_map(spec.get("syncPolicy")), target)
        wave = as_map(metadata.get("annotations")).get("argocd.argoproj.io/sync-wave")
        if wave is not None:
            try:
                policy.wave = int(str(wave).strip())
                self.origins["policy.wave"] = (
                    "$.metadata.annotations['argocd.argoproj.io/sync-wave']"
                )
            except ValueError:
                self.lose(
                    "$.metadata.annotations['argocd.argoproj.io/sync-wave']",
                    f"sync wave {wave!r} is not an integer (Argo CD refuses it)",
                )
        self._ignored(spec, metadata)
        notifications = {
            k: str(v)
            for k, v in as_map(metadata.get("annotations")).items()
            if str(k).startswith(_SUBSCRIBE)
        }
        for key in notifications:
            self.lose(
                f"$.metadata.annotations['{key}']",
                "Argo CD notification subscriptions have no per-object Flux form: "
                "declare a notification-controller Alert and Provider",
            )
        finalizers = [str(f) for f in as_list(metadata.get("finalizers"))]
        app = NeutralApp(
            name=name,
            namespace=str(metadata.get("namespace") or "argocd"),
            parts=parts,
            target=target,
            policy=policy,
            tenancy=Tenancy(project=str(spec.get("project") or "default")),
            notifications=notifications,
            origins=self.origins,
        )
        if not parts:
            return ArgoRead(
                None, unsupported=("$.spec.sources", "only ref sources, nothing to render")
            )
        return ArgoRead(
            app,
            self.losses,
            finalizer=any(
                f.startswith("resources-finalizer.argocd.argoproj.io") for f in finalizers
            ),
        )

    # -- sources -----------------------------------------------------------------

    def _source(self, raw: Mapping[str, Any], where: str) -> Source:
        url = str(raw.get("repoURL") or "")
        revision_text = str(raw.get("targetRevision") or "")
        if raw.get("chart"):
            oci = not url.startswith(("http://", "https://")) or url.startswith("oci://")
            return Source(
                SourceType.OCI if oci else SourceType.HELM,
                url.removeprefix("oci://"),
                version=revision_text or "*",
                chart=str(raw["chart"]),
            )
        revision = classify_revision(revision_text, url, self.folders.mapped(url))
        if revision.type is RefType.DEFAULT:
            self.lose(
                f"{where}.targetRevision",
                f"{revision_text or 'no targetRevision'} follows the default branch of {url}, "
                "which is not known offline (a GitRepository without ref follows 'master'): "
                "set spec.ref.branch of the GitRepository, or map the repository with "
                "--repo to a clone that records origin/HEAD",
            )
        path = str(raw.get("path") or "").strip("/")
        path = posixpath.normpath(path) if path else "."
        return Source(SourceType.GIT, url, revision=revision, path=path)

    def _refs(
        self, sources: Sequence[Any], origin: Callable[[int], str]
    ) -> dict[str, tuple[Source, str]]:
        refs: dict[str, tuple[Source, str]] = {}
        for index, raw in enumerate(sources):
            source = as_map(raw)
            if source.get("ref"):
                refs[str(source["ref"])] = (self._source(source, origin(index)), origin(index))
        return refs

    def _tool(self, raw: Mapping[str, Any], folder: Path | None) -> BuildTool:
        if raw.get("plugin") is not None:
            return BuildTool.PLUGIN
        if raw.get("chart") or raw.get("helm") is not None:
            return BuildTool.HELM
        if raw.get("kustomize") is not None:
            return BuildTool.KUSTOMIZE
        directory = as_map(raw.get("directory"))
        if directory.get("jsonnet"):
            return BuildTool.JSONNET
        if folder is not None and folder.is_dir():
            if (folder / "Chart.yaml").is_file():
                return BuildTool.HELM
            if kustomization_file(folder) is not None:
                return BuildTool.KUSTOMIZE
            if any(folder.glob("*.jsonnet")):
                return BuildTool.JSONNET
        return BuildTool.DIRECTORY

    def _part(
        self, raw: Mapping[str, Any], where: str, refs: Mapping[str, tuple[Source, str]]
    ) -> Part | None:
        source = self._source(raw, where)
        folder = (
            self.folders.folder(source.url) / source.path if source.type is SourceType.GIT else None
        )
        tool = self._tool(raw, folder)
        build = Build(tool)
        if tool is BuildTool.HELM:
            self._helm(raw, where, source, build, folder, refs)
        elif tool is BuildTool.KUSTOMIZE:
            self._kustomize(as_map(raw.get("kustomize")), where, build, folder)
        elif tool is BuildTool.DIRECTORY:
            directory = as_map(raw.get("directory"))
            build.directory.recurse = bool(directory.get("recurse"))
            build.directory.include = str(directory.get("include") or "")
            build.directory.exclude = str(directory.get("exclude") or "")
        if folder is not None and tool in (BuildTool.KUSTOMIZE, BuildTool.DIRECTORY):
            self._hooks(folder, where)
        return Part(source, build, where)

    def _namespaces(self, part: Part, namespace: str) -> None:
        """Objects that name another namespace than the destination's.

        Argo CD's destination namespace only fills in missing namespaces; Flux's
        ``targetNamespace`` (kustomize's namespace transformer) moves every namespaced
        object. A kustomize ``namespace`` edit moves them in both.
        """
        build = part.build
        if not namespace or build.tool not in (BuildTool.KUSTOMIZE, BuildTool.DIRECTORY):
            return
        if build.kustomize.namespace or part.source.type is not SourceType.GIT:
            return
        folder = self.folders.folder(part.source.url) / part.source.path
        if not folder.is_dir():
            return
        if build.tool is BuildTool.KUSTOMIZE:
            found = kustomization_file(folder)
            try:
                data = as_map(first_yaml_value(read_text(found), str(found)) if found else None)
            except InputError:
                data = {}
            if data.get("namespace"):
                return  # the kustomization moves every object itself
            # The files it lists itself (what its bases do is theirs to say).
            files = [
                folder / str(r)
                for r in as_list(data.get("resources"))
                if (folder / str(r)).is_file()
            ]
        else:
            directory = build.directory
            files, _ = directory_files(
                folder,
                recurse=directory.recurse,
                include=directory.include,
                exclude=directory.exclude,
            )
        if not files:
            return
        others = sorted(
            {
                f"{d.data.get('kind')} {d.data['metadata'].get('name')} "
                f"({d.data['metadata']['namespace']})"
                for d in load_paths(files).documents
                if isinstance(d.data, Mapping)
                and isinstance(d.data.get("metadata"), Mapping)
                and d.data["metadata"].get("namespace") not in (None, "", namespace)
                and d.data.get("kind") not in CLUSTER_SCOPED_KINDS
            }
        )
        if others:
            self.lose(
                "$.spec.destination.namespace",
                f"{', '.join(others[:3])}{', ...' if len(others) > 3 else ''} keep their "
                f"namespace in Argo CD, which only fills in missing ones; Flux's "
                f"targetNamespace moves every namespaced object to {namespace}",
            )

    def _hooks(self, folder: Path, where: str) -> None:
        """Argo CD hooks and resource sync waves in the folder's files: Flux has neither."""
        if not folder.is_dir():
            return
        for path in sorted(folder.rglob("*")):
            if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
                continue
            try:
                text = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            marks = [mark for mark in HOOK_MARKS if mark in text]
            if marks:
                self.lose(
                    f"{where}.path",
                    f"{path.relative_to(folder).as_posix()} uses {', '.join(marks)}: Flux applies "
                    "every object in one server-side apply, with no hooks or waves inside an "
                    "application (split the objects into Kustomizations with dependsOn)",
                )

    def _helm(
        self,
        raw: Mapping[str, Any],
        where: str,
        source: Source,
        build: Build,
        folder: Path | None,
        refs: Mapping[str, tuple[Source, str]],
    ) -> None:
        helm = as_map(raw.get("helm"))
        options = build.helm
        options.release_name = str(helm.get("releaseName") or "")
        options.ignore_missing_value_files = bool(helm.get("ignoreMissingValueFiles"))
        options.skip_crds = bool(helm.get("skipCrds"))
        options.skip_tests = bool(helm.get("skipTests"))
        if helm.get("releaseName"):
            self.origins["helm.release_name"] = f"{where}.helm.releaseName"
        for index, entry in enumerate(as_list(helm.get("valueFiles"))):
            value_file = self._value_file(
                str(entry), f"{where}.helm.valueFiles[{index}]", source, folder, refs
            )
            if value_file is not None:
                options.value_files.append(value_file)
        values: dict[str, Any] = {}
        if isinstance(helm.get("valuesObject"), Mapping):
            values = plain(helm["valuesObject"])
        elif isinstance(helm.get("values"), str) and helm["values"].strip():
            try:
                loaded = first_yaml_value(helm["values"], f"{where}.helm.values")
            except InputError as error:
                self.lose(f"{where}.helm.values", f"not valid YAML, not carried over: {error}")
                loaded = None
            if isinstance(loaded, dict):
                values = loaded
        elif isinstance(helm.get("values"), Mapping):
            values = plain(helm["values"])
        sets: dict[str, Any] = {}
        for index, parameter in enumerate(as_list(helm.get("parameters"))):
            parameter = as_map(parameter)
            value = str(parameter.get("value") if parameter.get("value") is not None else "")
            try:
                set_path(
                    sets,
                    str(parameter.get("name") or ""),
                    parse_set_value(value, force_string=bool(parameter.get("forceString"))),
                )
            except ValuesPathError as error:
                self.lose(f"{where}.helm.parameters[{index}]", str(error))
        for index, parameter in enumerate(as_list(helm.get("fileParameters"))):
            parameter = as_map(parameter)
            path = str(parameter.get("path") or "")
            file = folder / path if folder is not None else None
            try:
                text = file.read_text("utf-8") if file is not None else None
            except (OSError, UnicodeDecodeError):
                text = None
            if text is None:
                self.lose(
                    f"{where}.helm.fileParameters[{index}]",
                    f"--set-file {path}: the file is not readable offline, not carried over",
                )
                continue
            try:
                set_path(sets, str(parameter.get("name") or ""), text)
            except ValuesPathError as error:
                self.lose(f"{where}.helm.fileParameters[{index}]", str(error))
        options.values = merge_values(values, sets)
        for key in ("kubeVersion", "apiVersions", "passCredentials", "skipSchemaValidation"):
            if helm.get(key):
                self.lose(
                    f"{where}.helm.{key}",
                    "Flux renders with the cluster's own capabilities and credentials; "
                    "this template option has no HelmRelease field",
                )
        if helm.get("namespace"):
            self.origins["helm.namespace"] = f"{where}.helm.namespace"
            options.namespace = str(helm["namespace"])

    def _value_file(
        self,
        entry: str,
        where: str,
        source: Source,
        folder: Path | None,
        refs: Mapping[str, tuple[Source, str]],
    ) -> ValueFile | None:
        if entry.startswith(("http://", "https://")):
            self.lose(where, f"a values file fetched over HTTP ({entry}) is not carried over")
            return None
        if entry.startswith("$"):
            name, _, rest = entry[1:].partition("/")
            if name not in refs:
                self.lose(where, f"${name} names no source with ref: {name}")
                return None
            ref_source, _ = refs[name]
            content = _read_values(self.folders.folder(ref_source.url) / rest)
            return ValueFile(posixpath.normpath(rest), ref_source, content)
        if source.type is not SourceType.GIT:
            # A file of the chart package itself.
            return ValueFile(posixpath.normpath(entry))
        path = posixpath.normpath(posixpath.join(source.path, entry))
        content = _read_values(folder / entry) if folder is not None else None
        return ValueFile(path, None, content)

    def _kustomize(
        self, kustomize: Mapping[str, Any], where: str, build: Build, folder: Path | None
    ) -> None:
        options = build.kustomize
        base = f"{where}.kustomize"
        options.name_prefix = str(kustomize.get("namePrefix") or "")
        options.name_suffix = str(kustomize.get("nameSuffix") or "")
        options.namespace = str(kustomize.get("namespace") or "")
        options.images = [parse_image(str(i)) for i in as_list(kustomize.get("images"))]
        options.components = [str(c) for c in as_list(kustomize.get("components"))]
        options.common_labels = _strings(kustomize.get("commonLabels"))
        options.labels_without_selector = bool(kustomize.get("labelWithoutSelector"))
        options.common_annotations = _strings(kustomize.get("commonAnnotations"))
        options.replicas = [dict(as_map(r)) for r in as_list(kustomize.get("replicas"))]
        for index, patch in enumerate(as_list(kustomize.get("patches"))):
            patch = dict(as_map(patch))
            if patch.get("path"):
                file = folder / str(patch["path"]) if folder is not None else None
                try:
                    patch["patch"] = file.read_text("utf-8") if file is not None else None
                except (OSError, UnicodeDecodeError):
                    patch["patch"] = None
                if patch["patch"] is None:
                    self.lose(f"{base}.patches[{index}].path", "patch file not readable offline")
                    continue
                del patch["path"]
            options.patches.append(patch)
        for key, value in kustomize.items():
            self.origins[f"kustomize.{key}"] = f"{base}.{key}"
            if key in ("forceCommonLabels", "forceCommonAnnotations") and value:
                self.lose(f"{base}.{key}", "Flux has no forced-label option")
            elif key in ("commonAnnotationsEnvsubst", "labelIncludeTemplates") and value:
                self.lose(f"{base}.{key}", "this Argo CD kustomize edit has no Flux field")
            elif key in ("version", "kubeVersion", "apiVersions") and value:
                self.lose(
                    f"{base}.{key}",
                    "Flux builds with its own kustomize and the cluster's capabilities",
                )
            elif key == "ignoreMissingComponents":
                options.ignore_missing_components = bool(value)

    # -- policy ----------------------------------------------------------------------

    def _policy(self, sync: Mapping[str, Any], target: Target) -> Policy:
        policy = Policy()
        automated = sync.get("automated")
        enabled = isinstance(automated, Mapping) and automated.get("enabled") is not False
        policy.automated = enabled
        auto = as_map(automated)
        policy.prune = enabled and bool(auto.get("prune"))
        policy.self_heal = enabled and bool(auto.get("selfHeal"))
        policy.allow_empty = bool(auto.get("allowEmpty"))
        self.origins["policy.automated"] = "$.spec.syncPolicy.automated"
        self.origins["policy.self_heal"] = "$.spec.syncPolicy.automated.selfHeal"
        self.origins["policy.allow_empty"] = "$.spec.syncPolicy.automated.allowEmpty"
        retry = sync.get("retry")
        if isinstance(retry, Mapping):
            backoff = as_map(retry.get("backoff"))
            duration = backoff.get("duration", "5s")
            factor = backoff.get("factor", 2)
            policy.retry = Retry(
                limit=int(retry["limit"]) if _is_int(retry.get("limit")) else -1,
                duration=f"{duration}s" if _is_int(duration) else str(duration),
                factor=int(factor) if _is_int(factor) else 2,
                max_duration=str(backoff.get("maxDuration") or "3m"),
            )
            self.origins["policy.retry"] = "$.spec.syncPolicy.retry"
        for index, option in enumerate(as_list(sync.get("syncOptions"))):
            self._sync_option(str(option), f"$.spec.syncPolicy.syncOptions[{index}]", target)
        managed = as_map(sync.get("managedNamespaceMetadata"))
        target.namespace_labels = _strings(managed.get("labels"))
        target.namespace_annotations = _strings(managed.get("annotations"))
        return policy

    def _sync_option(self, option: str, where: str, target: Target) -> None:
        key, _, value = option.partition("=")
        key, value = key.strip(), value.strip().lower()
        if key == "CreateNamespace":
            target.create_namespace = value == "true"
            self.origins["target.create_namespace"] = where
            return
        exact = {
            ("ServerSideApply", "true"),  # Flux always applies server-side
            ("PruneLast", "true"),  # Flux prunes after applying
            ("ApplyOutOfSyncOnly", "true"),  # Flux applies only what drifted
            ("SkipDryRunOnMissingResource", "true"),  # Flux applies CRDs first
            ("PrunePropagationPolicy", "background"),  # Flux's garbage collection
            ("RespectIgnoreDifferences", "true"),  # with ignoreDifferences, below
            ("Validate", "true"),
            ("Replace", "false"),
            ("Prune", "true"),
            ("Delete", "true"),
        }
        if (key, value) in exact:
            return
        reasons = {
            "ServerSideApply": "Flux always applies server-side",
            "PrunePropagationPolicy": "Flux deletes pruned objects with background propagation",
            "Validate": "Flux validates every object with a server-side dry run",
            "Replace": "Flux patches with server-side apply; replace/create is not available "
            "(Kustomization spec.force recreates only on immutable-field changes)",
            "Prune": "per-application prune confirmation has no Flux equivalent; mark objects "
            "with kustomize.toolkit.fluxcd.io/prune: disabled",
            "Delete": "Flux has no deletion confirmation; deletionPolicy decides",
            "FailOnSharedResource": "Flux takes over objects another applier owns",
            "ClientSideApplyMigration": "Flux takes over kubectl-managed fields itself",
            "ApplyOutOfSyncOnly": "Flux applies what drifted",
            "PruneLast": "Flux prunes after applying",
        }
        self.lose(where, f"{option}: {reasons.get(key, 'no Flux equivalent')}")

    def _ignored(self, spec: Mapping[str, Any], metadata: Mapping[str, Any]) -> None:
        if as_list(spec.get("ignoreDifferences")):
            self.lose(
                "$.spec.ignoreDifferences",
                "Argo CD hides these differences from its diff; Flux corrects every drift "
                "(per-object kustomize.toolkit.fluxcd.io/ssa: IfNotPresent or Ignore, or "
                "Kustomization spec.ignore since Flux 2.9, are the nearest)",
            )
        if as_list(spec.get("info")):
            self.lose("$.spec.info", "informational fields have no Flux equivalent")
        if spec.get("revisionHistoryLimit") is not None:
            self.lose(
                "$.spec.revisionHistoryLimit",
                "Argo CD's sync history length; Flux keeps its own status.history",
            )


def _is_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and value.strip().lstrip("-").isdigit()


def _read_values(path: Path) -> dict[str, Any] | None:
    try:
        loaded = first_yaml_value(read_text(path), str(path))
    except InputError:
        return None
    return loaded if isinstance(loaded, dict) else ({} if loaded is None else None)


def read_application(
    app: Mapping[str, Any], clusters: Sequence[Mapping[str, Any]], folders: SourceFolders
) -> ArgoRead:
    """An Application (as loaded or generated) in the neutral model.

    ``clusters`` are the Argo CD cluster Secrets known (for the destination's name);
    ``folders`` say where git sources are on disk (to detect the tool, read value files
    and resolve revisions, as Argo CD's repo-server would).
    """
    return _Reader(app, clusters, folders).read()
