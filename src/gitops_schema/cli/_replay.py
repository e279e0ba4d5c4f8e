"""A warm ``render`` replayed: the same command, nothing it reads changed, the same output.

Run again on an unchanged repository, ``render`` would read every file to learn that
nothing changed, read its render back from the cache and print it again; most of that
time is spent starting the libraries it needs. Instead, each render run from the command
line records what it printed and wrote (a :class:`RenderOutcome`) with a
:class:`~gitops_schema.render.cache_snapshot.Snapshot` of everything it read: the
repository and its offline inputs, this package's code, the installed packages, the
engine's program. When the same command line runs again, in the same folder and
environment, and the snapshot still holds, the outcome is played back before anything
else is imported. Only the output folder may differ: its value is the one part of the
command line the record leaves out.

A render of a git revision, one that may use the network, and one without the cache are
never recorded; whatever differs from the record (a file, an option, the code, an engine)
makes the command run in full, and record again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_schema.render import Snapshot, default_cache_dir, sweep_once

OUTPUT_OPTION = ("--output", "-o")
"""How ``render``'s output folder is given; its value is left out of the record's key."""
_FORMAT = "render-replay-1"
"""The shape of a record: another shape is another key."""
_VOLATILE = frozenset({"_", "OLDPWD", "PWD", "SHLVL", "COLUMNS", "LINES"})
"""Environment variables a shell changes between commands, which no render reads; any
other difference in the environment is another key."""
_FOLDER = "replays"
"""Records' folder in the cache folder (a folder of buckets, as the render cache's)."""


@dataclass
class RenderOutcome:
    """Everything ``render`` prints and writes, played the same way rendered or replayed."""

    notes: list[str] = field(default_factory=list)
    """Lines on standard error before the output."""
    stdout: str = ""
    """The YAML stream, without an output folder."""
    files: list[tuple[str, str]] = field(default_factory=list)
    """With an output folder: each file's path under it and its text, in writing order."""
    applications: int = 0
    diagnostics: list[str] = field(default_factory=list)
    """Lines on standard error after the output."""
    code: int = 0
    """The exit code."""

    def to_json(self) -> dict[str, Any]:
        """The outcome as JSON-able data, for :meth:`from_json`."""
        return {
            "notes": self.notes,
            "stdout": self.stdout,
            "files": [list(item) for item in self.files],
            "applications": self.applications,
            "diagnostics": self.diagnostics,
            "code": self.code,
        }

    @classmethod
    def from_json(cls, data: Any) -> RenderOutcome | None:
        """The outcome ``data`` holds, or None when it is not one (or names a file outside)."""
        try:
            outcome = cls(
                [str(line) for line in data["notes"]],
                str(data["stdout"]),
                [(str(name), str(text)) for name, text in data["files"]],
                int(data["applications"]),
                [str(line) for line in data["diagnostics"]],
                int(data["code"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        inside = all(
            all(part not in ("", ".", "..") for part in name.split("/"))
            for name, _ in outcome.files
        )
        return outcome if inside else None


def play(outcome: RenderOutcome, output: Path | None) -> int:
    """Print and write ``outcome`` (its files under ``output``); its exit code."""
    for line in outcome.notes:
        sys.stderr.write(line + "\n")
    if output is None:
        sys.stdout.write(outcome.stdout)
    else:
        made: set[Path] = set()
        for name, text in outcome.files:
            path = output / name
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_text(text)
        sys.stderr.write(
            f"{len(outcome.files)} objects of {outcome.applications} applications "
            f"written to {output}\n"
        )
    for line in outcome.diagnostics:
        sys.stderr.write(line + "\n")
    return outcome.code


@dataclass(frozen=True)
class Invocation:
    """A ``render`` command line: the key of its record, and the output folder it names."""

    key: str
    output: str | None

    @classmethod
    def of(cls, args: list[str]) -> Invocation | None:
        """The invocation of ``args`` (``render ...``).

        None when its output folder is not told apart for sure: given twice, after
        ``--``, or with a value that could be an option.
        """
        if "--" in args:
            return None
        found: list[tuple[int, str, str]] = []
        for index, token in enumerate(args):
            if token in OUTPUT_OPTION and index + 1 < len(args):
                found.append((index + 1, "", args[index + 1]))
            elif token.startswith("--output="):
                found.append((index, "--output=", token.removeprefix("--output=")))
            elif token.startswith("-o") and len(token) > 2 and not token.startswith("--"):
                found.append((index, "-o", token[2:]))
        if len(found) > 1:
            return None
        masked = list(args)
        output = None
        if found:
            index, spelling, output = found[0]
            if not output or output.startswith("-"):
                return None
            masked[index] = spelling + "\0output"
        environment = sorted((k, v) for k, v in os.environ.items() if k not in _VOLATILE)
        identity = [_FORMAT, masked, os.getcwd(), environment, sys.executable, sys.version]
        return cls(hashlib.sha256(json.dumps(identity).encode()).hexdigest(), output)

    def path(self) -> Path:
        """Where its record is kept."""
        return default_cache_dir() / _FOLDER / self.key[:2] / f"{self.key}.json"


_current: Invocation | None = None
"""The render command line being run, set by :func:`begin` for :func:`record`."""


def begin(args: list[str]) -> int | None:
    """Replay ``args`` (``render ...``) when its record holds: the exit code; else None.

    Otherwise the command runs, and :func:`record` keeps what it did under ``args``
    until :func:`end`.
    """
    global _current
    _current = Invocation.of(args)
    if _current is None:
        return None
    try:
        data = json.loads(_current.path().read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != _current.key:
        return None
    snapshot = Snapshot.from_json(data.get("snapshot"))
    outcome = RenderOutcome.from_json(data.get("outcome"))
    if snapshot is None or outcome is None or not snapshot.unchanged():
        return None
    return play(outcome, None if _current.output is None else Path(_current.output))


def end() -> None:
    """The command line has run: nothing more is recorded under it."""
    global _current
    _current = None


def record(output: Path | None, snapshot: Snapshot, outcome: RenderOutcome) -> None:
    """Keep ``outcome`` for the command line being run, when it is the one that ran.

    It is when the output folder told apart from its arguments is the one the command
    parsed: a render not run from :func:`gitops_schema.cli.main` is not recorded. A
    record that cannot be written is no record: the next run renders.
    """
    invocation = _current
    if invocation is None:
        return
    named = None if invocation.output is None else Path(invocation.output)
    if named != output:
        return
    path = invocation.path()
    data = {"key": invocation.key, "snapshot": snapshot.to_json(), "outcome": outcome.to_json()}
    text = json.dumps(data, separators=(",", ":"))
    written = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        sweep_once(path.parent.parent)
        path.parent.mkdir(parents=True, exist_ok=True)
        written.write_text(text, encoding="ascii")
        # Renamed into place: two renders recording at once leave one whole record.
        written.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            written.unlink(missing_ok=True)


def inputs_snapshot(inputs: list[Path], engine: str) -> Snapshot:
    """A snapshot of what a render reads: ``inputs``, and what makes its output.

    That is this package's code, the installed packages, the ``engine`` program and the
    folders it is looked up in.
    """
    import sysconfig  # Only when recording.

    import gitops_schema

    package = str(Path(gitops_schema.__file__).resolve().parent)
    trees = [(str(path.absolute()), "") for path in inputs] + [(package, ".py")]
    installed = {sysconfig.get_path(name) for name in ("purelib", "platlib", "scripts")}
    searched = [*sorted(installed), str(Path(sys.executable).parent)]
    searched += [folder for folder in os.environ.get("PATH", "").split(os.pathsep) if folder]
    return Snapshot.take(trees, [*searched, str(Path(engine).resolve())])
