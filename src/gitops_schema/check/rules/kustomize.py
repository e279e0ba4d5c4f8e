"""kustomize: resources, patches and components that point at nothing."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

from gitops_schema.check.rule import Rule, RuleContext
from gitops_schema.check.rules._helpers import at
from gitops_schema.codes import Code
from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.model import Tool

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/|gitlab\.com/|bitbucket\.org/)")


def _list(value: Any) -> list[Any]:
    # A kustomization is checked whether or not it fits its schema (the schema check
    # reports that): a field that is not a list names nothing.
    return value if isinstance(value, list) else []


def _entries(data: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, entry) for every file or folder a kustomization names."""
    for field in ("resources", "bases", "components", "patchesStrategicMerge", "crds"):
        for index, entry in enumerate(_list(data.get(field))):
            if isinstance(entry, str) and "\n" not in entry:
                yield (field, index), entry
    for field in ("patches", "patchesJson6902"):
        for index, patch in enumerate(_list(data.get(field))):
            if isinstance(patch, dict) and isinstance(patch.get("path"), str):
                yield (field, index, "path"), patch["path"]
    for field in ("configMapGenerator", "secretGenerator"):
        for index, generator in enumerate(_list(data.get(field))):
            if not isinstance(generator, dict):
                continue
            for source in ("files", "envs"):
                for position, item in enumerate(_list(generator.get(source))):
                    if isinstance(item, str):
                        # files entries may be "key=path".
                        yield (field, index, source, position), item.split("=", 1)[-1]
            if isinstance(generator.get("env"), str):
                yield (field, index, "env"), generator["env"]


def check_missing(context: RuleContext) -> Iterator[Diagnostic]:
    """Entries of a kustomization file that exist neither as a file nor as a folder."""
    for obj in context.objects:
        if obj.tool is not Tool.KUSTOMIZE:
            continue
        folder = posixpath.dirname(obj.document.file)
        for path, entry in _entries(obj.document.data):
            if _REMOTE.match(entry) or entry.startswith("/"):
                continue
            target = posixpath.normpath(posixpath.join(folder, entry))
            if not context.exists(target):
                yield MISSING.finding(
                    f"{path[0]} entry {entry!r} does not exist "
                    f"(looked for {context.relative(target)}); "
                    "kustomize build fails",
                    at(obj, *path),
                )


MISSING = Rule(
    Code(
        "kustomize-missing-resource",
        Severity.ERROR,
        "A resource, patch, component or generator file listed in a kustomization that does not "
        "exist.",
        bad="resources:\n  - deployment.yaml   # no such file",
        good="resources:\n  - deployment.yaml\n  - service.yaml",
        explanation="Remote resources (URLs, git@ and github.com/ paths) are not checked.",
    ),
    check=check_missing,
)

RULES = (MISSING,)
