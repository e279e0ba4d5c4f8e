"""Parser for Go ``text/template``: tokens to trees, with Go's parse-time checks and messages.

``parse()`` returns every tree defined by one source text (the top level plus each
``define``/``block``), as Go's ``parse.Parse`` does.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from typing import NoReturn

from gitops_schema.gotemplate import nodes as n
from gitops_schema.gotemplate.errors import TemplateSyntaxError
from gitops_schema.gotemplate.lexer import Kind, Lexer, Token
from gitops_schema.gotemplate.literals import LiteralError, go_quote, unquote
from gitops_schema.gotemplate.numbers import number_node

MAX_PAREN_DEPTH = 10000
"""Go's bound on nested parenthesized pipelines (``max expression depth exceeded``)."""
MAX_NESTING = 10000
"""Our bound on nested ``if``/``with``/``range``/``block`` (and ``else if`` chains): Go
has none, but every level costs Python frames, so the same bound as parentheses."""
_OPERAND_START = {
    Kind.BOOL,
    Kind.CHAR_CONSTANT,
    Kind.COMPLEX,
    Kind.DOT,
    Kind.FIELD,
    Kind.IDENTIFIER,
    Kind.NUMBER,
    Kind.NIL,
    Kind.RAW_STRING,
    Kind.STRING,
    Kind.VARIABLE,
    Kind.LEFT_PAREN,
}
_NOT_EXECUTABLE = (n.BoolNode, n.DotNode, n.NilNode, n.NumberNode, n.StringNode)


@dataclass(eq=False, slots=True)
class Tree:
    """One named template: its body and the source it came from."""

    name: str
    root: n.ListNode
    src: n.Source


class _Stream:
    """Token cursor shared by the top-level parser and the ones for nested definitions."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.action_line = 0
        self.last = tokens[0]

    def next(self) -> Token:
        token = self.tokens[min(self.index, len(self.tokens) - 1)]
        self.index += 1
        self.last = token
        return token

    def backup(self, count: int = 1) -> None:
        self.index -= count

    def peek(self) -> Token:
        return self.tokens[min(self.index, len(self.tokens) - 1)]


class _Parser:
    def __init__(
        self,
        name: str,
        stream: _Stream,
        src: n.Source,
        funcs: Container[str],
        trees: dict[str, Tree],
    ) -> None:
        self.name = name
        self.s = stream
        self.src = src
        self.funcs = funcs
        self.trees = trees
        self.vars = ["$"]
        self.range_depth = 0
        self.paren_depth = 0
        self.nesting = 0

    # -- errors ------------------------------------------------------------------------

    def error(self, message: str, line: int | None = None) -> NoReturn:
        at = self.s.last.line if line is None else line
        raise TemplateSyntaxError(
            f"template: {self.src.name}:{at}: {message}", name=self.src.name, line=at
        )

    def unexpected(self, token: Token, context: str) -> NoReturn:
        if token.kind is Kind.ERROR:
            extra = ""
            if self.s.action_line and self.s.action_line != token.line:
                extra = f" in action started at {self.src.name}:{self.s.action_line}"
                if token.val.endswith(" action"):
                    extra = extra[len(" in action") :]
            self.error(f"{token}{extra}", token.line)
        self.error(f"unexpected {token} in {context}", token.line)

    # -- token helpers -----------------------------------------------------------------

    def next_non_space(self) -> Token:
        token = self.s.next()
        while token.kind is Kind.SPACE:
            token = self.s.next()
        return token

    def peek_non_space(self) -> Token:
        token = self.next_non_space()
        self.s.backup()
        return token

    def expect(self, kind: Kind, context: str) -> Token:
        token = self.next_non_space()
        if token.kind is not kind:
            self.unexpected(token, context)
        return token

    # -- structure ---------------------------------------------------------------------

    def parse_top(self) -> n.ListNode:
        root = n.ListNode(self.s.peek().pos, self.src)
        while self.s.peek().kind is not Kind.EOF:
            if self.s.peek().kind is Kind.LEFT_DELIM:
                start = self.s.index
                self.s.next()
                if self.next_non_space().kind is Kind.DEFINE:
                    sub = _Parser("definition", self.s, self.src, self.funcs, self.trees)
                    sub.parse_definition()
                    continue
                self.s.index = start
            node = self.text_or_action()
            if isinstance(node, n.EndNode | n.ElseNode):
                self.error(f"unexpected {node}")
            root.nodes.append(node)
        return root

    def parse_definition(self) -> None:
        context = "define clause"
        token = self.next_non_space()
        if token.kind not in (Kind.STRING, Kind.RAW_STRING):
            self.unexpected(token, context)
        self.name = self._unquote(token.val)
        self.expect(Kind.RIGHT_DELIM, context)
        root, end = self.item_list()
        if not isinstance(end, n.EndNode):
            self.error(f"unexpected {end} in {context}")
        self.add(root)

    def add(self, root: n.ListNode) -> None:
        existing = self.trees.get(self.name)
        if existing is None or n.is_empty_tree(existing.root):
            self.trees[self.name] = Tree(self.name, root, self.src)
            return
        if not n.is_empty_tree(root):
            self.error(f"template: multiple definition of template {go_quote(self.name)}")

    def item_list(self) -> tuple[n.ListNode, n.Node]:
        nodes = n.ListNode(self.peek_non_space().pos, self.src)
        while self.peek_non_space().kind is not Kind.EOF:
            node = self.text_or_action()
            if isinstance(node, n.EndNode | n.ElseNode):
                return nodes, node
            nodes.nodes.append(node)
        self.error("unexpected EOF")

    def text_or_action(self) -> n.Node:
        token = self.next_non_space()
        if token.kind is Kind.TEXT:
            return n.TextNode(token.pos, self.src, token.val)
        if token.kind is Kind.LEFT_DELIM:
            saved = self.s.action_line
            self.s.action_line = token.line
            try:
                return self.action()
            finally:
                self.s.action_line = saved
        self.unexpected(token, "input")

    def action(self) -> n.Node:
        token = self.next_non_space()
        kind = token.kind
        if kind is Kind.BLOCK:
            return self.block_control()
        if kind is Kind.BREAK or kind is Kind.CONTINUE:
            word = "break" if kind is Kind.BREAK else "continue"
            after = self.next_non_space()
            if after.kind is not Kind.RIGHT_DELIM:
                self.unexpected(after, "{{" + word + "}}")
            if self.range_depth == 0:
                self.error("{{" + word + "}} outside {{range}}")
            cls = n.BreakNode if kind is Kind.BREAK else n.ContinueNode
            return cls(token.pos, self.src)
        if kind is Kind.ELSE:
            peek = self.peek_non_space()
            if peek.kind in (Kind.IF, Kind.WITH):
                return n.ElseNode(peek.pos, self.src)
            end = self.expect(Kind.RIGHT_DELIM, "else")
            return n.ElseNode(end.pos, self.src)
        if kind is Kind.END:
            end = self.expect(Kind.RIGHT_DELIM, "end")
            return n.EndNode(end.pos, self.src)
        if kind is Kind.IF:
            return self.control(n.IfNode, "if")
        if kind is Kind.RANGE:
            return self.control(n.RangeNode, "range")
        if kind is Kind.TEMPLATE:
            return self.template_control()
        if kind is Kind.WITH:
            return self.control(n.WithNode, "with")
        self.s.backup()
        first = self.s.peek()
        return n.ActionNode(
            first.pos, self.src, first.line, self.pipeline("command", Kind.RIGHT_DELIM)
        )

    def control(self, cls: type[n.BranchNode], context: str) -> n.BranchNode:
        if self.nesting >= MAX_NESTING:
            self.error(f"{{{{{context}}}}} nested more than {MAX_NESTING} deep")
        self.nesting += 1
        try:
            return self._control(cls, context)
        finally:
            self.nesting -= 1

    def _control(self, cls: type[n.BranchNode], context: str) -> n.BranchNode:
        mark = len(self.vars)
        pipe = self.pipeline(context, Kind.RIGHT_DELIM)
        if context == "range":
            self.range_depth += 1
        body, nxt = self.item_list()
        if context == "range":
            self.range_depth -= 1
        else_body: n.ListNode | None = None
        if isinstance(nxt, n.ElseNode):
            if context in ("if", "with") and self.s.peek().kind in (Kind.IF, Kind.WITH):
                chained = self.s.peek().kind
                if (chained is Kind.IF) == (context == "if"):
                    self.s.next()
                    else_body = n.ListNode(nxt.pos, self.src)
                    else_body.nodes.append(self.control(cls, context))
            if else_body is None:
                else_body, nxt = self.item_list()
                if not isinstance(nxt, n.EndNode):
                    self.error(f"expected end; found {nxt}")
        del self.vars[mark:]
        return cls(pipe.pos, self.src, pipe.line, pipe, body, else_body, context)

    def template_control(self) -> n.TemplateNode:
        context = "template clause"
        token = self.next_non_space()
        name = self.template_name(token, context)
        pipe: n.PipeNode | None = None
        if self.next_non_space().kind is not Kind.RIGHT_DELIM:
            self.s.backup()
            pipe = self.pipeline(context, Kind.RIGHT_DELIM)
        return n.TemplateNode(token.pos, self.src, token.line, name, pipe)

    def block_control(self) -> n.TemplateNode:
        context = "block clause"
        token = self.next_non_space()
        name = self.template_name(token, context)
        pipe = self.pipeline(context, Kind.RIGHT_DELIM)
        if self.nesting >= MAX_NESTING:
            self.error(f"{{{{block}}}} nested more than {MAX_NESTING} deep")
        sub = _Parser(name, self.s, self.src, self.funcs, self.trees)
        sub.nesting = self.nesting + 1
        root, end = sub.item_list()
        if not isinstance(end, n.EndNode):
            self.error(f"unexpected {end} in {context}")
        sub.add(root)
        return n.TemplateNode(token.pos, self.src, token.line, name, pipe)

    def template_name(self, token: Token, context: str) -> str:
        if token.kind not in (Kind.STRING, Kind.RAW_STRING):
            self.unexpected(token, context)
        return self._unquote(token.val)

    # -- pipelines ---------------------------------------------------------------------

    def pipeline(self, context: str, end: Kind) -> n.PipeNode:
        first = self.peek_non_space()
        pipe = n.PipeNode(first.pos, self.src, first.line)
        self.declarations(pipe, context)
        while True:
            token = self.next_non_space()
            if token.kind is end:
                self.check_pipeline(pipe, context)
                return pipe
            if token.kind in _OPERAND_START:
                self.s.backup()
                pipe.cmds.append(self.command())
            else:
                self.unexpected(token, context)

    def declarations(self, pipe: n.PipeNode, context: str) -> None:
        while True:
            v = self.peek_non_space()
            if v.kind is not Kind.VARIABLE:
                return
            self.next_non_space()
            start = self.s.index
            nxt = self.peek_non_space()
            if nxt.kind in (Kind.ASSIGN, Kind.DECLARE):
                pipe.is_assign = nxt.kind is Kind.ASSIGN
                self.next_non_space()
                pipe.decl.append(n.VariableNode(v.pos, self.src, (v.val,)))
                self.vars.append(v.val)
                return
            if nxt.kind is Kind.CHAR and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(n.VariableNode(v.pos, self.src, (v.val,)))
                self.vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().kind in (
                        Kind.VARIABLE,
                        Kind.RIGHT_DELIM,
                        Kind.RIGHT_PAREN,
                    ):
                        continue
                    self.error("range can only initialize variables")
                self.error(f"too many declarations in {context}")
            # Not a declaration: push the variable back so it parses as an operand.
            self.s.index = start - 1
            return

    def check_pipeline(self, pipe: n.PipeNode, context: str) -> None:
        if not pipe.cmds:
            self.error(f"missing value for {context}")
        for i, cmd in enumerate(pipe.cmds[1:]):
            if isinstance(cmd.args[0], _NOT_EXECUTABLE):
                self.error(f"non executable command in pipeline stage {i + 2}")

    def command(self) -> n.CommandNode:
        cmd = n.CommandNode(self.peek_non_space().pos, self.src)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            token = self.s.next()
            if token.kind is Kind.SPACE:
                continue
            if token.kind in (Kind.RIGHT_DELIM, Kind.RIGHT_PAREN):
                self.s.backup()
            elif token.kind is not Kind.PIPE:
                self.unexpected(token, "operand")
            break
        if not cmd.args:
            self.error("empty command")
        return cmd

    def operand(self) -> n.Node | None:
        node = self.term()
        if node is None:
            return None
        if self.s.peek().kind is Kind.FIELD:
            pos = self.s.peek().pos
            fields: list[str] = []
            while self.s.peek().kind is Kind.FIELD:
                fields.extend(self.s.next().val[1:].split("."))
            # Go rebuilds the node at the chain's position: that of the second field.
            if isinstance(node, n.FieldNode):
                return n.FieldNode(pos, self.src, node.ident + tuple(fields))
            if isinstance(node, n.VariableNode):
                return n.VariableNode(pos, self.src, node.ident + tuple(fields))
            if isinstance(node, _NOT_EXECUTABLE):
                self.error(f"unexpected . after term {go_quote(str(node))}")
            return n.ChainNode(pos, self.src, node, tuple(fields))
        return node

    def term(self) -> n.Node | None:
        token = self.next_non_space()
        kind = token.kind
        if kind is Kind.IDENTIFIER:
            if token.val not in self.funcs:
                self.error(f"function {go_quote(token.val)} not defined")
            return n.IdentifierNode(token.pos, self.src, token.val)
        if kind is Kind.DOT:
            return n.DotNode(token.pos, self.src)
        if kind is Kind.NIL:
            return n.NilNode(token.pos, self.src)
        if kind is Kind.VARIABLE:
            if token.val not in self.vars:
                self.error(f"undefined variable {go_quote(token.val)}")
            return n.VariableNode(token.pos, self.src, (token.val,))
        if kind is Kind.FIELD:
            return n.FieldNode(token.pos, self.src, tuple(token.val[1:].split(".")))
        if kind is Kind.BOOL:
            return n.BoolNode(token.pos, self.src, token.val == "true")
        if kind in (Kind.CHAR_CONSTANT, Kind.COMPLEX, Kind.NUMBER):
            return self.number(token)
        if kind is Kind.LEFT_PAREN:
            if self.paren_depth >= MAX_PAREN_DEPTH:
                self.error("max expression depth exceeded")
            self.paren_depth += 1
            try:
                return self.pipeline("parenthesized pipeline", Kind.RIGHT_PAREN)
            finally:
                self.paren_depth -= 1
        if kind in (Kind.STRING, Kind.RAW_STRING):
            return n.StringNode(token.pos, self.src, token.val, self._unquote(token.val))
        self.s.backup()
        return None

    def number(self, token: Token) -> n.NumberNode:
        """A numeric, character or complex constant with every type it can take."""
        try:
            return number_node(
                token.pos,
                self.src,
                token.val,
                char=token.kind is Kind.CHAR_CONSTANT,
                complex_=token.kind is Kind.COMPLEX,
            )
        except LiteralError as exc:
            self.error(str(exc))

    def _unquote(self, text: str) -> str:
        try:
            return unquote(text)
        except LiteralError as exc:
            self.error(str(exc))


def parse(
    name: str,
    text: str,
    funcs: Container[str],
    *,
    left: str = "",
    right: str = "",
    trees: dict[str, Tree] | None = None,
) -> dict[str, Tree]:
    """Parse ``text`` as template ``name``; return every tree it defines.

    Raises:
        TemplateSyntaxError: with Go's message, e.g. ``template: x:1: unexpected EOF``.
    """
    found: dict[str, Tree] = {} if trees is None else trees
    src = n.Source(name, text)
    stream = _Stream(Lexer(text, left, right).tokens())
    parser = _Parser(name, stream, src, funcs, found)
    root = parser.parse_top()
    parser.add(root)
    return found
