"""Sprig list functions (list.go): every ``mustX`` returns Go's error, ``X`` panics with it."""

from __future__ import annotations

from typing import Any

from gitops_schema.gotemplate.funcs import ANY, INT, FuncError, FuncMap, GoFunc, check_size
from gitops_schema.gotemplate.sprig_conv import empty, go_kind, strslice, to_int
from gitops_schema.gotemplate.values import MISSING, GoList

_NIL_DEREF = "runtime error: invalid memory address or nil pointer dereference"


def _items(value: Any, what: str) -> list[Any]:
    """The elements of a slice argument, or Go's error for anything else."""
    if value is None or value is MISSING:
        raise FuncError(_NIL_DEREF)
    if isinstance(value, list):
        return value
    raise FuncError(f"{what} {go_kind(value)}")


def deep_equal(a: Any, b: Any) -> bool:
    """``reflect.DeepEqual`` over template values: types must match exactly."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(deep_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(deep_equal(a[k], b[k]) for k in a)
    return bool(a == b)


def _contains(items: list[Any], needle: Any) -> bool:
    return any(deep_equal(item, needle) for item in items)


def push(lst: Any, v: Any) -> list[Any]:
    """``append``/``push``."""
    return [*_items(lst, "Cannot push on type"), v]


def prepend(lst: Any, v: Any) -> list[Any]:
    """``prepend``."""
    return [v, *_items(lst, "Cannot prepend on type")]


def first(lst: Any) -> Any:
    """``first``."""
    items = _items(lst, "Cannot find first on type")
    return items[0] if items else None


def last(lst: Any) -> Any:
    """``last``."""
    items = _items(lst, "Cannot find last on type")
    return items[-1] if items else None


def rest(lst: Any) -> list[Any]:
    """``rest`` (an empty list stays an empty ``[]interface {}``)."""
    return list(_items(lst, "Cannot find rest on type")[1:])


def initial(lst: Any) -> list[Any]:
    """``initial``."""
    return list(_items(lst, "Cannot find initial on type")[:-1])


def reverse(lst: Any) -> Any:
    """``reverse``."""
    return list(reversed(_items(lst, "Cannot find reverse on type")))


def uniq(lst: Any) -> list[Any]:
    """``uniq``: first occurrence of each value, compared with ``DeepEqual``."""
    out: list[Any] = []
    for item in _items(lst, "Cannot find uniq on type"):
        if not _contains(out, item):
            out.append(item)
    return out


def without(lst: Any, *omit: Any) -> list[Any]:
    """``without``."""
    items = _items(lst, "Cannot find without on type")
    return [item for item in items if not _contains(list(omit), item)]


def has(needle: Any, haystack: Any) -> bool:
    """``has``: type-strict membership; a nil list holds nothing."""
    if haystack is None or haystack is MISSING:
        return False
    return _contains(_items(haystack, "Cannot find has on type"), needle)


def compact(lst: Any) -> list[Any]:
    """``compact``: drop empty values."""
    return [item for item in _items(lst, "Cannot compact on type") if not empty(item)]


def go_slice(lst: Any, *indices: Any) -> Any:
    """Sprig's ``slice``."""
    items = _items(lst, "list should be type of slice or array but")
    if not items:
        return None
    start = to_int(indices[0]) if indices else 0
    end = to_int(indices[1]) if len(indices) > 1 else len(items)
    if not 0 <= start <= end <= len(items):
        raise FuncError(f"runtime error: slice bounds out of range [{start}:{end}]")
    part = items[start:end]
    return GoList(part, items.elem) if isinstance(items, GoList) else list(part)


def concat(*lists: Any) -> list[Any]:
    """``concat``."""
    out: list[Any] = []
    for lst in lists:
        if not isinstance(lst, list):
            raise FuncError(f"Cannot concat type {go_kind(lst)} as list")
        out.extend(lst)
    return out


def chunk(size: int, lst: Any) -> GoList:
    """``chunk``."""
    items = _items(lst, "Cannot chunk type")
    if size <= 0:
        raise FuncError("runtime error: integer divide by zero")
    return GoList([list(items[i : i + size]) for i in range(0, len(items), size)], "[]interface {}")


def until_step(start: int, stop: int, step: int) -> GoList:
    """Sprig's ``untilStep``: ``[]int`` from ``start`` towards ``stop``."""
    if step:
        check_size((stop - start) // step, "list length")
    if stop < start:
        if step >= 0:
            return GoList([], "int")
        return GoList(range(start, stop, step), "int")
    if step <= 0:
        return GoList([], "int")
    return GoList(range(start, stop, step), "int")


def until(count: int) -> GoList:
    """``until``."""
    return until_step(0, count, 1 if count >= 0 else -1)


def seq(*params: int) -> str:
    """``seq``: like the Unix command, as a space-separated string."""
    if len(params) == 1:
        end = params[0]
        inc = -1 if end < 1 else 1
        values = until_step(1, end + inc, inc)
    elif len(params) == 2:
        start, end = params
        step = -1 if end < start else 1
        values = until_step(start, end + step, step)
    elif len(params) == 3:
        start, step, end = params
        inc = 1
        if end < start:
            inc = -1
            if step > 0:
                return ""
        values = until_step(start, end + inc, step)
    else:
        return ""
    return " ".join(str(v) for v in values)


def sort_alpha(lst: Any) -> GoList:
    """``sortAlpha``: the list as strings, byte-wise sorted."""
    if isinstance(lst, list):
        return GoList(sorted(strslice(lst), key=lambda s: s.encode()), "string")
    return strslice(lst)


FUNCS: FuncMap = {
    "list": GoFunc(lambda *v: list(v), (), ANY),
    "tuple": GoFunc(lambda *v: list(v), (), ANY),
    "append": GoFunc(push, (ANY, ANY)),
    "push": GoFunc(push, (ANY, ANY)),
    "mustAppend": GoFunc(push, (ANY, ANY)),
    "mustPush": GoFunc(push, (ANY, ANY)),
    "prepend": GoFunc(prepend, (ANY, ANY)),
    "mustPrepend": GoFunc(prepend, (ANY, ANY)),
    "first": GoFunc(first, (ANY,)),
    "mustFirst": GoFunc(first, (ANY,)),
    "rest": GoFunc(rest, (ANY,)),
    "mustRest": GoFunc(rest, (ANY,)),
    "last": GoFunc(last, (ANY,)),
    "mustLast": GoFunc(last, (ANY,)),
    "initial": GoFunc(initial, (ANY,)),
    "mustInitial": GoFunc(initial, (ANY,)),
    "reverse": GoFunc(reverse, (ANY,)),
    "mustReverse": GoFunc(reverse, (ANY,)),
    "uniq": GoFunc(uniq, (ANY,)),
    "mustUniq": GoFunc(uniq, (ANY,)),
    "without": GoFunc(without, (ANY,), ANY),
    "mustWithout": GoFunc(without, (ANY,), ANY),
    "has": GoFunc(has, (ANY, ANY)),
    "mustHas": GoFunc(has, (ANY, ANY)),
    "compact": GoFunc(compact, (ANY,)),
    "mustCompact": GoFunc(compact, (ANY,)),
    "slice": GoFunc(go_slice, (ANY,), ANY),
    "mustSlice": GoFunc(go_slice, (ANY,), ANY),
    "concat": GoFunc(concat, (), ANY),
    "chunk": GoFunc(chunk, (INT, ANY)),
    "mustChunk": GoFunc(chunk, (INT, ANY)),
    "until": GoFunc(until, (INT,)),
    "untilStep": GoFunc(until_step, (INT, INT, INT)),
    "seq": GoFunc(seq, (), INT),
    "sortAlpha": GoFunc(sort_alpha, (ANY,)),
    "deepEqual": GoFunc(deep_equal, (ANY, ANY)),
    "join": GoFunc(lambda sep, v: sep.join(strslice(v)), ("string", ANY)),
    "toStrings": GoFunc(strslice, (ANY,)),
}
