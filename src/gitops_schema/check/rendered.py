"""Checks of the rendered desired state: what kustomize and Helm produce, not just the YAML.

A chart or an overlay can render an object the schema rejects or an API the target
Kubernetes no longer serves, while every file in the repository is valid. Each finding on
a rendered object is reported at the Application, Kustomization or HelmRelease that
renders it (kustomize and Helm keep no positions), naming the object and the field.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from gitops_schema.check.config import CheckConfig
from gitops_schema.check.rule import RuleContext
from gitops_schema.check.rules import RULES
from gitops_schema.check.schema import SchemaValidator
from gitops_schema.desired import RenderedApp, RenderOptions, render_repository
from gitops_schema.diagnostics import Diagnostic
from gitops_schema.load import Document, from_plain
from gitops_schema.model import GitOpsObject, parse_documents

__all__ = ["RENDERED_RULES", "check_rendered"]

RENDERED_RULES = ("api-deprecated", "api-removed", "kind-wrong-group")
"""The rules that hold for any rendered object; the others need the repository's files
or see its sources, which are checked where they are written."""


def check_rendered(
    root: Path,
    options: RenderOptions,
    validator: SchemaValidator,
    config: CheckConfig,
    revision: str | None = None,
) -> list[Diagnostic]:
    """Render the repository at ``root`` and check every rendered object.

    Returns the render's own diagnostics (what could not be rendered, and why) and the
    schema and rule findings on the rendered objects.

    Raises:
        LoadError: the folder or revision cannot be read.
        ToolNotFound: no kustomize engine is available.
    """
    # At a revision, what the render says names the repository's files, not its scratch
    # copy; engines name the files they read by absolute path: told relative to the root.
    rendered = render_repository(root, options, revision=revision)
    folders = sorted({f"{root.resolve()}/", f"{root}/"} - {"./"}, key=len, reverse=True)
    findings = [replace(d, message=_relative(d.message, folders)) for d in rendered.report]
    rules = [RULES[r] for r in RENDERED_RULES if config.setting(r).enabled]
    for app in rendered.apps:
        if not app.manifests:
            continue
        origin = f"<rendered by {app.kind} {app.name}>"
        documents = [
            Document(origin, index, from_plain(manifest), (0, 0))
            for index, manifest in enumerate(app.manifests)
        ]
        objects = parse_documents(documents).objects
        by_document = {obj.location.document: obj for obj in objects}
        found = [d for obj in objects for d in validator.validate(obj)]
        context = RuleContext(tuple(objects), frozenset(), config)
        for rule in rules:
            if rule.check is not None:
                found.extend(rule.check(context))
        findings.extend(_at_source(d, app, by_document) for d in found)
    return findings


def _at_source(
    finding: Diagnostic, app: RenderedApp, by_document: dict[int, GitOpsObject]
) -> Diagnostic:
    obj = by_document.get(finding.location.document)
    what = f"{obj.kind} {obj.name}" if obj is not None else "an object"
    at = f" at {finding.location.json_path}" if finding.location.path else ""
    message = (
        f"rendered {what}{at} (by {app.kind} {app.name}, cluster {app.cluster}): {finding.message}"
    )
    return replace(finding, message=message, location=app.location)


def _relative(text: str, folders: list[str]) -> str:
    for folder in folders:
        text = text.replace(folder, "")
    return text
