"""Named function sets: ``text``, ``sprig``, ``argocd`` and ``helm``.

Each profile is the builtins plus the functions that tool puts in its ``FuncMap``;
nothing in any profile reads the environment, the file system or the network (``env``
and ``getHostByName`` in ``sprig`` answer as if both were empty).
"""

from __future__ import annotations

from gitops_schema.gotemplate.argocd import ARGOCD
from gitops_schema.gotemplate.builtins import BUILTINS
from gitops_schema.gotemplate.funcs import FuncMap
from gitops_schema.gotemplate.helm import HELM
from gitops_schema.gotemplate.sprig import SPRIG

PROFILES: dict[str, FuncMap] = {
    "text": dict(BUILTINS),
    "sprig": {**BUILTINS, **SPRIG},
    "argocd": ARGOCD,
    "helm": HELM,
}


def profile_funcs(profile: str) -> FuncMap:
    """The function map of ``profile``.

    Raises:
        KeyError: for an unknown profile name.
    """
    return PROFILES[profile]
