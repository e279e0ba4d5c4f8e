"""One vector: decide from its fields what to run, run it, compare."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

import yaml

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.generators import GeneratorContext, generate_entry
from gitops_schema.appset.template import (
    apply_template_patch,
    render_application,
    render_string,
)
from gitops_schema.conformance import CaseResult
from gitops_schema.conformance.argocd.compare import (
    error_matches,
    params_match,
    partial_matches,
    plain,
)
from gitops_schema.conformance.argocd.environment import build_env, generators

# A case's ``function`` -> "module:attribute" of the library function it exercises.
FUNCTIONS: dict[str, str] = {
    "normalize": "gitops_schema.gotemplate.argocd:normalize",
    "slugify": "gitops_schema.gotemplate.argocd:slugify",
    "NormalizeBitbucketBasePath": "gitops_schema.appset.services.bitbucket:normalize_base_path",
    "CombineStringMaps": "gitops_schema.appset.params:combine_string_maps",
    "InterpolateGenerator": "gitops_schema.appset.interpolation:interpolate_generator",
    "RenderGeneratorParams": "gitops_schema.appset.interpolation:render_generator_params",
    "appendTemplatedValues": "gitops_schema.appset.interpolation:append_templated_values",
    "getParamSetsByMergeKey": "gitops_schema.appset.generators.merge:param_sets_by_merge_key",
    "CheckInvalidGenerators": "gitops_schema.appset.expand:invalid_generators_warning",
    "applyTemplatePatch": "gitops_schema.appset.template:apply_template_patch",
}


def _function(name: str) -> Callable[..., Any]:
    module, _, attribute = FUNCTIONS[name].partition(":")
    found: Callable[..., Any] = getattr(import_module(module), attribute)
    return found


def run_case(file: str, name: str, case: Mapping[str, Any]) -> CaseResult:
    """Run one vector and compare the outcome with its expectation."""
    got: tuple[str, Any] | _Failure
    try:
        got = _run(case)
    except GeneratorError as error:
        got = _Failure(str(error))
    except Exception as error:  # a crash is a failed case, reported as such
        return CaseResult(file, name, False, _expected(case), f"crash: {error!r}")
    passed = _passed(case, got)
    return CaseResult(
        file, name, passed, "" if passed else _expected(case), "" if passed else repr(got)
    )


class _Failure:
    def __init__(self, message: str) -> None:
        self.message = message

    def __repr__(self) -> str:
        return f"error: {self.message}"


def _expected(case: Mapping[str, Any]) -> str:
    if case.get("expected_error") is not None:
        return f"error ({case.get('error_match') or 'substring'}): {case['expected_error']}"
    for key in (
        "expected_params",
        "expected_params_partial",
        "expected",
        "expected_partial",
        "expected_application",
        "expected_warning",
    ):
        if key in case:
            return f"{key}: {plain(case[key])!r}"
    return "?"


def _passed(case: Mapping[str, Any], got: Any) -> bool:
    wants_error = case.get("expected_error") is not None
    if isinstance(got, _Failure) or wants_error:
        return isinstance(got, _Failure) and wants_error and error_matches(case, got.message)
    kind, value = got
    if kind == "params":
        return params_match(case, value)
    if "expected_partial" in case and case["expected_partial"] is not None:
        return partial_matches(value, case["expected_partial"])
    for key in ("expected_application", "expected_warning", "expected", "expected_params"):
        if key in case:
            return bool(plain(value) == plain(case[key]))
    return False


def _run(case: Mapping[str, Any]) -> tuple[str, Any]:
    options = tuple(case.get("goTemplateOptions") or case.get("options") or ())
    go_template = bool(case.get("goTemplate"))
    if "generator" in case and "function" not in case:
        environment = case.get("environment") or {}
        with build_env(environment) as env:
            context = GeneratorContext(env, go_template, options, generators(environment))
            return "params", generate_entry(case["generator"], context)
    if "template_kind" in case:
        return "value", _render(case, go_template, options)
    function = case.get("function")
    if function == "applyTemplatePatch" or "templatePatch" in case:
        return "value", apply_template_patch(case["application"], case["templatePatch"])
    if function == "CheckInvalidGenerators":
        return "value", _function(function)(case["applicationSet"])
    if function in ("InterpolateGenerator", "RenderGeneratorParams"):
        result = _function(function)(
            case.get("generator"),
            case.get("params") or {},
            go_template=go_template,
            options=options,
        )
        return "value", result
    if function == "appendTemplatedValues":
        result = _function(function)(
            case.get("values") or {},
            case.get("params") or {},
            go_template=go_template,
            options=options,
        )
        return "value", result
    if function == "getParamSetsByMergeKey":
        return "value", _function(function)(case["mergeKeys"], case["paramSets"])
    if function in FUNCTIONS:
        return "value", _function(function)(*case.get("args", []))
    raise GeneratorError(f"the runner does not know how to run this case (function {function!r})")


def _render(case: Mapping[str, Any], go_template: bool, options: tuple[str, ...]) -> Any:
    params = case.get("params") or {}
    kind = case["template_kind"]
    if kind == "application":
        template = _with_values_object(case["template"])
        return render_application(
            template,
            params,
            go_template=go_template,
            options=options,
            sync_policy=case.get("applicationSetSyncPolicy"),
        )
    if kind == "field" and not params:
        # Argo CD does not render at all when the parameter set is empty.
        return case["template"]
    return render_string(case["template"], params, go_template=go_template, options=options)


def _with_values_object(template: Mapping[str, Any]) -> dict[str, Any]:
    """The template, with a ``valuesObject_raw`` (YAML or JSON text) parsed in place."""
    copied: dict[str, Any] = plain(template)
    helm = (copied.get("spec") or {}).get("source", {}).get("helm")
    if isinstance(helm, dict) and "valuesObject_raw" in helm:
        helm["valuesObject"] = yaml.load(helm.pop("valuesObject_raw"), Loader=yaml.CSafeLoader)
    return copied
