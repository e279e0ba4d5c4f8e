"""The SARIF 2.1.0 report, in the subset GitHub code scanning reads.

GitHub resolves relative artifact URIs against the repository root and ignores
``originalUriBaseIds``, so URIs are paths from the repository's root (the git work tree
holding the checked folder), whatever form the folder was given in and wherever the check
ran; a file outside the repository is a ``file:`` URI.
"""

from __future__ import annotations

import hashlib
import json
import textwrap
from collections import Counter
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

import gitops_schema
from gitops_schema.check.result import CheckResult
from gitops_schema.codes import Code
from gitops_schema.diagnostics import Diagnostic, Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/gitops-schema/"
SRCROOT = "%SRCROOT%"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render_sarif(result: CheckResult) -> str:
    """One SARIF run: the enabled rules with their documentation, and one result per finding.

    Args:
        result: The outcome of a check.

    Returns:
        The SARIF log as indented JSON, ending in a newline.
    """
    descriptors = _descriptors(result)
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    seen: Counter[str] = Counter()
    results = []
    for finding in result.findings:
        file = finding.location.file
        uri = result.repository_paths.get(file) or _artifact_path(result.root, file)
        fingerprint = _fingerprint(finding, uri)
        seen[fingerprint] += 1
        results.append(
            _result(finding, uri, index[finding.rule], f"{fingerprint}:{seen[fingerprint]}")
        )
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "gitops-schema",
                        "version": gitops_schema.__version__,
                        "semanticVersion": gitops_schema.__version__,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {
                    SRCROOT: {
                        "description": {
                            "text": "The root of the repository: the git work tree holding the "
                            "checked folder."
                        }
                    }
                },
                # Our columns count characters, not the UTF-16 code units SARIF assumes.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _descriptors(result: CheckResult) -> list[dict[str, Any]]:
    """Every enabled rule, plus a bare entry for any finding whose rule is not registered."""
    descriptors = {rule_id: _descriptor(rule.code) for rule_id, rule in result.rules.items()}
    for finding in result.findings:
        if finding.rule not in descriptors:
            # GitHub rejects empty descriptions, so an unregistered rule is described by its id.
            text = {"text": finding.rule}
            descriptors[finding.rule] = {
                "id": finding.rule,
                "shortDescription": text,
                "fullDescription": text,
                "help": text,
                "defaultConfiguration": {"level": _LEVEL[finding.severity]},
            }
    return [descriptors[rule_id] for rule_id in sorted(descriptors)]


def _descriptor(code: Code) -> dict[str, Any]:
    explanation = code.explanation.strip() or code.summary
    return {
        "id": code.id,
        "shortDescription": {"text": code.summary},
        "fullDescription": {"text": explanation.split("\n\n", 1)[0]},
        "help": {
            "text": _help(code, explanation, fence=""),
            "markdown": _help(code, explanation, fence="```"),
        },
        "defaultConfiguration": {"level": _LEVEL[code.severity]},
    }


def _help(code: Code, explanation: str, *, fence: str) -> str:
    """The explanation with the bad and good examples: fenced as YAML, or indented as text."""
    parts = [explanation]
    for title, example in (("Bad", code.bad), ("Good", code.good)):
        if not example.strip():
            continue
        body = example.strip("\n")
        if fence:
            parts.append(f"**{title}:**\n\n{fence}yaml\n{body}\n{fence}")
        else:
            parts.append(f"{title}:\n\n{textwrap.indent(body, '    ')}")
    return "\n\n".join(parts)


def _result(finding: Diagnostic, uri: str, rule_index: int, fingerprint: str) -> dict[str, Any]:
    loc = finding.location
    path = PurePosixPath(uri)
    artifact = (
        {"uri": path.as_uri()}
        if path.is_absolute()
        else {"uri": quote(uri, safe="/"), "uriBaseId": SRCROOT}
    )
    # GitHub needs a region with startLine >= 1 on every result to place the alert; a
    # finding about a whole file (line 0) is shown at its first line.
    region = {"startLine": max(loc.line, 1)}
    if loc.line and loc.column:
        region["startColumn"] = loc.column
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": artifact, "region": region},
                "logicalLocations": [{"fullyQualifiedName": loc.json_path}],
            }
        ],
        "partialFingerprints": {"primaryLocationLineHash": fingerprint},
    }


def _artifact_path(root: str, file: str) -> str:
    """The file as given, when it is not in the repository: ``root`` joined with ``file``."""
    return str(PurePosixPath(root.replace("\\", "/"), file.replace("\\", "/")))


def _fingerprint(finding: Diagnostic, uri: str) -> str:
    """A hash of what the finding is, not where: alerts survive lines moving above them.

    GitHub reads only ``primaryLocationLineHash`` and fills it from the line's text when
    absent; our own value keeps an alert open across edits that shift line numbers. The
    caller appends an occurrence count so identical findings stay distinct, as GitHub does.
    """
    key = "\0".join((finding.rule, uri, finding.location.json_path, finding.message))
    return hashlib.sha256(key.encode()).hexdigest()[:32]
