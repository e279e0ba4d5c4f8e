"""Sprig ``semver`` and ``semverCompare`` on Masterminds semver (:mod:`..golang.semver`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gitops_schema.golang.semver import SemverError, Version, semver_compare
from gitops_schema.gotemplate.funcs import FuncError, FuncMap, GoFunc
from gitops_schema.gotemplate.values import GoObject, Int64


class SemverValue(GoObject):
    """A ``*semver.Version`` as templates see it: fields and methods."""

    go_type = "*semver.Version"
    go_kind = "ptr"

    def __init__(self, text: str) -> None:
        try:
            self.version = Version(text)
        except SemverError as error:
            raise FuncError(str(error)) from None

    def go_string(self) -> str:
        """``Version.String()``."""
        return str(self.version)

    def go_field(self, name: str) -> Any:
        """Methods templates call: ``.Major`` ... ``.Compare v``."""
        version = self.version
        simple: dict[str, Callable[[], Any]] = {
            "Major": lambda: Int64(version.major),
            "Minor": lambda: Int64(version.minor),
            "Patch": lambda: Int64(version.patch),
            "Prerelease": lambda: version.pre,
            "Metadata": lambda: version.meta,
            "Original": lambda: version.original,
            "String": self.go_string,
        }
        if name in simple:
            return simple[name]()
        if name in ("Compare", "LessThan", "GreaterThan", "Equal"):
            checks: dict[str, Callable[[SemverValue], Any]] = {
                "Compare": lambda o: version.compare(o.version),
                "LessThan": lambda o: version.compare(o.version) < 0,
                "GreaterThan": lambda o: version.compare(o.version) > 0,
                "Equal": lambda o: version.compare(o.version) == 0,
            }
            return GoFunc(checks[name], ("*semver.Version",))
        raise KeyError(name)


def _semver_compare(constraint: str, version: str) -> bool:
    try:
        return semver_compare(constraint, version)
    except SemverError as error:
        raise FuncError(str(error)) from None


FUNCS: FuncMap = {
    "semver": GoFunc(SemverValue, ("string",)),
    "semverCompare": GoFunc(_semver_compare, ("string", "string")),
}
