"""Every finding code is registered once, emitted only as registered, and documented."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

from gitops_schema.check import rules
from gitops_schema.check.rule import Rule
from gitops_schema.check.rules import RULES
from gitops_schema.cli.rules import markdown_table
from gitops_schema.codes import CODES

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "gitops_schema"
EMITTERS = {"Diagnostic", "emit", "diag", "note"}
"""Calls whose first argument is a finding code, whatever their other arguments."""
REGISTERED = {rule.id: rule.code for rule in RULES.values()}
"""Every code: those of the stages below check and those declared beside the lint rules."""


def _constants(tree: ast.Module) -> dict[str, str]:
    """The module-level ``NAME = "text"`` assignments of a module."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


def _emitted() -> Iterator[tuple[str, str | None, str]]:
    """(code, severity written beside it or None, where) for every literal emission in src/.

    An emission is a call to one of :data:`EMITTERS`, or any call with a ``Severity.X``
    argument, whose first argument is a string or a module constant naming one.
    """
    for path in SOURCE.rglob("*.py"):
        if path.parent.name == "codes":
            continue
        tree = ast.parse(path.read_text(), str(path))
        constants = _constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name == "Code":
                continue  # a declaration (beside its lint rule), not an emission
            arguments = [*node.args, *(k.value for k in node.keywords)]
            severities = [
                a.attr
                for a in arguments
                if isinstance(a, ast.Attribute)
                and isinstance(a.value, ast.Name)
                and a.value.id == "Severity"
            ]
            # A finding takes a code, a message and a place (and a severity): three or more.
            if (name not in EMITTERS or len(arguments) < 3) and not severities:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                code = first.value
            elif isinstance(first, ast.Name) and first.id in constants:
                code = constants[first.id]
            else:
                continue  # a code passed on (a variable, a Code's id): checked where it is made
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            yield code, (severities[0].lower() if severities else None), where


def test_every_emitted_code_is_registered_at_its_severity() -> None:
    emitted = list(_emitted())
    assert len(emitted) > 40  # the scan finds the emissions (it would pass vacuously if not)
    unregistered = [(code, where) for code, _, where in emitted if code not in REGISTERED]
    assert unregistered == [], "register these codes in src/gitops_schema/codes/"
    mismatched = [
        (code, severity, REGISTERED[code].severity.value, where)
        for code, severity, where in emitted
        if severity is not None and severity != REGISTERED[code].severity.value
    ]
    assert mismatched == [], "emitted at another severity than registered"


def test_every_registered_code_is_emitted_somewhere() -> None:
    # By its rule's check, by its id (a literal) or by its constant (the typed constructor).
    text = "\n".join(
        path.read_text() for path in SOURCE.rglob("*.py") if path.parent.name != "codes"
    )
    literals = {code for code, _, _ in _emitted()}
    dead = [
        code
        for code in CODES
        if code not in literals
        and not re.search(rf"\b{code.upper().replace('-', '_')}\b", text)
        and f'"{code}"' not in text
    ]
    assert dead == []


def test_codes_are_kebab_case_and_documented() -> None:
    for code in REGISTERED.values():
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", code.id), code.id
        assert code.summary.endswith(".") and code.bad and code.good, code.id


def test_rules_are_built_on_the_registered_codes() -> None:
    # The codes of the other stages are rules without a check; each lint rule has one.
    assert [rule for rule in RULES if rule in CODES] == list(CODES)
    for rule in RULES.values():
        assert rule.code is CODES[rule.id] if rule.id in CODES else rule.check is not None


def test_every_lint_rule_declared_is_registered() -> None:
    # A rule declared in a family module but left out of its RULES would never run.
    declared = [
        value
        for info in pkgutil.iter_modules(rules.__path__, rules.__name__ + ".")
        for value in vars(importlib.import_module(info.name)).values()
        if isinstance(value, Rule)
    ]
    assert len(declared) >= 24
    assert [rule for rule in declared if RULES.get(rule.id) is not rule] == []


def test_readme_rule_table_is_generated_from_the_registry() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("<!-- rule-table:begin -->\n", 1)[1].split("<!-- rule-table:end -->")[0]
    assert table == markdown_table(), "regenerate it with `gitops-schema rules -o markdown`"


def test_rules_command_lists_every_code(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("rules", "-o", "markdown")
    assert result.code == 0
    assert all(f"`{code}`" in result.out for code in REGISTERED)
    explained = cli("rules", "render-duplicate")
    assert explained.code == 0 and "defined twice" in explained.out
