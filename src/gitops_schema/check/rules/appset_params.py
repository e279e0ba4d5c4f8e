"""Which parameters an ApplicationSet's generators can emit, known without running them.

Each generator kind emits a fixed set of parameter names (plus, for some, names taken
from its own spec: list element keys, ``values`` keys). A template that references
anything else renders a literal ``{{x}}`` (fasttemplate) or ``<no value>`` (Go templates)
in every generated Application. Where a generator's names depend on data we do not have
(git file contents, plugin answers, decision resources), nothing is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from gitops_schema.model.argocd_generators import (
    ClusterGenerator,
    Generator,
    GitGenerator,
    ListGenerator,
    MatrixGenerator,
    MergeGenerator,
    PullRequestGenerator,
    ScmProviderGenerator,
    generator_kind,
)
from gitops_schema.model.base import KubeModel

_CLUSTER = ("name", "nameNormalized", "server", "project")
_SCM = (
    "organization",
    "repository",
    "url",
    "branch",
    "branchNormalized",
    "sha",
    "short_sha",
    "short_sha_7",
    "labels",
    "repository_id",
)
_PULL_REQUEST = (
    "number",
    "title",
    "branch",
    "branch_slug",
    "target_branch",
    "target_branch_slug",
    "head_sha",
    "head_short_sha",
    "head_short_sha_7",
    "author",
    "labels",
)


@dataclass(slots=True)
class Emitted:
    """Parameter names a generator emits: exact names and name prefixes."""

    names: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    patterns: list[re.Pattern[str]] = field(default_factory=list)

    def knows(self, name: str) -> bool:
        """Whether a (flat) parameter name can be emitted."""
        return (
            name in self.names
            or any(name.startswith(p) for p in self.prefixes)
            or any(p.fullmatch(name) for p in self.patterns)
        )

    def update(self, other: Emitted) -> None:
        """Add another generator's names (matrix and merge emit the union)."""
        self.names |= other.names
        self.prefixes |= other.prefixes
        self.patterns += other.patterns


def _values(values: Mapping[str, str], emitted: Emitted) -> Emitted:
    for key in values:
        emitted.names.add(f"values.{key}")
    emitted.names.add("values")
    return emitted


def _spec(entry: Generator) -> KubeModel | None:
    """The spec an entry holds under its generator key."""
    kind = generator_kind(entry)
    for name, info in type(entry).model_fields.items():
        if info.alias == kind:
            value = getattr(entry, name)
            return value if isinstance(value, KubeModel) else None
    return None


def emitted(entry: Generator) -> Emitted | None:
    """The names one generator entry emits, or None when they cannot be known statically."""
    spec = _spec(entry)
    if isinstance(spec, ListGenerator):
        return _elements(spec)
    if isinstance(spec, ClusterGenerator):
        if spec.flat_list:
            return Emitted({"clusters"})
        labels = {"metadata.labels.", "metadata.annotations."}
        return _values(spec.values, Emitted(set(_CLUSTER), labels))
    if isinstance(spec, GitGenerator):
        if spec.files:
            return None
        prefix = f"{spec.path_param_prefix}." if spec.path_param_prefix else ""
        names = {f"{prefix}path", f"{prefix}path.basename", f"{prefix}path.basenameNormalized"}
        path_index = re.compile(re.escape(prefix) + r"path\[\d+\]")
        return _values(spec.values, Emitted(names, {f"{prefix}path."}, [path_index]))
    if isinstance(spec, ScmProviderGenerator):
        return _values(spec.values, Emitted(set(_SCM)))
    if isinstance(spec, PullRequestGenerator):
        return _values(spec.values, Emitted(set(_PULL_REQUEST)))
    if isinstance(spec, MatrixGenerator | MergeGenerator):
        union = Emitted()
        for child in spec.generators:
            child_names = emitted(child)
            if child_names is None:
                return None
            union.update(child_names)
        return union
    return None


def _elements(generator: ListGenerator) -> Emitted | None:
    """A list generator's names: its elements' keys (None for elements given as YAML)."""
    if generator.elements_yaml:
        return None
    found = Emitted()
    for element in generator.elements:
        if not isinstance(element, Mapping):
            return None
        for key, value in element.items():
            found.names.add(str(key))
            if isinstance(value, Mapping):
                found.prefixes.add(f"{key}.")
    return found


_FAST_TAG = re.compile(r"\{\{([^{}]*)\}\}")
_GO_ACTION = re.compile(r"\{\{-?(.*?)-?\}\}", re.DOTALL)
_GO_FIELD = re.compile(r"(?<![\w$)\]\.])\.([A-Za-z_][A-Za-z0-9_]*)")
_GO_SCOPES = re.compile(r"^\s*(range|with|define|template|block)\b")


def references(text: str, go_template: bool) -> Iterator[str]:
    """Parameter names a template string uses (flat names; roots in Go templates)."""
    if not go_template:
        for match in _FAST_TAG.finditer(text):
            tag = match.group(1).strip()
            if tag:
                yield tag
        return
    for action in _GO_ACTION.finditer(text):
        body = action.group(1)
        if body.lstrip().startswith("/*"):
            continue
        for match in _GO_FIELD.finditer(_without_strings(body)):
            yield match.group(1)


def _without_strings(body: str) -> str:
    return re.sub(r'"(?:[^"\\]|\\.)*"|`[^`]*`', '""', body)


def changes_scope(text: str) -> bool:
    """Whether a Go template re-binds dot (range, with), so fields need not be params."""
    return any(_GO_SCOPES.match(a.group(1)) for a in _GO_ACTION.finditer(text))


def known_root(name: str, emitted_names: Emitted) -> bool:
    """Whether a Go template field root is a root of some emitted flat name."""
    if emitted_names.knows(name):
        return True
    prefix = name + "."
    return (
        any(n.startswith(prefix) for n in emitted_names.names)
        or any(p.startswith(prefix) for p in emitted_names.prefixes)
        or any(p.pattern.startswith(re.escape(name)) for p in emitted_names.patterns)
    )
