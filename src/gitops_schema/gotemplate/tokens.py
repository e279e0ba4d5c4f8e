"""Token kinds and tokens of the template lexer, printed as Go prints ``item``s."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from gitops_schema.gotemplate.literals import go_quote


class Kind(Enum):
    """Token kinds; those after ``KEYWORD`` print as ``<word>`` in error messages."""

    ERROR = 0
    BOOL = 1
    CHAR = 2
    CHAR_CONSTANT = 3
    COMPLEX = 4
    ASSIGN = 5
    DECLARE = 6
    EOF = 7
    FIELD = 8
    IDENTIFIER = 9
    LEFT_DELIM = 10
    LEFT_PAREN = 11
    NUMBER = 12
    PIPE = 13
    RAW_STRING = 14
    RIGHT_DELIM = 15
    RIGHT_PAREN = 16
    SPACE = 17
    STRING = 18
    TEXT = 19
    VARIABLE = 20
    KEYWORD = 30
    BLOCK = 31
    BREAK = 32
    CONTINUE = 33
    DOT = 34
    DEFINE = 35
    ELSE = 36
    END = 37
    IF = 38
    NIL = 39
    RANGE = 40
    TEMPLATE = 41
    WITH = 42


KEYWORDS = {
    ".": Kind.DOT,
    "block": Kind.BLOCK,
    "break": Kind.BREAK,
    "continue": Kind.CONTINUE,
    "define": Kind.DEFINE,
    "else": Kind.ELSE,
    "end": Kind.END,
    "if": Kind.IF,
    "range": Kind.RANGE,
    "nil": Kind.NIL,
    "template": Kind.TEMPLATE,
    "with": Kind.WITH,
}

SPACES = " \t\r\n"
TERMINATORS = " \t\r\n.,|:)("


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical item: its kind, text, byte offset and 1-based line."""

    kind: Kind
    val: str
    pos: int
    line: int

    def __str__(self) -> str:
        # Go's item.String(), used verbatim in "unexpected ..." messages.
        if self.kind is Kind.EOF:
            return "EOF"
        if self.kind is Kind.ERROR:
            return self.val
        if self.kind.value > Kind.KEYWORD.value:
            return f"<{self.val}>"
        if len(self.val) > 10:
            return go_quote(self.val[:10]) + "..."
        return go_quote(self.val)


def format_rune(r: str) -> str:
    """Go's ``%#U``: ``U+0023 '#'``, without the quoted rune when it is not printable."""
    code = ord(r)
    text = f"U+{code:04X}"
    if r.isprintable():
        text += f" '{r}'"
    return text
