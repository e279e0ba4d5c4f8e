"""Every finding code is registered once, emitted only as registered, and documented."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from gitops_schema.check.rules import RULES
from gitops_schema.cli.rules import markdown_table
from gitops_schema.codes import CODES

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "gitops_schema"
EMITTERS = {"Diagnostic", "emit", "diag", "note"}
"""Calls whose first argument is a finding code, whatever their other arguments."""


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
    unregistered = [(code, where) for code, _, where in emitted if code not in CODES]
    assert unregistered == [], "register these codes in src/gitops_schema/codes/"
    mismatched = [
        (code, severity, CODES[code].severity.value, where)
        for code, severity, where in emitted
        if severity is not None and severity != CODES[code].severity.value
    ]
    assert mismatched == [], "emitted at another severity than registered"


def test_every_registered_code_is_emitted_somewhere() -> None:
    # By its id (a literal) or by its constant (the typed constructor, a rule).
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
    for code in CODES.values():
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", code.id), code.id
        assert code.summary.endswith(".") and code.bad and code.good, code.id


def test_rules_are_built_on_the_registered_codes() -> None:
    assert list(RULES) == list(CODES)
    for rule in RULES.values():
        assert rule.code is CODES[rule.id]


def test_readme_rule_table_is_generated_from_the_registry() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("<!-- rule-table:begin -->\n", 1)[1].split("<!-- rule-table:end -->")[0]
    assert table == markdown_table(), "regenerate it with `gitops-schema rules -o markdown`"


def test_rules_command_lists_every_code(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("rules", "-o", "markdown")
    assert result.code == 0
    assert all(f"`{code}`" in result.out for code in CODES)
    explained = cli("rules", "render-duplicate")
    assert explained.code == 0 and "defined twice" in explained.out
