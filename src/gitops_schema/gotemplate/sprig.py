"""Sprig v3's function map (``sprig.TxtFuncMap``), assembled from the per-family modules.

``env``, ``expandenv`` and ``getHostByName`` exist so templates parse as they do with
Sprig, but they are sandboxed: the environment reads as empty and DNS is never queried.
"""

from __future__ import annotations

import re

from gitops_schema.gotemplate import (
    sprig_crypto,
    sprig_dates,
    sprig_dicts,
    sprig_encoding,
    sprig_lists,
    sprig_math,
    sprig_regex,
    sprig_semver,
    sprig_strings,
)
from gitops_schema.gotemplate.funcs import STR, FuncError, FuncMap, GoFunc


def _fail(message: str) -> str:
    raise FuncError(message)


def _expandenv(s: str) -> str:
    # os.ExpandEnv with an empty environment: every $VAR and ${VAR} becomes "".
    return re.sub(r"\$(\{[^}]*\}|[A-Za-z0-9_]+|[*#$@!?\-0-9])", "", s)


SANDBOXED: FuncMap = {
    "env": GoFunc(lambda name: "", (STR,)),
    "expandenv": GoFunc(_expandenv, (STR,)),
    "getHostByName": GoFunc(lambda name: "", (STR,)),
}

SPRIG: FuncMap = {
    **sprig_strings.FUNCS,
    **sprig_lists.FUNCS,
    **sprig_dicts.FUNCS,
    **sprig_math.FUNCS,
    **sprig_encoding.FUNCS,
    **sprig_regex.FUNCS,
    **sprig_dates.FUNCS,
    **sprig_semver.FUNCS,
    **sprig_crypto.FUNCS,
    **SANDBOXED,
    "fail": GoFunc(_fail, (STR,)),
}
"""Every Sprig v3 function, by name."""
