"""Options shared by several commands, and their conversion to library values."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from gitops_schema.errors import UsageError
from gitops_schema.load import LoadOptions

Revision = Annotated[
    str | None,
    typer.Option(
        "--revision",
        "-r",
        help="Read the paths as of this git revision (branch, tag, commit, HEAD~1...) "
        "without a checkout.",
    ),
]

MaxFileSize = Annotated[
    str,
    typer.Option(
        "--max-file-size",
        help="Skip (and report) files larger than this, e.g. 10MiB, 512KiB, 2000000.",
    ),
]

Exclude = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        "-x",
        help="Skip files and folders matching this glob when walking folders (repeatable); "
        "a pattern without '/' matches any name on the path, e.g. -x seed-as-written.",
    ),
]

_UNITS = {
    "": 1,
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "kib": 1024,
    "m": 1000**2,
    "mb": 1000**2,
    "mib": 1024**2,
    "g": 1000**3,
    "gb": 1000**3,
    "gib": 1024**3,
}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*")


def parse_size(text: str) -> int:
    """A byte count from text such as ``10MiB``, ``512k`` or ``2000000``."""
    match = _SIZE.fullmatch(text)
    unit = match.group(2).lower() if match else None
    if match is None or unit not in _UNITS:
        raise UsageError(f"invalid size {text!r}: use a number of bytes, or e.g. 10MiB, 512KiB")
    return int(float(match.group(1)) * _UNITS[unit])


def load_options(max_file_size: str, exclude: list[str] | None = None) -> LoadOptions:
    """Loader limits and exclusions from the command-line options."""
    return LoadOptions(max_file_size=parse_size(max_file_size), exclude=tuple(exclude or ()))
