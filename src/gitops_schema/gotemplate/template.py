"""Template sets: Go's ``*template.Template`` with its shared namespace of definitions."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from gitops_schema.gotemplate.compiler import Compiler
from gitops_schema.gotemplate.errors import TemplateError, TemplateExecError
from gitops_schema.gotemplate.exec_support import (
    MISSING_ERROR,
    MISSING_INVALID,
    MISSING_ZERO,
    Compiled,
    Limits,
    State,
)
from gitops_schema.gotemplate.funcs import FuncMap
from gitops_schema.gotemplate.nodes import is_empty_tree
from gitops_schema.gotemplate.parser import MAX_NESTING, MAX_PAREN_DEPTH, Tree, parse

_MISSINGKEY = {
    "missingkey=default": MISSING_INVALID,
    "missingkey=invalid": MISSING_INVALID,
    "missingkey=zero": MISSING_ZERO,
    "missingkey=error": MISSING_ERROR,
}
# Python frames per nested template call, and per nested parenthesis or control
# structure, with margin; used to size the recursion limit.
_FRAMES_PER_CALL = 40
_FRAMES_PER_NESTING = 10
_BASE_FRAMES = 1000


class _RecursionLimit:
    """Python's recursion limit, raised while any template needs more and restored after.

    Go's parser and executor recurse on goroutine stacks that grow; ours recurse on
    Python frames (which 3.11 keeps off the C stack). The limit is global, so it is
    raised to the largest need of the templates at work in any thread, and put back
    when the last one is done.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._original = 0

    @contextmanager
    def at_least(self, frames: int) -> Iterator[None]:
        """Run the block with the limit at ``frames`` or more."""
        with self._lock:
            if self._users == 0:
                self._original = sys.getrecursionlimit()
            self._users += 1
            if sys.getrecursionlimit() < frames:
                sys.setrecursionlimit(frames)
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    sys.setrecursionlimit(self._original)


_RECURSION = _RecursionLimit()


class Template:
    """A named template in a set of definitions sharing functions, options and delimiters.

    ``parse`` adds text to the set (``define``s included); ``execute`` runs this template.
    Compiled bodies are cached, so execute a template many times after parsing it once.
    """

    def __init__(
        self,
        name: str,
        funcs: FuncMap,
        *,
        options: Iterable[str] = (),
        delims: tuple[str, str] | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.name = name
        self.funcs = funcs
        self.missingkey = MISSING_INVALID
        self.delims = delims or ("", "")
        self.limits = limits or Limits()
        self.trees: dict[str, Tree] = {}
        self._compiled: dict[str, Compiled] = {}
        self._nesting = 0
        self.option(*options)

    def option(self, *options: str) -> Template:
        """Apply Go ``Option`` strings such as ``missingkey=error``."""
        for opt in options:
            if opt not in _MISSINGKEY:
                raise TemplateError(f"unrecognized option: {opt}")
            self.missingkey = _MISSINGKEY[opt]
        return self

    def parse(self, text: str, name: str | None = None) -> Template:
        """Parse ``text`` as template ``name`` (default: this one) into the set.

        Raises:
            TemplateSyntaxError: when Go's parser would reject ``text``.
        """
        left = self.delims[0] or "{{"
        nesting = min(text.count("(") + text.count(left), MAX_PAREN_DEPTH + MAX_NESTING)
        with _RECURSION.at_least(_BASE_FRAMES + _FRAMES_PER_NESTING * nesting):
            found = parse(
                name or self.name, text, self.funcs, left=self.delims[0], right=self.delims[1]
            )
        self._nesting = max(self._nesting, nesting)
        for tree_name, tree in found.items():
            old = self.trees.get(tree_name)
            if old is not None and is_empty_tree(tree.root):
                continue
            self.trees[tree_name] = tree
            self._compiled.pop(tree_name, None)
        return self

    def clone(self) -> Template:
        """A copy of the set that can be extended without touching this one."""
        copy = Template(self.name, self.funcs, delims=self.delims, limits=self.limits)
        copy.missingkey = self.missingkey
        copy.trees = dict(self.trees)
        copy._compiled = dict(self._compiled)
        copy._nesting = self._nesting
        return copy

    def with_funcs(self, funcs: Mapping[str, Any]) -> Template:
        """Replace or add functions (Go's ``Funcs``); compiled bodies are dropped."""
        self.funcs = {**self.funcs, **funcs}
        self._compiled.clear()
        return self

    def lookup(self, name: str) -> Compiled | None:
        """The compiled template ``name``, or None if the set has no such template."""
        compiled = self._compiled.get(name)
        if compiled is None:
            tree = self.trees.get(name)
            if tree is None:
                return None
            compiler = Compiler(self.funcs)
            body = compiler.compile_body(tree.root)
            compiled = Compiled(name, body, compiler.nslots)
            self._compiled[name] = compiled
        return compiled

    def new_state(self) -> State:
        """A fresh execution state bound to this set."""
        state = State(self.lookup, self.missingkey, self.limits)
        state.extra["template"] = self
        return state

    def execute(self, data: Any, name: str | None = None, state: State | None = None) -> str:
        """Run template ``name`` (default: this one) on ``data`` and return the output.

        Raises:
            TemplateExecError: with Go's message text, line and column.
        """
        frames = _BASE_FRAMES + max(
            self.limits.max_depth * _FRAMES_PER_CALL, self._nesting * _FRAMES_PER_NESTING
        )
        with _RECURSION.at_least(frames):
            target_name = name or self.name
            target = self.lookup(target_name)
            if target is None:
                if name is not None and name != self.name:
                    raise TemplateExecError(
                        f'template: no template "{name}" associated with template "{self.name}"'
                    )
                raise TemplateExecError(
                    f'template: {target_name}: "{target_name}" is an incomplete or empty template'
                )
            st = state or self.new_state()
            st.run(target, data)
        return st.text()
