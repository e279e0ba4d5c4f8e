"""kustomize: the ``kustomization.yaml`` file (kinds Kustomization and Component).

Deprecated fields kustomize still reads (it moves them to their replacements when it loads the
file) are modelled too, so they are reported by the deprecation rules, not as unknown.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gitops_schema.model.base import KubeModel

GROUP = "kustomize.config.k8s.io"
FILE_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


class KustomizeMetadata(KubeModel):
    """The metadata of a kustomization file."""

    name: str | None = None
    namespace: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)


class GeneratorOptions(KubeModel):
    """Options of ConfigMap and Secret generators (for all of them, or for one)."""

    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    disable_name_suffix_hash: bool | None = None
    immutable: bool | None = None


class KVSource(KubeModel):
    """A key-value plugin source of a generator."""

    name: str | None = None
    plugin_type: str | None = None
    args: list[str] = Field(default_factory=list)


class ConfigMapArgs(KubeModel):
    """A ConfigMap generated from files, env files and literals."""

    name: str | None = None
    namespace: str | None = None
    behavior: str | None = None
    files: list[str] = Field(default_factory=list)
    envs: list[str] = Field(default_factory=list)
    literals: list[str] = Field(default_factory=list)
    options: GeneratorOptions | None = None
    kv_sources: list[KVSource] = Field(default=[], alias="KVSources")
    env: str | None = None
    """Deprecated: use ``envs``."""


class SecretArgs(ConfigMapArgs):
    """A Secret generated from files, env files and literals."""

    type: str | None = None


class HelmChart(KubeModel):
    """A Helm chart inflated by kustomize (``kustomize build --enable-helm``)."""

    name: str | None = None
    version: str | None = None
    repo: str | None = None
    release_name: str | None = None
    namespace: str | None = None
    name_template: str | None = None
    values_file: str | None = None
    additional_values_files: list[str] = Field(default_factory=list)
    values_inline: dict[str, Any] = Field(default_factory=dict)
    values_merge: str | None = None
    include_crds: bool | None = Field(default=None, alias="includeCRDs")
    skip_hooks: bool | None = None
    skip_tests: bool | None = None
    api_versions: list[str] = Field(default_factory=list)
    kube_version: str | None = None


class HelmGlobals(KubeModel):
    """Helm settings that are not specific to one chart."""

    chart_home: str | None = None
    config_home: str | None = None


class Image(KubeModel):
    """An image name override: a new name, tag, tag suffix or digest."""

    name: str | None = None
    new_name: str | None = None
    new_tag: str | None = None
    tag_suffix: str | None = None
    digest: str | None = None


class NameArgs(KubeModel):
    """A name and namespace."""

    name: str | None = None
    namespace: str | None = None


class Inventory(KubeModel):
    """An object recording every other object, for apply, prune and delete."""

    type: str | None = None
    config_map: NameArgs | None = None


class FieldSpec(KubeModel):
    """A field of some kinds of objects that a transformer edits."""

    path: str | None = None
    group: str | None = None
    version: str | None = None
    kind: str | None = None
    create: bool | None = None


class Label(KubeModel):
    """Labels to add, and whether selectors and templates get them too."""

    pairs: dict[str, str] = Field(default_factory=dict)
    include_selectors: bool | None = None
    include_templates: bool | None = None
    fields_: list[FieldSpec] = Field(default=[], alias="fields")


class Selector(KubeModel):
    """Objects matching all the given conditions."""

    group: str | None = None
    version: str | None = None
    kind: str | None = None
    name: str | None = None
    namespace: str | None = None
    annotation_selector: str | None = None
    label_selector: str | None = None


class PatchOptions(KubeModel):
    """Whether a patch may change the name or kind of its target."""

    allow_name_change: bool | None = None
    allow_kind_change: bool | None = None


class Patch(KubeModel):
    """A strategic-merge or JSON6902 patch, inline or from a file, and its target."""

    path: str | None = None
    patch: str | None = None
    target: Selector | None = None
    options: PatchOptions | None = None


class PatchTarget(KubeModel):
    """The object a deprecated ``patchesJson6902`` entry applies to."""

    kind: str
    name: str
    version: str
    group: str | None = None
    namespace: str | None = None


class Json6902Patch(KubeModel):
    """A deprecated ``patchesJson6902`` entry: a JSON patch, inline or from a file."""

    target: PatchTarget
    path: str | None = None
    patch: str | None = None


class Replica(KubeModel):
    """A replica count for the workloads of a name."""

    name: str | None = None
    count: int | None = None


class ReplacementOptions(KubeModel):
    """How a replacement value is cut from its source or written into its targets."""

    delimiter: str | None = None
    index: int | None = None
    create: bool | None = None


class ReplacementSource(KubeModel):
    """The object field a replacement reads its value from."""

    group: str | None = None
    version: str | None = None
    kind: str | None = None
    name: str | None = None
    namespace: str | None = None
    field_path: str | None = None
    options: ReplacementOptions | None = None


class ReplacementTarget(KubeModel):
    """The object fields a replacement writes its value to."""

    select: Selector
    reject: list[Selector] = Field(default_factory=list)
    field_paths: list[str] = Field(default_factory=list)
    options: ReplacementOptions | None = None


class Replacement(KubeModel):
    """A value copied from a source field (or given) into target fields, or a file of them."""

    path: str | None = None
    source: ReplacementSource | None = None
    source_value: str | None = None
    targets: list[ReplacementTarget] = Field(default_factory=list)


class LegacySortOptions(KubeModel):
    """Kinds output first and last by the legacy sort order."""

    order_first: list[str] = Field(default_factory=list)
    order_last: list[str] = Field(default_factory=list)


class SortOptions(KubeModel):
    """The order kustomize outputs objects in: ``legacy`` (by kind) or ``fifo``."""

    order: str | None = None
    legacy_sort_options: LegacySortOptions | None = None


class VarObjectReference(KubeModel):
    """The object a deprecated var reads from."""

    name: str
    api_version: str | None = None
    group: str | None = None
    version: str | None = None
    kind: str | None = None
    namespace: str | None = None


class VarFieldSelector(KubeModel):
    """The field a deprecated var reads."""

    fieldpath: str | None = None


class Var(KubeModel):
    """A deprecated ``$(NAME)`` variable read from an object field (use ``replacements``)."""

    name: str
    objref: VarObjectReference
    fieldref: VarFieldSelector | None = None


class KustomizeFile(KubeModel):
    """A kustomization file; ``apiVersion`` and ``kind`` may be left out.

    ``kind: Component`` (``kustomize.config.k8s.io/v1alpha1``) has the same fields except
    ``bases``, ``helmCharts``, ``helmGlobals``, ``inventory`` and ``vars``.
    """

    api_version: str | None = None
    kind: str | None = None
    metadata: KustomizeMetadata | None = None
    resources: list[str] = Field(default_factory=list)
    components: list[str] = Field(default_factory=list)
    crds: list[str] = Field(default_factory=list)
    namespace: str | None = None
    name_prefix: str | None = None
    name_suffix: str | None = None
    labels: list[Label] = Field(default_factory=list)
    common_annotations: dict[str, str] = Field(default_factory=dict)
    images: list[Image] = Field(default_factory=list)
    replicas: list[Replica] = Field(default_factory=list)
    patches: list[Patch] = Field(default_factory=list)
    replacements: list[Replacement] = Field(default_factory=list)
    config_map_generator: list[ConfigMapArgs] = Field(default_factory=list)
    secret_generator: list[SecretArgs] = Field(default_factory=list)
    generator_options: GeneratorOptions | None = None
    helm_charts: list[HelmChart] = Field(default_factory=list)
    helm_globals: HelmGlobals | None = None
    generators: list[str] = Field(default_factory=list)
    transformers: list[str] = Field(default_factory=list)
    validators: list[str] = Field(default_factory=list)
    configurations: list[str] = Field(default_factory=list)
    openapi: dict[str, str] = Field(default_factory=dict)
    build_metadata: list[str] = Field(default_factory=list)
    sort_options: SortOptions | None = None
    inventory: Inventory | None = None
    bases: list[str] = Field(default_factory=list)
    """Deprecated: use ``resources``."""
    common_labels: dict[str, str] = Field(default_factory=dict)
    """Deprecated: use ``labels`` (with ``includeSelectors: true`` for the same effect)."""
    patches_strategic_merge: list[str] = Field(default_factory=list)
    """Deprecated: use ``patches``."""
    patches_json6902: list[Json6902Patch] = Field(default_factory=list)
    """Deprecated: use ``patches``."""
    vars: list[Var] = Field(default_factory=list)
    """Deprecated: use ``replacements``."""
    image_tags: list[Image] = Field(default_factory=list)
    """Deprecated: use ``images``. Not in the JSON schemas, but kustomize still reads it."""
    helm_chart_inflation_generator: list[dict[str, Any]] = Field(default_factory=list)
    """Deprecated: use ``helmCharts``. Not in the JSON schemas, but kustomize still reads it."""
