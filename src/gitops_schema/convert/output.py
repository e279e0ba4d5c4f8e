"""The files a conversion writes, kept in memory until the whole run succeeded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gitops_schema.load.scalars import resolve_plain

__all__ = ["OutputTree", "dns_name", "dump"]

_UNSAFE = re.compile(r"[^a-z0-9-]+")


def dns_name(text: str, limit: int = 63) -> str:
    """``text`` as a DNS-1123 label: lowercase letters, digits and ``-``."""
    label = _UNSAFE.sub("-", text.lower()).strip("-")[:limit].strip("-")
    return label or "x"


class _Dumper(yaml.CSafeDumper):
    """Block style; multi-line strings as literal blocks, as people write them.

    libyaml's emitter, with PyYAML's representer.
    """


def _string(dumper: yaml.CSafeDumper, value: str) -> yaml.ScalarNode:
    # The emitter falls back to a quoted scalar when a block cannot hold the text.
    style = "|" if "\n" in value else None
    if style is None and resolve_plain(value) != value:
        # PyYAML leaves plain what Kubernetes' YAML reads as another type (1e3, y, 0o17).
        style = "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def dump(objects: list[Any]) -> str:
    """Objects as a multi-document YAML stream, each string read back as a string."""
    return yaml.dump_all(objects, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)


@dataclass(slots=True)
class OutputTree:
    """Files under the output folder: relative path -> objects, with a header comment."""

    root: Path
    files: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def add(self, relative: str, obj: dict[str, Any], header: str = "") -> str:
        """Add ``obj`` to the file at ``relative``; the file's path as shown to users."""
        self.files.setdefault(relative, []).append(obj)
        if header and relative not in self.headers:
            self.headers[relative] = header
        return self.shown(relative)

    def shown(self, relative: str) -> str:
        """The path of a file of the tree as given on the command line."""
        return (self.root / relative).as_posix()

    def texts(self) -> dict[str, str]:
        """Each file's text."""
        texts = {}
        for relative, objects in self.files.items():
            header = self.headers.get(relative, "")
            head = "".join(f"# {line}\n" for line in header.splitlines())
            texts[relative] = head + dump(objects)
        return texts

    def write(self) -> int:
        """Write every file (creating folders); the number of files."""
        for relative, text in self.texts().items():
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
        return len(self.files)
