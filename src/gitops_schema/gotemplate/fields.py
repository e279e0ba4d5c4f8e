"""Field access at run time: ``.A.B`` on maps and Go objects, with Go's error texts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from gitops_schema.gotemplate import nodes as n
from gitops_schema.gotemplate.exec_support import NOFINAL, State, fail, missing_key, validate
from gitops_schema.gotemplate.funcs import ANY, FuncError, GoFunc
from gitops_schema.gotemplate.values import MISSING, NIL_ELEMENT, GoObject, type_name

Expr = Callable[[State, Any], Any]
Cmd = Callable[[State, Any, Any], Any]


def field_value(
    st: State, receiver: Any, name: str, node: n.Node, has_args: bool, from_iface: bool
) -> Any:
    """Go's ``evalField`` for one step of ``.A.B``."""
    if type(receiver) is dict or isinstance(receiver, dict):
        if has_args:
            fail(node, f"{name} is not a method but has arguments")
        value = receiver.get(name, MISSING)
        if value is MISSING:
            return missing_key(st, receiver, name, node)
        return value
    if receiver is NIL_ELEMENT:
        fail(node, f"nil pointer evaluating interface {{}}.{name}")
    if receiver is MISSING or (receiver is None and not from_iface):
        if st.missingkey == 2:
            fail(node, f'nil data; no entry for key "{name}"')
        return MISSING
    if receiver is None:
        fail(node, f"nil pointer evaluating interface {{}}.{name}")
    if isinstance(receiver, GoObject):
        try:
            value = receiver.go_field(name)
        except KeyError:
            value = MISSING
        if isinstance(value, GoFunc):
            return call_method(node, name, value, [])
        if value is not MISSING:
            if has_args:
                fail(node, f"{name} has arguments but cannot be invoked as function")
            return value
    where = "interface {}" if from_iface else type_name(receiver)
    fail(node, f"can't evaluate field {name} in type {where}")


def chain(idents: tuple[str, ...], node: n.Node, has_args: bool) -> Callable[[State, Any], Any]:
    """Walk ``idents`` from a receiver; the last step gets the arguments."""
    last = len(idents) - 1
    if last == 0 and not has_args:
        name = idents[0]

        def one(st: State, receiver: Any) -> Any:
            if type(receiver) is dict:
                value = receiver.get(name, MISSING)
                if value is MISSING:
                    return missing_key(st, receiver, name, node)
                return value
            return field_value(st, receiver, name, node, False, False)

        return one

    def walk(st: State, receiver: Any) -> Any:
        iface = False
        for i, name in enumerate(idents):
            if type(receiver) is dict and not (has_args and i == last):
                value = receiver.get(name, MISSING)
                receiver = missing_key(st, receiver, name, node) if value is MISSING else value
                iface = True
                continue
            nxt = field_value(st, receiver, name, node, has_args and i == last, iface)
            iface = type(receiver) is dict or type(receiver) is list
            receiver = nxt
        return receiver

    return walk


def same(st: State, value: Any) -> Any:
    """The receiver itself (an empty field chain)."""
    return value


def iface(value: Any, target: str) -> Any:
    """A value passed as ``interface {}``: the invalid value becomes nil."""
    if value is MISSING and target == ANY:
        return None
    return value


def method_call(head: n.Node, recv: Expr, name: str, exprs: tuple[Expr, ...]) -> Cmd:
    """``.X.Method arg...``: call a Go object's method, or raise Go's field error."""

    def run(st: State, dot: Any, final: Any) -> Any:
        receiver = recv(st, dot)
        if isinstance(receiver, GoObject):
            try:
                method = receiver.go_field(name)
            except KeyError:
                method = None
            if isinstance(method, GoFunc):
                values = [e(st, dot) for e in exprs]
                if final is not NOFINAL:
                    values.append(final)
                return call_method(head, name, method, values)
        return field_value(st, receiver, name, head, True, False)

    return run


def call_method(node: n.Node, name: str, method: GoFunc, values: list[Any]) -> Any:
    """Call a method value with Go's arity and type checks."""
    if len(values) != len(method.params):
        _wrong_args(node, name, len(method.params), len(values))
    argv = [validate(v, p, node, False) for v, p in zip(values, method.params, strict=True)]
    try:
        return method.fn(*argv)
    except FuncError as exc:
        fail(node, f"error calling {name}: {exc}")


def _wrong_args(node: n.Node, name: str, want: int, got: int) -> NoReturn:
    fail(node, f"wrong number of args for {name}: want {want} got {got}")


__all__ = ["call_method", "chain", "field_value", "iface", "method_call", "same"]
