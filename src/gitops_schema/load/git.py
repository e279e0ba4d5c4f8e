"""Reading a tree at any git revision, without a checkout.

Through the ``git`` program, which every repository these commands read comes with: one
``ls-tree`` lists a tree, and one ``cat-file --batch`` process, started on first use, reads
its objects. (A binding to libgit2 costs a command more to import than git takes to list
and read a whole repository.)
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, NoReturn

from gitops_schema.errors import LoadError, RevisionNotFound

_REPOSITORY_VARIABLES = (
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_CONFIG",
    "GIT_DIR",
    "GIT_GRAFT_FILE",
    "GIT_IMPLICIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_INTERNAL_SUPER_PREFIX",
    "GIT_NAMESPACE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_OBJECT_DIRECTORY",
    "GIT_PREFIX",
    "GIT_REPLACE_REF_BASE",
    "GIT_SHALLOW_FILE",
    "GIT_WORK_TREE",
)
"""What names a repository other than the one asked for: a git hook (pre-commit) sets
some of them for its own repository, which is not necessarily the one read here."""

_LINK_MODE = "120000"


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _REPOSITORY_VARIABLES}


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, env=_environment(), check=False
        )
    except FileNotFoundError as error:
        raise LoadError("reading a git revision needs the git program, not found") from error


def _existing_folder(path: Path) -> Path:
    folder = path if path.is_dir() else path.parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder


def work_tree(path: Path) -> Path | None:
    """The top of the git work tree holding ``path``; None outside one (or a bare one).

    The nearest folder holding a ``.git`` (a folder, or a file in a linked work tree or a
    submodule), as git finds it: reports ask this for every folder they name, so no git
    process is started for it.
    """
    # Upwards from where the path really is, as git (which starts from its working
    # folder, links resolved) does.
    folder = Path(os.path.realpath(_existing_folder(path)))
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


@dataclass(frozen=True, slots=True)
class GitFile:
    """One blob of the tree: its path relative to the requested folder, and its size."""

    path: str
    size: int
    blob_id: str
    link: bool = False
    """A symlink: the blob is the path it points to."""


class GitTree:
    """The files under one folder of a repository, as of one revision."""

    def __init__(self, path: Path, revision: str) -> None:
        """Resolve ``revision`` and find ``path`` in it.

        Raises:
            LoadError: ``path`` is not in a git work tree, or not in the revision.
            RevisionNotFound: the revision does not name a commit.
        """
        folder = _existing_folder(path)
        top = work_tree(folder)
        if top is None:
            if _git(folder, "rev-parse", "--git-dir").returncode == 0:
                raise LoadError(f"{path} is in a bare repository; give a path inside a work tree")
            raise LoadError(f"{path} is not inside a git repository (needed for --revision)")
        self._top = top
        self._reader: _ObjectReader | None = None
        self._lock = threading.Lock()
        self.revision = revision
        commit = self._object(f"{revision}^{{commit}}") if "\n" not in revision else None
        if commit is None:
            raise RevisionNotFound(f"revision {revision!r} not found in {top}/")
        self.commit_id = commit[0]
        subpath = path.resolve().relative_to(top.resolve()).as_posix()
        found = self._object(
            f"{self.commit_id}^{{tree}}" if subpath == "." else f"{self.commit_id}:{subpath}"
        )
        if found is None:
            raise LoadError(f"{subpath} does not exist at revision {revision}")
        self.subpath = subpath
        self.object_id, self._type, self._size, _ = found

    @property
    def tree_id(self) -> str | None:
        """The git id of the folder's tree; None when the path is a file."""
        return self.object_id if self._type == "tree" else None

    def files(self) -> Iterator[GitFile]:
        """Every blob under the requested folder (or the file itself); hidden folders aside."""
        if self._type == "blob":
            yield GitFile(PurePosixPath(self.subpath).name, self._size, self.object_id)
            return
        listed = _git(self._top, "ls-tree", "-r", "-l", "-z", self.object_id)
        if listed.returncode != 0:
            raise LoadError(
                f"cannot list {self.subpath} at revision {self.revision}: {_said(listed)}"
            )
        for entry in listed.stdout.split(b"\0"):
            if not entry:
                continue
            meta, _, raw = entry.partition(b"\t")
            mode, kind, blob_id, size = meta.decode().split()
            name = os.fsdecode(raw)
            *folders, file = name.split("/")
            # Hidden folders aside; "." and ".." are no file names (a crafted tree may hold
            # them; git refuses to check them out, and a copy would write to its folders).
            if kind != "blob" or file in (".", "..") or any(f.startswith(".") for f in folders):
                continue
            yield GitFile(name, int(size), blob_id, mode == _LINK_MODE)

    def contents(self, files: Sequence[GitFile]) -> Iterator[tuple[GitFile, bytes]]:
        """Each file with its content, read by one process streaming them all."""
        names = b"".join(file.blob_id.encode() + b"\n" for file in files)
        reader = _ObjectReader(self._top)
        # Fed from a thread: git answers while it reads, and a full pipe each way would
        # block both.
        feeder = threading.Thread(target=reader.feed, args=(names,), daemon=True)
        feeder.start()
        finished = False
        try:
            for file in files:
                found = reader.answer(content=True)
                if found is None:
                    raise LoadError(
                        f"blob {file.blob_id} is missing from the repository {self._top}"
                    )
                yield file, found[3]
            finished = True
        finally:
            if not finished:
                # Stopped early: git may be blocked on answers nobody reads, and the
                # feeder on git.
                reader.kill()
            feeder.join()
            reader.close()

    def read_blob(self, blob_id: str) -> bytes:
        """The content of the blob ``blob_id``."""
        found = self._object(blob_id, content=True)
        if found is None:
            raise LoadError(f"blob {blob_id} is missing from the repository {self._top}")
        return found[3]

    def _object(self, name: str, *, content: bool = False) -> tuple[str, str, int, bytes] | None:
        with self._lock:
            if self._reader is None:
                self._reader = _ObjectReader(self._top)
                weakref.finalize(self, self._reader.close)
            return self._reader.get(name, content=content)


class _ObjectReader:
    """A ``git cat-file --batch`` process: object names in, ids, types and contents out."""

    def __init__(self, top: Path) -> None:
        self._top = top
        # What git says when it cannot read the repository at all (a broken .git, a
        # repository another user owns): a file, which git cannot fill and block on.
        self._errors: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close)
        try:
            self._process = subprocess.Popen(
                ["git", "-C", str(top), "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._errors,
                env=_environment(),
            )
        except FileNotFoundError as error:
            self._errors.close()
            raise LoadError("reading a git revision needs the git program, not found") from error
        assert self._process.stdin is not None and self._process.stdout is not None
        self._in: IO[bytes] = self._process.stdin
        self._out: IO[bytes] = self._process.stdout

    def get(self, name: str, *, content: bool) -> tuple[str, str, int, bytes] | None:
        """The id, type, size and (when asked) content of ``name``; None when missing."""
        try:
            self._in.write(os.fsencode(name) + b"\n")
            self._in.flush()
        except OSError:
            self._gone()
        return self.answer(content=content)

    def feed(self, names: bytes) -> None:
        """Asks for many objects at once (one name a line); their answers follow in order."""
        with suppress(OSError):  # git ended early: the answers say so
            self._in.write(names)
            self._in.flush()

    def answer(self, *, content: bool) -> tuple[str, str, int, bytes] | None:
        """The answer to the next question: as :meth:`get`'s."""
        line = self._out.readline()
        if not line:
            self._gone()
        header = line.split()
        if len(header) != 3:
            return None  # "<name> missing" or "<name> ambiguous"
        object_id, kind, size = header[0].decode(), header[1].decode(), int(header[2])
        data = self._out.read(size + 1)[:size]
        return object_id, kind, size, data if content else b""

    def _gone(self) -> NoReturn:
        """Raise what git said before it ended, unasked."""
        self._process.wait()
        self._errors.seek(0)
        said = self._errors.read().decode(errors="replace").strip()
        raise LoadError(
            f"git cannot read the repository {self._top}: "
            f"{said or f'git exited {self._process.returncode}'}"
        )

    def kill(self) -> None:
        """Stops the process now."""
        self._process.kill()

    def close(self) -> None:
        """Ends the process."""
        with suppress(OSError):
            self._in.close()
        self._process.wait()
        self._out.close()
        self._errors.close()


def _said(completed: subprocess.CompletedProcess[bytes]) -> str:
    return completed.stderr.decode(errors="replace").strip() or f"git exited {completed.returncode}"
