"""Go value semantics over Python data.

JSON-like data maps onto Go as the README's data convention says: ``dict`` is
``map[string]interface {}``, ``list`` is ``[]interface {}``, ``int`` is ``int``, ``float``
is ``float64``, ``None`` is ``nil``. A few Python subclasses carry the other Go types that
functions return (``int64``, ``[]string``, ``map[string]string``...), because Go's
type checks and ``typeOf`` depend on them. ``MISSING`` is Go's invalid ``reflect.Value``.
"""

from __future__ import annotations

from typing import Any, Final


class _Missing:
    """Go's invalid reflect.Value: what a missing map key evaluates to."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()


class _NilElement:
    """A nil element of a ``[]interface {}`` or ``map[string]interface {}`` used as dot.

    Go keeps its interface type there, so ``.x`` on it is an error rather than
    ``<no value>``; any pipeline turns it back into plain nil.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "NIL_ELEMENT"

    def __bool__(self) -> bool:
        return False


NIL_ELEMENT: Final = _NilElement()


class Int64(int):
    """A Go ``int64`` (Sprig's arithmetic returns these)."""

    __slots__ = ()


class GoList(list[Any]):
    """A Go slice whose element type is not ``interface {}``."""

    __slots__ = ("elem",)

    def __init__(self, items: Any = (), elem: str = "string") -> None:
        super().__init__(items)
        self.elem = elem


class GoMap(dict[str, Any]):
    """A Go ``map[string]T`` whose element type is not ``interface {}``."""

    __slots__ = ("elem",)

    def __init__(self, items: Any = (), elem: str = "string") -> None:
        super().__init__(items)
        self.elem = elem


class GoObject:
    """Base for Go structs and pointers exposed to templates (time, semver, URL...).

    ``go_type`` is the ``%T`` name, ``go_kind`` the ``reflect.Kind``. Fields and methods
    reachable with ``.Name`` are listed in ``go_fields``/``go_methods``.
    """

    go_type = "struct {}"
    go_kind = "struct"

    def go_field(self, name: str) -> Any:
        """Return field ``name``; raise ``KeyError`` if there is none."""
        raise KeyError(name)

    def go_string(self) -> str | None:
        """The ``String()`` method's result, or None when the type has none."""
        return None

    def go_json(self) -> Any:
        """What ``encoding/json`` writes for the value (its ``MarshalJSON`` or fields)."""
        text = self.go_string()
        return text if text is not None else {}


def type_name(value: Any) -> str:
    """Go's ``%T`` for a value."""
    if value is None or value is MISSING:
        return "<nil>"
    t = type(value)
    if t is str:
        return "string"
    if t is bool:
        return "bool"
    if t is int:
        return "int"
    if t is float:
        return "float64"
    if t is dict:
        return "map[string]interface {}"
    if t is list:
        return "[]interface {}"
    if t is Int64:
        return "int64"
    if t is complex:
        return "complex128"
    if t is GoList:
        return "[]" + str(value.elem)
    if t is GoMap:
        return "map[string]" + str(value.elem)
    if isinstance(value, GoObject):
        return value.go_type
    if callable(value):
        return "func"
    return t.__name__


def kind_name(value: Any) -> str:
    """Go's ``reflect.Kind`` name (Sprig's ``kindOf``)."""
    if value is None or value is MISSING:
        return "invalid"
    if isinstance(value, GoObject):
        return value.go_kind
    if isinstance(value, list):
        return "slice"
    if isinstance(value, dict):
        return "map"
    return type_name(value)


def is_true(value: Any) -> bool:
    """Go's truth: false for zero values, nil and empty containers."""
    if value is None or value is MISSING:
        return False
    t = type(value)
    if t is bool:
        return bool(value)
    if t is str or t is list or t is dict or isinstance(value, list | dict | str):
        return len(value) > 0
    if isinstance(value, int | float | complex):
        return value != 0
    return True


def zero_of(type_text: str) -> Any:
    """The zero value of a Go element type named as ``%T`` prints it."""
    if type_text == "string":
        return ""
    if type_text in ("int", "int64"):
        return 0 if type_text == "int" else Int64(0)
    if type_text == "float64":
        return 0.0
    if type_text == "bool":
        return False
    return None
