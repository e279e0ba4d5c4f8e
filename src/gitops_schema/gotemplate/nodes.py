"""Parse-tree nodes; ``str(node)`` reproduces Go's ``Node.String()`` for error messages."""

from __future__ import annotations

from dataclasses import dataclass, field

from gitops_schema.gotemplate.literals import go_quote


@dataclass(frozen=True, slots=True)
class Source:
    """The text a tree was parsed from, for turning positions into ``name:line:col``."""

    name: str
    text: str

    def location(self, pos: int) -> tuple[int, int]:
        """Return the 1-based line and Go's column (bytes after the last newline)."""
        before = self.text[:pos]
        line_start = before.rfind("\n") + 1
        return 1 + before.count("\n"), len(before[line_start:].encode())


@dataclass(eq=False, slots=True)
class Node:
    """Base of all nodes: byte offset into ``src.text``."""

    pos: int
    src: Source


@dataclass(eq=False, slots=True)
class TextNode(Node):
    """Plain text between actions."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(eq=False, slots=True)
class FieldNode(Node):
    """``.A.B.C``."""

    ident: tuple[str, ...]

    def __str__(self) -> str:
        return "".join("." + part for part in self.ident)


@dataclass(eq=False, slots=True)
class VariableNode(Node):
    """``$x`` or ``$x.A.B``."""

    ident: tuple[str, ...]

    def __str__(self) -> str:
        return ".".join(self.ident)


@dataclass(eq=False, slots=True)
class IdentifierNode(Node):
    """A function name."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(eq=False, slots=True)
class DotNode(Node):
    """``.``."""

    def __str__(self) -> str:
        return "."


@dataclass(eq=False, slots=True)
class NilNode(Node):
    """``nil``."""

    def __str__(self) -> str:
        return "nil"


@dataclass(eq=False, slots=True)
class BoolNode(Node):
    """``true`` or ``false``."""

    value: bool

    def __str__(self) -> str:
        return "true" if self.value else "false"


@dataclass(eq=False, slots=True)
class NumberNode(Node):
    """A numeric or character constant with every Go type it can take."""

    text: str
    is_int: bool = False
    is_uint: bool = False
    is_float: bool = False
    is_complex: bool = False
    int64: int = 0
    uint64: int = 0
    float64: float = 0.0
    complex128: complex = 0j

    def __str__(self) -> str:
        return self.text


@dataclass(eq=False, slots=True)
class StringNode(Node):
    """A quoted string constant; ``quoted`` is the original source text."""

    quoted: str
    text: str

    def __str__(self) -> str:
        return self.quoted


@dataclass(eq=False, slots=True)
class CommandNode(Node):
    """One stage of a pipeline: an operand followed by its arguments."""

    args: list[Node] = field(default_factory=list)

    def __str__(self) -> str:
        parts = []
        for arg in self.args:
            text = str(arg)
            parts.append(f"({text})" if isinstance(arg, PipeNode) else text)
        return " ".join(parts)


@dataclass(eq=False, slots=True)
class PipeNode(Node):
    """``$x := a | b c``: declarations and the commands."""

    line: int = 0
    is_assign: bool = False
    decl: list[VariableNode] = field(default_factory=list)
    cmds: list[CommandNode] = field(default_factory=list)

    def __str__(self) -> str:
        text = ""
        if self.decl:
            text = ", ".join(str(v) for v in self.decl)
            text += " = " if self.is_assign else " := "
        return text + " | ".join(str(c) for c in self.cmds)


@dataclass(eq=False, slots=True)
class ChainNode(Node):
    """``(pipeline).A.B``: fields applied to a term that is not a field or variable."""

    node: Node
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = str(self.node)
        if isinstance(self.node, PipeNode):
            text = f"({text})"
        return text + "".join("." + f for f in self.fields)


@dataclass(eq=False, slots=True)
class ListNode(Node):
    """A sequence of nodes."""

    nodes: list[Node] = field(default_factory=list)

    def __str__(self) -> str:
        return "".join(str(n) for n in self.nodes)


@dataclass(eq=False, slots=True)
class ActionNode(Node):
    """``{{pipeline}}``."""

    line: int
    pipe: PipeNode

    def __str__(self) -> str:
        return "{{" + str(self.pipe) + "}}"


@dataclass(eq=False, slots=True)
class BranchNode(Node):
    """Common shape of ``if``, ``range`` and ``with``."""

    line: int
    pipe: PipeNode
    body: ListNode
    else_body: ListNode | None
    keyword: str = ""

    def __str__(self) -> str:
        text = "{{" + self.keyword + " " + str(self.pipe) + "}}" + str(self.body)
        if self.else_body is not None:
            text += "{{else}}" + str(self.else_body)
        return text + "{{end}}"


@dataclass(eq=False, slots=True)
class IfNode(BranchNode):
    """``{{if}}``."""


@dataclass(eq=False, slots=True)
class RangeNode(BranchNode):
    """``{{range}}``."""


@dataclass(eq=False, slots=True)
class WithNode(BranchNode):
    """``{{with}}``."""


@dataclass(eq=False, slots=True)
class TemplateNode(Node):
    """``{{template "name" pipeline}}``."""

    line: int
    name: str
    pipe: PipeNode | None

    def __str__(self) -> str:
        if self.pipe is None:
            return "{{template " + go_quote(self.name) + "}}"
        return "{{template " + go_quote(self.name) + " " + str(self.pipe) + "}}"


@dataclass(eq=False, slots=True)
class BreakNode(Node):
    """``{{break}}``."""

    def __str__(self) -> str:
        return "{{break}}"


@dataclass(eq=False, slots=True)
class ContinueNode(Node):
    """``{{continue}}``."""

    def __str__(self) -> str:
        return "{{continue}}"


@dataclass(eq=False, slots=True)
class EndNode(Node):
    """``{{end}}``: only seen by the parser."""

    def __str__(self) -> str:
        return "{{end}}"


@dataclass(eq=False, slots=True)
class ElseNode(Node):
    """``{{else}}``: only seen by the parser."""

    def __str__(self) -> str:
        return "{{else}}"


def is_empty_tree(node: Node | None) -> bool:
    """Go's ``IsEmptyTree``: only whitespace text, so it never replaces a real definition."""
    if node is None:
        return True
    if isinstance(node, ListNode):
        return all(is_empty_tree(n) for n in node.nodes)
    if isinstance(node, TextNode):
        return not node.text.strip(" \t\r\n\v\f")
    return False
