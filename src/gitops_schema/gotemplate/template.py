"""Template sets: Go's ``*template.Template`` with its shared namespace of definitions."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
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
from gitops_schema.gotemplate.parser import Tree, parse

_MISSINGKEY = {
    "missingkey=default": MISSING_INVALID,
    "missingkey=invalid": MISSING_INVALID,
    "missingkey=zero": MISSING_ZERO,
    "missingkey=error": MISSING_ERROR,
}
# Python frames per nested template call, with margin; used to size the recursion limit.
_FRAMES_PER_LEVEL = 40


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
        found = parse(
            name or self.name, text, self.funcs, left=self.delims[0], right=self.delims[1]
        )
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
        needed = self.limits.max_depth * _FRAMES_PER_LEVEL + 1000
        old_limit = sys.getrecursionlimit()
        if old_limit < needed:
            sys.setrecursionlimit(needed)
        try:
            st.run(target, data)
        finally:
            if old_limit < needed:
                sys.setrecursionlimit(old_limit)
        return st.text()
