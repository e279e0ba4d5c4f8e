"""Masterminds semver v3: versions and constraints, as Helm and Sprig read them.

Ranges, ``~``, ``^`` and wildcards; a pre-release only matches a constraint that names
one.
"""

from __future__ import annotations

import re

__all__ = ["SemverError", "Version", "semver_compare"]


class SemverError(ValueError):
    """A version or a constraint Masterminds semver does not parse; the message is its own."""


_VERSION = re.compile(
    r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?"
    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$"
)
_CV = (
    r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?"
    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
)
# Go's regexp picks the first alternative that lets the whole pattern match, as Python's
# does, so the operator list keeps Masterminds' order (including its empty alternative).
_OPS = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^"
_CONSTRAINT = re.compile(rf"^\s*({_OPS})\s*({_CV})\s*$")
_FIND = re.compile(rf"({_OPS})\s*({_CV})")
_VALID = re.compile(rf"^(\s*({_OPS})\s*({_CV})\s*)((?:\s+|,\s*)({_OPS})\s*({_CV})\s*)*$")
_RANGE = re.compile(rf"\s*({_CV})\s+-\s+({_CV})\s*")


class Version:
    """A Masterminds ``*semver.Version``: ``v`` optional, minor and patch default to 0."""

    __slots__ = ("major", "meta", "minor", "original", "patch", "pre")

    def __init__(self, text: str) -> None:
        m = _VERSION.match(text)
        if not m:
            raise SemverError("Invalid Semantic Version")
        self.original = text
        self.major = int(m.group(1))
        self.minor = int(m.group(2)[1:]) if m.group(2) else 0
        self.patch = int(m.group(3)[1:]) if m.group(3) else 0
        self.pre = m.group(5) or ""
        self.meta = m.group(8) or ""
        for part in self.pre.split(".") if self.pre else ():
            if part.isdigit() and len(part) > 1 and part[0] == "0":
                raise SemverError("Version segment starts with 0")

    def __str__(self) -> str:
        """``Version.String()``."""
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.pre:
            text += "-" + self.pre
        if self.meta:
            text += "+" + self.meta
        return text

    def compare(self, other: Version) -> int:
        """-1, 0 or 1 as ``Version.Compare`` (build metadata is ignored)."""
        for a, b in ((self.major, other.major), (self.minor, other.minor)):
            if a != b:
                return -1 if a < b else 1
        if self.patch != other.patch:
            return -1 if self.patch < other.patch else 1
        return _compare_pre(self.pre, other.pre)


def _compare_pre(a: str, b: str) -> int:
    if a == b:
        return 0
    if not a:
        return 1
    if not b:
        return -1
    pa, pb = a.split("."), b.split(".")
    for x, y in zip(pa, pb, strict=False):
        if x == y:
            continue
        xd, yd = x.isdigit(), y.isdigit()
        if xd and yd:
            return -1 if int(x) < int(y) else 1
        if xd != yd:
            return -1 if xd else 1
        return -1 if x < y else 1
    return -1 if len(pa) < len(pb) else (1 if len(pa) > len(pb) else 0)


def _is_x(s: str) -> bool:
    return s in ("x", "X", "*")


class _Constraint:
    def __init__(self, text: str) -> None:
        m = _CONSTRAINT.match(text)
        if not m:
            raise SemverError(f"improper constraint: {text}")
        self.op = m.group(1)
        major, minor, patch, pre = m.group(3), m.group(4) or "", m.group(5) or "", m.group(6) or ""
        self.minor_dirty = self.patch_dirty = self.dirty = False
        ver = m.group(2)
        if _is_x(major) or major == "":
            ver, self.dirty = "0.0.0" + pre, True
        elif _is_x(minor.lstrip(".")) or minor == "":
            ver, self.dirty, self.minor_dirty = f"{major}.0.0{pre}", True, True
        elif _is_x(patch.lstrip(".")) or patch == "":
            ver, self.dirty, self.patch_dirty = f"{major}{minor}.0{pre}", True, True
        try:
            self.con = Version(ver)
        except SemverError:
            raise SemverError("constraint Parser Error") from None

    def check(self, v: Version) -> bool:
        """Whether ``v`` satisfies this constraint (pre-releases only match pre-releases)."""
        if v.pre and not self.con.pre:
            return False
        op = self.op
        if op in ("", "="):
            return self._tilde(v) if self.dirty else v.compare(self.con) == 0
        if op in ("~", "~>"):
            return self._tilde(v)
        if op == "^":
            return self._caret(v)
        if op == "!=":
            return self._not_equal(v)
        if op == ">":
            return self._greater(v)
        if op == "<":
            return v.compare(self.con) < 0
        if op in (">=", "=>"):
            return v.compare(self.con) >= 0
        return self._less_equal(v)

    def _tilde(self, v: Version) -> bool:
        c = self.con
        if v.compare(c) < 0:
            return False
        if c.major == c.minor == c.patch == 0 and not (self.minor_dirty or self.patch_dirty):
            return True
        return v.major == c.major and (v.minor == c.minor or self.minor_dirty)

    def _caret(self, v: Version) -> bool:
        c = self.con
        if v.compare(c) < 0:
            return False
        if c.major > 0 or self.minor_dirty:
            return v.major == c.major
        if v.major > 0:
            return False
        if c.minor > 0 or self.patch_dirty:
            return v.minor == c.minor
        if v.minor > 0:
            return False
        return v.patch == c.patch

    def _not_equal(self, v: Version) -> bool:
        c = self.con
        if self.dirty:
            if c.major != v.major:
                return True
            if c.minor != v.minor and not self.minor_dirty:
                return True
            if self.minor_dirty:
                return False
            if c.patch != v.patch and not self.patch_dirty:
                return True
            if self.patch_dirty:
                if v.pre or c.pre:
                    return _compare_pre(v.pre, c.pre) != 0
                return False
        return v.compare(c) != 0

    def _greater(self, v: Version) -> bool:
        c = self.con
        if not self.dirty:
            return v.compare(c) > 0
        if v.major != c.major:
            return v.major > c.major
        if self.minor_dirty:
            return False
        if self.patch_dirty:
            return v.minor > c.minor
        return v.compare(c) > 0

    def _less_equal(self, v: Version) -> bool:
        c = self.con
        if not self.dirty:
            return v.compare(c) <= 0
        if v.major > c.major:
            return False
        return not (v.major == c.major and v.minor > c.minor and not self.minor_dirty)


def semver_compare(constraint: str, version: str) -> bool:
    """Whether ``version`` satisfies ``constraint`` (Sprig's ``semverCompare``).

    ``||`` separates alternatives, ``,`` or blanks join constraints that must all hold,
    ``a - b`` is a range; a pre-release satisfies only a constraint that names one.

    Raises:
        SemverError: the constraint or the version does not parse; Masterminds' message.
    """
    text = _RANGE.sub(lambda m: f">= {m.group(1)}, <= {m.group(11)} ", constraint, count=0)
    groups = []
    for part in text.split("||"):
        if not _VALID.match(part):
            raise SemverError(f"improper constraint: {part}")
        found = [m.group(0) for m in _FIND.finditer(part)] or [part]
        groups.append([_Constraint(s) for s in found])
    v = Version(version)
    return any(all(c.check(v) for c in group) for group in groups)
