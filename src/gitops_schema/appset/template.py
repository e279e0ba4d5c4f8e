"""Rendering ApplicationSet templates: fasttemplate and Go templates, strings and objects.

Both engines follow Argo CD's ``Render.Replace``: fasttemplate substitutes ``{{key}}`` by
the *string* parameter of that exact (flat, dotted) name and leaves anything else as
written; Go templates run with the ``argocd`` function profile and the ApplicationSet's
``goTemplateOptions``. Rendering an object renders every string and every map key, at any
depth (Helm ``valuesObject`` included); other values cannot be templated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.gotemplate import Template, TemplateError, compile
from gitops_schema.load.yaml import parse_documents

Params = dict[str, Any]

DEFAULT_FINALIZER = "resources-finalizer.argocd.argoproj.io"


@lru_cache(maxsize=4096)
def _go_template(text: str, options: tuple[str, ...]) -> Template:
    return compile(text, profile="argocd", options=options)


# Argo CD only runs fasttemplate on strings with "{{" before "}}" on one line (Go's "."
# stops at newlines); anything else, "}} {{" included, is returned as written.
_TEMPLATED = re.compile(r"\{\{.*\}\}")


def _fast(text: str, params: Mapping[str, Any]) -> str:
    if "{{" not in text or not _TEMPLATED.search(text):
        return text
    out: list[str] = []
    position = 0
    while True:
        start = text.find("{{", position)
        if start < 0:
            out.append(text[position:])
            return "".join(out)
        end = text.find("}}", start + 2)
        if end < 0:
            raise GeneratorError(
                f'invalid template: Cannot find end tag="}}}}" in the template="{text}" '
                f'starting from "{text[start + 2 :]}"'
            )
        out.append(text[position:start])
        tag = text[start + 2 : end]
        replacement = params.get(tag.strip())
        if tag.strip() and isinstance(replacement, str):
            out.append(replacement)
        else:
            out.append("{{" + tag + "}}")
        position = end + 2


def render_string(
    text: str, params: Mapping[str, Any], *, go_template: bool, options: Sequence[str] = ()
) -> str:
    """Render one template string as Argo CD does.

    Raises:
        GeneratorError: with Argo CD's message (unterminated tag, Go parse or exec error).
    """
    if not go_template:
        return _fast(text, params)
    if "{{" not in text:
        return text
    try:
        template = _go_template(text, tuple(options))
    except TemplateError as error:
        raise GeneratorError(f"failed to parse template {text}: {error}") from error
    try:
        return template.execute(params)
    except TemplateError as error:
        raise GeneratorError(f"failed to execute go template {text}: {error}") from error


def render_value(
    value: Any, params: Mapping[str, Any], *, go_template: bool, options: Sequence[str] = ()
) -> Any:
    """Render every string and every map key of a JSON-like value, recursively."""
    if isinstance(value, str):
        return render_string(value, params, go_template=go_template, options=options)
    if isinstance(value, Mapping):
        return {
            render_string(str(k), params, go_template=go_template, options=options): render_value(
                v, params, go_template=go_template, options=options
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [render_value(v, params, go_template=go_template, options=options) for v in value]
    return value


def render_application(
    template: Mapping[str, Any],
    params: Mapping[str, Any],
    *,
    go_template: bool,
    options: Sequence[str] = (),
    sync_policy: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One Application from the template and one parameter set.

    An empty parameter set leaves the template as it is (Argo CD skips rendering then).
    Otherwise, when the template names no finalizer and resources are not preserved on
    deletion, the resources finalizer is added, as the controller does.
    """
    if not params:
        unrendered: dict[str, Any] = _plain(template)
        return unrendered
    rendered: dict[str, Any] = render_value(
        template, params, go_template=go_template, options=options
    )
    metadata = rendered.setdefault("metadata", {})
    preserve = bool(sync_policy and sync_policy.get("preserveResourcesOnDeletion"))
    if not preserve and not metadata.get("finalizers"):
        metadata["finalizers"] = [DEFAULT_FINALIZER]
    return rendered


def apply_template_patch(application: Mapping[str, Any], patch_text: str) -> dict[str, Any]:
    """Apply an already rendered ``templatePatch`` (YAML or JSON) to an Application.

    The patch merges as a strategic-merge patch does for Application's types (maps merge,
    lists are replaced, null removes a field); ``spec.project`` is never changed by it.

    Raises:
        GeneratorError: the patch is not a YAML or JSON mapping.
    """
    documents, problems = parse_documents(patch_text, "templatePatch")
    if problems:
        raise GeneratorError(f"error converting templatePatch to JSON: {problems[0].message}")
    patch = documents[0].data if documents else None
    if not isinstance(patch, Mapping):
        raise GeneratorError("error unmarshaling templatePatch: it must be a YAML or JSON object")
    original: dict[str, Any] = _plain(application)
    patched: dict[str, Any] = merge_patch(original, patch)
    project = (original.get("spec") or {}).get("project")
    if isinstance(patched.get("spec"), dict) and project is not None:
        patched["spec"]["project"] = project
    return patched


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 merge of ``patch`` into ``target`` (a new value; inputs are not changed)."""
    if not isinstance(patch, Mapping):
        return _plain(patch)
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def merge_generator_template(base: Mapping[str, Any], override: Mapping[str, Any] | None) -> Any:
    """A generator's own template over the ApplicationSet's (non-empty fields win).

    Argo CD merges with mergo: every field the generator template leaves empty is taken
    from ``spec.template``; maps merge key by key; non-empty lists replace.
    """
    if not override:
        return _plain(base)
    return _fill(_plain(override), base)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value is False or value == 0 or value in ({}, [])


def _fill(dst: Any, src: Any) -> Any:
    if isinstance(dst, dict) and isinstance(src, Mapping):
        for key, value in src.items():
            if key not in dst or _empty(dst[key]):
                dst[key] = _plain(value)
            else:
                dst[key] = _fill(dst[key], value)
        return dst
    return dst


def _plain(value: Any) -> Any:
    """A deep copy as plain dicts and lists (drops positions; safe to mutate)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
