"""Argo CD Applications rendered as the repo-server generates their manifests, offline.

Each source (``spec.source`` or every ``spec.sources`` entry) is rendered by its tool:
Helm (values layered as Argo CD passes them to ``helm template``), kustomize (the
Application's options written into an overlay, :mod:`.argocd_sources`) or a directory of
plain manifests. The destination namespace then fills in namespaces the objects lack.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from gitops_schema.codes.render import RENDER_ARGOCD_INVALID
from gitops_schema.diagnostics import Diagnostic, Report, Severity
from gitops_schema.errors import ToolFailed
from gitops_schema.load.plain import (
    InputError,
    mapping_of,
    read_text,
    read_yaml_mapping,
    yaml_values,
)
from gitops_schema.location import Location
from gitops_schema.model.argocd import ApplicationSource
from gitops_schema.model.base import KubeModel, ObjectMeta
from gitops_schema.render.argocd_sources import directory_files, kustomize_overlay, libraries
from gitops_schema.render.cache import RenderCache
from gitops_schema.render.chart_fetch import ChartFetchError, repository_chart
from gitops_schema.render.charts import (
    ChartError,
    cache_hint,
    prepared_chart,
    template_chart,
)
from gitops_schema.render.confine import (
    OUTSIDE,
    Confinement,
    OutsideRepository,
    escaping_links,
)
from gitops_schema.render.engines import (
    HelmEngine,
    KustomizeEngine,
    KustomizeOptions,
    find_kustomize,
    kube_version_numbers,
)
from gitops_schema.render.helm_values import (
    ValuesPathError,
    merge_values,
    parse_set_value,
    set_path,
)
from gitops_schema.render.inputs import collect_inputs, kustomization_file
from gitops_schema.render.jsonnet import JsonnetError, evaluate_jsonnet
from gitops_schema.render.kustomize import RenderResult, build_kustomization, report_outside
from gitops_schema.render.manifests import input_invalid, parse_stream
from gitops_schema.render.scratch import scratch_folder

__all__ = [
    "CLUSTER_SCOPED_KINDS",
    "apply_destination_namespace",
    "kustomize_build_options",
    "kustomize_folders",
    "render_application",
]

CLUSTER_SCOPED_KINDS = frozenset(
    {
        "APIService",
        "CertificateSigningRequest",
        "ClusterIssuer",
        "ClusterRole",
        "ClusterRoleBinding",
        "ComponentStatus",
        "CSIDriver",
        "CSINode",
        "CustomResourceDefinition",
        "FlowSchema",
        "IngressClass",
        "MutatingAdmissionPolicy",
        "MutatingAdmissionPolicyBinding",
        "MutatingWebhookConfiguration",
        "Namespace",
        "Node",
        "PersistentVolume",
        "PriorityClass",
        "PriorityLevelConfiguration",
        "RuntimeClass",
        "StorageClass",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "ValidatingWebhookConfiguration",
        "VolumeAttachment",
    }
)
"""Kinds the destination namespace never applies to (built-in cluster-scoped APIs)."""


@dataclass(frozen=True, slots=True)
class _Context:
    name: str
    namespace: str
    repository: Path
    repos: Mapping[str, Path]
    chart_cache: Path | None
    allow_network: bool
    refs: Mapping[str, Path]
    kustomize: KustomizeEngine | None
    kustomize_options: KustomizeOptions
    helm: HelmEngine
    cache: RenderCache | None
    where: Location
    allowed: tuple[Path, ...]
    """Folders trusted beside each repository (``--allow-outside``)."""

    def confinement(self, source: Mapping[str, Any]) -> Confinement:
        """What a source may read: its repository (or mapped folder), the trusted folders."""
        return Confinement.of(_git_root(self.repos, self.repository, source), self.allowed)


class _RenderedSpec(KubeModel):
    # What rendering reads of a spec; the rest (project, syncPolicy...) is not its business.
    # A mapping: its namespace is read as text whatever its YAML type (``n`` is false).
    destination: dict[str, Any] | None = None
    source: ApplicationSource | None = None
    sources: list[ApplicationSource] = Field(default_factory=list)


class _RenderedApplication(KubeModel):
    metadata: ObjectMeta | None = None
    spec: _RenderedSpec | None = None


def _invalid(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(step) for step in first["loc"] if not str(step).startswith("function"))
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"the Application is not rendered: {where or 'it'}: {first['msg']}{more}"


def _sources(app: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The sources of an Application that :class:`_RenderedApplication` validated."""
    spec = app.get("spec") or {}
    return list(spec.get("sources") or []) or ([spec["source"]] if spec.get("source") else [])


def render_application(
    app: Mapping[str, Any],
    *,
    repository: Path,
    repos: Mapping[str, Path] | None = None,
    chart_cache: Path | None = None,
    allow_network: bool = False,
    engine: KustomizeEngine | None = None,
    helm: HelmEngine | None = None,
    cache: RenderCache | None = None,
    location: Location | None = None,
    allow_outside: Sequence[Path] = (),
    kustomize_options: KustomizeOptions | None = None,
) -> RenderResult:
    """Render an Argo CD Application to the objects Argo CD would apply.

    Args:
        app: the Application as a plain mapping (as loaded or generated by an ApplicationSet).
        repository: the repository being rendered; git sources are read from it.
        repos: local folders for other git repositories, keyed by ``repoURL``.
        chart_cache: where charts of Helm and OCI repositories are found
            (``<chart>-<version>.tgz`` or ``<chart>/<version>/``).
        allow_network: download a repository chart missing from ``chart_cache`` into it
            (:func:`~gitops_schema.render.chart_fetch.repository_chart`).
        engine: the kustomize to run; found when a kustomize source needs it.
        helm: the Helm engine; the in-process one when omitted.
        cache: where kustomize outputs are stored by input hash.
        location: where to pin diagnostics; ``Application/<name>`` when omitted.
        allow_outside: folders outside the repository that its paths may still name
            (charts shared across repositories); nothing else outside is ever read.
        kustomize_options: Argo CD's kustomize build options (``kustomize.buildOptions``
            of ``argocd-cm``, see :func:`kustomize_build_options`); kustomize's defaults
            when omitted.

    Returns:
        The objects in source order, their YAML, and ``render-argocd-*`` diagnostics for
        each source that cannot be rendered (the others are still rendered); a path that
        leaves the repository is a ``render-outside-repository`` error.

    Raises:
        ToolNotFound: a kustomize source needs kustomize and none is installed.
    """
    result = RenderResult()
    try:
        typed = _RenderedApplication.model_validate(app)
    except ValidationError as error:
        where = location or Location("Application")
        result.report.add(RENDER_ARGOCD_INVALID.at(_invalid(error), where))
        return result
    name = (typed.metadata.name if typed.metadata else None) or ""
    where = location or Location(f"Application/{name}")
    # The raw mappings are read below: the model has checked every field they are read for.
    sources = _sources(app)
    if not sources:
        result.report.emit("render-argocd-no-source", Severity.ERROR, "no source", where)
        return result
    destination = (typed.spec.destination if typed.spec else None) or {}
    namespace = str(destination.get("namespace") or "")
    known = {_normal(url): path for url, path in (repos or {}).items()}
    refs = {
        str(source["ref"]): _git_root(known, repository, source)
        for source in sources
        if source.get("ref") and not source.get("chart")
    }
    context = _Context(
        name,
        namespace,
        repository,
        known,
        chart_cache,
        allow_network,
        refs,
        engine,
        kustomize_options or KustomizeOptions(),
        helm or HelmEngine(),
        cache,
        where,
        tuple(allow_outside),
    )
    several = bool((app.get("spec") or {}).get("sources"))
    for index, source in enumerate(sources):
        if source.get("ref") and not source.get("path") and not source.get("chart"):
            continue
        field = f"spec.sources[{index}]" if several else "spec.source"
        result.manifests.extend(_render_source(context, source, field, result.report))
    result.manifests = apply_destination_namespace(result.manifests, namespace)
    return result


def kustomize_folders(
    app: Mapping[str, Any],
    *,
    repository: Path,
    repos: Mapping[str, Path] | None = None,
    allow_outside: Sequence[Path] = (),
) -> list[tuple[Path, Confinement]]:
    """The folders :func:`render_application` builds with kustomize as they are.

    Those are the sources with a kustomization file and no ``kustomize`` options (which
    are built through an overlay instead): a caller may build them ahead, together. Each
    comes with the repository it may read.
    """
    try:
        _RenderedApplication.model_validate(app)
    except ValidationError:
        return []  # render_application reports it
    known = {_normal(url): path for url, path in (repos or {}).items()}
    folders = []
    for source in _sources(app):
        if source.get("plugin") is not None:
            continue
        if source.get("chart") or source.get("helm") is not None:
            continue
        if source.get("kustomize") or (source.get("ref") and not source.get("path")):
            continue
        confinement = Confinement.of(_git_root(known, repository, source), allow_outside)
        try:
            folder = app_path(confinement, source)
        except OutsideRepository:
            continue  # render_application reports it.
        if (
            folder.is_dir()
            and not (folder / "Chart.yaml").is_file()
            and kustomization_file(folder) is not None
        ):
            folders.append((folder, confinement))
    return folders


def apply_destination_namespace(
    manifests: list[dict[str, Any]], namespace: str
) -> list[dict[str, Any]]:
    """Set ``metadata.namespace`` on namespaced objects that have none, as Argo CD does."""
    if not namespace:
        return manifests
    for obj in manifests:
        if obj.get("kind") in CLUSTER_SCOPED_KINDS:
            continue
        metadata = obj.setdefault("metadata", {})
        if not metadata.get("namespace"):
            metadata["namespace"] = namespace
    return manifests


_RESTRICTED = "is not in or below"
"""What kustomize says when its load restrictor refuses a file outside the kustomization."""


def _restrictor_hint(report: Report, options: KustomizeOptions) -> list[Diagnostic]:
    """The build's diagnostics, a load-restrictor refusal naming the build option it lacks."""
    if options.load_restrictor != "LoadRestrictionsRootOnly":
        return list(report)
    return [
        replace(
            d,
            message=f"{d.message}; the kustomize build option --load-restrictor "
            "LoadRestrictionsNone is missing (Argo CD's kustomize.buildOptions in argocd-cm, "
            "or --kustomize-build-options)",
        )
        if d.rule == "render-kustomize-failed" and _RESTRICTED in d.message
        else d
        for d in report
    ]


def kustomize_build_options(text: str) -> tuple[KustomizeOptions, list[str]]:
    """Argo CD's ``kustomize.buildOptions`` as build options, and the words not honoured.

    ``--load-restrictor LoadRestrictionsNone`` (or ``=``) and ``--enable-helm`` are
    honoured; anything else (``--enable-alpha-plugins`` runs programs a repository names)
    is returned, for the caller to report.
    """
    words = text.split()
    restrictor: str = "LoadRestrictionsRootOnly"
    helm = False
    ignored: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        flag, equals, value = word.partition("=")
        if flag == "--load-restrictor":
            if not equals and index + 1 < len(words):
                index += 1
                value = words[index]
            if value in ("LoadRestrictionsRootOnly", "LoadRestrictionsNone"):
                restrictor = value
            else:
                ignored.append(f"{flag} {value}".strip())
        elif word == "--enable-helm":
            helm = True
        else:
            ignored.append(word)
        index += 1
    options = KustomizeOptions(
        load_restrictor="LoadRestrictionsNone"
        if restrictor == "LoadRestrictionsNone"
        else "LoadRestrictionsRootOnly",
        enable_helm=helm,
    )
    return options, ignored


def _normal(url: str) -> str:
    # Argo CD compares git URLs case-insensitively, without a trailing slash or ".git".
    url = url.strip().lower().rstrip("/")
    return url.removesuffix(".git")


def _git_root(repos: Mapping[str, Path], repository: Path, source: Mapping[str, Any]) -> Path:
    return repos.get(_normal(str(source.get("repoURL", ""))), repository)


def app_path(confinement: Confinement, source: Mapping[str, Any]) -> Path:
    """The folder of a source's ``path``, as Argo CD checks it: relative, inside its repository.

    Raises:
        OutsideRepository: an absolute path, or one that leaves the repository.
    """
    return confinement.resolve(str(source.get("path") or "."))


def outside(report: Report, field: str, error: OutsideRepository, where: Location) -> None:
    """The diagnostic of a path that leaves the repository: file (``where``), field, path."""
    report.emit("render-outside-repository", Severity.ERROR, f"{field} {error}: not read", where)


def _render_source(
    context: _Context, source: Mapping[str, Any], field: str, report: Report
) -> list[dict[str, Any]]:
    url = str(source.get("repoURL", ""))
    if source.get("plugin") is not None:
        plugin = (source.get("plugin") or {}).get("name") or "discovered"
        report.emit(
            "render-argocd-plugin",
            Severity.ERROR,
            f"config management plugin {plugin!r} ({url} {source.get('path', '')}) is not "
            "run offline",
            context.where,
        )
        return []
    if source.get("chart"):
        return _render_repository_chart(context, source, field, report)
    root = _git_root(context.repos, context.repository, source)
    confinement = context.confinement(source)
    try:
        folder = app_path(confinement, source)
    except OutsideRepository as error:
        outside(report, f"{field}.path", error, context.where)
        return []
    if not folder.is_dir():
        report.emit(
            "render-argocd-path-not-found",
            Severity.ERROR,
            f"path {source.get('path')!r} of {url} not found (read from {root})"
            + (
                ""
                if _normal(url) in context.repos
                else f"; if {url} is another repository, give its folder: --repo {url}=DIR"
            ),
            context.where,
        )
        return []
    links = list(escaping_links(folder, confinement))
    if links:
        # Argo CD refuses a repository with out-of-bounds symlinks; here the source that
        # holds them is refused, and the rest renders.
        shown = ", ".join(confinement.shown(link) for link in links[:5])
        report.emit(
            "render-outside-repository",
            Severity.ERROR,
            f"{field}.path {source.get('path')!r} holds symlinks that point {OUTSIDE} "
            f"(out-of-bounds symlinks): {shown}: not read",
            context.where,
        )
        return []
    if source.get("helm") is not None or (folder / "Chart.yaml").is_file():
        return _render_helm(context, source, field, folder, report)
    if source.get("kustomize") is not None or kustomization_file(folder) is not None:
        return _render_kustomize(context, source, field, folder, report)
    return _render_directory(context, source, field, folder, report)


def _render_repository_chart(
    context: _Context, source: Mapping[str, Any], field: str, report: Report
) -> list[dict[str, Any]]:
    chart, version = str(source["chart"]), str(source.get("targetRevision") or "")
    url = str(source.get("repoURL") or "")
    try:
        found = repository_chart(
            context.chart_cache, url, chart, version, allow_network=context.allow_network
        )
    except ChartFetchError as error:
        report.emit("render-argocd-chart-fetch-failed", Severity.ERROR, str(error), context.where)
        return []
    if found is None:
        report.emit(
            "render-argocd-chart-not-cached",
            Severity.INFO,
            f"cannot verify offline: chart {chart} {version} from {url} is not in the chart cache "
            f"({cache_hint(chart, version)})",
            context.where,
        )
        return []
    return _render_helm(context, source, field, found, report)


def _render_helm(
    context: _Context, source: Mapping[str, Any], field: str, chart: Path, report: Report
) -> list[dict[str, Any]]:
    helm = source.get("helm") or {}
    where = context.where
    kube_version = str(helm.get("kubeVersion") or "")
    if kube_version:
        # The repo-server hands Helm only the release numbers ("v1.20.3-gke.1" -> "1.20.3").
        try:
            kube_version = kube_version_numbers(kube_version)
        except ValueError as error:
            report.emit(
                "render-argocd-helm-kube-version",
                Severity.ERROR,
                f"could not parse kubernetes version {kube_version}: {error}",
                where,
            )
            return []
    try:
        with prepared_chart(chart, context.chart_cache) as folder:
            if source.get("chart"):
                # A repository chart is its own repository: its value files are its files.
                files = _Files(Confinement.of(folder, context.allowed), folder)
            else:
                files = _Files(context.confinement(source), chart)
            values = _helm_values(context, helm, field, files, report)
            if values is None:
                return []
            text = template_chart(
                context.helm,
                folder,
                values,
                release=str(helm.get("releaseName") or context.name),
                namespace=str(helm.get("namespace") or context.namespace or "default"),
                include_crds=not helm.get("skipCrds", False),
                kube_version=kube_version or None,
                api_versions=[str(api) for api in helm.get("apiVersions") or []],
            )
    except ChartError as error:
        report.emit("render-argocd-chart-unavailable", Severity.ERROR, str(error), where)
        return []
    except ToolFailed as error:
        report.emit("render-argocd-helm-failed", Severity.ERROR, error.message, where)
        return []
    try:
        return parse_stream(text, f"helm template of Application {context.name}")
    except InputError as error:
        report.emit("render-argocd-helm-failed", Severity.ERROR, str(error), where)
        return []


@dataclass(frozen=True, slots=True)
class _Files:
    """Where a Helm source's value files are read: its folder, inside its repository."""

    confinement: Confinement
    base: Path


def _helm_values(
    context: _Context, helm: Mapping[str, Any], field: str, files: _Files, report: Report
) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    for index, entry in enumerate(helm.get("valueFiles") or []):
        where = f"{field}.helm.valueFiles[{index}]"
        try:
            path = _value_file(context, str(entry), files)
        except OutsideRepository as error:
            outside(report, where, error, context.where)
            return None
        if path is None or not path.is_file():
            if helm.get("ignoreMissingValueFiles"):
                continue
            report.emit(
                "render-argocd-value-file-missing",
                Severity.ERROR,
                f"{where}: value file {entry} not found (relative to {files.base})"
                + _absolute_hint(str(entry)),
                context.where,
            )
            return None
        try:
            values = merge_values(values, read_yaml_mapping(path))
        except InputError as error:
            report.add(input_invalid(error, f"value file of Application {context.name}"))
            return None
    inline = helm.get("valuesObject")
    if inline is None and helm.get("values"):
        shown = f"Application/{context.name} helm.values"
        try:
            documents = yaml_values(helm["values"], shown)
            inline = mapping_of(documents[0] if documents else None, shown)
        except InputError as error:
            report.add(input_invalid(error, "inline values"))
            return None
    if inline:
        values = merge_values(values, inline)
    values = copy.deepcopy(values)
    for parameter in helm.get("parameters") or []:
        value = parse_set_value(
            str(parameter.get("value") or ""), force_string=bool(parameter.get("forceString"))
        )
        try:
            set_path(values, str(parameter.get("name") or ""), value)
        except ValuesPathError as error:
            report.emit("render-argocd-helm-parameter", Severity.ERROR, str(error), context.where)
            return None
    for index, parameter in enumerate(helm.get("fileParameters") or []):
        where = f"{field}.helm.fileParameters[{index}].path"
        try:
            path = _value_file(context, str(parameter.get("path", "")), files)
        except OutsideRepository as error:
            outside(report, where, error, context.where)
            return None
        if path is None or not path.is_file():
            report.emit(
                "render-argocd-value-file-missing",
                Severity.ERROR,
                f"{where}: file parameter {parameter.get('path')} not found"
                + _absolute_hint(str(parameter.get("path", ""))),
                context.where,
            )
            return None
        try:
            set_path(values, str(parameter.get("name") or ""), read_text(path))
        except InputError as error:
            report.add(input_invalid(error, f"file parameter of Application {context.name}"))
            return None
        except ValuesPathError as error:
            report.emit("render-argocd-helm-parameter", Severity.ERROR, str(error), context.where)
            return None
    return values


def _absolute_hint(entry: str) -> str:
    if not entry.startswith("/"):
        return ""
    return f" (an absolute path is read from the repository root, never from {OUTSIDE})"


def _value_file(context: _Context, entry: str, files: _Files) -> Path | None:
    """The file a value file or file parameter names, as Argo CD resolves it.

    Relative to the source's folder; absolute, relative to its repository's root;
    ``$ref/...``, relative to the root of the source named ``ref``. Symlinks are followed
    and the result must stay inside that repository (or a trusted folder).

    Raises:
        OutsideRepository: the file is outside.
    """
    if entry.startswith("$"):
        ref, _, rest = entry[1:].partition("/")
        root = context.refs.get(ref)
        if root is None:
            return None
        return Confinement.of(root, context.allowed).resolve(rest, absolute="root")
    if "://" in entry:
        return None
    return files.confinement.resolve(entry, base=files.base, absolute="root")


def _render_kustomize(
    context: _Context, source: Mapping[str, Any], field: str, folder: Path, report: Report
) -> list[dict[str, Any]]:
    options = source.get("kustomize") or {}
    engine = context.kustomize or find_kustomize()
    confinement = context.confinement(source)
    edits = {k: v for k, v in options.items() if k not in ("version", "kubeVersion", "apiVersions")}
    build_options = context.kustomize_options
    if not edits:
        result = build_kustomization(
            folder,
            options=build_options,
            engine=engine,
            cache=context.cache,
            location=context.where,
            confinement=confinement,
        )
        report.extend(_restrictor_hint(result.report, build_options))
        return result.manifests
    components = [str(c) for c in edits.get("components") or []]
    inputs = collect_inputs(folder, components, confinement=confinement)
    try:
        overlay = kustomize_overlay(folder, edits, _OVERLAY_AT, confinement)
    except OutsideRepository as error:
        inputs.outside.append(f"{field}.kustomize {error}")
    except (OSError, InputError) as error:
        report.emit("render-argocd-kustomize-failed", Severity.ERROR, str(error), context.where)
        return []
    if inputs.outside:
        report_outside(report, inputs.outside, context.where)
        return []
    key = None
    if context.cache is not None:
        key = inputs.key(
            "argocd-overlay",
            engine.version,
            *build_options.flags(),
            json.dumps(overlay, sort_keys=True),
        )
        entry = context.cache.get(key, manifests=list)
        if entry is not None:
            return list(entry["manifests"])
    with scratch_folder("gitops-schema-argocd-") as temporary:
        overlay = kustomize_overlay(folder, edits, temporary, confinement)
        (temporary / "kustomization.yaml").write_text(json.dumps(overlay), "utf-8")
        result = build_kustomization(
            temporary,
            options=build_options,
            engine=engine,
            location=context.where,
            confinement=Confinement(temporary.resolve(), (confinement.root, *confinement.allowed)),
        )
    report.extend(_restrictor_hint(result.report, build_options))
    if key is not None and context.cache is not None and result.report.ok:
        context.cache.put(key, {"manifests": result.manifests})
    return result.manifests


_OVERLAY_AT = Path("/gitops-schema-overlay")
"""Where the overlay is imagined for its cache key: its real folder is a new one each time."""


def _render_directory(
    context: _Context, source: Mapping[str, Any], field: str, folder: Path, report: Report
) -> list[dict[str, Any]]:
    directory = source.get("directory") or {}
    confinement = context.confinement(source)
    manifests, jsonnet = directory_files(
        folder,
        recurse=bool(directory.get("recurse")),
        include=str(directory.get("include") or ""),
        exclude=str(directory.get("exclude") or ""),
    )
    objects: list[dict[str, Any]] = []
    settings = directory.get("jsonnet") or {}
    settings = settings if isinstance(settings, Mapping) else {}
    try:
        settings = {**settings, "libs": libraries(settings, confinement)} if jsonnet else settings
    except OutsideRepository as error:
        outside(report, f"{field}.directory.jsonnet.libs", error, context.where)
        return []
    env = {
        "ARGOCD_APP_NAME": context.name,
        "ARGOCD_APP_NAMESPACE": context.namespace,
        "ARGOCD_APP_SOURCE_REPO_URL": str(source.get("repoURL") or ""),
        "ARGOCD_APP_SOURCE_PATH": str(source.get("path") or ""),
        "ARGOCD_APP_SOURCE_TARGET_REVISION": str(source.get("targetRevision") or ""),
    }
    for path in jsonnet:
        try:
            objects.extend(
                evaluate_jsonnet(
                    path,
                    app_folder=folder,
                    repo_root=confinement.root,
                    settings=settings,
                    env=env,
                    allowed=confinement.allowed,
                )
            )
        except JsonnetError as error:
            report.emit("render-argocd-jsonnet-failed", Severity.ERROR, str(error), context.where)
    for path in manifests:
        if not confinement.contains(path):
            outside(
                report,
                f"{field}.path",
                OutsideRepository(str(path), f"is a symlink that points {OUTSIDE}"),
                context.where,
            )
            continue
        try:
            objects.extend(parse_stream(read_text(path), str(path)))
        except InputError as error:
            report.emit(
                "render-argocd-manifest-invalid",
                Severity.ERROR,
                f"{error} (a manifest of Application {context.name})",
                context.where,
            )
    return objects
