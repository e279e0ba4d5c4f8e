"""Go's builtin template functions: comparison, ``index``/``slice``/``len``, printing, escaping.

``and``, ``or`` and ``call`` are declared here for their signatures; the compiler evaluates
them itself because they short-circuit or need the callee's source text.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus

from gitops_schema.gotemplate.funcs import ANY, RAW, STR, FuncError, FuncMap, GoFunc
from gitops_schema.gotemplate.gofmt import sprint, sprintln
from gitops_schema.gotemplate.printf import sprintf
from gitops_schema.gotemplate.values import MISSING, GoMap, is_true, type_name, zero_of

_BOOL, _INT, _FLOAT, _COMPLEX, _STRING = "bool", "int", "float", "complex", "string"


def _basic_kind(v: Any) -> str | None:
    t = type(v)
    if t is bool:
        return _BOOL
    if isinstance(v, int) and t is not bool:
        return _INT
    if t is float:
        return _FLOAT
    if t is str:
        return _STRING
    if t is complex:
        return _COMPLEX
    return None


def _nil(v: Any) -> bool:
    return v is None or v is MISSING


def _kind_class(v: Any) -> str:
    return "slice" if isinstance(v, list) else "map" if isinstance(v, dict) else type_name(v)


def _mismatch(a: Any, b: Any) -> FuncError:
    return FuncError(f"incompatible types for comparison: {type_name(a)} and {type_name(b)}")


def go_eq(arg1: Any, *args: Any) -> bool:
    """``eq``: true when ``arg1`` equals any of ``args``."""
    if not args:
        raise FuncError("missing argument for comparison")
    k1 = _basic_kind(arg1)
    for arg in args:
        k2 = _basic_kind(arg)
        if k1 != k2:
            if not _nil(arg1) and not _nil(arg):
                raise _mismatch(arg1, arg)
            truth = False
        elif k1 is not None:
            truth = arg1 == arg
        elif _nil(arg1) or _nil(arg):
            truth = _nil(arg1) and _nil(arg)
        elif _kind_class(arg1) != _kind_class(arg):
            raise FuncError(
                sprintf(
                    "non-comparable types %s: %v, %s: %v",
                    [arg1, type_name(arg1), type_name(arg), arg],
                )
            )
        else:
            raise FuncError(sprintf("non-comparable type %s: %v", [arg, type_name(arg)]))
        if truth:
            return True
    return False


def go_lt(arg1: Any, arg2: Any) -> bool:
    """``lt``: ordered comparison within one kind class."""
    k1 = _basic_kind(arg1)
    k2 = _basic_kind(arg2)
    if k1 is None or k2 is None:
        raise FuncError("invalid type for comparison")
    if k1 != k2:
        raise _mismatch(arg1, arg2)
    if k1 in (_BOOL, _COMPLEX):
        raise FuncError("invalid type for comparison")
    if k1 == _STRING:
        return bool(arg1.encode("utf-8", "surrogatepass") < arg2.encode("utf-8", "surrogatepass"))
    return bool(arg1 < arg2)


def go_le(arg1: Any, arg2: Any) -> bool:
    """``le``."""
    return go_lt(arg1, arg2) or go_eq(arg1, arg2)


def _index_arg(index: Any, size: int) -> int:
    if _nil(index):
        raise FuncError("cannot index slice/array with nil")
    if not isinstance(index, int) or isinstance(index, bool):
        raise FuncError(f"cannot index slice/array with type {type_name(index)}")
    if index < 0 or index > size:
        raise FuncError(f"index out of range: {index}")
    return index


def go_index(item: Any, *indexes: Any) -> Any:
    """``index``: successive element access on slices, strings and maps."""
    if _nil(item):
        raise FuncError("index of untyped nil")
    for index in indexes:
        if item is None or item is MISSING:
            raise FuncError("index of untyped nil" if item is MISSING else "index of nil pointer")
        if isinstance(item, list | str):
            x = _index_arg(index, len(item))
            if x >= len(item):
                raise FuncError(f"index out of range: {x}")
            item = item[x] if isinstance(item, list) else item.encode()[x]
        elif isinstance(item, dict):
            if _nil(index):
                raise FuncError("value is nil; should be of type string")
            if not isinstance(index, str):
                raise FuncError(f"value has type {type_name(index)}; should be string")
            if index in item:
                item = item[index]
            else:
                item = zero_of(item.elem) if isinstance(item, GoMap) else None
        else:
            raise FuncError(f"can't index item of type {type_name(item)}")
    return item


def go_slice(item: Any, *indexes: Any) -> Any:
    """``slice``: ``item[i:j]`` or ``item[i:j:k]``."""
    if _nil(item):
        raise FuncError("slice of untyped nil")
    if len(indexes) > 3:
        raise FuncError(f"too many slice indexes: {len(indexes)}")
    if isinstance(item, str):
        if len(indexes) == 3:
            raise FuncError("cannot 3-index slice a string")
        data = item.encode("utf-8", "surrogatepass")
        size = len(data)
    elif isinstance(item, list):
        size = len(item)
    else:
        raise FuncError(f"can't slice item of type {type_name(item)}")
    idx = [0, size, size]
    for i, index in enumerate(indexes):
        idx[i] = _index_arg(index, _capacity(item))
    if idx[0] > idx[1]:
        raise FuncError(f"invalid slice index: {idx[0]} > {idx[1]}")
    if len(indexes) == 3 and idx[1] > idx[2]:
        raise FuncError(f"invalid slice index: {idx[1]} > {idx[2]}")
    if isinstance(item, str):
        return data[idx[0] : idx[1]].decode("utf-8", "replace")
    idx = [min(i, size) for i in idx]
    part = item[idx[0] : idx[1]]
    return type(item)(part) if type(item) is list else item.__class__(part, item.elem)


def _capacity(item: Any) -> int:
    # A JSON array is decoded by appending, so its capacity is the next power of two.
    if isinstance(item, str) or len(item) == 0:
        return len(item)
    return 1 << (len(item) - 1).bit_length()


def go_len(item: Any) -> int:
    """``len``: length of a string (in bytes), slice or map."""
    if item is None:
        raise FuncError("len of nil pointer")
    if item is MISSING:
        raise FuncError("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(item, str):
        return len(item.encode("utf-8", "surrogatepass"))
    if isinstance(item, list | dict):
        return len(item)
    raise FuncError(f"len of type {type_name(item)}")


def _eval_args(args: tuple[Any, ...]) -> str:
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return sprint(["<no value>" if a is None else a for a in args])


def html_escape(s: str) -> str:
    """Go's ``template.HTMLEscapeString``."""
    return (
        s.replace("&", "&amp;")
        .replace("'", "&#39;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("\x00", "\ufffd")
    )


_JS = {"\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E"}
_JS.update({"&": "\\u0026", "=": "\\u003D"})


def js_escape(s: str) -> str:
    """Go's ``template.JSEscapeString``."""
    out = []
    for ch in s:
        if ch in _JS:
            out.append(_JS[ch])
        elif ord(ch) < 0x20 or (ord(ch) >= 0x80 and not ch.isprintable()):
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def special_form(*_args: Any) -> Any:
    """Placeholder body of ``and``, ``or`` and ``call``, which the compiler evaluates."""
    # and/or/call are evaluated by the compiler; this only gives them a signature.
    raise FuncError("internal error: special form called directly")


BUILTINS: FuncMap = {
    "and": GoFunc(special_form, (RAW,), RAW),
    "or": GoFunc(special_form, (RAW,), RAW),
    "call": GoFunc(special_form, (RAW,), RAW),
    "not": GoFunc(lambda a: not is_true(a), (RAW,)),
    "len": GoFunc(go_len, (RAW,)),
    "index": GoFunc(go_index, (RAW,), RAW),
    "slice": GoFunc(go_slice, (RAW,), RAW),
    "eq": GoFunc(go_eq, (RAW,), RAW),
    "ne": GoFunc(lambda a, b: not go_eq(a, b), (RAW, RAW)),
    "lt": GoFunc(go_lt, (RAW, RAW)),
    "le": GoFunc(go_le, (RAW, RAW)),
    "gt": GoFunc(lambda a, b: not go_le(a, b), (RAW, RAW)),
    "ge": GoFunc(lambda a, b: not go_lt(a, b), (RAW, RAW)),
    "print": GoFunc(lambda *a: sprint(list(a)), (), ANY),
    "println": GoFunc(lambda *a: sprintln(list(a)), (), ANY),
    "printf": GoFunc(lambda f, *a: sprintf(f, list(a)), (STR,), ANY),
    "html": GoFunc(lambda *a: html_escape(_eval_args(a)), (), ANY),
    "js": GoFunc(lambda *a: js_escape(_eval_args(a)), (), ANY),
    "urlquery": GoFunc(lambda *a: quote_plus(_eval_args(a), safe="-_.~"), (), ANY),
}

__all__ = ["BUILTINS", "go_eq", "go_index", "go_len", "go_lt", "special_form"]
