r"""Go (RE2) regular expressions rewritten into the ECMA-262 dialect JSON Schema uses.

Where a JSON schema engine must compile a Go pattern itself (the keys of
``patternProperties``; a ``pattern`` is matched on RE2, :mod:`.regex`), jsonschema-rs
accepts only ECMA-262 syntax and refuses the whole schema on one foreign pattern.
Measured with jsonschema-rs 0.61, it rejects inline flag groups ``(?i)``
(anywhere, even leading), ``\z``, ``\A``, ``(?P<name>``, POSIX classes ``[[:alpha:]]``,
one-letter ``\pL``, ``\Q…\E`` and ``\x{41}``, and it ignores the ``s`` flag. Every one of
these has an exact ECMA equivalent, written here.
"""

from __future__ import annotations

import re

__all__ = ["translate"]

_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7F",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1F\\x7F",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-\\/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
"""Go's POSIX classes (ASCII only, as in Go), in ECMA class syntax."""
_FLAG_GROUP = re.compile(r"\(\?([imsU-]+)\)")
_POSIX = re.compile(r"\[:(\^?)([a-z]+):\]")
_HEX = re.compile(r"\\x\{([0-9A-Fa-f]+)\}")
_ECMA_SPECIAL = set("\\^$.|?*+()[]{}/-")
# ``(?flags)`` only takes i and m through to ECMA: ``s`` is emulated on ``.`` and ``U``
# (ungreedy) cannot change whether a pattern matches somewhere, which is all a schema asks.
_KEPT_FLAGS = frozenset("im")


def translate(pattern: str) -> str:
    """The ECMA-262 form of a Go regular expression (the same text without Go-only syntax)."""
    return _Translator(pattern).run()


class _Translator:
    def __init__(self, pattern: str) -> None:
        self.src = pattern
        self.pos = 0
        self.out: list[str] = []
        # Per open group: how many ``(?flags:`` wrappers to close with it, and whether
        # the ``s`` flag is on inside it.
        self.groups: list[tuple[int, bool]] = [(0, False)]

    def run(self) -> str:
        while self.pos < len(self.src):
            char = self.src[self.pos]
            if char == "\\":
                self.escape(in_class=False)
            elif char == "[":
                self.char_class()
            elif char == "(":
                self.open_group()
            elif char == ")":
                self.close_group()
            elif char == "." and self.groups[-1][1]:
                self.emit("[\\s\\S]", 1)
            else:
                self.emit(char, 1)
        self.out.append(")" * self.groups[0][0])
        return "".join(self.out)

    def emit(self, text: str, consumed: int) -> None:
        self.out.append(text)
        self.pos += consumed

    def open_group(self) -> None:
        flags = _FLAG_GROUP.match(self.src, self.pos)
        wrappers, dot_all = self.groups[-1]
        if flags:
            # Go applies ``(?i)`` to the rest of the enclosing group: ECMA needs that
            # rest wrapped in a scoped ``(?i:…)`` closed together with the group.
            on, _, off = flags.group(1).partition("-")
            kept_on = "".join(f for f in on if f in _KEPT_FLAGS)
            kept_off = "".join(f for f in off if f in _KEPT_FLAGS)
            scope = kept_on + (f"-{kept_off}" if kept_off else "")
            dot_all = (dot_all or "s" in on) and "s" not in off
            self.groups[-1] = (wrappers + 1, dot_all)
            self.emit(f"(?{scope}:" if scope else "(?:", flags.end() - self.pos)
            return
        if self.src.startswith("(?P<", self.pos):
            self.emit("(?<", 4)
        else:
            self.emit("(", 1)
        self.groups.append((0, dot_all))

    def close_group(self) -> None:
        if len(self.groups) > 1:
            wrappers, _ = self.groups.pop()
            self.out.append(")" * wrappers)
        self.emit(")", 1)

    def char_class(self) -> None:
        self.emit("[", 1)
        if self.src.startswith("^", self.pos):
            self.emit("^", 1)
        if self.src.startswith("]", self.pos):
            self.emit("\\]", 1)
        while self.pos < len(self.src) and self.src[self.pos] != "]":
            posix = _POSIX.match(self.src, self.pos)
            if posix and posix.group(2) in _POSIX_CLASSES and not posix.group(1):
                self.emit(_POSIX_CLASSES[posix.group(2)], posix.end() - self.pos)
            elif self.src[self.pos] == "\\":
                self.escape(in_class=True)
            elif self.src[self.pos] == "[":
                self.emit("\\[", 1)
            else:
                self.emit(self.src[self.pos], 1)
        if self.pos < len(self.src):
            self.emit("]", 1)

    def escape(self, *, in_class: bool) -> None:
        nxt = self.src[self.pos + 1 : self.pos + 2]
        if nxt == "z" and not in_class:
            self.emit("$", 2)
        elif nxt == "A" and not in_class:
            self.emit("^", 2)
        elif nxt in ("p", "P") and self.src[self.pos + 2 : self.pos + 3] not in ("{", ""):
            self.emit(f"\\{nxt}{{{self.src[self.pos + 2]}}}", 3)
        elif nxt == "Q":
            end = self.src.find("\\E", self.pos + 2)
            stop = len(self.src) if end < 0 else end
            literal = self.src[self.pos + 2 : stop]
            quoted = "".join(f"\\{c}" if c in _ECMA_SPECIAL else c for c in literal)
            self.emit(quoted, stop + (2 if end >= 0 else 0) - self.pos)
        elif hexa := _HEX.match(self.src, self.pos):
            code = int(hexa.group(1), 16)
            text = f"\\u{code:04X}" if code <= 0xFFFF else f"\\u{{{code:X}}}"
            self.emit(text, hexa.end() - self.pos)
        else:
            self.emit(self.src[self.pos : self.pos + 2], 2)
