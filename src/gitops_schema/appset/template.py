"""Rendering ApplicationSet templates: fasttemplate and Go templates, strings and objects.

Both engines follow Argo CD's ``Render.Replace``: fasttemplate substitutes ``{{key}}`` by
the *string* parameter of that exact (flat, dotted) name and leaves anything else as
written; Go templates run with the ``argocd`` function profile and the ApplicationSet's
``goTemplateOptions``. Rendering an object renders every string and every map key, at any
depth (Helm ``valuesObject`` included); other values cannot be templated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
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


Renderer = Callable[[Mapping[str, Any]], Any]
"""A compiled template: renders one parameter set."""


def compile_value(value: Any, *, go_template: bool, options: Sequence[str] = ()) -> Renderer:
    """Compile a JSON-like template once, to render many parameter sets fast.

    Parts without ``{{`` are not rendered again: the result shares them with the template,
    so treat results as read-only (or copy what you change).
    """
    compiled = _compile(value, go_template, tuple(options))
    if compiled is None:
        return lambda params: value
    return compiled


def _compile(value: Any, go_template: bool, options: tuple[str, ...]) -> Renderer | None:
    if isinstance(value, str):
        return _compile_string(value, go_template, options)
    if isinstance(value, Mapping):
        entries = [
            (k, _compile_string(str(k), go_template, options), v, _compile(v, go_template, options))
            for k, v in value.items()
        ]
        if all(key is None and item is None for _, key, _, item in entries):
            return None

        def render_mapping(params: Mapping[str, Any]) -> dict[str, Any]:
            return {
                (key(params) if key else k): (item(params) if item else v)
                for k, key, v, item in entries
            }

        return render_mapping
    if isinstance(value, list):
        items = [(v, _compile(v, go_template, options)) for v in value]
        if all(item is None for _, item in items):
            return None
        return lambda params: [item(params) if item else v for v, item in items]
    return None


def _compile_string(text: str, go_template: bool, options: tuple[str, ...]) -> Renderer | None:
    if "{{" not in text:
        return None
    if not go_template:
        if not _TEMPLATED.search(text):
            return None
        return _compile_fast(text)
    try:
        template = _go_template(text, options)
    except TemplateError as error:
        failure = GeneratorError(f"failed to parse template {text}: {error}")

        def fail(params: Mapping[str, Any]) -> str:
            raise failure

        return fail

    def execute(params: Mapping[str, Any]) -> str:
        try:
            return template.execute(params)
        except TemplateError as error:
            raise GeneratorError(f"failed to execute go template {text}: {error}") from error

    return _with_field_shortcut(text, execute)


def _compile_fast(text: str) -> Renderer:
    """fasttemplate, with the tags found once: literal text and (tag, trimmed tag) pairs."""
    segments: list[tuple[str, str, str]] = []
    position = 0
    while True:
        start = text.find("{{", position)
        if start < 0:
            tail = text[position:]
            break
        end = text.find("}}", start + 2)
        if end < 0:
            # fasttemplate fails on every render of such a string; so do we.
            return lambda params: _fast(text, params)
        tag = text[start + 2 : end]
        segments.append((text[position:start], tag, tag.strip()))
        position = end + 2

    def render(params: Mapping[str, Any]) -> str:
        out: list[str] = []
        for literal, tag, key in segments:
            out.append(literal)
            value = params.get(key) if key else None
            out.append(value if isinstance(value, str) else "{{" + tag + "}}")
        out.append(tail)
        return "".join(out)

    return render


# Most Go templates of ApplicationSets are text with plain field references, "{{ .a.b }}".
# Those are looked up directly; anything else, or a lookup that is not a plain string
# (missing key, nil, number), goes through the engine, which has Go's exact semantics.
_FIELD_ACTION = re.compile(r"\{\{\s*((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*\}\}")


def _with_field_shortcut(text: str, execute: Renderer) -> Renderer:
    parts: list[str | tuple[str, ...]] = []
    position = 0
    for match in _FIELD_ACTION.finditer(text):
        parts.append(text[position : match.start()])
        parts.append(tuple(match.group(1)[1:].split(".")))
        position = match.end()
    tail = text[position:]
    if "{{" in tail or any(isinstance(p, str) and "{{" in p for p in parts):
        return execute

    def render(params: Mapping[str, Any]) -> str:
        out: list[str] = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
                continue
            value: Any = params
            for key in part:
                value = value.get(key) if isinstance(value, dict) else None
            if not isinstance(value, str):
                return str(execute(params))
            out.append(value)
        out.append(tail)
        return "".join(out)

    return render


def render_application(
    template: Mapping[str, Any] | Renderer,
    params: Mapping[str, Any],
    *,
    go_template: bool,
    options: Sequence[str] = (),
    sync_policy: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One Application from the template (or its :func:`compile_value`) and one parameter set.

    An empty parameter set leaves the template as it is (Argo CD skips rendering then).
    Otherwise, when the template names no finalizer and resources are not preserved on
    deletion, the resources finalizer is added, as the controller does.
    """
    render = template if callable(template) else None
    if not params:
        source = render({}) if render else template
        unrendered: dict[str, Any] = _plain(source)
        return unrendered
    if render is None:
        render = compile_value(template, go_template=go_template, options=options)
    # Fresh top-level and metadata maps: the rest may be shared with the template.
    rendered: dict[str, Any] = dict(render(params))
    metadata = rendered["metadata"] = dict(rendered.get("metadata") or {})
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
