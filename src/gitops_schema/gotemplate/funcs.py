"""How template functions are declared: a Python callable plus its Go signature.

Go type-checks every argument against the function's parameter types, so each function
carries them as Go type names (``"string"``, ``"int"``, ``"interface {}"``...). The
special type ``"reflect.Value"`` receives values untouched, including ``MISSING``; Go's
builtins use it. A function fails by raising :class:`FuncError` with Go's message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ANY = "interface {}"
RAW = "reflect.Value"
STR = "string"
INT = "int"
INT64 = "int64"
FLOAT = "float64"
BOOL = "bool"
LIST = "[]interface {}"
MAP = "map[string]interface {}"


MAX_ALLOC = 10_000_000
"""Largest string or list a function may build: templates are untrusted input."""


class FuncError(Exception):
    """A function returned a non-nil error (or panicked); the text is Go's."""


def check_size(count: int, what: str) -> None:
    """Refuse to build ``count`` items, raising before the memory is taken.

    Raises:
        FuncError: when ``count`` exceeds :data:`MAX_ALLOC`.
    """
    if count > MAX_ALLOC:
        raise FuncError(f"{what} of {count} exceeds the limit of {MAX_ALLOC}")


@dataclass(frozen=True, slots=True)
class GoFunc:
    """A template function: ``fn`` called with arguments checked against ``params``.

    ``variadic`` is the element type of a trailing ``...T`` parameter, if any.
    """

    fn: Callable[..., Any]
    params: tuple[str, ...] = ()
    variadic: str | None = None


FuncMap = dict[str, GoFunc]
