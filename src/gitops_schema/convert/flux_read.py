"""Flux Kustomization / HelmRelease -> the neutral model, with every field it cannot hold."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from gitops_schema.convert.data import as_list, as_map, plain
from gitops_schema.convert.neutral import (
    ARGOCD_PERIOD,
    Build,
    BuildTool,
    HelmOptions,
    NeutralApp,
    Part,
    Policy,
    RefType,
    Retry,
    Revision,
    Source,
    SourceType,
    Target,
    Tenancy,
    ValueFile,
)
from gitops_schema.golang.duration import DurationError, parse_duration
from gitops_schema.model.identity import ObjectId, identity
from gitops_schema.render import release_name
from gitops_schema.render.helm_values import ValuesPathError, merge_values, set_path

__all__ = ["FluxRead", "ObjectIndex", "read_flux"]


_GROUPS = {
    "GitRepository": "source.toolkit.fluxcd.io",
    "HelmRepository": "source.toolkit.fluxcd.io",
    "OCIRepository": "source.toolkit.fluxcd.io",
    "Bucket": "source.toolkit.fluxcd.io",
    "ConfigMap": "",
    "Secret": "",
}
"""The API group of each kind a Kustomization or HelmRelease refers to."""


@dataclass(slots=True)
class ObjectIndex:
    """Objects of the repository (and those its Flux trees render), by identity."""

    objects: dict[ObjectId, Mapping[str, Any]] = field(default_factory=dict)

    def add(self, obj: Mapping[str, Any]) -> None:
        """Index one object (the first definition wins)."""
        self.objects.setdefault(identity(obj), obj)

    def get(self, kind: str, namespace: str, name: str) -> Mapping[str, Any] | None:
        """The object, looked up in its namespace, else in any namespace if unique there."""
        found = self.objects.get(ObjectId(_GROUPS.get(kind, ""), kind, namespace, name))
        if found is not None:
            return found
        anywhere = [o for key, o in self.objects.items() if key.kind == kind and key.name == name]
        return anywhere[0] if len(anywhere) == 1 else None


@dataclass(slots=True)
class FluxRead:
    """A Flux object read into the neutral model, or why it cannot be."""

    app: NeutralApp | None
    losses: list[tuple[str, str]] = field(default_factory=list)
    unsupported: tuple[str, str] | None = None


class _Reader:
    def __init__(
        self, obj: Mapping[str, Any], cluster: str, index: ObjectIndex, root_url: str | None
    ) -> None:
        self.obj = obj
        self.root_url = root_url
        self.cluster = cluster
        self.index = index
        self.losses: list[tuple[str, str]] = []
        self.origins: dict[str, str] = {}
        metadata = as_map(obj.get("metadata"))
        self.name = str(metadata.get("name") or "")
        self.namespace = str(metadata.get("namespace") or "flux-system")
        self.spec = as_map(obj.get("spec"))

    def lose(self, path: str, reason: str) -> None:
        if (path, reason) not in self.losses:
            self.losses.append((path, reason))

    def _git(self, source: Mapping[str, Any], path: str) -> Source:
        spec = as_map(source.get("spec"))
        ref = as_map(spec.get("ref"))
        revision = Revision(RefType.BRANCH, "master")  # Flux's default without a ref
        for key, kind in (
            ("commit", RefType.COMMIT),
            ("name", RefType.NAME),
            ("semver", RefType.SEMVER),
            ("tag", RefType.TAG),
            ("branch", RefType.BRANCH),
        ):
            if ref.get(key):
                revision = Revision(kind, str(ref[key]))
                break
        return Source(SourceType.GIT, str(spec.get("url") or ""), revision=revision, path=path)

    def _source_object(self, ref: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The source object.

        A GitRepository not in the repository is the repository itself (as the renderer
        reads it) when that repository's URL is known.
        """
        kind, name = str(ref.get("kind") or ""), str(ref.get("name") or "")
        found = self.index.get(kind, str(ref.get("namespace") or self.namespace), name)
        if found is None and kind == "GitRepository" and self.root_url:
            self.lose(
                "$.spec.sourceRef",
                f"GitRepository {name} is not in the repository: read as the converted "
                f"repository {self.root_url}, at its default branch (HEAD)",
            )
            return {"kind": kind, "spec": {"url": self.root_url, "ref": {"name": "HEAD"}}}
        return found

    def _policy(self) -> Policy:
        spec = self.spec
        policy = Policy(
            automated=not spec.get("suspend"),
            prune=bool(spec.get("prune")) if self.obj.get("kind") == "Kustomization" else True,
            interval=str(spec.get("interval") or ""),
            timeout=str(spec.get("timeout") or ""),
            wait=bool(spec.get("wait")),
        )
        self.origins["policy.automated"] = "$.spec.suspend"
        if spec.get("retryInterval"):
            # A fixed period: a backoff that does not grow.
            policy.retry = Retry(duration=str(spec["retryInterval"]), factor=1)
        if spec.get("interval") and not _argocd_period(str(spec["interval"])):
            self.lose(
                "$.spec.interval",
                f"every {spec['interval']}: Argo CD reconciles every application at its "
                f"global timeout.reconciliation period ({ARGOCD_PERIOD} by default)",
            )
        if spec.get("timeout"):
            self.lose("$.spec.timeout", "Argo CD has no per-application timeout")
        depends = [str(as_map(d).get("name")) for d in as_list(spec.get("dependsOn"))]
        policy.depends_on = [d for d in depends if d and d != "None"]
        if policy.depends_on:
            self.origins["policy.depends_on"] = "$.spec.dependsOn"
        if spec.get("serviceAccountName"):
            self.lose(
                "$.spec.serviceAccountName",
                "impersonation becomes the tenant AppProject's destinationServiceAccounts, "
                "which Argo CD honours only with application.sync.impersonation.enabled "
                "in argocd-cm",
            )
        if spec.get("kubeConfig"):
            self.lose(
                "$.spec.kubeConfig",
                "a remote cluster is an Argo CD cluster Secret: declare it, the destination "
                f"is named {self.cluster}",
            )
        for key in ("healthCheckExprs", "commonMetadata", "decryption", "force"):
            if spec.get(key):
                self.lose(f"$.spec.{key}", _NO_EQUIVALENT.get(key, "no Argo CD equivalent"))
        return policy

    def kustomization(self) -> FluxRead:
        spec = self.spec
        ref = as_map(spec.get("sourceRef"))
        kind = str(ref.get("kind") or "")
        path = str(spec.get("path") or "").strip().removeprefix("./").strip("/")
        path = posixpath.normpath(path) if path else "."
        source_obj = self._source_object(ref)
        if kind != "GitRepository" or source_obj is None:
            what = f"{kind} {ref.get('name')}"
            reason = (
                f"source {what} is not in the repository, and the repository's own URL is "
                "not known: give it with --repo URL=<the converted folder>"
                if source_obj is None and kind == "GitRepository"
                else f"source {what}: an Argo CD Application reads git, Helm and OCI "
                "chart repositories only (pre-render or point it at the git source)"
            )
            return FluxRead(None, unsupported=("$.spec.sourceRef", reason))
        source = self._git(source_obj, path)
        build = Build(BuildTool.KUSTOMIZE)
        options = build.kustomize
        options.name_prefix = str(spec.get("namePrefix") or "")
        options.name_suffix = str(spec.get("nameSuffix") or "")
        options.namespace = str(spec.get("targetNamespace") or "")
        options.images = [dict(as_map(i)) for i in as_list(spec.get("images"))]
        options.patches = [dict(as_map(p)) for p in as_list(spec.get("patches"))]
        options.components = [str(c) for c in as_list(spec.get("components"))]
        options.ignore_missing_components = bool(spec.get("ignoreMissingComponents"))
        metadata = as_map(spec.get("commonMetadata"))
        if metadata.get("labels"):
            options.common_labels = {str(k): str(v) for k, v in as_map(metadata["labels"]).items()}
            options.labels_without_selector = True
        post_build = as_map(spec.get("postBuild"))
        if post_build.get("substitute") or post_build.get("substituteFrom"):
            build.substitutions = {
                str(k): str(v) for k, v in as_map(post_build.get("substitute")).items()
            }
            self.lose(
                "$.spec.postBuild",
                "post-build variable substitution has no Argo CD equivalent without a config "
                "management plugin: ${...} stays as written",
            )
        for key in ("patchesStrategicMerge", "patchesJson6902", "validation"):
            if spec.get(key):
                self.lose(f"$.spec.{key}", "a removed Flux field (run gitops-schema upgrade first)")
        policy = self._policy()
        policy.cascade = spec.get("deletionPolicy") in ("Delete",) or (
            spec.get("deletionPolicy") in (None, "MirrorPrune", "WaitForTermination")
            and bool(spec.get("prune"))
        )
        return self._app(source, build, policy, options.namespace)

    def _chart(self, helm: HelmOptions) -> Source | tuple[str, str]:
        """The chart's source and its value files; (JSON path, reason) when Argo CD has none."""
        chart = as_map(as_map(self.spec.get("chart")).get("spec"))
        if not chart:
            return self._chart_ref()
        ref = as_map(chart.get("sourceRef"))
        source_obj = self._source_object(ref)
        kind = str(ref.get("kind") or "")
        if source_obj is None or kind not in ("GitRepository", "HelmRepository"):
            where = (
                "is not in the repository"
                if source_obj is None
                else "is not a git or Helm repository Argo CD reads"
            )
            return ("$.spec.chart.spec.sourceRef", f"chart source {kind} {ref.get('name')} {where}")
        if kind == "GitRepository":
            chart_path = str(chart.get("chart") or "").removeprefix("./").strip("/")
            source = self._git(source_obj, posixpath.normpath(chart_path or "."))
            files = [
                self._git_value_file(str(f), source.path) for f in as_list(chart.get("valuesFiles"))
            ]
        else:
            repo_spec = as_map(source_obj.get("spec"))
            url = str(repo_spec.get("url") or "")
            oci = repo_spec.get("type") == "oci" or url.startswith("oci://")
            source = Source(
                SourceType.OCI if oci else SourceType.HELM,
                url.removeprefix("oci://"),
                version=str(chart.get("version") or "*"),
                chart=str(chart.get("chart") or ""),
            )
            files = [str(f) for f in as_list(chart.get("valuesFiles"))]
        defaults = (posixpath.join(source.path, "values.yaml"), "values.yaml")
        if files and files[0].removeprefix("./") in defaults:
            files = files[1:]
        elif files:
            helm.chart_defaults = False
            self.lose(
                "$.spec.chart.spec.valuesFiles",
                "Flux valuesFiles replace the chart's values.yaml, Argo CD layers value "
                "files on top of it: the chart's defaults now apply underneath",
            )
        helm.value_files = [ValueFile(f) for f in files]
        helm.ignore_missing_value_files = bool(chart.get("ignoreMissingValuesFiles"))
        return source

    def _chart_ref(self) -> Source | tuple[str, str]:
        """A ``chartRef``'s OCI chart; (JSON path, reason) for any other kind."""
        chart_ref = as_map(self.spec.get("chartRef"))
        found = self._source_object(chart_ref) if chart_ref.get("kind") == "OCIRepository" else None
        if found is None:
            return (
                "$.spec.chartRef",
                f"chartRef {chart_ref.get('kind')} {chart_ref.get('name')} has no Argo CD "
                "source (only OCIRepository charts do)",
            )
        oci_spec = as_map(found.get("spec"))
        url = str(oci_spec.get("url") or "").removeprefix("oci://").rstrip("/")
        registry, _, name = url.rpartition("/")
        ref = as_map(oci_spec.get("ref"))
        if ref.get("digest") and not ref.get("tag"):
            self.lose("$.spec.chartRef", "a chart pinned by digest only: Argo CD pins versions")
        return Source(
            SourceType.OCI,
            registry,
            version=str(ref.get("tag") or ref.get("semver") or ""),
            chart=name,
        )

    def _helm_values(self) -> dict[str, Any]:
        """``valuesFrom`` in order, the inline values above them, then ``targetPath`` ones."""
        spec = self.spec
        values: dict[str, Any] = {}
        for index, entry in enumerate(as_list(spec.get("valuesFrom"))):
            values = self._values_from(as_map(entry), index, values)
        if isinstance(spec.get("values"), Mapping):
            values = merge_values(values, plain(spec["values"]))
        for index, entry in enumerate(as_list(spec.get("valuesFrom"))):
            values = self._target_path(as_map(entry), index, values)
        return values

    def helm_release(self) -> FluxRead:
        spec = self.spec
        build = Build(BuildTool.HELM)
        helm = build.helm
        source = self._chart(helm)
        if isinstance(source, tuple):
            return FluxRead(None, unsupported=source)
        helm.values = self._helm_values()
        target = str(spec.get("targetNamespace") or self.namespace)
        helm.release_name = release_name(
            self.name, spec.get("targetNamespace"), spec.get("releaseName")
        )
        install = as_map(spec.get("install"))
        helm.skip_crds = install.get("crds") == "Skip" or bool(install.get("skipCRDs"))
        for key in ("postRenderers", "test", "commonMetadata"):
            if spec.get(key) and (key != "test" or as_map(spec[key]).get("enable")):
                self.lose(f"$.spec.{key}", _NO_EQUIVALENT.get(key, "no Argo CD equivalent"))
        policy = self._policy()
        policy.self_heal = as_map(spec.get("driftDetection")).get("mode") == "enabled"
        policy.cascade = True
        retries = as_map(as_map(spec.get("upgrade")).get("remediation")).get("retries")
        if isinstance(retries, int) and retries != 0:
            policy.retry = Retry(limit=retries, duration="5s", factor=2, max_duration="3m")
            self.lose(
                "$.spec.upgrade.remediation",
                "remediation (rollback or uninstall between retries) becomes a plain retry",
            )
        read = self._app(source, build, policy, target)
        if read.app is not None:
            read.app.target.create_namespace = bool(install.get("createNamespace"))
        return read

    def _git_value_file(self, path: str, chart_path: str) -> str:
        """A values file relative to the source root, as Argo CD wants it: to the chart."""
        return posixpath.relpath(path.removeprefix("./"), chart_path)

    def _values_from(
        self, entry: Mapping[str, Any], index: int, values: dict[str, Any]
    ) -> dict[str, Any]:
        where = f"$.spec.valuesFrom[{index}]"
        kind, name = str(entry.get("kind") or ""), str(entry.get("name") or "")
        if kind == "Secret":
            self.lose(where, f"Secret {name}: secret values are never inlined into an Application")
            return values
        found = self.index.get(kind, self.namespace, name)
        if found is None:
            if not entry.get("optional"):
                self.lose(where, f"{kind} {name} is not in the repository, not carried over")
            return values
        if entry.get("targetPath"):
            return values  # applied after the inline values, below
        text = as_map(found.get("data")).get(str(entry.get("valuesKey") or "values.yaml"))
        try:
            loaded = yaml.safe_load(str(text)) if text is not None else None
        except yaml.YAMLError:
            loaded = None
        if not isinstance(loaded, dict):
            self.lose(where, f"{kind} {name} holds no values map under its key")
            return values
        self.lose(
            where,
            f"{kind} {name} is inlined into helm.valuesObject: later changes to it are not "
            "followed until converted again",
        )
        return merge_values(values, loaded)

    def _target_path(
        self, entry: Mapping[str, Any], index: int, values: dict[str, Any]
    ) -> dict[str, Any]:
        if not entry.get("targetPath") or entry.get("kind") != "ConfigMap":
            return values
        found = self.index.get("ConfigMap", self.namespace, str(entry.get("name") or ""))
        text = as_map((found or {}).get("data")).get(str(entry.get("valuesKey") or "values.yaml"))
        if text is None:
            return values
        try:
            set_path(values, str(entry["targetPath"]), str(text))
        except ValuesPathError as error:
            self.lose(f"$.spec.valuesFrom[{index}].targetPath", str(error))
        return values

    def _app(self, source: Source, build: Build, policy: Policy, namespace: str) -> FluxRead:
        app = NeutralApp(
            name=self.name,
            namespace=self.namespace,
            parts=[Part(source, build, "$.spec")],
            target=Target(cluster=self.cluster, namespace=namespace),
            policy=policy,
            tenancy=Tenancy(service_account=str(self.spec.get("serviceAccountName") or "")),
            origins=self.origins,
        )
        return FluxRead(app, self.losses)


def _argocd_period(interval: str) -> bool:
    """Whether a Flux interval is Argo CD's default reconciliation period (3m)."""
    try:
        return parse_duration(interval) == parse_duration(ARGOCD_PERIOD)
    except DurationError:
        return False


_NO_EQUIVALENT = {
    "healthCheckExprs": "CEL health checks: Argo CD assesses health with its built-in and Lua "
    "checks (declare a resource customization)",
    "commonMetadata": "labels only on top-level metadata after the build: Argo CD has no "
    "such edit for this source",
    "decryption": "SOPS decryption needs a config management plugin in Argo CD",
    "force": "recreate on immutable-field changes: Argo CD's Replace=true/Force=true differ",
    "postRenderers": "Argo CD cannot post-render a Helm chart without a plugin",
    "test": "Helm tests are not run by Argo CD",
}


def read_flux(
    obj: Mapping[str, Any], cluster: str, index: ObjectIndex, root_url: str | None = None
) -> FluxRead:
    """A Flux Kustomization or HelmRelease (as applied on ``cluster``) in the neutral model.

    ``root_url`` is the URL of the converted repository, for GitRepository sources that
    are not in it (made by a bootstrap or the Flux Operator), which read it.
    """
    reader = _Reader(obj, cluster, index, root_url)
    if obj.get("kind") == "HelmRelease":
        return reader.helm_release()
    return reader.kustomization()
