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

The replay's whole time is a few imports, so this module imports little: no
dataclasses, no hashlib (a record names the command line it is for in full, so the hash
that files it need not be a strong one), pathlib only to name the output folder.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from typing import TYPE_CHECKING, Any

from gitops_schema.cli._output_folder import Written, write_files
from gitops_schema.render.cache_folder import cache_folder
from gitops_schema.render.cache_snapshot import Snapshot

if TYPE_CHECKING:
    from pathlib import Path

OUTPUT_OPTION = ("--output", "-o")
"""How ``render``'s output folder is given; its value is left out of the record's key."""
_FORMAT = "render-replay-1"
"""The shape of a record: another shape is another command line."""
_VOLATILE = frozenset({"_", "OLDPWD", "PWD", "SHLVL", "COLUMNS", "LINES"})
"""Environment variables a shell changes between commands, which no render reads; any
other difference in the environment is another command line."""
_USAGE = 2
"""The exit code of a command line that cannot be run as given (as ``errors.UsageError``'s)."""
_FOLDER = "replays"
"""Records' folder in the cache folder (a folder of buckets, as the render cache's)."""


class RenderOutcome:
    """Everything ``render`` prints and writes, played the same way rendered or replayed."""

    __slots__ = ("applications", "code", "diagnostics", "files", "notes", "stdout")

    def __init__(
        self,
        notes: list[str] | None = None,
        stdout: str = "",
        files: list[tuple[str, str]] | None = None,
        applications: int = 0,
        diagnostics: list[str] | None = None,
        code: int = 0,
    ) -> None:
        self.notes = notes or []
        """Lines on standard error before the output."""
        self.stdout = stdout
        """The YAML stream, without an output folder."""
        self.files = files or []
        """With an output folder: each file's path under it and its text, in writing order."""
        self.applications = applications
        self.diagnostics = diagnostics or []
        """Lines on standard error after the output."""
        self.code = code
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


def play(outcome: RenderOutcome, output: str | Path | None) -> int:
    """Print and write ``outcome`` (its files under ``output``); its exit code."""
    for line in outcome.notes:
        sys.stderr.write(line + "\n")
    if output is None:
        sys.stdout.write(outcome.stdout)
    else:
        if os.path.exists(output) and not os.path.isdir(output):
            sys.stderr.write(f"error: --output {output}: is a file, not a folder\n")
            return _USAGE
        try:
            written = write_files(str(output), outcome.files)
        except OSError as error:
            sys.stderr.write(
                f"error: --output {output}: cannot write {error.filename}: {error.strerror}\n"
            )
            return _USAGE
        sys.stderr.write(
            f"{len(outcome.files)} objects of {outcome.applications} applications "
            f"written to {output}{_changes(written)}\n"
        )
        for path in written.kept:
            sys.stderr.write(
                f"{path}: kept: the previous render wrote it and this one does not, "
                "but it was changed since\n"
            )
    for line in outcome.diagnostics:
        sys.stderr.write(line + "\n")
    return outcome.code


def _changes(written: Written) -> str:
    """What the render changed in its folder besides writing, said after its count."""
    said = []
    if written.unchanged:
        said.append(f"{written.unchanged} unchanged")
    if written.removed:
        said.append(f"{len(written.removed)} of the previous render removed")
    if written.shared:
        said.append(f"{written.shared} in the file of the same object of another application")
    return f" ({', '.join(said)})" if said else ""


class Invocation:
    """A ``render`` command line: what its record is for, and the output folder it names."""

    __slots__ = ("identity", "output")

    def __init__(self, identity: str, output: str | None) -> None:
        self.identity = identity
        """The command line with its output folder left out, its folder and environment."""
        self.output = output

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
        try:
            folder = os.getcwd()
        except OSError:
            return None  # Run from a folder since removed: the command says what follows.
        environment = sorted((k, v) for k, v in os.environ.items() if k not in _VOLATILE)
        identity = [_FORMAT, masked, folder, environment, sys.executable, sys.version]
        return cls(json.dumps(identity), output)

    def path(self) -> str:
        """Where its record is kept."""
        text = self.identity.encode("utf-8", "surrogateescape")
        name = f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}"
        return os.path.join(cache_folder(), _FOLDER, name[:2], f"{name}.json")


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
        with open(_current.path(), "rb") as file:
            data = json.loads(file.read())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("for") != _current.identity:
        return None
    snapshot = Snapshot.from_json(data.get("snapshot"))
    outcome = RenderOutcome.from_json(data.get("outcome"))
    if snapshot is None or outcome is None or not snapshot.unchanged():
        return None
    if _current.output is None:
        return play(outcome, None)
    from pathlib import Path  # The folder is told as the command's option parsing tells it.

    return play(outcome, Path(_current.output))


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
    import contextlib  # Only when recording, as what follows.
    from pathlib import Path

    from gitops_schema.render import sweep_once

    invocation = _current
    if invocation is None:
        return
    named = None if invocation.output is None else Path(invocation.output)
    if named != output:
        return
    path = Path(invocation.path())
    data = {"snapshot": snapshot.to_json(), "outcome": outcome.to_json()}
    text = json.dumps({"for": invocation.identity, **data}, separators=(",", ":"))
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
    import sysconfig  # Only when recording, as what follows.
    from pathlib import Path

    import gitops_schema

    package = str(Path(gitops_schema.__file__).resolve().parent)
    trees = [(str(path.absolute()), "") for path in inputs] + [(package, ".py")]
    installed = {sysconfig.get_path(name) for name in ("purelib", "platlib", "scripts")}
    searched = [*sorted(installed), str(Path(sys.executable).parent)]
    searched += [folder for folder in os.environ.get("PATH", "").split(os.pathsep) if folder]
    return Snapshot.take(trees, [*searched, str(Path(engine).resolve())])
