"""The reporters: text, JSON, SARIF and JUnit renderings of a hand-built check result."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import xmlschema

import gitops_schema
from gitops_schema.check.report import REPORTERS, render_junit, render_sarif, render_text
from gitops_schema.check.result import CheckResult
from gitops_schema.check.rule import Rule
from gitops_schema.codes import Code
from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.location import Location

FORMATS = Path(__file__).resolve().parents[2].parent / "shared/schemas/catalog/output-formats"
ANSI = re.compile("\x1b\\[[0-9;]*m")

GUESTBOOK = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
spec:
  project: default
  source:
    repoURL: https://github.com/argoproj/argocd-example-apps
    targetRevision: HEAD

  destination:
    server: '*'
"""

# Line 5 has a tab and characters wider and narrower than one column before `team`.
RELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: café
  annotations: {note: "é名\tx", team: ops}
spec:
  interval: 5m
"""


def _rule(*args: Any, **fields: Any) -> Rule:
    return Rule(Code(*args, **fields))


RULES = {
    rule.id: rule
    for rule in (
        _rule(
            "argocd-floating-revision",
            Severity.WARNING,
            "Application follows a branch head",
            bad="targetRevision: HEAD\n",
            good="targetRevision: v1.4.2\n",
            explanation="A floating revision deploys whatever is pushed.\n\nPin a tag.",
        ),
        _rule(
            "argocd-wildcard-destination",
            Severity.ERROR,
            "Application may deploy to any cluster",
            bad="destination:\n  server: '*'\n",
            good="destination:\n  name: in-cluster\n",
        ),
        _rule(
            "annotation-team",
            Severity.INFO,
            "Team annotation is free text",
            bad="",
            good="",
            explanation="Owners are better as labels.",
        ),
        _rule("file-too-large", Severity.ERROR, "File is too large to read", bad="", good=""),
        _rule("yaml-syntax", Severity.ERROR, "YAML does not parse", bad="a: [", good="a: []"),
    )
}


def finding(rule: str, message: str, file: str, line: int, column: int, *path: str) -> Diagnostic:
    return Diagnostic(rule, RULES[rule].severity, message, Location(file, line, column, path))


FINDINGS = [
    finding(
        "argocd-floating-revision",
        "targetRevision HEAD follows the branch head; pin a tag or commit",
        "apps/guestbook.yaml",
        9,
        21,
        "spec",
        "source",
        "targetRevision",
    ),
    finding(
        "argocd-wildcard-destination",
        "destination server '*' lets the Application deploy to any cluster",
        "apps/guestbook.yaml",
        12,
        13,
        "spec",
        "destination",
        "server",
    ),
    finding("file-too-large", "file is 12 MiB, above the 8 MiB limit", "big.yaml", 0, 0),
    finding(
        "annotation-team",
        "annotation 'team' names an owner; prefer a label",
        "flux/release.yaml",
        5,
        31,
        "metadata",
        "annotations",
        "team",
    ),
    finding("yaml-syntax", "mapping values are not allowed here", "gone.yaml", 3, 7),
]


def make_result(findings: list[Diagnostic] | None = None, **changes: Any) -> CheckResult:
    result = CheckResult(
        findings=FINDINGS if findings is None else findings,
        files=["apps/clean.yaml", "apps/guestbook.yaml", "big.yaml", "flux/release.yaml"],
        objects=3,
        rules=RULES,
        sources={"apps/guestbook.yaml": GUESTBOOK, "flux/release.yaml": RELEASE},
        root="examples",
        suppressed=2,
    )
    return replace(result, **changes)


@pytest.fixture
def result() -> CheckResult:
    return make_result()


# -- every format -------------------------------------------------------------------------


def test_reporters_are_the_four_formats_of_the_cli() -> None:
    assert list(REPORTERS) == ["text", "json", "sarif", "junit"]


@pytest.mark.parametrize("name", list(REPORTERS))
def test_reports_are_plain_and_end_in_a_newline(name: str, result: CheckResult) -> None:
    out = REPORTERS[name](result)
    assert "\x1b" not in out
    assert out.endswith("\n")


@pytest.mark.parametrize("name", list(REPORTERS))
def test_reports_of_a_clean_run(name: str) -> None:
    assert REPORTERS[name](make_result([], suppressed=0))


# -- text ---------------------------------------------------------------------------------


def test_text_golden(result: CheckResult, golden: Callable[[str, str], None]) -> None:
    golden("check/report.txt", render_text(result))


def test_text_caret_lines_up_under_tab_and_wide_characters(result: CheckResult) -> None:
    block = render_text(result).split("\n\n")[3]
    assert block.splitlines() == [
        "flux/release.yaml:5:31: info[annotation-team]: "
        "annotation 'team' names an owner; prefer a label",
        "4 |   name: café",
        '5 |   annotations: {note: "é名  x", team: ops}',
        "  |                                 ^",
        "  = at $.metadata.annotations.team",
    ]


def test_text_caret_under_the_offending_value(result: CheckResult) -> None:
    lines = render_text(result).splitlines()
    at = lines.index("12 |     server: '*'")
    assert lines[at + 1].index("^") == lines[at].index("'*'")


def test_text_context_skips_a_blank_line_above() -> None:
    out = render_text(make_result([FINDINGS[1]]))
    assert "11 |   destination:" in out
    assert "10 |" not in out


def test_text_without_line_or_source_quotes_nothing(result: CheckResult) -> None:
    blocks = render_text(result).split("\n\n")
    assert blocks[2] == "big.yaml: error[file-too-large]: file is 12 MiB, above the 8 MiB limit"
    assert blocks[4] == "gone.yaml:3:7: error[yaml-syntax]: mapping values are not allowed here"


def test_text_line_past_the_end_of_the_source_quotes_nothing() -> None:
    late = finding("yaml-syntax", "unexpected end", "apps/guestbook.yaml", 40, 1)
    assert render_text(make_result([late])).split("\n\n")[0] == (
        "apps/guestbook.yaml:40:1: error[yaml-syntax]: unexpected end"
    )


def test_text_context_skips_the_end_of_a_deeper_block() -> None:
    source = "a:\n  b:\n    c: 1\n  d: 2\n"
    out = render_text(
        make_result([finding("yaml-syntax", "m", "x.yaml", 4, 3)], sources={"x.yaml": source})
    )
    assert out.splitlines()[1:3] == ["4 |   d: 2", "  |   ^"]


def test_text_long_lines_are_cut_around_the_column() -> None:
    line = "{" + ", ".join(f'"k{i}": {i}' for i in range(200)) + "}"
    column = line.index('"k150"') + 1
    hit = finding("yaml-syntax", "m", "a.json", 1, column, "k150")
    quoted, caret = render_text(make_result([hit], sources={"a.json": line})).splitlines()[1:3]
    assert quoted.startswith("1 | …") and quoted.endswith("…")
    assert len(quoted) == len("1 | ") + 122
    assert quoted[caret.index("^") :].startswith('"k150"')


def test_text_context_skips_a_document_separator() -> None:
    source = "a: 1\n---\nb: 2\n"
    out = render_text(
        make_result([finding("yaml-syntax", "m", "x.yaml", 3, 1)], sources={"x.yaml": source})
    )
    assert out.splitlines()[1:3] == ["3 | b: 2", "  | ^"]


def test_text_summary_line(result: CheckResult) -> None:
    assert render_text(result).splitlines()[-1] == (
        "3 errors, 1 warning, 1 info in 4 files (2 suppressed)"
    )
    clean = make_result([], files=["a.yaml"], suppressed=0)
    assert render_text(clean) == "0 errors, 0 warnings, 0 info in 1 file\n"


def test_text_color_only_adds_ansi_codes(result: CheckResult) -> None:
    colored = render_text(result, color=True)
    assert "\x1b[1;31merror[argocd-wildcard-destination]\x1b[0m" in colored
    assert ANSI.sub("", colored) == render_text(result)


def test_text_control_characters_in_sources_do_not_reach_the_terminal() -> None:
    source = 'a: 1\nb: "\x1b[2J\x07"\n'
    bad = finding("yaml-syntax", "bell \x07 in value", "x.yaml", 2, 4, "b")
    out = render_text(make_result([bad], sources={"x.yaml": source}))
    assert "\x1b" not in out
    assert "\x07" not in out
    assert '2 | b: "\ufffd[2J\ufffd"' in out


def test_text_crlf_sources_keep_line_numbers() -> None:
    source = "a: 1\r\nb: 2\r\nc: 3\r\n"
    out = render_text(
        make_result([finding("yaml-syntax", "m", "x.yaml", 3, 4)], sources={"x.yaml": source})
    )
    assert "3 | c: 3\n" in out
    assert "\r" not in out


# -- JSON ---------------------------------------------------------------------------------


def test_json_golden(result: CheckResult, golden: Callable[[str, str], None]) -> None:
    golden("check/report.json", REPORTERS["json"](result))


def test_json_shape(result: CheckResult) -> None:
    document = json.loads(REPORTERS["json"](result))
    assert list(document) == ["findings", "summary"]
    assert document["summary"] == result.summary()
    keys = ["rule", "severity", "file", "line", "column", "path", "message"]
    assert all(list(f) == keys for f in document["findings"])
    assert document["findings"][0] == {
        "rule": "argocd-floating-revision",
        "severity": "warning",
        "file": "apps/guestbook.yaml",
        "line": 9,
        "column": 21,
        "path": "$.spec.source.targetRevision",
        "message": "targetRevision HEAD follows the branch head; pin a tag or commit",
    }
    assert document["findings"][2]["path"] == "$"


# -- SARIF --------------------------------------------------------------------------------


def sarif(result: CheckResult) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render_sarif(result))
    return log


def test_sarif_golden(result: CheckResult, golden: Callable[[str, str], None]) -> None:
    log = sarif(result)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["version"] == gitops_schema.__version__
    # The golden file should not change with each release.
    driver["version"] = driver["semanticVersion"] = "VERSION"
    golden("check/report.sarif", json.dumps(log, indent=2, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("findings", [FINDINGS, []], ids=["findings", "clean"])
def test_sarif_is_valid_against_the_schema(findings: list[Diagnostic]) -> None:
    schema = json.loads((FORMATS / "sarif-2.1.0.json").read_text())
    validator = jsonschema_rs.validator_for(schema)
    log = sarif(make_result(findings))
    errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []


def test_sarif_meets_what_github_code_scanning_requires(result: CheckResult) -> None:
    log = sarif(result)
    assert log["$schema"] and log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for rule in rules:
        for part in ("shortDescription", "fullDescription", "help"):
            assert rule[part]["text"].strip()
    assert len(run["results"]) == len(FINDINGS)
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["message"]["text"]
        physical = res["locations"][0]["physicalLocation"]
        assert physical["region"]["startLine"] >= 1
        assert not physical["artifactLocation"]["uri"].startswith(("/", "./"))
        assert res["partialFingerprints"]["primaryLocationLineHash"]


def test_sarif_locations_and_levels(result: CheckResult) -> None:
    results = sarif(result)["runs"][0]["results"]
    first = results[0]
    assert first["level"] == "warning"
    assert first["locations"][0] == {
        "physicalLocation": {
            "artifactLocation": {"uri": "examples/apps/guestbook.yaml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 9, "startColumn": 21},
        },
        "logicalLocations": [{"fullyQualifiedName": "$.spec.source.targetRevision"}],
    }
    whole_file = results[2]["locations"][0]["physicalLocation"]["region"]
    assert whole_file == {"startLine": 1}
    assert [r["level"] for r in results] == ["warning", "error", "error", "note", "error"]


def test_sarif_rule_help_has_the_examples_in_markdown(result: CheckResult) -> None:
    rules = {r["id"]: r for r in sarif(result)["runs"][0]["tool"]["driver"]["rules"]}
    floating = rules["argocd-floating-revision"]
    assert floating["shortDescription"]["text"] == "Application follows a branch head"
    assert floating["fullDescription"]["text"] == "A floating revision deploys whatever is pushed."
    assert "**Bad:**\n\n```yaml\ntargetRevision: HEAD\n```" in floating["help"]["markdown"]
    assert floating["defaultConfiguration"] == {"level": "warning"}
    wildcard = rules["argocd-wildcard-destination"]
    assert wildcard["fullDescription"]["text"] == "Application may deploy to any cluster"


def test_sarif_fingerprints_ignore_line_numbers_and_separate_duplicates() -> None:
    moved = [replace(f, location=replace(f.location, line=f.location.line + 3)) for f in FINDINGS]

    def prints(findings: list[Diagnostic]) -> list[str]:
        results = sarif(make_result(findings))["runs"][0]["results"]
        return [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]

    assert prints(moved) == prints(FINDINGS)
    twice = prints([FINDINGS[0], FINDINGS[0]])
    assert twice[0] != twice[1]
    assert twice[0].rsplit(":", 1)[0] == twice[1].rsplit(":", 1)[0]


def test_sarif_unregistered_rule_gets_a_described_entry() -> None:
    stray = Diagnostic("mystery", Severity.WARNING, "odd", Location("a.yaml", 1, 1))
    run = sarif(make_result([stray]))["runs"][0]
    entry = run["tool"]["driver"]["rules"][run["results"][0]["ruleIndex"]]
    assert entry["id"] == "mystery"
    assert entry["defaultConfiguration"] == {"level": "warning"}


def test_sarif_uris_are_encoded_and_absolute_roots_are_file_uris() -> None:
    spaced = Diagnostic("yaml-syntax", Severity.ERROR, "m", Location("my apps/a.yaml", 1, 1))
    location = sarif(make_result([spaced], root=""))["runs"][0]["results"][0]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"] == {
        "uri": "my%20apps/a.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    location = sarif(make_result([spaced], root="/srv/repo"))["runs"][0]["results"][0]["locations"][
        0
    ]
    assert location["physicalLocation"]["artifactLocation"] == {
        "uri": "file:///srv/repo/my%20apps/a.yaml"
    }


# -- JUnit --------------------------------------------------------------------------------


def junit(result: CheckResult) -> ET.Element:
    return ET.fromstring(render_junit(result))


def test_junit_golden(result: CheckResult, golden: Callable[[str, str], None]) -> None:
    golden("check/report.junit.xml", render_junit(result))


@pytest.mark.parametrize("findings", [FINDINGS, []], ids=["findings", "clean"])
def test_junit_is_valid_against_the_xsd(findings: list[Diagnostic]) -> None:
    xmlschema.XMLSchema(FORMATS / "junit-4.xsd").validate(render_junit(make_result(findings)))


def test_junit_one_suite_per_file_with_right_counts(result: CheckResult) -> None:
    root = junit(result)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "apps/clean.yaml",
        "apps/guestbook.yaml",
        "big.yaml",
        "flux/release.yaml",
        "gone.yaml",
    ]
    for suite in suites:
        cases = suite.findall("testcase")
        assert suite.get("tests") == str(len(cases))
        assert suite.get("failures") == str(len(suite.findall("testcase/failure")))
    assert root.get("tests") == str(len(root.findall("testsuite/testcase")))
    assert root.get("failures") == "4"


def test_junit_clean_file_passes_and_info_passes_with_output(result: CheckResult) -> None:
    suites = {s.get("name"): s for s in junit(result).findall("testsuite")}
    (clean,) = suites["apps/clean.yaml"].findall("testcase")
    assert (clean.get("name"), clean.get("classname"), list(clean)) == (
        "no findings",
        "apps/clean.yaml",
        [],
    )
    (info,) = suites["flux/release.yaml"].findall("testcase")
    assert info.find("failure") is None
    assert info.findtext("system-out", "").startswith("flux/release.yaml:5:31: info[")


def test_junit_failure_carries_message_severity_and_source(result: CheckResult) -> None:
    suites = {s.get("name"): s for s in junit(result).findall("testsuite")}
    case = suites["apps/guestbook.yaml"].findall("testcase")[1]
    assert case.get("name") == "argocd-wildcard-destination $.spec.destination.server (line 12:13)"
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "error"
    assert failure.get("message") == FINDINGS[1].message
    assert "12 |     server: '*'" in (failure.text or "")


def test_junit_escapes_markup_and_drops_characters_xml_cannot_hold() -> None:
    message = "value <a & b> is \"quoted\" and 'single'\x01\nsecond line"
    bad = Diagnostic("yaml-syntax", Severity.ERROR, message, Location("a&b<c>.yaml", 1, 1))
    out = render_junit(make_result([bad], files=[], sources={"a&b<c>.yaml": "x: \x01\n"}))
    xmlschema.XMLSchema(FORMATS / "junit-4.xsd").validate(out)
    root = ET.fromstring(out)
    assert [s.get("name") for s in root.findall("testsuite")] == ["a&b<c>.yaml"]
    assert [f.get("message") for f in root.findall("testsuite/testcase/failure")] == [
        message.replace("\x01", "\ufffd")
    ]
    assert "a&amp;b&lt;c&gt;.yaml" in out


def test_junit_duplicate_case_names_are_numbered() -> None:
    root = junit(make_result([FINDINGS[0], FINDINGS[0]], files=[]))
    names = [c.get("name") for c in root.findall("testsuite/testcase")]
    assert names == [
        "argocd-floating-revision $.spec.source.targetRevision (line 9:21)",
        "argocd-floating-revision $.spec.source.targetRevision (line 9:21) #2",
    ]
