"""Go's ``os.Expand``: ``$NAME`` and ``${NAME}`` replaced from a mapping.

Argo CD expands its build environment (``$ARGOCD_APP_NAME``...) in Jsonnet variables,
plugin parameters and ``kustomize`` options with it.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["expand_env"]


def expand_env(text: str, env: Mapping[str, str]) -> str:
    """``text`` with ``$NAME`` and ``${NAME}`` replaced as Go's ``os.Expand`` does.

    Unknown names become empty, ``$$`` is one ``$``, and a ``$`` followed by no name
    stays as it is.
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char != "$" or i + 1 >= len(text):
            out.append(char)
            i += 1
            continue
        name, width = _shell_name(text[i + 1 :])
        # Bad syntax such as "${" (no name, but characters consumed) is eaten, as Go does.
        if name:
            out.append("$" if name == "$" else env.get(name, ""))
        elif width == 0:
            out.append("$")
        i += 1 + width
    return "".join(out)


_SPECIAL = set("*#$@!?-0123456789")


def _shell_name(rest: str) -> tuple[str, int]:
    if rest[0] == "{":
        if len(rest) > 2 and rest[1] in _SPECIAL and rest[2] == "}":
            return rest[1], 3
        end = rest.find("}", 1)
        if end < 0 or end == 1:
            return "", 2 if end == 1 else 1
        return rest[1:end], end + 1
    if rest[0] in _SPECIAL:
        return rest[0], 1
    width = 0
    while width < len(rest) and _is_name_char(rest[width]):
        width += 1
    return rest[:width], width


def _is_name_char(char: str) -> bool:
    return char == "_" or (char.isascii() and char.isalnum())
