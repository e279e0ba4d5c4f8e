"""Options shared by several commands, and their conversion to library values."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gitops_schema.errors import UsageError

if TYPE_CHECKING:
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

MaxApplications = Annotated[
    int,
    typer.Option(
        "--max-applications",
        min=1,
        help="Applications one ApplicationSet may generate; past it the ApplicationSet is "
        "a finding, not expanded further.",
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


_RELEASE = re.compile(r"v?\d+\.\d+(\.\d+)?")


def release(option: str, value: str | None) -> str | None:
    """``value`` of ``option`` when it is a release such as ``1.33``, ``v2.6`` or ``3.1.4``.

    A release that is not of this form would compare as no release at all, so every API
    would look current: it is refused.

    Raises:
        UsageError: naming the option and the value.
    """
    if value is not None and not _RELEASE.fullmatch(value.strip()):
        raise UsageError(f'{option} {value!r}: not a release such as "1.33" (major.minor)')
    return value


def load_options(max_file_size: str, exclude: list[str] | None = None) -> LoadOptions:
    """Loader limits and exclusions from the command-line options."""
    from gitops_schema.load import LoadOptions  # the loader: only for commands that load

    return LoadOptions(max_file_size=parse_size(max_file_size), exclude=tuple(exclude or ()))


def format_option(registry: Mapping[str, object], help: str) -> Any:
    """An ``--output/-o`` option whose choices are the names of a registry of formats."""
    names = "|".join(registry)

    def known(value: str) -> str:
        if value not in registry:
            raise typer.BadParameter(f"{value!r} is not one of {names}")
        return value

    return typer.Option("--output", "-o", help=help, metavar=f"[{names}]", callback=known)


REPO_GRAMMAR = (
    "URL=PATH or Kind/namespace/name=PATH (a folder for one repository or Flux source), "
    "KEY=@REV (the repository given, at a git revision) or PATH (every other repository)"
)


@dataclass(frozen=True, slots=True)
class RepoMap:
    """The ``--repo`` values of a command: where sources outside the repository are read.

    One grammar for every command: ``KEY=PATH``, ``KEY=@REV`` or ``PATH``, where KEY is a
    repository URL (``https://...``, ``ssh://...``, ``git@host:...``) or a Flux source
    ``Kind/namespace/name``.
    """

    default: Path | None = None
    """``PATH``: the folder of every repository not mapped."""
    folders: Mapping[str, Path] = field(default_factory=dict)
    """``KEY=PATH``: the folder of one repository or Flux source."""
    revisions: Mapping[str, str] = field(default_factory=dict)
    """``KEY=@REV``: that source is the repository given, at a git revision."""


def parse_repos(
    values: Sequence[str] | None, *, default: str | None = None, revisions: str | None = None
) -> RepoMap:
    """``--repo`` values, checked: each folder exists, at most one PATH without KEY.

    Args:
        values: the option's values.
        default: why the command takes no ``PATH`` without KEY (None: it takes one).
        revisions: why the command takes no ``KEY=@REV`` (None: it takes them).

    Raises:
        UsageError: a value that is not of the grammar, names no folder, or has a form
            the command does not take.
    """
    found = RepoMap()
    for value in values or ():
        key, sep, target = value.rpartition("=")
        if not sep or not _is_repo_key(key):
            if sep and not Path(value).is_dir():
                raise UsageError(f"--repo {value!r}: give {REPO_GRAMMAR}")
            if default is not None:
                raise UsageError(f"--repo {value!r}: {default}")
            if found.default is not None:
                raise UsageError(f"--repo {value!r}: only one --repo PATH without KEY= is allowed")
            found = replace(found, default=_folder(value, value))
        elif target.startswith("@") and len(target) > 1:
            if revisions is not None:
                raise UsageError(f"--repo {value!r}: {revisions}")
            found = replace(found, revisions={**found.revisions, key: target[1:]})
        else:
            found = replace(found, folders={**found.folders, key: _folder(value, target)})
    return found


def _is_repo_key(key: str) -> bool:
    if "://" in key or (key.startswith("git@") and ":" in key):
        return True
    parts = key.split("/")
    return len(parts) == 3 and all(parts) and ":" not in key


def _folder(value: str, path: str) -> Path:
    if not Path(path).is_dir():
        raise UsageError(f"--repo {value!r}: {path} is not a folder")
    return Path(path)


ClusterNames = Annotated[
    list[str] | None,
    typer.Option(
        "--cluster-name",
        help="SERVER_URL=NAME: the cluster name of an Argo CD destination server (repeatable).",
    ),
]


def parse_cluster_names(values: list[str] | None) -> dict[str, str]:
    """``--cluster-name SERVER_URL=NAME`` options as a mapping of servers to names."""
    names: dict[str, str] = {}
    for value in values or []:
        server, sep, name = value.rpartition("=")
        if not sep or not server or not name:
            raise UsageError(f"--cluster-name {value!r}: expected SERVER_URL=NAME")
        names[server] = name
    return names
