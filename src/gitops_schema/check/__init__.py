"""CHECK: schema validation and semantic lint rules, pinned to file:line.

``check(paths)`` loads and types the configuration, validates every object against the
schema of its kind, runs every enabled rule of :data:`gitops_schema.check.rules.RULES`,
applies the configuration (rules switched off, severities changed) and the inline
suppressions, and returns a :class:`CheckResult` that the reporters in
:mod:`gitops_schema.check.report` render.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Unpack

from gitops_schema.check.config import CheckConfig, find_config, load_config
from gitops_schema.check.expansion import (
    check_duplicate_names,
    check_paths,
    expand_for_check,
    generated_objects,
)
from gitops_schema.check.options import CheckFields, CheckOptions
from gitops_schema.check.rendered import check_rendered
from gitops_schema.check.repository_paths import repository_paths
from gitops_schema.check.result import CheckResult
from gitops_schema.check.rule import Rule, RuleContext
from gitops_schema.check.rules import RULES
from gitops_schema.check.schema import SchemaValidator
from gitops_schema.check.suppress import Suppressions
from gitops_schema.check.values import helm_value_files
from gitops_schema.diagnostics import Diagnostic
from gitops_schema.errors import UsageError
from gitops_schema.inventory import STDIN, load_inputs
from gitops_schema.load import LoadResult, list_files
from gitops_schema.location import Location
from gitops_schema.model import GitOpsObject, ParseResult, parse_documents

__all__ = [
    "RULES",
    "CheckConfig",
    "CheckOptions",
    "CheckResult",
    "Rule",
    "check",
    "resolve_config",
]


def resolve_config(paths: Sequence[str | Path], config_file: Path | None = None) -> CheckConfig:
    """The configuration for checking ``paths``.

    That is ``config_file``, or the ``.gitops-schema.yaml`` found at or above the first
    folder, or the defaults.

    Raises:
        UsageError: the configuration file is invalid (the message names file and line).
    """
    found = config_file or find_config([Path(p) for p in paths if str(p) != STDIN])
    return load_config(found, set(RULES)) if found else CheckConfig()


def check(
    paths: Sequence[str | Path],
    options: CheckOptions | None = None,
    *,
    stdin: bytes | None = None,
    **fields: Unpack[CheckFields],
) -> CheckResult:
    """Check files and folders (or a git revision of them).

    Args:
        paths: files and folders; ``"-"`` reads ``stdin``.
        options: what to check and how (see :class:`CheckOptions`).
        stdin: the standard input's bytes when ``"-"`` is among the paths.
        fields: fields of ``options`` given one by one (``config=...``), which replace
            its own.

    Raises:
        UsageError: bad arguments (e.g. an unsupported Kubernetes version, or rendering
            asked for something other than one folder).
        LoadError: a path or revision that cannot be read.
    """
    options = replace(options or CheckOptions(), **fields)
    config = options.config
    load = replace(options.load, exclude=options.load.exclude + config.exclude)
    loaded = load_inputs(paths, revision=options.revision, options=load, stdin=stdin)
    parsed = parse_documents(loaded.documents)
    validator = SchemaValidator(
        kubernetes_version=config.kubernetes_version,
        strict=config.strict,
        fetch=options.fetch_schemas,
    )
    enabled = {rid: rule for rid, rule in RULES.items() if config.setting(rid).enabled}
    linted = _lint(paths, replace(options, load=load), loaded, parsed, validator, enabled)
    findings = _once([*loaded.report, *_object_findings(validator, parsed), *linted])
    if options.render is not None:
        # After _once: the findings of one render share the renderer's position.
        findings.extend(
            check_rendered(
                _repository(paths), options.render, validator, config, revision=options.revision
            )
        )
    suppressions = Suppressions.scan(loaded.texts, loaded.documents)
    kept, suppressed = _configured(findings, config, suppressions)
    root = _root(paths)
    reported = sorted(
        # The render loads and expands the repository again: what it says the same way
        # (a file not read, a generator not expanded) is said once.
        dict.fromkeys(_relative(f, root) for f in kept),
        key=lambda d: (d.location.file, d.location.line, d.location.column, d.rule),
    )
    return CheckResult(
        findings=reported,
        files=[_relative_path(f, root) for f in loaded.files],
        objects=len(parsed.objects),
        rules=enabled,
        sources={_relative_path(f, root): t for f, t in loaded.texts.items()},
        root=root,
        repository_paths=repository_paths(root, {f.location.file for f in reported}),
        suppressed=suppressed,
    )


def _lint(
    paths: Sequence[str | Path],
    options: CheckOptions,
    loaded: LoadResult,
    parsed: ParseResult,
    validator: SchemaValidator,
    enabled: dict[str, Rule],
) -> list[Diagnostic]:
    """The findings of the rules, of ApplicationSet expansion and of chart values."""
    given = [p for p in paths if str(p) != STDIN]
    files = list_files(given, revision=options.revision, exclude=options.load.exclude)
    roots = tuple(str(p) for p in given)
    expansions, expansion_report = expand_for_check(
        parsed.objects, roots, options.revision, tuple(options.clusters), tuple(options.scm_data)
    )
    context = RuleContext(
        tuple(parsed.objects) + tuple(generated_objects(expansions)),
        frozenset(files),
        options.config,
        roots,
        options.revision,
    )
    value_files = helm_value_files(context.objects, roots, context.files)
    return [
        *(finding for rule in enabled.values() if rule.check for finding in rule.check(context)),
        *expansion_report,
        *validator.validate_chart_values(loaded.documents, value_files),
        *check_duplicate_names(expansions),
        *check_paths(context, expansions),
    ]


def _object_findings(validator: SchemaValidator, parsed: ParseResult) -> list[Diagnostic]:
    """Each object's schema findings, then the models' findings the schema did not make."""
    findings = [d for obj in parsed.objects for d in _validate(validator, obj)]
    validated = {_position(d) for d in findings}
    for finding in parsed.report:
        # Where the schema validator spoke, the model says the same in other words; and
        # unknown generator fields have a rule of their own (appset-unknown-field).
        if _position(finding) in validated or (
            finding.rule == "unknown-field" and finding.location.path[:2] == _GENERATORS
        ):
            continue
        findings.append(finding)
    return findings


def _configured(
    findings: Sequence[Diagnostic], config: CheckConfig, suppressions: Suppressions
) -> tuple[list[Diagnostic], int]:
    """The findings the configuration keeps, at its severities; and how many were silenced."""
    kept: list[Diagnostic] = []
    suppressed = 0
    for finding in findings:
        setting = config.setting(finding.rule)
        if not setting.enabled:
            continue
        if suppressions.silences(finding):
            suppressed += 1
            continue
        if setting.severity is not None:
            finding = replace(finding, severity=setting.severity)
        kept.append(finding)
    return kept, suppressed


def _repository(paths: Sequence[str | Path]) -> Path:
    """The one repository folder a rendering check is about."""
    if len(paths) != 1 or str(paths[0]) == STDIN or not Path(paths[0]).is_dir():
        raise UsageError("checking the rendered state needs exactly one repository folder")
    return Path(paths[0])


def _once(findings: list[Diagnostic]) -> list[Diagnostic]:
    """One finding per rule and position.

    Every generated Application of a template repeats the template's findings, and the
    template itself may say the same.
    """
    seen: set[tuple[str, str, int, int]] = set()
    unique: list[Diagnostic] = []
    for finding in findings:
        key = (finding.rule, *_position(finding))
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _validate(validator: SchemaValidator, obj: GitOpsObject) -> Iterable[Diagnostic]:
    findings = validator.validate(obj)
    if obj.is_patch:
        # A patch is merged into a whole object; only what it does say must be right.
        return [f for f in findings if not f.message.startswith("missing required")]
    return findings


_GENERATORS = ("spec", "generators")


def _position(finding: Diagnostic) -> tuple[str, int, int]:
    where = finding.location
    return (where.file, where.line, where.column)


def _root(paths: Sequence[str | Path]) -> str:
    """The folder findings are reported relative to: the one folder checked, if one."""
    if len(paths) != 1 or str(paths[0]) == STDIN:
        return ""
    path = Path(paths[0])
    return str(paths[0]).rstrip("/") if path.is_dir() else ""


def _relative_path(file: str, root: str) -> str:
    if root and file.startswith(root + "/"):
        return file[len(root) + 1 :]
    if not root and os.path.isabs(file):
        # Files named one by one: an absolute path under the current folder is told as
        # its relative form would be, so the report does not depend on the form given.
        here = os.getcwd().rstrip("/") + "/"
        if file.startswith(here):
            return file[len(here) :]
    return file


def _relative(finding: Diagnostic, root: str) -> Diagnostic:
    where = finding.location
    relative = _relative_path(where.file, root)
    if relative == where.file:
        return finding
    moved = Location(relative, where.line, where.column, where.path, where.document)
    return replace(finding, location=moved)
