"""``x-kubernetes-validations``: the CEL rules of CRD schemas, evaluated offline.

A JSON Schema validator ignores these rules, yet the API server rejects an object that
breaks one (HelmRelease "exactly one of chart or chartRef", Kustomization kubeConfig
"configMapRef xor secretRef"...). Each rule is compiled once with the Rust CEL bindings and
evaluated with ``self`` bound to every instance node its schema node describes, after the
schema's defaults are filled in as the API server does. Transition rules (``oldSelf``) need
a stored object and are left out; a rule that fails to compile or to evaluate (a
Kubernetes-only CEL function, a type mismatch) is skipped, never reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import cel

from gitops_schema.location import JsonPath

_ANY = "*"
"""A path step matching every item of a list or every value of a map."""


@dataclass(frozen=True, slots=True)
class CelRule:
    """One compiled rule and the schema node it is attached to."""

    path: tuple[str, ...]
    """Property names from the root; ``*`` for list items and map values."""
    rule: str
    message: str
    program: cel.Program
    schema: dict[str, Any]
    defaults: _Defaults | None
    """The defaults of ``schema``, where it has any (None: the node is evaluated as is)."""


@dataclass(frozen=True, slots=True)
class _Defaults:
    """The defaults a schema node fills in: its own properties', and its children's."""

    values: dict[str, Any]
    children: dict[str, _Defaults]


@dataclass(frozen=True, slots=True)
class Violation:
    """A rule that evaluated to false on one node."""

    path: JsonPath
    rule: CelRule


def collect_rules(schema: dict[str, Any]) -> tuple[CelRule, ...]:
    """Every ``x-kubernetes-validations`` rule of a CRD schema that can run offline."""
    return tuple(_collect(schema, ()))


def _collect(node: Any, path: tuple[str, ...]) -> Iterator[CelRule]:
    if not isinstance(node, dict):
        return
    for entry in node.get("x-kubernetes-validations") or ():
        compiled = _compile(entry, path, node)
        if compiled is not None:
            yield compiled
    for name, child in (node.get("properties") or {}).items():
        yield from _collect(child, (*path, name))
    for key in ("items", "additionalProperties"):
        yield from _collect(node.get(key), (*path, _ANY))


def _compile(entry: Any, path: tuple[str, ...], node: dict[str, Any]) -> CelRule | None:
    rule = entry.get("rule") if isinstance(entry, dict) else None
    if not isinstance(rule, str) or "oldSelf" in rule:
        return None
    try:
        program = cel.compile(rule)
    except ValueError:
        return None
    message = entry.get("message")
    text = message if isinstance(message, str) else ""
    return CelRule(path, rule, text, program, node, _defaults_of(node))


def _defaults_of(schema: dict[str, Any]) -> _Defaults | None:
    """The defaults below ``schema``'s properties, without the subtrees that have none."""
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return None
    values: dict[str, Any] = {}
    children: dict[str, _Defaults] = {}
    for name, child in properties.items():
        if not isinstance(child, dict):
            continue
        if "default" in child:
            values[name] = child["default"]
        below = _defaults_of(child)
        if below is not None:
            children[name] = below
    return _Defaults(values, children) if values or children else None


def evaluate(rules: tuple[CelRule, ...], data: Any) -> list[Violation]:
    """The rules broken by an object, one violation per rule and offending node."""
    violations = []
    for rule in rules:
        for path, node in _nodes(data, rule.path, ()):
            if node is None:
                continue
            try:
                bound = node if rule.defaults is None else _defaulted(node, rule.defaults)
                outcome = rule.program.execute({"self": bound})
            except Exception:
                # The CEL engine raises whatever its evaluation meets (a missing key is a
                # KeyError): a rule that cannot be evaluated on this object says nothing.
                continue
            if outcome is False:
                violations.append(Violation(path, rule))
    return violations


def _nodes(data: Any, steps: tuple[str, ...], path: JsonPath) -> Iterator[tuple[JsonPath, Any]]:
    if not steps:
        yield path, data
        return
    step, rest = steps[0], steps[1:]
    if step == _ANY:
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from _nodes(item, rest, (*path, index))
        elif isinstance(data, dict):
            for key, value in data.items():
                yield from _nodes(value, rest, (*path, key))
    elif isinstance(data, dict) and step in data:
        yield from _nodes(data[step], rest, (*path, step))


def _defaulted(node: Any, defaults: _Defaults) -> Any:
    # The API server defaults before it validates: a rule such as
    # ``self.provider != 'generic' || ...`` sees ``provider`` even when the file omits it.
    if not isinstance(node, dict):
        return node
    filled = dict(node)
    for name, value in defaults.values.items():
        if name not in filled:
            filled[name] = value
    for name, below in defaults.children.items():
        if name in filled:
            filled[name] = _defaulted(filled[name], below)
    return filled
