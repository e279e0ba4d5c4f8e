"""Compiles parse trees to Python closures that execute with Go's semantics.

Every statement becomes ``f(state, dot) -> None`` and every expression
``f(state, dot) -> value``; variables live in a per-invocation list whose slots are
resolved at compile time, so execution does no name lookups.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gitops_schema.gotemplate import nodes as n
from gitops_schema.gotemplate.builtins import special_form
from gitops_schema.gotemplate.calls import (
    and_or,
    call_builtin,
    make_call,
    raise_break,
    raise_continue,
    raiser2,
    raiser3,
)
from gitops_schema.gotemplate.errors import TemplateError
from gitops_schema.gotemplate.exec_support import (
    NOFINAL,
    BreakLoop,
    ContinueLoop,
    State,
    fail,
    print_value,
    validate,
)
from gitops_schema.gotemplate.fields import chain, iface, method_call, same
from gitops_schema.gotemplate.funcs import ANY, RAW, FuncMap
from gitops_schema.gotemplate.gofmt import sort_key
from gitops_schema.gotemplate.values import MISSING, NIL_ELEMENT, Int64, is_true

Stmt = Callable[[State, Any], None]
Expr = Callable[[State, Any], Any]
Cmd = Callable[[State, Any, Any], Any]


def _noop(st: State, dot: Any) -> None:
    return None


def unwrap(value: Any) -> Any:
    """A command's result as a pipeline sees it: a nil element becomes plain nil."""
    return None if value is NIL_ELEMENT else value


class Compiler:
    """Compiles one template body; ``nslots`` is the size of its variable frame."""

    def __init__(self, funcs: FuncMap) -> None:
        self.funcs = funcs
        self.scope: list[tuple[str, int]] = [("$", 0)]
        self.nslots = 1

    # -- statements --------------------------------------------------------------------

    def compile_body(self, root: n.ListNode) -> Stmt:
        """Compile a template's root list."""
        return self.stmt_list(root)

    def stmt_list(self, node: n.ListNode | None) -> Stmt:
        """A list of statements run in order."""
        if node is None:
            return _noop
        stmts = [self.stmt(child) for child in node.nodes]
        if not stmts:
            return _noop
        if len(stmts) == 1:
            return stmts[0]
        steps = tuple(stmts)

        def run(st: State, dot: Any) -> None:
            for step in steps:
                step(st, dot)

        return run

    def stmt(self, node: n.Node) -> Stmt:
        """One statement node."""
        if isinstance(node, n.TextNode):
            return self.text(node.text)
        if isinstance(node, n.ActionNode):
            return self.action(node)
        if isinstance(node, n.RangeNode):
            return self.range_(node)
        if isinstance(node, n.IfNode | n.WithNode):
            return self.if_with(node)
        if isinstance(node, n.TemplateNode):
            return self.template(node)
        if isinstance(node, n.BreakNode):
            return raise_break
        if isinstance(node, n.ContinueNode):
            return raise_continue
        raise TemplateError(f"unknown node: {node}")

    def text(self, text: str) -> Stmt:
        """Literal text."""

        def emit(st: State, dot: Any) -> None:
            st.write(text)

        return emit

    def action(self, node: n.ActionNode) -> Stmt:
        """``{{pipeline}}``: print the value unless the pipeline declares variables."""
        pipe = self.pipe(node.pipe)
        if node.pipe.decl:

            def declare(st: State, dot: Any) -> None:
                pipe(st, dot)

            return declare

        def act(st: State, dot: Any) -> None:
            value = pipe(st, dot)
            if type(value) is str:
                st.write(value)
            else:
                st.write(print_value(value))

        return act

    def if_with(self, node: n.BranchNode) -> Stmt:
        """``if`` and ``with``: ``with`` also moves dot."""
        mark = len(self.scope)
        pipe = self.pipe(node.pipe)
        body = self.stmt_list(node.body)
        other = self.stmt_list(node.else_body)
        del self.scope[mark:]
        if isinstance(node, n.WithNode):

            def with_(st: State, dot: Any) -> None:
                value = pipe(st, dot)
                if is_true(value):
                    body(st, value)
                else:
                    other(st, dot)

            return with_

        def if_(st: State, dot: Any) -> None:
            if is_true(pipe(st, dot)):
                body(st, dot)
            else:
                other(st, dot)

        return if_

    def range_(self, node: n.RangeNode) -> Stmt:
        """``range`` over a list, a map in key order, or an int; ``else`` when empty."""
        mark = len(self.scope)
        pipe = self.pipe(node.pipe)
        slots = [self.lookup(v.ident[0]) for v in node.pipe.decl]
        body = self.stmt_list(node.body)
        other = self.stmt_list(node.else_body)
        del self.scope[mark:]
        elem_slot = slots[-1] if slots else -1
        key_slot = slots[0] if len(slots) > 1 else -1

        def run_range(st: State, dot: Any) -> None:
            value = pipe(st, dot)
            if isinstance(value, dict):
                items: Any = [(k, value[k]) for k in sorted(value, key=sort_key)]
            elif isinstance(value, list):
                items = enumerate(value)
            elif isinstance(value, int) and type(value) is not bool:
                if key_slot >= 0:
                    fail(node, f"can't use {value} to iterate over more than one variable")
                items = ((i, i) for i in range(value))
            elif value is None or value is MISSING:
                items = ()
            else:
                fail(node, f"range can't iterate over {print_value(value)}")
            vars_ = st.vars
            ran = False
            for key, elem in items:
                ran = True
                st.count_iteration(node)
                if elem is None:
                    elem = NIL_ELEMENT
                if elem_slot >= 0:
                    vars_[elem_slot] = elem
                if key_slot >= 0:
                    vars_[key_slot] = key
                try:
                    body(st, elem)
                except ContinueLoop:
                    continue
                except BreakLoop:
                    break
            if not ran:
                other(st, dot)

        return run_range

    def template(self, node: n.TemplateNode) -> Stmt:
        """``{{template "name" pipeline}}``: a new variable frame, resolved at run time."""
        pipe = self.pipe(node.pipe) if node.pipe is not None else None
        name = node.name

        def call_template(st: State, dot: Any) -> None:
            target = st.lookup(name)
            if target is None:
                fail(node, f'template "{name}" not defined')
            if st.depth >= st.limits.max_depth:
                fail(node, f"exceeded maximum template depth ({st.limits.max_depth})")
            value = pipe(st, dot) if pipe is not None else None
            if value is MISSING:
                value = None
            st.run(target, value)

        return call_template

    # -- variables ---------------------------------------------------------------------

    def lookup(self, name: str) -> int:
        """The slot of the innermost variable called ``name``."""
        for var, slot in reversed(self.scope):
            if var == name:
                return slot
        raise TemplateError(f"undefined variable: {name}")

    def declare(self, name: str) -> int:
        """A new slot for variable ``name``, visible until its scope ends."""
        slot = self.nslots
        self.nslots += 1
        self.scope.append((name, slot))
        return slot

    # -- pipelines ---------------------------------------------------------------------

    def pipe(self, node: n.PipeNode) -> Expr:
        """A pipeline: each command gets the previous value as its last argument."""
        cmds = [self.command(c, i > 0) for i, c in enumerate(node.cmds)]
        if node.decl:
            if node.is_assign:
                slots = [self.lookup(v.ident[0]) for v in node.decl]
            else:
                slots = [self.declare(v.ident[0]) for v in node.decl]
        else:
            slots = []
        first = cmds[0]
        rest = tuple(cmds[1:])
        if not rest and not slots:
            return lambda st, dot: first(st, dot, NOFINAL)

        def run(st: State, dot: Any) -> Any:
            value = first(st, dot, NOFINAL)
            for cmd in rest:
                value = cmd(st, dot, value)
            for slot in slots:
                st.vars[slot] = value
            return value

        return run

    def command(self, cmd: n.CommandNode, has_final: bool) -> Cmd:
        """One pipeline stage; ``has_final`` when a previous stage feeds it."""
        head = cmd.args[0]
        has_args = len(cmd.args) > 1 or has_final
        if isinstance(head, n.FieldNode):
            if has_args:
                recv = chain(head.ident[:-1], head, False) if len(head.ident) > 1 else same
                return self.method(head, recv, head.ident[-1], cmd.args[1:])
            walk = chain(head.ident, head, has_args)
            return lambda st, dot, final: walk(st, dot)
        if isinstance(head, n.ChainNode):
            base = self.arg(head.node, None)
            if has_args:
                rest = chain(head.fields[:-1], head, False) if len(head.fields) > 1 else same
                return self.method(
                    head, lambda st, dot: rest(st, base(st, dot)), head.fields[-1], cmd.args[1:]
                )
            walk = chain(head.fields, head, has_args)
            return lambda st, dot, final: walk(st, base(st, dot))
        if isinstance(head, n.IdentifierNode):
            return self.call(head, cmd, cmd.args[1:], has_final)
        if isinstance(head, n.VariableNode):
            slot = self.lookup(head.ident[0])
            if len(head.ident) == 1:
                if has_args:
                    return raiser3(head, f"can't give argument to non-function {head}")
                return lambda st, dot, final: unwrap(st.vars[slot])
            if has_args:
                inner = chain(head.ident[1:-1], head, False) if len(head.ident) > 2 else same
                return self.method(
                    head, lambda st, dot: inner(st, st.vars[slot]), head.ident[-1], cmd.args[1:]
                )
            walk = chain(head.ident[1:], head, has_args)
            return lambda st, dot, final: walk(st, st.vars[slot])
        if has_args:
            return raiser3(head, f"can't give argument to non-function {head}")
        if isinstance(head, n.PipeNode):
            inner = self.pipe(head)
            return lambda st, dot, final: inner(st, dot)
        if isinstance(head, n.DotNode):
            return lambda st, dot, final: unwrap(dot)
        if isinstance(head, n.NilNode):
            return raiser3(head, "nil is not a command")
        const = self.constant(head, ANY)
        return lambda st, dot, final: const(st, dot)

    def method(self, head: n.Node, recv: Expr, name: str, args: list[n.Node]) -> Cmd:
        """``.X.Method arg...``: a method of a Go object, or Go's error for a field."""
        return method_call(head, recv, name, tuple(self.arg(a, ANY) for a in args))

    # -- arguments ---------------------------------------------------------------------

    def arg(self, node: n.Node, ptype: str | None) -> Expr:
        """Go's ``evalArg``: evaluate ``node`` for a parameter of Go type ``ptype``."""
        target = ptype or ANY
        if isinstance(node, n.DotNode):
            return lambda st, dot: validate(dot, target, node, False)
        if isinstance(node, n.NilNode):
            if target in (ANY, RAW) or target.startswith(("[]", "map[", "*", "func")):
                const_nil = MISSING if target == RAW else None
                return lambda st, dot: const_nil
            return raiser2(node, f"cannot assign nil to {target}")
        if isinstance(node, n.FieldNode):
            walk = chain(node.ident, node, False)
            if target in (ANY, RAW):
                return lambda st, dot: iface(walk(st, dot), target)
            return lambda st, dot: validate(walk(st, dot), target, node, True)
        if isinstance(node, n.VariableNode):
            slot = self.lookup(node.ident[0])
            if len(node.ident) == 1:
                return lambda st, dot: validate(st.vars[slot], target, node, False)
            walk = chain(node.ident[1:], node, False)
            return lambda st, dot: validate(walk(st, st.vars[slot]), target, node, True)
        if isinstance(node, n.PipeNode):
            inner = self.pipe(node)
            return lambda st, dot: validate(inner(st, dot), target, node, False)
        if isinstance(node, n.IdentifierNode):
            call = self.call(node, node, [], False)
            return lambda st, dot: validate(call(st, dot, NOFINAL), target, node, False)
        if isinstance(node, n.ChainNode):
            base = self.arg(node.node, None)
            walk = chain(node.fields, node, False)
            return lambda st, dot: validate(walk(st, base(st, dot)), target, node, True)
        return self.constant(node, target)

    def constant(self, node: n.Node, ptype: str) -> Expr:
        """A literal argument checked against the parameter type, as Go does."""
        value: Any
        if ptype in (ANY, RAW):
            if isinstance(node, n.BoolNode):
                value = node.value
            elif isinstance(node, n.StringNode):
                value = node.text
            elif isinstance(node, n.NumberNode):
                return self.ideal(node)
            else:
                return raiser2(
                    node, f"can't handle assignment of {node} to empty interface argument"
                )
        elif ptype == "bool":
            if not isinstance(node, n.BoolNode):
                return raiser2(node, f"expected bool; found {node}")
            value = node.value
        elif ptype == "string":
            if not isinstance(node, n.StringNode):
                return raiser2(node, f"expected string; found {node}")
            value = node.text
        elif ptype in ("int", "int64"):
            if not (isinstance(node, n.NumberNode) and node.is_int):
                return raiser2(node, f"expected integer; found {node}")
            value = node.int64
            if ptype == "int64":
                value = Int64(value)
        elif ptype == "float64":
            if not (isinstance(node, n.NumberNode) and node.is_float):
                return raiser2(node, f"expected float; found {node}")
            value = node.float64
        else:
            return raiser2(node, f"can't handle {node} for arg of type {ptype}")
        return lambda st, dot: value

    def ideal(self, node: n.NumberNode) -> Expr:
        """Go's ``idealConstant``: the literal's syntax picks int, float64 or complex128."""
        text = node.text
        value: Any
        if node.is_complex:
            value = node.complex128
        elif (
            node.is_float
            and not (
                len(text) > 2 and text[0] == "0" and text[1] in "xX" and "p" not in text.lower()
            )
            and not text.startswith("'")
            and any(c in text for c in ".eEpP")
        ):
            value = node.float64
        elif node.is_int:
            value = node.int64
        elif node.is_uint:
            return raiser2(node, f"{text} overflows int")
        else:
            value = None
        return lambda st, dot: value

    # -- calls -------------------------------------------------------------------------

    def call(
        self, ident: n.IdentifierNode, node: n.Node, args: list[n.Node], has_final: bool
    ) -> Cmd:
        """A function call with Go's arity and argument type checks."""
        name = ident.name
        func = self.funcs[name]
        n_in = len(args) + (1 if has_final else 0)
        params = func.params
        if func.variadic is not None:
            if n_in < len(params):
                return raiser3(
                    ident,
                    f"wrong number of args for {name}: want at least {len(params)} got {len(args)}",
                )
        elif n_in != len(params):
            return raiser3(ident, f"wrong number of args for {name}: want {len(params)} got {n_in}")
        if func.fn is special_form:
            raw = tuple(self.arg(a, RAW) for a in args)
            if name == "call":
                return call_builtin(node, raw, str(args[0]) if args else "")
            return and_or(name == "or", raw)
        convs = [
            self.arg(a, params[i] if i < len(params) else func.variadic) for i, a in enumerate(args)
        ]
        final_type = ""
        if has_final:
            final_type = params[n_in - 1] if n_in - 1 < len(params) else (func.variadic or ANY)
        return make_call(name, func, tuple(convs), final_type, node)


__all__ = ["Compiler"]
