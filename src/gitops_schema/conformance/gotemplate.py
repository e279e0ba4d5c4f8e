"""Runner for the Go template vectors (``shared/conformance/gotemplate/``, see its README).

Everything is decided from the data: the file's ``profile`` picks the function set and
the procedure, and each case's fields (``template``, ``templates``, ``files``,
``expected``, ``expected_error``, ``expected_outputs``) say what to run and check.
Error cases pass when Go's message fragment is a substring of ours (the strict check).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gitops_schema.conformance import CaseResult
from gitops_schema.gotemplate import (
    GoFunc,
    Template,
    TemplateError,
    TemplateSyntaxError,
    compile,
    profiles,
)
from gitops_schema.gotemplate.argocd import render_appset
from gitops_schema.gotemplate.funcs import ANY, INT, STR, FuncError
from gitops_schema.gotemplate.gofmt import sprintln
from gitops_schema.gotemplate.helm_engine import render_chart, render_helm
from gitops_schema.gotemplate.values import GoList, GoMap, type_name


def _makemap(*kv: str) -> GoMap:
    if len(kv) % 2:
        raise FuncError("bad makemap")
    return GoMap({kv[i]: kv[i + 1] for i in range(0, len(kv), 2)}, "string")


def _die() -> bool:
    raise FuncError("die")


# The exec_test.go helpers a case may list in ``funcs``, with their Go signatures.
HELPERS: dict[str, GoFunc] = {
    "add": GoFunc(lambda *a: sum(a), (), INT),
    "echo": GoFunc(lambda x: x, (ANY,)),
    "makemap": GoFunc(_makemap, (), STR),
    "mapOfThree": GoFunc(lambda: GoMap({"three": 3}, "int")),
    "oneArg": GoFunc(lambda a: "oneArg=" + a, (STR,)),
    "twoArgs": GoFunc(lambda a, b: "twoArgs=" + a + b, (STR, STR)),
    "dddArg": GoFunc(lambda a, *b: sprintln([a, GoList(b, "string")]), (INT,), STR),
    "returnInt": GoFunc(lambda: 7),
    "zeroArgs": GoFunc(lambda: "zeroArgs"),
    "valueString": GoFunc(lambda v: "value is ignored", (STR,)),
    "typeOf": GoFunc(type_name, (ANY,)),
    "die": GoFunc(_die),
}


def _cases(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    groups = doc.get("groups", {})
    for group, cases in groups.items():
        for case in cases:
            yield f"{group}/{case['name']}", case
    for key in ("cases", "must_parse", "functions", "engine"):
        for case in doc.get(key, []):
            yield case["name"], case


def _profile(doc: dict[str, Any]) -> str:
    text = str(doc.get("profile") or "text")
    return text.replace(";", ":").split(":", 1)[0].strip()


def _delims(case: dict[str, Any]) -> tuple[str, str] | None:
    delims = case.get("delims")
    return (delims[0], delims[1]) if delims else None


def _funcs(case: dict[str, Any]) -> dict[str, GoFunc]:
    return {name: HELPERS[name] for name in case.get("funcs", [])}


def _execute(profile: str, case: dict[str, Any]) -> str | dict[str, str]:
    data = case.get("data")
    options = case.get("options", [])
    if "files" in case:
        files = [(f["name"], f["text"]) for f in case["files"]]
        return render_chart(files, data, strict=bool(case.get("strict")))
    if "templates" in case:
        first, *rest = case["templates"]
        funcs = {**profiles[profile], **_funcs(case)}
        tmpl = Template(first["name"], funcs, options=options, delims=_delims(case))
        tmpl.parse(first["text"])
        for extra in rest:
            tmpl.parse(extra["text"], extra["name"])
        return tmpl.execute(data, case["execute"])
    if profile == "helm":
        return render_helm(case["template"], data)
    if profile == "argocd":
        return render_appset(case["template"], data, options=options)
    tmpl = compile(
        case["template"],
        profile=profile,
        options=options,
        delims=_delims(case),
        name=case.get("template_name", "template"),
        funcs=_funcs(case),
    )
    if "expected" not in case and "expected_error" not in case:
        return ""
    return tmpl.execute(data)


def run_case(profile: str, case: dict[str, Any]) -> tuple[bool, str, str]:
    """Run one case; return (passed, expected, got) as display strings."""
    want_error = case.get("expected_error")
    try:
        got = _execute(profile, case)
    except TemplateError as exc:
        message = str(exc)
        if want_error is None:
            return False, repr(case.get("expected", case.get("expected_outputs"))), message
        if case.get("error_phase") == "parse" and not isinstance(exc, TemplateSyntaxError):
            return False, f"parse error containing {want_error!r}", message
        return want_error in message, want_error, message
    if want_error is not None:
        return False, f"error containing {want_error!r}", repr(got)
    expected = case.get("expected_outputs", case.get("expected", ""))
    if isinstance(expected, dict) and isinstance(got, dict):
        ok = all(got.get(k) == v for k, v in expected.items())
        return ok, json.dumps(expected), json.dumps(got)
    return got == expected, str(expected), str(got)


def run(directory: Path) -> list[CaseResult]:
    """Run every JSON file of ``directory``."""
    results: list[CaseResult] = []
    for path in sorted(directory.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        profile = _profile(doc)
        for name, case in _cases(doc):
            try:
                passed, expected, got = run_case(profile, case)
            except Exception as exc:
                passed, expected, got = False, "no crash", f"{type(exc).__name__}: {exc}"
            results.append(CaseResult(path.name, name, passed, expected, got))
    return results
