"""Go ``text/template`` with Sprig, Argo CD and Helm functions, in pure Python.

Compile once, execute many times::

    >>> render("{{ .name | upper }}", {"name": "guestbook"}, profile="sprig")
    'GUESTBOOK'

Templates and data come from users' repositories, so no function touches the
environment, the file system or the network, and execution is bounded
(see :class:`Limits`). This package imports nothing from the CLI or the server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gitops_schema.gotemplate.errors import (
    LimitExceeded,
    TemplateError,
    TemplateExecError,
    TemplateSyntaxError,
)
from gitops_schema.gotemplate.exec_support import Limits
from gitops_schema.gotemplate.funcs import FuncError, GoFunc
from gitops_schema.gotemplate.profiles import PROFILES, profile_funcs
from gitops_schema.gotemplate.template import Template

profiles = PROFILES
"""Profile name -> function map."""

DEFAULT_NAMES = {"argocd": "base", "helm": "gotpl"}


def compile(
    text: str,
    *,
    profile: str = "argocd",
    options: Iterable[str] = (),
    delims: tuple[str, str] | None = None,
    name: str | None = None,
    funcs: Mapping[str, GoFunc] | None = None,
    limits: Limits | None = None,
) -> Template:
    """Parse ``text`` into a :class:`Template` using the functions of ``profile``.

    Raises:
        TemplateSyntaxError: if Go would fail to parse ``text``.
        KeyError: for an unknown profile.
    """
    func_map = dict(profile_funcs(profile))
    if funcs:
        func_map.update(funcs)
    template = Template(
        name or DEFAULT_NAMES.get(profile, "template"),
        func_map,
        options=options,
        delims=delims,
        limits=limits,
    )
    return template.parse(text)


def render(text: str, data: Any, **kwargs: Any) -> str:
    """Compile ``text`` and execute it on ``data`` in one call (see :func:`compile`)."""
    return compile(text, **kwargs).execute(data)


__all__ = [
    "FuncError",
    "GoFunc",
    "LimitExceeded",
    "Limits",
    "Template",
    "TemplateError",
    "TemplateExecError",
    "TemplateSyntaxError",
    "compile",
    "profiles",
    "render",
]
