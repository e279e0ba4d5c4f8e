"""Flux Kustomization / HelmRelease -> the neutral model, with every field it cannot hold."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from gitops_schema.convert.data import as_map, plain
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
from gitops_schema.convert.typed import typed
from gitops_schema.golang.duration import DurationError, parse_duration
from gitops_schema.model.flux_common import CrossNamespaceSourceReference
from gitops_schema.model.flux_helm import HelmRelease, HelmReleaseSpec, ValuesReference
from gitops_schema.model.flux_kustomize import Kustomization, KustomizationSpec
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
        self,
        obj: Kustomization | HelmRelease,
        cluster: str,
        index: ObjectIndex,
        root_url: str | None,
    ) -> None:
        self.obj = obj
        self.root_url = root_url
        self.cluster = cluster
        self.index = index
        self.losses: list[tuple[str, str]] = []
        self.origins: dict[str, str] = {}
        self.name = obj.metadata.name or ""
        self.namespace = obj.metadata.namespace or "flux-system"

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

    def _source_object(self, ref: CrossNamespaceSourceReference) -> Mapping[str, Any] | None:
        """The source object.

        A GitRepository not in the repository is the repository itself (as the renderer
        reads it) when that repository's URL is known.
        """
        found = self.index.get(ref.kind, ref.namespace or self.namespace, ref.name)
        if found is None and ref.kind == "GitRepository" and self.root_url:
            self.lose(
                "$.spec.sourceRef",
                f"GitRepository {ref.name} is not in the repository: read as the converted "
                f"repository {self.root_url}, at its default branch (HEAD)",
            )
            return {"kind": ref.kind, "spec": {"url": self.root_url, "ref": {"name": "HEAD"}}}
        return found

    def _policy(self, spec: KustomizationSpec | HelmReleaseSpec) -> Policy:
        policy = Policy(
            automated=not spec.suspend,
            prune=True,
            interval=spec.interval,
            timeout=spec.timeout or "",
            wait=False,
        )
        unmapped: dict[str, Any] = {
            "healthCheckExprs": spec.health_check_exprs,
            "commonMetadata": spec.common_metadata,
        }
        if isinstance(spec, KustomizationSpec):
            policy.prune, policy.wait = spec.prune, bool(spec.wait)
            if spec.retry_interval:
                # A fixed period: a backoff that does not grow.
                policy.retry = Retry(duration=spec.retry_interval, factor=1)
            unmapped.update(decryption=spec.decryption, force=spec.force)
            # With wait, Flux itself ignores healthChecks: nothing is lost then.
            if not spec.wait:
                unmapped["healthChecks"] = spec.health_checks
        self.origins["policy.automated"] = "$.spec.suspend"
        if spec.interval and not _argocd_period(spec.interval):
            self.lose(
                "$.spec.interval",
                f"every {spec.interval}: Argo CD reconciles every application at its "
                f"global timeout.reconciliation period ({ARGOCD_PERIOD} by default)",
            )
        if spec.timeout:
            self.lose("$.spec.timeout", "Argo CD has no per-application timeout")
        policy.depends_on = [d.name for d in spec.depends_on if d.name]
        if policy.depends_on:
            self.origins["policy.depends_on"] = "$.spec.dependsOn"
        if spec.service_account_name:
            self.lose(
                "$.spec.serviceAccountName",
                "impersonation becomes the tenant AppProject's destinationServiceAccounts, "
                "which Argo CD honours only with application.sync.impersonation.enabled "
                "in argocd-cm",
            )
        if spec.kube_config is not None:
            self.lose(
                "$.spec.kubeConfig",
                "a remote cluster is an Argo CD cluster Secret: declare it, the destination "
                f"is named {self.cluster}",
            )
        for key, value in unmapped.items():
            if value:
                self.lose(f"$.spec.{key}", _NO_EQUIVALENT.get(key, "no Argo CD equivalent"))
        return policy

    def kustomization(self, spec: KustomizationSpec) -> FluxRead:
        ref = spec.source_ref
        path = (spec.path or "").strip().removeprefix("./").strip("/")
        path = posixpath.normpath(path) if path else "."
        source_obj = self._source_object(ref)
        if ref.kind != "GitRepository" or source_obj is None:
            what = f"{ref.kind} {ref.name}"
            reason = (
                f"source {what} is not in the repository, and the repository's own URL is "
                "not known: give it with --repo URL=<the converted folder>"
                if source_obj is None and ref.kind == "GitRepository"
                else f"source {what}: an Argo CD Application reads git, Helm and OCI "
                "chart repositories only (pre-render or point it at the git source)"
            )
            return FluxRead(None, unsupported=("$.spec.sourceRef", reason))
        source = self._git(source_obj, path)
        build = Build(BuildTool.KUSTOMIZE)
        options = build.kustomize
        options.name_prefix = spec.name_prefix or ""
        options.name_suffix = spec.name_suffix or ""
        options.namespace = spec.target_namespace or ""
        options.images = [i.model_dump(by_alias=True, exclude_none=True) for i in spec.images]
        options.patches = [p.model_dump(by_alias=True, exclude_none=True) for p in spec.patches]
        options.components = list(spec.components)
        options.ignore_missing_components = bool(spec.ignore_missing_components)
        if spec.common_metadata is not None and spec.common_metadata.labels:
            options.common_labels = dict(spec.common_metadata.labels)
            options.labels_without_selector = True
        post_build = spec.post_build
        if post_build is not None and (post_build.substitute or post_build.substitute_from):
            build.substitutions = dict(post_build.substitute)
            self.lose(
                "$.spec.postBuild",
                "post-build variable substitution has no Argo CD equivalent without a config "
                "management plugin: ${...} stays as written",
            )
        for key, value in (
            ("patchesStrategicMerge", spec.patches_strategic_merge),
            ("patchesJson6902", spec.patches_json6902),
            ("validation", spec.validation),
        ):
            if value:
                self.lose(f"$.spec.{key}", "a removed Flux field (run gitops-schema upgrade first)")
        policy = self._policy(spec)
        policy.cascade = spec.deletion_policy == "Delete" or (
            spec.deletion_policy in (None, "MirrorPrune", "WaitForTermination") and spec.prune
        )
        return self._app(source, build, policy, options.namespace)

    def _chart(self, spec: HelmReleaseSpec, helm: HelmOptions) -> Source | tuple[str, str]:
        """The chart's source and its value files; (JSON path, reason) when Argo CD has none."""
        if spec.chart is None:
            return self._chart_ref(spec.chart_ref)
        chart = spec.chart.spec
        ref = chart.source_ref
        source_obj = self._source_object(ref)
        if source_obj is None or ref.kind not in ("GitRepository", "HelmRepository"):
            where = (
                "is not in the repository"
                if source_obj is None
                else "is not a git or Helm repository Argo CD reads"
            )
            return ("$.spec.chart.spec.sourceRef", f"chart source {ref.kind} {ref.name} {where}")
        if ref.kind == "GitRepository":
            chart_path = chart.chart.removeprefix("./").strip("/")
            source = self._git(source_obj, posixpath.normpath(chart_path or "."))
            files = [self._git_value_file(f, source.path) for f in chart.values_files]
        else:
            repo_spec = as_map(source_obj.get("spec"))
            url = str(repo_spec.get("url") or "")
            oci = repo_spec.get("type") == "oci" or url.startswith("oci://")
            source = Source(
                SourceType.OCI if oci else SourceType.HELM,
                url.removeprefix("oci://"),
                version=chart.version or "*",
                chart=chart.chart,
            )
            files = list(chart.values_files)
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
        helm.ignore_missing_value_files = bool(chart.ignore_missing_values_files)
        return source

    def _chart_ref(
        self, chart_ref: CrossNamespaceSourceReference | None
    ) -> Source | tuple[str, str]:
        """A ``chartRef``'s OCI chart; (JSON path, reason) for any other kind."""
        found = None
        if chart_ref is not None and chart_ref.kind == "OCIRepository":
            found = self._source_object(chart_ref)
        if chart_ref is None or found is None:
            what = f"{chart_ref.kind} {chart_ref.name}" if chart_ref else "None None"
            return (
                "$.spec.chartRef",
                f"chartRef {what} has no Argo CD source (only OCIRepository charts do)",
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

    def _helm_values(self, spec: HelmReleaseSpec) -> dict[str, Any]:
        """``valuesFrom`` in order, the inline values above them, then ``targetPath`` ones."""
        values: dict[str, Any] = {}
        for index, entry in enumerate(spec.values_from):
            values = self._values_from(entry, index, values)
        if spec.values:
            values = merge_values(values, plain(spec.values))
        for index, entry in enumerate(spec.values_from):
            values = self._target_path(entry, index, values)
        return values

    def helm_release(self, spec: HelmReleaseSpec) -> FluxRead:
        build = Build(BuildTool.HELM)
        helm = build.helm
        source = self._chart(spec, helm)
        if isinstance(source, tuple):
            return FluxRead(None, unsupported=source)
        helm.values = self._helm_values(spec)
        target = spec.target_namespace or self.namespace
        helm.release_name = release_name(self.name, spec.target_namespace, spec.release_name)
        install = spec.install
        helm.skip_crds = install is not None and (install.crds == "Skip" or bool(install.skip_crds))
        drift, chart, upgrade = spec.drift_detection, spec.chart, spec.upgrade
        for key, value in (
            ("postRenderers", spec.post_renderers),
            ("test", spec.test is not None and spec.test.enable),
            ("commonMetadata", spec.common_metadata),
            ("driftDetection.ignore", drift is not None and drift.ignore),
            ("chart.spec.verify", chart is not None and chart.spec.verify is not None),
            ("upgrade.force", upgrade is not None and upgrade.force),
            ("install.replace", install is not None and install.replace),
            ("install.disableWait", install is not None and install.disable_wait),
            ("upgrade.disableWait", upgrade is not None and upgrade.disable_wait),
            ("upgrade.cleanupOnFail", upgrade is not None and upgrade.cleanup_on_fail),
            ("maxHistory", spec.max_history is not None),
            ("rollback", spec.rollback is not None),
            ("uninstall", spec.uninstall is not None),
        ):
            if value:
                self.lose(f"$.spec.{key}", _NO_EQUIVALENT.get(key, "no Argo CD equivalent"))
        policy = self._policy(spec)
        policy.self_heal = (
            spec.drift_detection is not None and spec.drift_detection.mode == "enabled"
        )
        policy.cascade = True
        remediation = spec.upgrade.remediation if spec.upgrade is not None else None
        retries = remediation.retries if remediation is not None else None
        if retries:
            policy.retry = Retry(limit=retries, duration="5s", factor=2, max_duration="3m")
            self.lose(
                "$.spec.upgrade.remediation",
                "remediation (rollback or uninstall between retries) becomes a plain retry",
            )
        read = self._app(source, build, policy, target)
        if read.app is not None:
            read.app.target.create_namespace = bool(install and install.create_namespace)
        return read

    def _git_value_file(self, path: str, chart_path: str) -> str:
        """A values file relative to the source root, as Argo CD wants it: to the chart."""
        return posixpath.relpath(path.removeprefix("./"), chart_path)

    def _values_from(
        self, entry: ValuesReference, index: int, values: dict[str, Any]
    ) -> dict[str, Any]:
        where = f"$.spec.valuesFrom[{index}]"
        kind, name = entry.kind, entry.name
        if kind == "Secret":
            self.lose(where, f"Secret {name}: secret values are never inlined into an Application")
            return values
        found = self.index.get(kind, self.namespace, name)
        if found is None:
            if not entry.optional:
                self.lose(where, f"{kind} {name} is not in the repository, not carried over")
            return values
        if entry.target_path:
            return values  # applied after the inline values, below
        text = as_map(found.get("data")).get(entry.values_key or "values.yaml")
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
        self, entry: ValuesReference, index: int, values: dict[str, Any]
    ) -> dict[str, Any]:
        if not entry.target_path or entry.kind != "ConfigMap":
            return values
        found = self.index.get("ConfigMap", self.namespace, entry.name)
        text = as_map((found or {}).get("data")).get(entry.values_key or "values.yaml")
        if text is None:
            return values
        try:
            set_path(values, entry.target_path, str(text))
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
            tenancy=Tenancy(service_account=self.obj.spec.service_account_name or ""),
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
    "healthChecks": "Argo CD waits for the health of every object the Application applies, "
    "not for these named objects (one it does not apply is never waited for)",
    "healthCheckExprs": "CEL health checks: Argo CD assesses health with its built-in and Lua "
    "checks (declare a resource customization)",
    "commonMetadata": "labels only on top-level metadata after the build: Argo CD has no "
    "such edit for this source",
    "decryption": "SOPS decryption needs a config management plugin in Argo CD",
    "force": "recreate on immutable-field changes: Argo CD's Replace=true/Force=true differ",
    "driftDetection.ignore": "Flux leaves drift at these paths alone; Argo CD's self-heal "
    "corrects it unless spec.ignoreDifferences lists them (not converted)",
    "chart.spec.verify": "Argo CD does not verify chart signatures",
    "upgrade.force": "Helm's forced upgrade (replace) becomes Argo CD's apply: set "
    "Replace=true in syncOptions if it is needed",
    "install.replace": "Argo CD keeps no Helm release to replace: it applies the rendered chart",
    "install.disableWait": "Argo CD does not wait as Helm does: its health checks decide",
    "upgrade.disableWait": "Argo CD does not wait as Helm does: its health checks decide",
    "upgrade.cleanupOnFail": "Argo CD does not delete what a failed sync created",
    "maxHistory": "Argo CD keeps no Helm release history: its own history is of synced revisions",
    "rollback": "Argo CD runs no Helm rollback: it rolls back to an earlier synced revision",
    "uninstall": "Argo CD uninstalls no Helm release: its finalizer deletes the resources",
    "postRenderers": "Argo CD cannot post-render a Helm chart without a plugin",
    "test": "Helm tests are not run by Argo CD",
}


def read_flux(
    obj: Mapping[str, Any], cluster: str, index: ObjectIndex, root_url: str | None = None
) -> FluxRead:
    """A Flux Kustomization or HelmRelease (as applied on ``cluster``) in the neutral model.

    It is read through its typed model; one that does not fit it is unsupported, with the
    field that does not. ``root_url`` is the URL of the converted repository, for
    GitRepository sources that are not in it (made by a bootstrap or the Flux Operator),
    which read it.
    """
    if obj.get("kind") == "HelmRelease":
        release = typed(HelmRelease, obj)
        if isinstance(release, str):
            return FluxRead(None, unsupported=("$.spec", release))
        return _Reader(release, cluster, index, root_url).helm_release(release.spec)
    kustomization = typed(Kustomization, obj)
    if isinstance(kustomization, str):
        return FluxRead(None, unsupported=("$.spec", kustomization))
    return _Reader(kustomization, cluster, index, root_url).kustomization(kustomization.spec)
