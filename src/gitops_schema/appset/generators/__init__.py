"""The generator registry and the dispatch of one generator entry.

Each generator kind is one module with ``generate(spec, context) -> list[Params]``, named
for its key and found by that name when first used. An
entry is a mapping with one generator key (``list``, ``git``...) and an optional
post-selector; :func:`generate_entry` runs the generator and applies the selector.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from importlib import import_module
from types import MappingProxyType
from typing import Any

from gitops_schema.appset.env import Env
from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.interpolation import append_templated_values
from gitops_schema.appset.params import Params, matches_selector
from gitops_schema.model.argocd_generators import GENERATOR_KINDS, generator_module

Generate = Callable[[Mapping[str, Any], "GeneratorContext"], list[Params]]

MODULES: dict[str, str] = {key: generator_module(key) for key in GENERATOR_KINDS}
"""Each generator key of the CRD and the module of this package that implements it.

The keys are the registry of generator models (:mod:`gitops_schema.model.argocd_generators`),
in the CRD's order; a key's module is its snake case (``scmProvider``: ``scm_provider``).
"""

MAX_NESTING = 2
"""A matrix or merge may hold one level of matrix/merge children, and no deeper."""


def _load(kind: str) -> Generate:
    # Imported on first use: a run that uses only list generators loads nothing else.
    def generate(spec: Mapping[str, Any], context: GeneratorContext) -> list[Params]:
        module = import_module(f"{__name__}.{MODULES[kind]}")
        run: Generate = module.generate
        return run(spec, context)

    return generate


GENERATORS: Mapping[str, Generate] = MappingProxyType({kind: _load(kind) for kind in MODULES})
"""Generator key to its ``generate`` function (read-only: copy it to substitute one)."""


@dataclass(frozen=True, slots=True)
class GeneratorContext:
    """What a generator needs besides its own spec."""

    env: Env
    go_template: bool = False
    options: tuple[str, ...] = ()
    """``goTemplateOptions`` of the ApplicationSet."""
    generators: Mapping[str, Generate] = field(default_factory=lambda: GENERATORS)
    """The registry to dispatch children to (tests substitute mocks here)."""
    depth: int = 0
    """How deep in matrix/merge nesting this generator runs (0 = top level)."""

    def nested(self) -> GeneratorContext:
        """The context for a matrix or merge child."""
        return replace(self, depth=self.depth + 1)


def with_values(
    spec: Mapping[str, Any], params: Params, context: GeneratorContext, message: str
) -> Params:
    """``params`` plus the generator's ``values``, rendered against them.

    Raises:
        GeneratorError: a value's template failed; ``message`` is the words Argo CD puts
            before the failure for this generator.
    """
    try:
        return append_templated_values(
            spec.get("values") or {},
            params,
            go_template=context.go_template,
            options=context.options,
        )
    except GeneratorError as error:
        raise GeneratorError(f"{message}: {error}") from error


def generator_keys(entry: Mapping[str, Any], context: GeneratorContext) -> list[str]:
    """The generator keys an entry sets, in the CRD's order."""
    # A null generator is unset, as Go decodes it into a nil pointer.
    return [kind for kind in MODULES if entry.get(kind) is not None and kind in context.generators]


def generate_entry(entry: Mapping[str, Any], context: GeneratorContext) -> list[Params]:
    """Run one generator entry: its generator(s), then its post-selector.

    Raises:
        GeneratorError: the entry names no generator, or its generator fails.
    """
    kinds = generator_keys(entry, context)
    if not kinds:
        raise GeneratorError("generator entry names no known generator (unrecognized generator)")
    params: list[Params] = []
    for kind in kinds:
        params.extend(context.generators[kind](entry[kind], context))
    selector = entry.get("selector")
    if isinstance(selector, Mapping) and selector:
        params = [p for p in params if matches_selector(p, selector)]
    return params
