"""ApplicationSet: generator fields that do not exist, template safety."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gitops_schema.check.rule import Rule, RuleContext
from gitops_schema.check.rules._helpers import at, get
from gitops_schema.check.rules.appset_params import changes_scope, emitted, known_root, references
from gitops_schema.codes import Code
from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.model import GitOpsObject, unknown_fields
from gitops_schema.model.argocd_appset import ApplicationSet, ApplicationSetSpec, generator_kind


def _appsets(context: RuleContext) -> Iterator[tuple[GitOpsObject, ApplicationSetSpec]]:
    """The ApplicationSets that fit their model, with their specs."""
    for obj in context.of_kind("ApplicationSet"):
        if isinstance(obj.model, ApplicationSet):
            yield obj, obj.model.spec


def check_unknown_fields(context: RuleContext) -> Iterator[Diagnostic]:
    """Fields a generator does not have; the API server drops them without a word."""
    for _, appset in _appsets(context):
        for owner, key in unknown_fields(appset):
            path = owner.model_json_path()
            if path[:2] != ("spec", "generators"):
                continue
            kind = generator_kind(owner)
            what = f"the {kind} generator entry" if kind else "this generator"
            hint = ""
            if key == "name" and kind == "clusters":
                hint = (
                    "; in the template, {{name}} is the cluster's name, not this value: use "
                    "the generator's 'values' and {{values.<key>}}"
                )
            elif key == "filters" and kind == "git":
                hint = "; git generators have no filters: use 'exclude: true' path entries"
            yield UNKNOWN_FIELD.finding(
                f"{what} has no field {key!r}: the API server prunes it{hint}",
                owner.model_location(key, key=True),
            )


def _strings(
    value: Any, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key), str(key)
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def check_unknown_params(context: RuleContext) -> Iterator[Diagnostic]:
    """Template references no generator of the ApplicationSet emits."""
    for obj, appset in _appsets(context):
        go_template = appset.go_template is True
        known = [(i, emitted(entry)) for i, entry in enumerate(appset.generators)]
        if not known or any(found is None for _, found in known):
            continue
        # Every string of the template as written, unknown fields too: the document's.
        texts = list(_strings(get(obj.document.data, "spec", "template"), ("spec", "template")))
        if appset.template_patch is not None:
            texts.append((("spec", "templatePatch"), appset.template_patch))
        reported: set[tuple[tuple[str | int, ...], str]] = set()
        # What Argo CD makes of it: with missingkey=error the template fails instead.
        outcome = "it renders as the literal text"
        if go_template:
            strict = "missingkey=error" in appset.go_template_options
            outcome = "the template fails" if strict else "it renders as '<no value>'"
        for path, text in texts:
            if "{{" not in text or (go_template and changes_scope(text)):
                continue
            for name in references(text, go_template):
                missing = [
                    i
                    for i, found in known
                    if found is not None
                    and not (known_root(name, found) if go_template else found.knows(name))
                ]
                if not missing or (path, name) in reported:
                    continue
                reported.add((path, name))
                shown = f".{name}" if go_template else name
                owner = f"ApplicationSet {obj.name!r}"
                which = (
                    f"no generator of {owner} emits"
                    if len(missing) == len(known)
                    else f"generator {missing[0]} of {owner} does not emit"
                )
                yield UNKNOWN_PARAM.finding(
                    f"the template uses {{{{{shown}}}}}, a parameter {which}: {outcome}",
                    at(obj, *path),
                )


def check_missingkey(context: RuleContext) -> Iterator[Diagnostic]:
    """Find goTemplate without missingkey=error: missing parameters render '<no value>'."""
    for obj, appset in _appsets(context):
        if appset.go_template is not True:
            continue
        if "missingkey=error" not in appset.go_template_options:
            yield MISSINGKEY.finding(
                f"ApplicationSet {obj.name!r} uses goTemplate without goTemplateOptions: "
                "[missingkey=error]; a missing parameter renders as '<no value>' instead of "
                "failing",
                at(obj, "spec", "goTemplate", key=True),
            )


def check_templated_project(context: RuleContext) -> Iterator[Diagnostic]:
    """A project chosen by generator parameters lets them pick their own permissions."""
    for obj, appset in _appsets(context):
        project = appset.template.spec.project
        if "{{" in project:
            yield TEMPLATED_PROJECT.finding(
                f"ApplicationSet {obj.name!r} templates spec.project ({project!r}): whoever "
                "controls the generator's input chooses the AppProject, and so its permissions",
                at(obj, "spec", "template", "spec", "project"),
            )


UNKNOWN_PARAM = Rule(
    Code(
        "appset-unknown-param",
        Severity.ERROR,
        "A template parameter that no generator of the ApplicationSet emits.",
        bad="generators:\n  - clusters: {}\ntemplate:\n  metadata:\n    name: '{{cluster}}-app'",
        good="generators:\n  - clusters: {}\ntemplate:\n  metadata:\n    name: '{{name}}-app'",
        explanation="Known statically per generator kind (cluster: name, nameNormalized, server, "
        "project, metadata.labels.*, metadata.annotations.*, values.*; git directories: path, "
        "path.basename, path[n]...; list: the element keys...). Generators whose parameters "
        "depend on data (git files, plugins, decision resources) are not checked.",
    ),
    check=check_unknown_params,
)

UNKNOWN_FIELD = Rule(
    Code(
        "appset-unknown-field",
        Severity.ERROR,
        "A field an ApplicationSet generator does not have (filters on git, name beside clusters).",
        bad="generators:\n  - clusters:\n      selector: {matchLabels: {env: prod}}\n    name: "
        "prod",
        good="generators:\n  - clusters:\n      selector: {matchLabels: {env: prod}}\n      "
        "values: {env: prod}",
    ),
    check=check_unknown_fields,
)

MISSINGKEY = Rule(
    Code(
        "appset-missingkey",
        Severity.WARNING,
        "goTemplate without goTemplateOptions: [missingkey=error].",
        bad="goTemplate: true",
        good="goTemplate: true\ngoTemplateOptions: [missingkey=error]",
    ),
    check=check_missingkey,
)

TEMPLATED_PROJECT = Rule(
    Code(
        "appset-templated-project",
        Severity.WARNING,
        "An ApplicationSet whose template.spec.project is templated.",
        bad="project: '{{.team}}'",
        good="project: payments",
        explanation="Argo CD's ApplicationSet security notes: a templated project lets the "
        "generator's data (a pull request, an SCM repository) choose the AppProject.",
    ),
    check=check_templated_project,
)

RULES = (UNKNOWN_FIELD, UNKNOWN_PARAM, MISSINGKEY, TEMPLATED_PROJECT)
