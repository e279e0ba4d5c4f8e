"""TOML for Helm's ``toToml``/``fromToml``: BurntSushi/toml's layout; ``tomllib`` reads."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from gitops_schema.gotemplate.floats import format_float


class TOMLError(ValueError):
    """An encode or decode failure, with BurntSushi/toml's wording where known."""


_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(k: str) -> str:
    return k if _BARE.match(k) else _string(k)


def _string(s: str) -> str:
    out = ['"']
    for ch in s:
        esc = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}.get(ch)
        if esc:
            out.append(esc)
        elif ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _is_table(v: Any) -> bool:
    return isinstance(v, dict) or (
        isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)
    )


def _element(v: Any) -> str:
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        if v != v:
            return "nan"
        if v in (float("inf"), float("-inf")):
            return "inf" if v > 0 else "-inf"
        text = format_float(v, "f", -1)
        return text if "." in text else text + ".0"
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, list):
        if any(x is None for x in v):
            raise TOMLError("toml: cannot encode array with nil element")
        return "[" + ", ".join(_element(x) for x in v) + "]"
    if isinstance(v, dict):
        items = [f"{_key(k)} = {_element(x)}" for k, x in sorted(v.items()) if x is not None]
        return "{" + ", ".join(items) + "}"
    raise TOMLError(f"toml: cannot encode a value of type {type(v).__name__}")


class _Encoder:
    def __init__(self) -> None:
        self.out: list[str] = []

    def newline(self) -> None:
        if self.out:
            self.out.append("\n")

    def table(self, path: list[str], mapping: dict[str, Any]) -> None:
        direct = sorted(k for k, v in mapping.items() if not _is_table(v))
        subs = sorted(k for k, v in mapping.items() if _is_table(v))
        indent = "  " * max(len(path), 0)
        for k in direct:
            if mapping[k] is None:
                continue
            self.out.append(f"{indent}{_key(k)} = {_element(mapping[k])}")
            self.newline()
        for k in subs:
            sub_path = [*path, k]
            value = mapping[k]
            name = ".".join(_key(p) for p in sub_path)
            head = "  " * (len(sub_path) - 1)
            if isinstance(value, dict):
                if len(sub_path) == 1:
                    self.newline()
                self.out.append(f"{head}[{name}]")
                self.newline()
                self.table(sub_path, value)
            else:
                for item in value:
                    self.newline()
                    self.out.append(f"{head}[[{name}]]")
                    self.newline()
                    self.table(sub_path, item)


def dumps(value: Any) -> str:
    """Encode a map as BurntSushi/toml does."""
    if not isinstance(value, dict):
        raise TOMLError("toml: top-level values must be Go maps or structs")
    encoder = _Encoder()
    encoder.table([], value)
    return "".join(encoder.out)


def loads(text: str) -> dict[str, Any]:
    """Decode TOML text.

    Raises:
        TOMLError: ``toml: line N: ...``.
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)|\(at end of document\)", msg)
        line = int(m.group(1)) if m and m.group(1) else text.count("\n") + 1
        reason = msg[: m.start()].strip() if m else msg
        if reason.startswith("Expected '=' after a key") and m and not m.group(1):
            reason = "unexpected EOF; expected key separator '='"
        raise TOMLError(f"toml: line {line}: {reason}") from None
