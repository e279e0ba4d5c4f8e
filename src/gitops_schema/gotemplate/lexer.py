"""Tokenizer for Go ``text/template`` source, following Go's lexer item for item.

The lexer runs eagerly and stops at the first error token, which the parser turns into
a syntax error carrying Go's wording and line number.
"""

from __future__ import annotations

from typing import Any

from gitops_schema.gotemplate.literals import go_quote
from gitops_schema.gotemplate.tokens import KEYWORDS, SPACES, TERMINATORS, Kind, Token, format_rune

__all__ = ["Kind", "Lexer", "Token"]


def _is_alnum(r: str) -> bool:
    return r == "_" or r.isalnum()


class Lexer:
    """Turns template text into tokens; ``tokens()`` returns them all, ending in EOF or ERROR."""

    def __init__(self, text: str, left: str = "{{", right: str = "}}") -> None:
        self.text = text
        self.left = left or "{{"
        self.right = right or "}}"
        self.pos = 0
        self.start = 0
        self.line = 1
        self.start_line = 1
        self.paren_depth = 0
        self.items: list[Token] = []

    def tokens(self) -> list[Token]:
        """Lex the whole input."""
        state: Any = self._lex_text
        while state is not None:
            state = state()
        return self.items

    # -- helpers -----------------------------------------------------------------------

    def _emit(self, kind: Kind) -> None:
        self.items.append(
            Token(kind, self.text[self.start : self.pos], self.start, self.start_line)
        )
        self._ignore()

    def _ignore(self) -> None:
        self.line += self.text.count("\n", self.start, self.pos)
        self.start = self.pos
        self.start_line = self.line

    def _error(self, message: str) -> None:
        self.items.append(Token(Kind.ERROR, message, self.start, self.start_line))

    def _next(self) -> str:
        if self.pos >= len(self.text):
            self.pos += 1
            return ""
        ch = self.text[self.pos]
        self.pos += 1
        return ch

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _accept(self, valid: str) -> bool:
        if self.pos < len(self.text) and self.text[self.pos] in valid:
            self.pos += 1
            return True
        return False

    def _accept_run(self, valid: str) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in valid:
            self.pos += 1

    def _at_right_delim(self) -> tuple[bool, bool]:
        rest = self.text
        p = self.pos
        if (
            len(rest) - p >= 2
            and rest[p] in SPACES
            and rest[p + 1] == "-"
            and rest.startswith(self.right, p + 2)
        ):
            return True, True
        if rest.startswith(self.right, p):
            return True, False
        return False, False

    def _at_terminator(self) -> bool:
        r = self._peek()
        if r == "" or r in TERMINATORS:
            return True
        return self.text.startswith(self.right, self.pos)

    # -- states ------------------------------------------------------------------------

    def _lex_text(self) -> object:
        x = self.text.find(self.left, self.pos)
        if x < 0:
            self.pos = len(self.text)
            if self.pos > self.start:
                self._emit(Kind.TEXT)
            self.items.append(Token(Kind.EOF, "", self.pos, self.line))
            return None
        self.pos = x
        after = x + len(self.left)
        trim = (
            after + 1 < len(self.text)
            and self.text[after] == "-"
            and self.text[after + 1] in SPACES
        )
        end = self.pos
        if trim:
            end = len(self.text[self.start : self.pos].rstrip(SPACES)) + self.start
        if end > self.start:
            saved = self.pos
            self.pos = end
            self.items.append(Token(Kind.TEXT, self.text[self.start : end], self.start, self.line))
            self.pos = saved
        self._ignore()
        return self._lex_left_delim

    def _lex_left_delim(self) -> object:
        self.pos += len(self.left)
        trim = self.text.startswith("-", self.pos) and self.pos + 1 < len(self.text)
        trim = trim and self.text[self.pos + 1] in SPACES
        after = 2 if trim else 0
        if self.text.startswith("/*", self.pos + after):
            self.pos += after
            self._ignore()
            return self._lex_comment
        self._emit(Kind.LEFT_DELIM)
        if trim:
            self.pos += 2
            self._ignore()
        self.paren_depth = 0
        return self._lex_inside_action

    def _lex_comment(self) -> object:
        self.pos += 2
        x = self.text.find("*/", self.pos)
        if x < 0:
            self._error("unclosed comment")
            return None
        self.pos = x + 2
        delim, trim = self._at_right_delim()
        if not delim:
            self._error("comment ends before closing delimiter")
            return None
        if trim:
            self.pos += 2
        self.pos += len(self.right)
        if trim:
            self._skip_spaces()
        self._ignore()
        return self._lex_text

    def _skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in SPACES:
            self.pos += 1

    def _lex_right_delim(self, trim: bool) -> object:
        if trim:
            self.pos += 2
            self._ignore()
        self.pos += len(self.right)
        self._emit(Kind.RIGHT_DELIM)
        if trim:
            self._skip_spaces()
            self._ignore()
        return self._lex_text

    def _lex_inside_action(self) -> object:
        delim, trim = self._at_right_delim()
        if delim:
            if self.paren_depth == 0:
                return self._lex_right_delim(trim)
            self._error("unclosed left paren")
            return None
        r = self._next()
        if r == "":
            self._error("unclosed action")
            return None
        if r in SPACES:
            self.pos -= 1
            return self._lex_space
        if r == "=":
            self._emit(Kind.ASSIGN)
        elif r == ":":
            if self._next() != "=":
                self._error("expected :=")
                return None
            self._emit(Kind.DECLARE)
        elif r == "|":
            self._emit(Kind.PIPE)
        elif r == '"':
            return self._lex_quote
        elif r == "`":
            return self._lex_raw_quote
        elif r == "$":
            return self._lex_variable
        elif r == "'":
            return self._lex_char
        elif r == "." and not ("0" <= self._peek() <= "9" and self._peek() != ""):
            return self._lex_field
        elif r in "+-." or "0" <= r <= "9":
            self.pos -= 1
            return self._lex_number
        elif _is_alnum(r):
            self.pos -= 1
            return self._lex_identifier
        elif r == "(":
            self._emit(Kind.LEFT_PAREN)
            self.paren_depth += 1
        elif r == ")":
            self.paren_depth -= 1
            if self.paren_depth < 0:
                self._error("unexpected right paren")
                return None
            self._emit(Kind.RIGHT_PAREN)
        elif ord(r) < 0x80 and r.isprintable():
            self._emit(Kind.CHAR)
        else:
            self._error(f"unrecognized character in action: {format_rune(r)}")
            return None
        return self._lex_inside_action

    def _lex_space(self) -> object:
        count = 0
        while self._peek() != "" and self._peek() in SPACES:
            self.pos += 1
            count += 1
        p = self.pos - 1
        if self.text.startswith("-", p + 1) and self.text.startswith(self.right, p + 2):
            self.pos -= 1
            if count == 1:
                return self._lex_inside_action
        self._emit(Kind.SPACE)
        return self._lex_inside_action

    def _lex_identifier(self) -> object:
        while _is_alnum(self._peek()):
            self.pos += 1
        if not self._at_terminator():
            self._error(f"bad character {format_rune(self._peek())}")
            return None
        word = self.text[self.start : self.pos]
        if word in KEYWORDS:
            self._emit(KEYWORDS[word])
        elif word[0] == ".":
            self._emit(Kind.FIELD)
        elif word in ("true", "false"):
            self._emit(Kind.BOOL)
        else:
            self._emit(Kind.IDENTIFIER)
        return self._lex_inside_action

    def _lex_field(self) -> object:
        return self._lex_field_or_variable(Kind.FIELD)

    def _lex_variable(self) -> object:
        return self._lex_field_or_variable(Kind.VARIABLE)

    def _lex_field_or_variable(self, kind: Kind) -> object:
        if self._at_terminator():
            self._emit(Kind.VARIABLE if kind is Kind.VARIABLE else Kind.DOT)
            return self._lex_inside_action
        while _is_alnum(self._peek()):
            self.pos += 1
        if not self._at_terminator():
            self._error(f"bad character {format_rune(self._peek())}")
            return None
        self._emit(kind)
        return self._lex_inside_action

    def _lex_char(self) -> object:
        return self._lex_escaped("'", Kind.CHAR_CONSTANT, "unterminated character constant")

    def _lex_quote(self) -> object:
        return self._lex_escaped('"', Kind.STRING, "unterminated quoted string")

    def _lex_escaped(self, close: str, kind: Kind, unterminated: str) -> object:
        """A character constant or quoted string: to ``close``, backslash escapes allowed."""
        while True:
            r = self._next()
            if r == "\\":
                r = self._next()
                if r not in ("", "\n"):
                    continue
            if r in ("", "\n"):
                self._error(unterminated)
                return None
            if r == close:
                break
        self._emit(kind)
        return self._lex_inside_action

    def _lex_raw_quote(self) -> object:
        x = self.text.find("`", self.pos)
        if x < 0:
            self._error("unterminated raw quoted string")
            return None
        self.pos = x + 1
        self._emit(Kind.RAW_STRING)
        return self._lex_inside_action

    def _scan_number(self) -> bool:
        self._accept("+-")
        digits = "0123456789_"
        if self._accept("0"):
            if self._accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self._accept("oO"):
                digits = "01234567_"
            elif self._accept("bB"):
                digits = "01_"
        self._accept_run(digits)
        if self._accept("."):
            self._accept_run(digits)
        if len(digits) == 11 and self._accept("eE"):
            self._accept("+-")
            self._accept_run("0123456789_")
        if len(digits) == 23 and self._accept("pP"):
            self._accept("+-")
            self._accept_run("0123456789_")
        self._accept("i")
        if _is_alnum(self._peek()):
            self.pos += 1
            return False
        return True

    def _lex_number(self) -> object:
        if not self._scan_number():
            self._error(f"bad number syntax: {go_quote(self.text[self.start : self.pos])}")
            return None
        sign = self._peek()
        if sign in ("+", "-") and sign != "":
            if not self._scan_number() or self.text[self.pos - 1] != "i":
                self._error(f"bad number syntax: {go_quote(self.text[self.start : self.pos])}")
                return None
            self._emit(Kind.COMPLEX)
        else:
            self._emit(Kind.NUMBER)
        return self._lex_inside_action
