"""Edits of ruamel.yaml round-trip documents that keep every comment on its line.

ruamel keeps an element's end-of-line comment, and the blank and comment lines after it,
on the element (or its container's end): renaming a key, moving a value into a new shape
or turning a scalar into a list must carry them along, or they move or disappear.
"""

from __future__ import annotations

import copy
import io
from typing import Any, cast

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

__all__ = [
    "block_text",
    "listed",
    "move_comment",
    "put_trailing",
    "rename_key",
    "replace_scalar",
    "take_trailing",
]


def rename_key(mapping: CommentedMap, old: str, new: str, value: Any = None) -> None:
    """Replace key ``old`` by ``new`` at the same position, comments kept.

    With ``value``, the new key gets it (and the old value's trailing comment or blank
    lines, which ruamel keeps on the old value's last element); else the old value.
    """
    position = list(mapping).index(old)
    previous = mapping[old]
    trailing = take_trailing(previous) if value is not None else None
    kept = previous if value is None else value
    comment = mapping.ca.items.pop(old, None)
    del mapping[old]
    mapping.insert(position, new, kept)
    if comment is not None:
        mapping.ca.items[new] = comment
    if trailing is not None:
        put_trailing(kept, trailing)


def replace_scalar(mapping: CommentedMap, key: str, value: str) -> None:
    """Set a scalar, keeping the gap before its end-of-line comment as it was."""
    old = str(mapping.get(key, ""))
    mapping[key] = value
    entry = mapping.ca.items.get(key)
    token = entry[2] if entry and len(entry) > 2 else None
    if token is not None and hasattr(token, "column"):
        token.column = max(token.column - (len(old) - len(value)), 0)


def _last(node: Any) -> tuple[Any, Any] | None:
    """(key or index, value) of a block container's last element (flow ones are values)."""
    if isinstance(node, CommentedMap | CommentedSeq) and node.fa.flow_style():
        return None
    if isinstance(node, CommentedMap) and node:
        key = list(node)[-1]
        return key, node[key]
    if isinstance(node, CommentedSeq) and node:
        return len(node) - 1, node[-1]
    return None


def _slot(node: Any) -> int:
    # ruamel keeps the comment after a map value at index 2, after a list item at 0.
    return 2 if isinstance(node, CommentedMap) else 0


def _split_line(token: Any) -> tuple[Any, Any]:
    """(the end-of-line comment, the lines after it) of one ruamel comment token.

    ruamel keeps an element's end-of-line comment and the blank and comment lines that
    follow it in one token: the first stays on its line, the rest follows the block.
    """
    value = str(token.value)
    if not value.startswith("#"):
        return None, token
    line, _, rest = value.partition("\n")
    if not rest:
        return token, None
    after = copy.copy(token)
    after.value = "\n" + rest
    token.value = line + "\n"
    return token, after


def take_trailing(node: Any) -> tuple[str, Any] | None:
    """Remove and return the comment (or blank lines) after a container's last element.

    ruamel keeps it on the deepest last element, either as that element's comment or as
    the end comment of the innermost container; the first found (innermost) is taken.
    The last element's own end-of-line comment stays on its line.
    """
    last = _last(node)
    if last is None:
        return None
    key, value = last
    if _last(value) is not None:
        inner = take_trailing(value)
        if inner is not None:
            return inner
    entry = node.ca.items.get(key)
    if entry and entry[_slot(node)] is not None:
        entry[_slot(node)], after = _split_line(entry[_slot(node)])
        if after is not None:
            return "item", after
    if node.ca.end:
        tokens = list(node.ca.end)
        node.ca.end = []
        return "end", tokens
    return None


def put_trailing(node: Any, trailing: tuple[str, Any]) -> None:
    """Put what :func:`take_trailing` took after ``node``'s last element."""
    place, token = trailing
    if place == "end":
        # ruamel writes an end comment only where it read one: it goes after the last
        # element instead, as one comment token.
        first = token[0]
        text = "".join(t.value for t in token)
        first.value = text if text.startswith("\n") else "\n" + " " * first.column + text
        trailing = ("item", first)
    last = _last(node)
    if last is None:
        return
    key, value = last
    if _last(value) is not None:
        put_trailing(value, trailing)
        return
    token = trailing[1]
    size = 4 if isinstance(node, CommentedMap) else 2
    entry = node.ca.items.setdefault(key, [None] * size)
    own = entry[_slot(node)]
    if own is not None and str(own.value).endswith("\n") and token.value.startswith("\n"):
        own.value += token.value[1:]  # after the element's own end-of-line comment
    else:
        entry[_slot(node)] = token


def _comment(node: Any, key: Any) -> Any:
    """The end-of-line comment of a map value or list item, taken off it (None if none)."""
    entry = node.ca.items.get(key) if isinstance(node, CommentedMap | CommentedSeq) else None
    if not entry or entry[_slot(node)] is None:
        return None
    eol, after = _split_line(entry[_slot(node)])
    entry[_slot(node)] = after
    return eol


def move_comment(source: Any, old: Any, target: CommentedMap, key: str) -> None:
    """Move the end-of-line comment of ``source[old]`` onto ``target[key]``.

    ``source[old]`` is a map value or a list item; the lines after its comment stay
    behind, for :func:`take_trailing`.
    """
    token = _comment(source, old)
    if token is not None:
        target.ca.items.setdefault(key, [None] * 4)[2] = token


def listed(mapping: CommentedMap, old: str, new: str) -> None:
    """A scalar ``old: x`` as ``new: [x]``: one line still, its comment on it."""
    entry = mapping.ca.items.get(old)
    token = entry[2] if entry else None
    listed = CommentedSeq([mapping[old]])
    listed.fa.set_flow_style()
    rename_key(mapping, old, new, listed)
    if token is not None and hasattr(token, "column"):
        token.column += len(new) - len(old) + 2


def block_text(value: Any) -> LiteralScalarString:
    """A YAML value as a block string (an inline patch)."""
    dumper = YAML(typ="rt")
    dumper.width = 4096
    stream = io.StringIO()
    dumper.dump(value, stream)
    return cast(LiteralScalarString, LiteralScalarString(stream.getvalue()))
