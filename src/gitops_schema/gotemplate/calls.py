"""Function calls at run time: Go's error wrapping, ``and``/``or``, ``call``, and raisers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from gitops_schema.gotemplate import nodes as n
from gitops_schema.gotemplate.errors import TemplateError
from gitops_schema.gotemplate.exec_support import (
    NOFINAL,
    BreakLoop,
    ContinueLoop,
    Fail,
    State,
    check_built,
    fail,
    validate,
)
from gitops_schema.gotemplate.funcs import FuncError, GoFunc
from gitops_schema.gotemplate.values import MISSING, is_true, type_name

Expr = Callable[[State, Any], Any]
Cmd = Callable[[State, Any, Any], Any]


def and_or(is_or: bool, convs: tuple[Expr, ...]) -> Cmd:
    """``and``/``or``: short-circuit and return the deciding operand."""

    def run(st: State, dot: Any, final: Any) -> Any:
        value: Any = MISSING
        for conv in convs:
            value = conv(st, dot)
            if is_true(value) == is_or:
                return value
        if final is not NOFINAL:
            value = final
        return value

    return run


def call_builtin(node: n.Node, convs: tuple[Expr, ...], callee: str) -> Cmd:
    """The ``call`` builtin: call a function value, or report Go's error."""

    def run(st: State, dot: Any, final: Any) -> Any:
        values = [conv(st, dot) for conv in convs]
        if final is not NOFINAL:
            values.append(final)
        fn = values[0]
        label = callee or f"<{type_name(fn)} Value>"
        if fn is None or fn is MISSING:
            fail(node, "error calling call: call of nil")
        if not isinstance(fn, GoFunc):
            fail(node, f"error calling call: non-function {label} of type {type_name(fn)}")
        try:
            return fn.fn(*values[1:])
        except FuncError as exc:
            fail(node, f"error calling call: {exc}")

    return run


def make_call(
    name: str, func: GoFunc, convs: tuple[Expr, ...], final_type: str, node: n.Node
) -> Cmd:
    """A compiled function call: arguments converted, Go errors wrapped as ``error calling``."""
    fn = func.fn
    stateful = getattr(fn, "needs_state", False)

    def invoke(st: State, argv: list[Any]) -> Any:
        try:
            result = fn(st, *argv) if stateful else fn(*argv)
            # Results are bounded like output, so a loop of doubling cats (or lists) cannot
            # exhaust memory.
            if type(result) is str:
                limit = st.limits.max_output
                if len(result) > limit:
                    raise FuncError(f"result size of {len(result)} exceeds the limit of {limit}")
            elif isinstance(result, list | dict) and result:
                check_built(result, st.limits)
            return result
        except (TemplateError, Fail, BreakLoop, ContinueLoop):
            raise
        except FuncError as exc:
            fail(node, f"error calling {name}: {exc}")
        except RecursionError:
            raise
        except Exception as exc:  # a panic inside a Go function becomes an error
            fail(node, f"error calling {name}: {exc}")

    if len(convs) == 1 and not final_type:
        (only,) = convs
        return lambda st, dot, final: invoke(st, [only(st, dot)])

    def run(st: State, dot: Any, final: Any) -> Any:
        argv = [conv(st, dot) for conv in convs]
        if final_type:
            argv.append(validate(final, final_type, node, False))
        return invoke(st, argv)

    return run


def raise_break(st: State, dot: Any) -> None:
    """``{{break}}``."""
    raise BreakLoop


def raise_continue(st: State, dot: Any) -> None:
    """``{{continue}}``."""
    raise ContinueLoop


def raiser2(node: n.Node, message: str) -> Expr:
    """An expression that always fails with ``message`` (Go checks these at run time)."""

    def raise_(st: State, dot: Any) -> NoReturn:
        fail(node, message)

    return raise_


def raiser3(node: n.Node, message: str) -> Cmd:
    """A command that always fails with ``message``."""

    def raise_(st: State, dot: Any, final: Any) -> NoReturn:
        fail(node, message)

    return raise_
