"""A YAML emitter that writes what go-yaml v2 (``sigs.k8s.io/yaml.Marshal``) writes.

PyYAML's output differs in quoting, key order and folding, so this follows libyaml's
emitter as go-yaml configures it: plain scalars unless the text would read back as
another type, literal blocks for multi-line text, keys in go-yaml's natural order, and
long lines folded at spaces past column 80.
"""

from __future__ import annotations

import re
from functools import cmp_to_key
from typing import Any

from gitops_schema.gotemplate.floats import format_float
from gitops_schema.gotemplate.gojson import marshal, unmarshal
from gitops_schema.gotemplate.literals import parse_float, parse_int
from gitops_schema.gotemplate.values import GoObject

BEST_WIDTH = 80
_BOOL_NULL = {
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no",
    "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null",
    "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
    "-.inf", "-.Inf", "-.INF", "<<",
}  # fmt: skip
_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[Tt ]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?.*)?$")
_BREAKS = "\r\n\x85\u2028\u2029"


def resolves_to_string(s: str) -> bool:
    """Whether go-yaml v2 reads ``s``, written plain, back as a string."""
    if s in _BOOL_NULL:
        return False
    first = s[0]
    if first == ".":
        return parse_float(s) is None
    if first in "+-0123456789":
        if _TIMESTAMP.match(s):
            return False
        plain = s.replace("_", "")
        if parse_int(plain) is not None:
            return False
        if _YAML_FLOAT.match(plain) and parse_float(plain) is not None:
            return False
        if plain.startswith(("0b", "-0b")):
            return False
    return not _BASE60.match(s)


def _printable(ch: str) -> bool:
    c = ord(ch)
    return (
        c == 0x0A
        or 0x20 <= c <= 0x7E
        or 0xA0 <= c <= 0xD7FF
        or (0xE000 <= c <= 0xFFFD and c != 0xFEFF)
    )


class _Analysis:
    __slots__ = ("block", "block_plain", "flow_plain", "multiline", "single")

    def __init__(self, s: str) -> None:
        if not s:
            self.multiline = False
            self.flow_plain, self.block_plain, self.single, self.block = False, True, True, False
            return
        flow_ind = block_ind = s.startswith(("---", "...")) and len(s) >= 3
        leading_space = leading_break = trailing_space = trailing_break = False
        break_space = space_break = special = line_breaks = False
        prev_space = prev_break = False
        preceded_ws = True
        n = len(s)
        for i, ch in enumerate(s):
            followed_ws = i + 1 >= n or s[i + 1] in " \t" + _BREAKS
            if i == 0:
                if ch in "#,[]{}&*!|>'\"%@`":
                    flow_ind = block_ind = True
                if ch in "?:":
                    flow_ind = True
                    block_ind = block_ind or followed_ws
                if ch == "-" and followed_ws:
                    flow_ind = block_ind = True
            else:
                if ch in ",?[]{}":
                    flow_ind = True
                if ch == ":":
                    flow_ind = True
                    block_ind = block_ind or followed_ws
                if ch == "#" and preceded_ws:
                    flow_ind = block_ind = True
            if not _printable(ch):
                special = True
            if ch in _BREAKS:
                line_breaks = True
            if ch == " ":
                leading_space = leading_space or i == 0
                trailing_space = trailing_space or i == n - 1
                break_space = break_space or prev_break
                prev_space, prev_break = True, False
            elif ch in _BREAKS:
                leading_break = leading_break or i == 0
                trailing_break = trailing_break or i == n - 1
                space_break = space_break or prev_space
                prev_space, prev_break = False, True
            else:
                prev_space = prev_break = False
            preceded_ws = ch in " \t" + _BREAKS
        self.multiline = line_breaks
        flow_plain = block_plain = single = block = True
        if leading_space or leading_break or trailing_space or trailing_break:
            flow_plain = block_plain = False
        if trailing_space:
            block = False
        if break_space:
            flow_plain = block_plain = single = False
        if space_break or special:
            flow_plain = block_plain = single = block = False
        if line_breaks:
            flow_plain = block_plain = False
        if flow_ind:
            flow_plain = False
        if block_ind:
            block_plain = False
        self.flow_plain, self.block_plain, self.single, self.block = (
            flow_plain,
            block_plain,
            single,
            block,
        )


def _natural_less(a: str, b: str) -> bool:
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        al, bl = ca.isalpha(), cb.isalpha()
        if al and bl:
            return ca < cb
        if al or bl:
            return bl
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and a[j].isdigit():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdigit():
            an = an * 10 + int(a[ai])
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdigit():
            bn = bn * 10 + int(b[bi])
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


def _key_cmp(a: str, b: str) -> int:
    if _natural_less(a, b):
        return -1
    if _natural_less(b, a):
        return 1
    return 0


_ESC = {
    "\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r",
    "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P",
}  # fmt: skip


class Emitter:
    """Writes one document.

    The defaults are go-yaml v2's; ``v3=True`` gives go-yaml v3's encoder with
    ``SetIndent(2)``: sequences indented under their key and no folding of long lines.
    """

    def __init__(self, *, v3: bool = False) -> None:
        self.out: list[str] = []
        self.column = 0
        self.indent_sequences = v3
        self.width = 1 << 31 if v3 else BEST_WIDTH

    def write(self, text: str) -> None:
        """Append text and track the column."""
        self.out.append(text)
        nl = text.rfind("\n")
        self.column = len(text) - nl - 1 if nl >= 0 else self.column + len(text)

    def at_line_start(self) -> bool:
        """Whether the last thing written was a line break."""
        return bool(self.out) and self.out[-1].endswith("\n")

    def newline(self, indent: int) -> None:
        """Libyaml's write_indent: a break unless one was just written, then the indent."""
        if not self.at_line_start():
            self.write("\n")
        self.write(" " * indent)

    def node(self, value: Any, indent: int, *, in_seq: bool = False) -> None:
        """Emit ``value``; block children and continuation lines go at ``indent``."""
        if isinstance(value, dict) and value:
            self.mapping(value, indent, inline=in_seq)
        elif isinstance(value, list) and value:
            self.sequence(value, indent, inline=in_seq)
        elif isinstance(value, dict):
            self.write("{}")
        elif isinstance(value, list):
            self.write("[]")
        else:
            self.scalar(value, indent, simple_key=False)

    def mapping(self, mapping: dict[str, Any], indent: int, *, inline: bool) -> None:
        """A block mapping with keys in go-yaml order."""
        for i, key in enumerate(sorted(mapping, key=cmp_to_key(_key_cmp))):
            if (i or not inline) and self.out:
                self.newline(indent)
            self.scalar(key, indent + 2, simple_key=True)
            self.write(":")
            value = mapping[key]
            if isinstance(value, dict) and value:
                self.node(value, indent + 2)
            elif isinstance(value, list) and value:
                self.node(value, indent + 2 if self.indent_sequences else indent)
            else:
                self.write(" ")
                self.node(value, indent + 2)

    def sequence(self, items: list[Any], indent: int, *, inline: bool) -> None:
        """A block sequence."""
        for i, item in enumerate(items):
            if (i or not inline) and self.out:
                self.newline(indent)
            self.write("- ")
            self.node(item, indent + 2, in_seq=True)

    def scalar(self, value: Any, indent: int, *, simple_key: bool) -> None:
        """A null, bool, number or string."""
        if value is None:
            self.write("null")
        elif value is True or value is False:
            self.write("true" if value else "false")
        elif isinstance(value, int):
            self.write(str(int(value)))
        elif isinstance(value, float):
            text = format_float(value, "g", -1)
            self.write({"+Inf": ".inf", "-Inf": "-.inf", "NaN": ".nan"}.get(text, text))
        else:
            self.string(value if isinstance(value, str) else str(value), indent, simple_key)

    def string(self, s: str, indent: int, simple_key: bool) -> None:
        """A string in the style go-yaml picks: plain, single, double or literal."""
        info = _Analysis(s)
        plain_ok = bool(s) and resolves_to_string(s)
        style = "plain" if plain_ok else "double"
        if "\n" in s:
            style = "literal"
        if style == "plain" and (not info.block_plain or (not s and simple_key)):
            style = "single"
        if style == "single" and not info.single:
            style = "double"
        if style == "literal" and (not info.block or simple_key):
            style = "double"
        if simple_key and (info.multiline or len(s) > 128):
            style = "double"
        if style == "plain":
            self.plain(s, indent, allow_breaks=not simple_key)
        elif style == "single":
            self.single(s, indent, allow_breaks=not simple_key)
        elif style == "literal":
            self.literal(s, indent)
        else:
            self.double(s, indent, allow_breaks=not simple_key)

    def plain(self, s: str, indent: int, allow_breaks: bool) -> None:
        """A plain scalar, folded at spaces past the best width."""
        spaces = False
        for i, ch in enumerate(s):
            if ch == " ":
                nxt = s[i + 1] if i + 1 < len(s) else ""
                if allow_breaks and not spaces and self.column > self.width and nxt != " ":
                    self.newline(indent)
                else:
                    self.write(ch)
                spaces = True
            else:
                self.write(ch)
                spaces = False

    def single(self, s: str, indent: int, allow_breaks: bool) -> None:
        """A single-quoted scalar."""
        self.write("'")
        spaces = False
        for i, ch in enumerate(s):
            if ch == " ":
                last = i == len(s) - 1
                if (
                    allow_breaks
                    and not spaces
                    and self.column > self.width
                    and i != 0
                    and not last
                    and s[i + 1] != " "
                ):
                    self.newline(indent)
                else:
                    self.write(ch)
                spaces = True
            else:
                self.write("''" if ch == "'" else ch)
                spaces = False
        self.write("'")

    def double(self, s: str, indent: int, allow_breaks: bool) -> None:
        """A double-quoted scalar with libyaml escapes."""
        self.write('"')
        spaces = False
        for i, ch in enumerate(s):
            code = ord(ch)
            if not _printable(ch) or ch == "\ufeff" or ch in _BREAKS or ch in '"\\':
                esc = _ESC.get(ch)
                if esc is None:
                    if code <= 0xFF:
                        esc = f"x{code:02X}"
                    elif code <= 0xFFFF:
                        esc = f"u{code:04X}"
                    else:
                        esc = f"U{code:08X}"
                self.write("\\" + esc)
                spaces = False
            elif ch == " ":
                if (
                    allow_breaks
                    and not spaces
                    and self.column > self.width
                    and i != 0
                    and i != len(s) - 1
                ):
                    self.newline(indent)
                    if i + 1 < len(s) and s[i + 1] == " ":
                        self.write("\\")
                else:
                    self.write(ch)
                spaces = True
            else:
                self.write(ch)
                spaces = False
        self.write('"')

    def literal(self, s: str, indent: int) -> None:
        """A literal block scalar with its chomping and indentation hints."""
        hint = "2" if s[0] in " " + _BREAKS else ""
        if not s.endswith(tuple(_BREAKS)):
            chomp = "-"
        elif len(s) == 1 or s[-2] in _BREAKS:
            chomp = "+"
        else:
            chomp = ""
        self.write("|" + hint + chomp)
        breaks = True
        for ch in s:
            if ch in _BREAKS:
                self.write("\n")
                breaks = True
            else:
                if breaks:
                    self.newline(indent)
                    breaks = False
                self.write(ch)


def _json_normalize(value: Any) -> Any:
    """What ``sigs.k8s.io/yaml`` sees after its JSON round trip."""
    if isinstance(value, dict):
        return {str(k): _json_normalize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_normalize(v) for v in value]
    if isinstance(value, float):
        text = marshal(value)
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        return float(text)
    if isinstance(value, GoObject):
        return _json_normalize(unmarshal(marshal(value)))
    return value


def to_yaml(value: Any, *, v3: bool = False) -> str:
    """Marshal ``value`` as go-yaml does, with the trailing newline.

    By default this is ``sigs.k8s.io/yaml.Marshal`` (a JSON round trip, then go-yaml v2);
    ``v3=True`` is Helm's ``toYamlPretty`` (go-yaml v3 on the value itself).
    """
    emitter = Emitter(v3=v3)
    data = _plain(value) if v3 else _json_normalize(value)
    emitter.node(data, 0 if isinstance(data, dict | list) else 2)
    if not emitter.at_line_start():
        emitter.write("\n")
    return "".join(emitter.out)


def _plain(value: Any) -> Any:
    """Go objects as the strings they print as; everything else unchanged."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, GoObject):
        text = value.go_string()
        return text if text is not None else str(value)
    return value
