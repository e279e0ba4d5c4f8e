"""Argo CD's ApplicationSet ``goTemplate`` functions and rendering.

Argo CD uses Sprig's generic map without ``env``, ``expandenv`` and ``getHostByName``,
adds ``normalize``, ``slugify``, ``toYaml``, ``fromYaml`` and ``fromYamlArray`` (versions
that return errors), and names the template ``base``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from gitops_schema.gotemplate.builtins import BUILTINS
from gitops_schema.gotemplate.funcs import ANY, STR, FuncError, FuncMap, GoFunc
from gitops_schema.gotemplate.gojson import JSONError
from gitops_schema.gotemplate.sprig import SPRIG
from gitops_schema.gotemplate.template import Template
from gitops_schema.gotemplate.yaml_emit import to_yaml
from gitops_schema.gotemplate.yaml_load import YAMLError, unmarshal

_INVALID_DNS = re.compile(r"[^-a-z0-9.]")


def normalize(name: str) -> str:
    """``normalize`` (Argo CD's ``SanitizeName``): a valid DNS-1123 subdomain."""
    name = _INVALID_DNS.sub("-", name.lower())
    return name[:253].strip("-.")


def slugify(*args: Any) -> str:
    """``slugify [maxSize [smartTruncate]] name``: gosimple/slug of the normalized name."""
    max_size, smart = 50, True
    name = ""
    for i, arg in enumerate(args):
        if i == len(args) - 1:
            name = str(arg)
        elif i == 0:
            max_size = int(arg)
        elif i == 1:
            smart = bool(arg)
    slug = normalize(name).strip()
    if not smart and len(slug) >= max_size:
        slug = slug[:max_size]
    slug = re.sub(r"-+", "-", re.sub(r"[^a-zA-Z0-9\-_]", "-", slug.lower())).strip("-_")
    if max_size > 0 and smart and len(slug) > max_size:
        # Cut at the last dash that keeps the slug within max_size, else mid-word.
        cut = slug.rfind("-", 0, max_size + 1)
        slug = slug[:cut] if cut >= 0 else slug[:max_size]
    return slug


def _to_yaml(value: Any) -> str:
    try:
        return to_yaml(value).removesuffix("\n")
    except JSONError as exc:
        raise FuncError(f"error marshaling into JSON: {exc}") from None


def _from_yaml(kind: str) -> GoFunc:
    def run(text: str) -> Any:
        try:
            return unmarshal(text, kind)
        except YAMLError as exc:
            raise FuncError(str(exc)) from None

    return GoFunc(run, (STR,))


ARGOCD: FuncMap = {
    **BUILTINS,
    **{k: v for k, v in SPRIG.items() if k not in ("env", "expandenv", "getHostByName")},
    "normalize": GoFunc(normalize, (STR,)),
    "slugify": GoFunc(slugify, (), ANY),
    "toYaml": GoFunc(_to_yaml, (ANY,)),
    "fromYaml": _from_yaml("map"),
    "fromYamlArray": _from_yaml("slice"),
}
"""The function map of an ApplicationSet rendered with ``goTemplate: true``."""


def render_appset(text: str, params: Any, *, options: Iterable[str] = ()) -> str:
    """Render one string field of an Application template as Argo CD does.

    An empty params map means Argo CD does not template at all, so ``text`` is returned
    unchanged.

    Raises:
        TemplateSyntaxError: if the field does not parse.
        TemplateExecError: if it fails to execute.
    """
    if isinstance(params, dict) and not params:
        return text
    return Template("base", ARGOCD, options=options).parse(text).execute(params)
