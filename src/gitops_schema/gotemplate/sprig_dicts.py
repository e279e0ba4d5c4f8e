"""Sprig dictionary, defaults and reflection functions (dict.go, defaults.go, reflect.go).

``merge``/``mergeOverwrite`` follow mergo: they mutate and return the first map.
"""

from __future__ import annotations

import copy
from typing import Any

from gitops_schema.gotemplate.funcs import ANY, BOOL, MAP, STR, FuncError, FuncMap, GoFunc
from gitops_schema.gotemplate.sprig_conv import empty, strval
from gitops_schema.gotemplate.values import MISSING, GoList, kind_name, type_name


def dict_(*values: Any) -> dict[str, Any]:
    """``dict``: keys are stringified; a missing last value is ``""``."""
    out: dict[str, Any] = {}
    for i in range(0, len(values), 2):
        key = strval(values[i])
        out[key] = values[i + 1] if i + 1 < len(values) else ""
    return out


def _map(value: Any) -> dict[str, Any]:
    return {} if value is None else value


def get(d: Any, key: str) -> Any:
    """``get``: the value, or ``""`` when absent."""
    return _map(d).get(key, "")


def set_(d: Any, key: str, value: Any) -> Any:
    """``set``: mutates and returns the map."""
    if d is None:
        raise FuncError("assignment to entry in nil map")
    d[key] = value
    return d


def unset(d: Any, key: str) -> Any:
    """``unset``."""
    if d is not None:
        d.pop(key, None)
    return d if d is not None else {}


def pluck(name: str, *dicts: Any) -> list[Any]:
    """``pluck``."""
    return [d[name] for d in dicts if d is not None and name in d]


def keys(*dicts: Any) -> GoList:
    """``keys``: Go's map order is random; ours is insertion order."""
    return GoList([k for d in dicts if d for k in d], "string")


def pick(d: Any, *names: str) -> dict[str, Any]:
    """``pick``."""
    src = _map(d)
    return {k: src[k] for k in names if k in src}


def omit(d: Any, *names: str) -> dict[str, Any]:
    """``omit``."""
    return {k: v for k, v in _map(d).items() if k not in names}


def dig(*args: Any) -> Any:
    """``dig key... default map``."""
    if len(args) < 3:
        raise FuncError("dig needs at least three arguments")
    current = args[-1]
    default = args[-2]
    path = args[:-2]
    for i, key in enumerate(path):
        if not isinstance(current, dict) or type(current) is not dict:
            got = "nil" if current is None else type_name(current)
            raise FuncError(
                f"interface conversion: interface {{}} is {got}, not map[string]interface {{}}"
            )
        if not isinstance(key, str):
            raise FuncError(f"interface conversion: interface {{}} is {type_name(key)}, not string")
        if key not in current:
            return default
        current = current[key]
        if i == len(path) - 1:
            return current
    return default


def _merge_into(dst: dict[str, Any], src: dict[str, Any], overwrite: bool) -> None:
    for key, value in src.items():
        old = dst.get(key, MISSING)
        if isinstance(old, dict) and isinstance(value, dict):
            _merge_into(old, value, overwrite)
        elif old is MISSING or overwrite or empty(old):
            dst[key] = value


def merge(dst: Any, *srcs: Any) -> Any:
    """``merge``: fill in what ``dst`` lacks (or has empty) from each source in turn."""
    if dst is None:
        raise FuncError("src and dst must be of same type")
    for src in srcs:
        if src is not None:
            _merge_into(dst, src, overwrite=False)
    return dst


def merge_overwrite(dst: Any, *srcs: Any) -> Any:
    """``mergeOverwrite``: later sources win, even with empty values."""
    if dst is None:
        raise FuncError("src and dst must be of same type")
    for src in srcs:
        if src is not None:
            _merge_into(dst, src, overwrite=True)
    return dst


def default(d: Any, *given: Any) -> Any:
    """``default``: ``d`` when the value is missing or empty."""
    if not given or empty(given[0]):
        return d
    return given[0]


def coalesce(*values: Any) -> Any:
    """``coalesce``: the first non-empty value, else nil."""
    for value in values:
        if not empty(value):
            return value
    return None


def ternary(vt: Any, vf: Any, cond: bool) -> Any:
    """``ternary``."""
    return vt if cond else vf


FUNCS: FuncMap = {
    "dict": GoFunc(dict_, (), ANY),
    "get": GoFunc(get, (MAP, STR)),
    "set": GoFunc(set_, (MAP, STR, ANY)),
    "unset": GoFunc(unset, (MAP, STR)),
    "hasKey": GoFunc(lambda d, k: k in _map(d), (MAP, STR)),
    "pluck": GoFunc(pluck, (STR,), MAP),
    "keys": GoFunc(keys, (), MAP),
    "pick": GoFunc(pick, (MAP,), STR),
    "omit": GoFunc(omit, (MAP,), STR),
    "values": GoFunc(lambda d: list(_map(d).values()), (MAP,)),
    "dig": GoFunc(dig, (), ANY),
    "merge": GoFunc(merge, (MAP,), MAP),
    "mustMerge": GoFunc(merge, (MAP,), MAP),
    "mergeOverwrite": GoFunc(merge_overwrite, (MAP,), MAP),
    "mustMergeOverwrite": GoFunc(merge_overwrite, (MAP,), MAP),
    "deepCopy": GoFunc(copy.deepcopy, (ANY,)),
    "mustDeepCopy": GoFunc(copy.deepcopy, (ANY,)),
    "default": GoFunc(default, (ANY,), ANY),
    "empty": GoFunc(empty, (ANY,)),
    "coalesce": GoFunc(coalesce, (), ANY),
    "all": GoFunc(lambda *v: all(not empty(x) for x in v), (), ANY),
    "any": GoFunc(lambda *v: any(not empty(x) for x in v), (), ANY),
    "ternary": GoFunc(ternary, (ANY, ANY, BOOL)),
    "typeOf": GoFunc(type_name, (ANY,)),
    "typeIs": GoFunc(lambda t, v: t == type_name(v), (STR, ANY)),
    "typeIsLike": GoFunc(lambda t, v: type_name(v) in (t, "*" + t), (STR, ANY)),
    "kindOf": GoFunc(kind_name, (ANY,)),
    "kindIs": GoFunc(lambda k, v: k == kind_name(v), (STR, ANY)),
}
