"""Execution state and the small runtime helpers compiled closures call.

Errors inside compiled code are raised as :class:`Fail` (message + node); the template
runner turns them into :class:`TemplateExecError` with Go's
``template: name:line:col: executing "x" at <node>: message`` text.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from gitops_schema.gotemplate import nodes as n
from gitops_schema.gotemplate.errors import LimitExceeded, TemplateExecError
from gitops_schema.gotemplate.funcs import ANY, RAW, FuncError
from gitops_schema.gotemplate.gofmt import format_value
from gitops_schema.gotemplate.values import (
    MISSING,
    NIL_ELEMENT,
    GoMap,
    Int64,
    type_name,
    zero_of,
)

NOFINAL: Any = object()
"""Marks a command that receives no value from a previous pipeline stage."""

MISSING_INVALID, MISSING_ZERO, MISSING_ERROR = 0, 1, 2
_CLOCK_EVERY = 1023
"""The CPU clock is read once every 1024 range iterations and template calls."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Safety bounds for one execution; exceeding one is a ``LimitExceeded`` error."""

    max_depth: int = 1200
    """Nested ``template``/``include`` calls (Go allows 100000; Python's stack does not)."""
    max_iterations: int = 1_000_000
    """Total ``range`` iterations."""
    max_output: int = 10_000_000
    """Characters of output."""
    max_seconds: float = 30.0
    """CPU seconds of the executing thread."""
    max_values: int = 1_000_000
    """Values in one list or map a function returns, those of nested ones included (so a
    list that holds itself twice, reassigned in a loop, stops doubling)."""
    max_value_depth: int = 1000
    """How deep the lists and maps a function returns may nest."""


class Fail(Exception):
    """An execution error at ``node``, before Go's context prefix is added."""

    def __init__(self, message: str, node: n.Node | None) -> None:
        super().__init__(message)
        self.message = message
        self.node = node


class BreakLoop(Exception):
    """``{{break}}``."""


class ContinueLoop(Exception):
    """``{{continue}}``."""


def fail(node: n.Node | None, message: str) -> NoReturn:
    """Abort execution with Go's ``message`` at ``node``."""
    raise Fail(message, node)


class Compiled:
    """A compiled template: its body and the size of its variable frame."""

    __slots__ = ("body", "name", "nslots")

    def __init__(self, name: str, body: Callable[[State, Any], None], nslots: int) -> None:
        self.name = name
        self.body = body
        self.nslots = nslots


class State:
    """Everything one execution needs: output, variables, bounds, template lookup."""

    __slots__ = (
        "calls",
        "deadline",
        "depth",
        "extra",
        "iterations",
        "limits",
        "lookup",
        "missingkey",
        "out",
        "size",
        "vars",
        "write",
    )

    def __init__(
        self,
        lookup: Callable[[str], Compiled | None],
        missingkey: int,
        limits: Limits,
    ) -> None:
        self.lookup = lookup
        self.missingkey = missingkey
        self.limits = limits
        self.out: list[str] = []
        self.vars: list[Any] = []
        self.depth = 0
        self.calls = 0
        self.deadline = time.thread_time() + limits.max_seconds
        self.iterations = 0
        self.size = 0
        self.extra: dict[str, Any] = {}
        out_append = self.out.append
        max_output = limits.max_output

        def write(text: str) -> None:
            self.size += len(text)
            if self.size > max_output:
                raise LimitExceeded(
                    f"template: output exceeds the limit of {max_output} characters"
                )
            out_append(text)

        self.write = write

    def count_iteration(self, node: n.Node) -> None:
        """Count one ``range`` iteration against the bound, and now and then the time."""
        self.iterations += 1
        if self.iterations > self.limits.max_iterations:
            raise LimitExceeded(
                f"template: range iterations exceed the limit of {self.limits.max_iterations}"
            )
        if not self.iterations & _CLOCK_EVERY:
            self.check_time()

    def check_time(self) -> None:
        """Stop an execution that has used its CPU time."""
        if time.thread_time() > self.deadline:
            raise LimitExceeded(
                f"template: execution stopped after {self.limits.max_seconds:g} s of CPU time"
            )

    def run(self, target: Compiled, dot: Any) -> None:
        """Execute ``target`` with ``dot`` in a fresh variable frame."""
        saved = self.vars
        frame = [None] * target.nslots
        frame[0] = dot
        self.vars = frame
        self.depth += 1
        self.calls += 1
        if not self.calls & _CLOCK_EVERY:
            self.check_time()
        try:
            target.body(self, dot)
        except Fail as exc:
            raise exec_error(target.name, exc) from None
        except RecursionError:
            raise LimitExceeded(
                f"template: {target.name}: exceeded maximum template depth (stack exhausted)"
            ) from None
        finally:
            self.vars = saved
            self.depth -= 1

    def text(self) -> str:
        """The output written so far."""
        return "".join(self.out)


def check_built(value: list[Any] | dict[Any, Any], limits: Limits) -> None:
    """Refuse a list or map past the bounds on its values and their nesting.

    The walk stops as soon as a bound is passed, so it never takes more than
    ``limits.max_values`` steps, even over a structure that shares parts of itself.

    Raises:
        FuncError: the value holds too many values or nests too deep.
    """
    count = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limits.max_value_depth:
            raise FuncError(f"result nests deeper than the limit of {limits.max_value_depth}")
        children = item.values() if isinstance(item, dict) else item
        count += len(children)
        if count > limits.max_values:
            raise FuncError(f"result holds more than the limit of {limits.max_values} values")
        stack.extend((child, depth + 1) for child in children if isinstance(child, list | dict))


def exec_error(name: str, exc: Fail) -> TemplateExecError:
    """Build Go's full execution error text for ``exc`` raised inside template ``name``."""
    node = exc.node
    if node is None:
        return TemplateExecError(f"template: {name}: {exc.message}", reason=exc.message, name=name)
    line, column = node.src.location(node.pos)
    # Go stopped shortening the node text to 20 bytes (Go 1.20); Argo CD prints it whole.
    context = str(node)
    message = (
        f'template: {node.src.name}:{line}:{column}: executing "{name}" at <{context}>: '
        f"{exc.message}"
    )
    return TemplateExecError(
        message, reason=exc.message, name=node.src.name, line=line, column=column
    )


def missing_key(st: State, receiver: dict[str, Any], name: str, node: n.Node) -> Any:
    """What a map lookup of an absent key gives under the ``missingkey`` option."""
    mode = st.missingkey
    if mode == MISSING_INVALID:
        return MISSING
    if mode == MISSING_ZERO:
        return zero_of(receiver.elem) if isinstance(receiver, GoMap) else None
    fail(node, f'map has no entry for key "{name}"')


def print_value(value: Any) -> str:
    """Text of an action's result (Go's ``printValue``)."""
    if value is MISSING or value is None:
        return "<no value>"
    return format_value(value)


_SIMPLE = {"string": str, "int": int, "float64": float, "bool": bool, "int64": Int64}


def validate(value: Any, ptype: str, node: n.Node, from_field: bool) -> Any:
    """Go's ``validateType``: check ``value`` can be passed as a ``ptype`` parameter."""
    if value is NIL_ELEMENT:
        value, from_field = None, True
    if ptype == ANY:
        return None if value is MISSING else value
    if ptype == RAW:
        return value
    simple = _SIMPLE.get(ptype)
    if simple is not None and type(value) is simple:
        return value
    if value is None and not from_field:
        value = MISSING
    if value is MISSING:
        if ptype.startswith(("[]", "map[", "*", "func")):
            return None
        fail(node, f"invalid value; expected {ptype}")
    if simple is None and _matches(value, ptype):
        return value
    got = "interface {}" if value is None else type_name(value)
    fail(node, f"wrong type for value; expected {ptype}; got {got}")


def _matches(value: Any, ptype: str) -> bool:
    if ptype == "[]interface {}":
        return type(value) is list
    if ptype == "map[string]interface {}":
        return type(value) is dict
    return type_name(value) == ptype
