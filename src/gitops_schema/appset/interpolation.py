"""Rendering generator specs and generator ``values`` with parameters.

A matrix renders its second child's spec with each parameter set of the first
(Argo CD's ``InterpolateGenerator`` / ``RenderGeneratorParams``); every generator with
``values`` renders them against its own parameters (``value_interpolation.go``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.params import Params
from gitops_schema.appset.template import render_string
from gitops_schema.gotemplate.literals import go_quote
from gitops_schema.model.argocd_generators import GENERATOR_KINDS

__all__ = ["append_templated_values", "interpolate_generator", "render_generator_params"]

_WITH_VALUES = frozenset(
    key for key, spec in GENERATOR_KINDS.items() if "values" in spec.model_fields
)
"""Generator kinds whose spec has a ``values`` map (list, matrix and merge have none)."""

_COMPOSITE = frozenset({"matrix", "merge"})

_MISSING_KEY = ("map has no entry for key", "can't evaluate field")


def interpolate_generator(
    generator: Mapping[str, Any] | None,
    params: Mapping[str, Any],
    *,
    go_template: bool,
    options: Sequence[str] = (),
) -> dict[str, Any]:
    """Argo CD's ``InterpolateGenerator``: a generator entry rendered with one parameter set.

    Raises:
        GeneratorError: ``generator is empty`` for None, or a template failed.
    """
    return render_generator_params(generator, params, go_template=go_template, options=options)


def render_generator_params(
    generator: Mapping[str, Any] | None,
    params: Mapping[str, Any],
    *,
    go_template: bool,
    options: Sequence[str] = (),
) -> dict[str, Any]:
    """Argo CD's ``RenderGeneratorParams``: every string of the entry rendered with ``params``.

    Map keys are rendered too, and null map values dropped, as Go's reflection walk does.
    A generator's own ``values`` are special: in goTemplate mode they are pre-resolved with
    ``missingkey=error``, and a value naming a key the parameters lack is kept as written,
    since it refers to the generator's own output and is rendered when the generator runs.
    Empty parameters leave the entry unchanged.

    Raises:
        GeneratorError: ``generator is empty`` for None, or a template failed.
    """
    if generator is None:
        raise GeneratorError("generator is empty")
    if not params:
        return {key: _copy(value) for key, value in generator.items()}
    renderer = _Renderer(params, go_template, tuple(options))
    try:
        return renderer.entry(generator, raw_composites=False)
    except GeneratorError as error:
        raise GeneratorError(f"failed to replace parameters in generator: {error}") from error


def append_templated_values(
    values: Mapping[str, str],
    params: Params,
    *,
    go_template: bool,
    options: Sequence[str] = (),
) -> Params:
    """The parameters plus their generator's ``values``, each rendered against ``params``.

    Values see only the generator's parameters, never each other. They are added as
    ``values.<key>`` in fasttemplate mode and as one ``values`` map in goTemplate mode.

    Raises:
        GeneratorError: a value's template failed.
    """
    rendered: dict[str, str] = {}
    for key, value in values.items():
        try:
            rendered[key] = render_string(value, params, go_template=go_template, options=options)
        except GeneratorError as error:
            raise GeneratorError(
                "failed to replace templated string: "
                f"failed to replace templated string with rendered values: {error}"
            ) from error
    result = dict(params)
    if go_template:
        if rendered:
            result["values"] = rendered
    else:
        result.update({f"values.{key}": text for key, text in rendered.items()})
    return result


class _Renderer:
    def __init__(self, params: Mapping[str, Any], go_template: bool, options: tuple[str, ...]):
        self.params = params
        self.go_template = go_template
        self.options = options
        if go_template:
            kept = tuple(o for o in options if not o.startswith("missingkey="))
            self.resolve_options = (*kept, "missingkey=error")
        else:
            self.resolve_options = options

    def string(self, text: str) -> str:
        return render_string(text, self.params, go_template=self.go_template, options=self.options)

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.string(value)
        if isinstance(value, Mapping):
            return {self.string(str(k)): self.value(v) for k, v in value.items() if v is not None}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value

    def entry(self, entry: Mapping[str, Any], *, raw_composites: bool) -> dict[str, Any]:
        """One generator entry; ``raw_composites`` when its matrix/merge are raw JSON.

        Argo CD keeps a nested matrix or merge as raw JSON, which is rendered as plain data
        (its children's ``values`` included); typed specs get the ``values`` treatment.
        """
        rendered: dict[str, Any] = {}
        for key, spec in entry.items():
            if spec is None:
                continue
            if key in _WITH_VALUES and isinstance(spec, Mapping):
                rendered[key] = self.spec_with_values(spec)
            elif key in _COMPOSITE and isinstance(spec, Mapping) and not raw_composites:
                rendered[key] = self.composite(spec)
            else:
                rendered[key] = self.value(spec)
        return rendered

    def composite(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        rendered: dict[str, Any] = {}
        for key, value in spec.items():
            if value is None:
                continue
            if key == "generators" and isinstance(value, list):
                rendered[key] = [
                    self.entry(child, raw_composites=True) if isinstance(child, Mapping) else child
                    for child in value
                ]
            else:
                rendered[key] = self.value(value)
        return rendered

    def spec_with_values(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        # Go walks struct fields in declaration order and ``Values`` comes after the other
        # templated fields, so an error elsewhere in the spec is the one reported.
        rendered = {k: self.value(v) for k, v in spec.items() if k != "values" and v is not None}
        values = spec.get("values")
        if isinstance(values, Mapping):
            rendered["values"] = {k: self.resolve_value(str(k), v) for k, v in values.items()}
        elif values is not None:
            rendered["values"] = self.value(values)
        return {k: rendered[k] for k in spec if k in rendered}

    def resolve_value(self, key: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return render_string(
                value, self.params, go_template=self.go_template, options=self.resolve_options
            )
        except GeneratorError as error:
            message = str(error)
            if any(marker in message for marker in _MISSING_KEY):
                return value
            raise GeneratorError(
                f"failed to pre-resolve Values key {go_quote(key)}: {message}"
            ) from error


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
