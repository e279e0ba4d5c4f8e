"""The JUnit XML report (Jenkins' junit-4.xsd), as GitLab, Jenkins and Buildkite read it.

One test suite per file and one test case per finding: errors and warnings fail, info
passes with its text in ``system-out``. A file without findings gets one passing case, so
every checked file shows up and a clean run is not an empty report.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict

from gitops_schema.check.report.text import format_finding, source_lines
from gitops_schema.check.result import CheckResult
from gitops_schema.diagnostics import Diagnostic, Severity

CLEAN_CASE = "no findings"
"""The name of the passing test case of a file without findings."""

# Characters XML 1.0 cannot carry at all, even escaped; a YAML value may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_junit(result: CheckResult) -> str:
    """The findings as JUnit test suites, one per file.

    Args:
        result: The outcome of a check.

    Returns:
        The XML document, with declaration, ending in a newline.
    """
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for finding in result.findings:
        by_file[finding.location.file].append(finding)
    suites = [
        _suite(file, by_file.get(file, []), result.sources.get(file))
        for file in sorted(set(result.files) | by_file.keys())
    ]
    root = _element(
        "testsuites",
        name="gitops-schema",
        tests=sum(len(suite) for suite in suites),
        failures=sum(1 for f in result.findings if f.severity is not Severity.INFO),
        errors=0,
        time=0,
    )
    root.extend(suites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(file: str, findings: list[Diagnostic], text: str | None) -> ET.Element:
    lines = source_lines(text)
    names: Counter[str] = Counter()
    cases = []
    for finding in findings:
        name = _case_name(finding)
        names[name] += 1
        if names[name] > 1:
            # GitLab keeps only the first of test cases with the same name.
            name += f" #{names[name]}"
        cases.append(_case(finding, name, file, format_finding(finding, lines)))
    if not cases:
        cases.append(_element("testcase", name=CLEAN_CASE, classname=file, time=0))
    failures = sum(1 for f in findings if f.severity is not Severity.INFO)
    suite = _element(
        "testsuite",
        name=file,
        tests=len(cases),
        failures=failures,
        errors=0,
        skipped=0,
        time=0,
    )
    suite.extend(cases)
    return suite


def _case(finding: Diagnostic, name: str, file: str, details: str) -> ET.Element:
    # The file is the class name: GitLab shows it as the suite of each case.
    case = _element("testcase", name=name, classname=file, time=0)
    if finding.severity is Severity.INFO:
        ET.SubElement(case, "system-out").text = _xml_text(details)
    else:
        failure = _element("failure", type=finding.severity.value, message=finding.message)
        failure.text = _xml_text(details)
        case.append(failure)
    return case


def _case_name(finding: Diagnostic) -> str:
    """``rule $.json.path (line 12:5)``: unique enough, and readable in a CI test list."""
    loc = finding.location
    name = f"{finding.rule} {loc.json_path}"
    if loc.line:
        name += f" (line {loc.line}:{loc.column})" if loc.column else f" (line {loc.line})"
    return name


def _element(tag: str, **attributes: str | int) -> ET.Element:
    return ET.Element(tag, {k: _xml_text(str(v)) for k, v in attributes.items()})


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
