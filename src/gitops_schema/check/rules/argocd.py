"""Argo CD: project wildcards and RBAC policies, sync policy safety, pinned revisions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from gitops_schema.check.environment import is_production
from gitops_schema.check.rule import Rule, RuleContext
from gitops_schema.check.rules._helpers import at
from gitops_schema.codes import Code
from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.model import GitOpsObject, Tool
from gitops_schema.model.argocd import (
    Application,
    ApplicationSpec,
    AppProject,
    AppProjectSpec,
    SyncPolicyAutomated,
)
from gitops_schema.model.argocd_appset import ApplicationSet

Path = tuple[str | int, ...]


def _projects(context: RuleContext) -> Iterator[tuple[GitOpsObject, AppProjectSpec]]:
    """The AppProjects that fit their model, with their specs."""
    for obj in context.of_kind("AppProject"):
        if obj.tool is Tool.ARGOCD and isinstance(obj.model, AppProject):
            yield obj, obj.model.spec


def check_wildcards(context: RuleContext) -> Iterator[Diagnostic]:
    """AppProjects that allow any repository, destination or cluster-scoped resource."""
    for obj, project in _projects(context):
        for index, repo in enumerate(project.source_repos):
            if repo == "*":
                yield WILDCARD.finding(
                    f"AppProject {obj.name!r} allows every source repository ('*'); "
                    "list the repositories its Applications may use",
                    at(obj, "spec", "sourceRepos", index),
                )
        for index, destination in enumerate(project.destinations):
            for field in ("server", "name", "namespace"):
                if getattr(destination, field) == "*":
                    yield WILDCARD.finding(
                        f"AppProject {obj.name!r} allows any destination {field} ('*')",
                        at(obj, "spec", "destinations", index, field),
                    )
        for index, item in enumerate(project.cluster_resource_whitelist):
            if item.group == "*" and item.kind == "*":
                yield WILDCARD.finding(
                    f"AppProject {obj.name!r} allows every cluster-scoped resource ('*/*'), "
                    "which is cluster-admin; list the kinds it needs (e.g. Namespace)",
                    at(obj, "spec", "clusterResourceWhitelist", index),
                )


_RESOURCES = {
    "applications",
    "applicationsets",
    "clusters",
    "projects",
    "repositories",
    "write-repositories",
    "accounts",
    "certificates",
    "gpgkeys",
    "logs",
    "exec",
    "extensions",
}
_ACTIONS = {"get", "create", "update", "delete", "sync", "override", "invoke", "*"}
_EFFECTS = {"allow", "deny"}


def _policy_problem(policy: str, project: str, role: str) -> str | None:
    fields = [f.strip() for f in policy.split(",")]
    if len(fields) != 6 or fields[0] != "p":
        return (
            "a project policy has six comma-separated fields: "
            "p, subject, resource, action, object, effect"
        )
    _, subject, resource, action, obj, effect = fields
    if subject != f"proj:{project}:{role}":
        return (
            f"the subject must be 'proj:{project}:{role}' (this project and role), not {subject!r}"
        )
    if resource not in _RESOURCES:
        return f"unknown resource {resource!r}; one of {', '.join(sorted(_RESOURCES))}"
    if action not in _ACTIONS and not action.startswith(("action/", "update/", "delete/")):
        known = ", ".join(sorted(_ACTIONS))
        return f"unknown action {action!r}; one of {known} or action/<group>/<kind>/<name>"
    if resource in ("applications", "applicationsets", "logs", "exec") and not obj.startswith(
        f"{project}/"
    ):
        return f"the object must be '{project}/<application>' (or '{project}/*'), not {obj!r}"
    if effect not in _EFFECTS:
        return f"the effect must be allow or deny, not {effect!r}"
    return None


def check_policies(context: RuleContext) -> Iterator[Diagnostic]:
    """Project role policies Argo CD would refuse."""
    for obj, project in _projects(context):
        for r, role in enumerate(project.roles):
            for p, policy in enumerate(role.policies):
                problem = _policy_problem(policy, obj.name, role.name)
                if problem:
                    yield POLICY_SYNTAX.finding(
                        f"role {role.name!r}: {problem}",
                        at(obj, "spec", "roles", r, "policies", p),
                    )


def application_specs(context: RuleContext) -> Iterator[tuple[GitOpsObject, Path, ApplicationSpec]]:
    """(object, path of the spec, spec) for Applications and ApplicationSet templates.

    Only those that fit their model: one that does not has a schema finding already.
    """
    for obj in context.objects:
        if obj.tool is not Tool.ARGOCD:
            continue
        if isinstance(obj.model, Application):
            yield obj, ("spec",), obj.model.spec
        elif isinstance(obj.model, ApplicationSet):
            yield obj, ("spec", "template", "spec"), obj.model.spec.template.spec


def _automated(app_spec: ApplicationSpec) -> SyncPolicyAutomated | None:
    automated = app_spec.sync_policy.automated if app_spec.sync_policy else None
    if automated is None or automated.enabled is False:
        return None
    return automated


def check_selfheal(context: RuleContext) -> Iterator[Diagnostic]:
    """Automated sync that does not revert changes made in the cluster."""
    for obj, path, app_spec in application_specs(context):
        automated = _automated(app_spec)
        if automated is not None and automated.self_heal is not True:
            yield NO_SELFHEAL.finding(
                f"{obj.kind} {obj.name!r} syncs automatically without selfHeal: changes made "
                "in the cluster stay until the next commit",
                at(obj, *path, "syncPolicy", "automated", key=True),
            )


def check_retry(context: RuleContext) -> Iterator[Diagnostic]:
    """Automated sync without a bounded retry."""
    for obj, path, app_spec in application_specs(context):
        if _automated(app_spec) is None:
            continue
        retry = app_spec.sync_policy.retry if app_spec.sync_policy else None
        if retry is None:
            yield NO_RETRY.finding(
                f"{obj.kind} {obj.name!r} syncs automatically with no retry: one transient "
                "failure leaves it failed until the next change",
                at(obj, *path, "syncPolicy", key=True),
            )
        elif retry.limit == -1:
            yield NO_RETRY.finding(
                f"{obj.kind} {obj.name!r} retries forever (limit: -1); set a bounded limit",
                at(obj, *path, "syncPolicy", "retry", "limit"),
            )


_SHA = re.compile(r"[0-9a-f]{7,40}")
_VERSION = re.compile(r"(?<![0-9])v?[0-9]+\.[0-9]+(\.[0-9]+)?([-+][0-9A-Za-z.-]+)?")
_RANGE = re.compile(r"[*^~<>=|x]|\s-\s|\.x\b")


def pinned(revision: Any) -> bool:
    """Whether a targetRevision names one immutable state: a commit, or a version tag.

    HEAD, branch names, empty revisions and version ranges (``1.*``, ``>=1.2``, ``^2``)
    move; a commit id or a name carrying a version number (``v1.4.0``,
    ``user-service-1.4.0``, a chart version ``4.2.1``) does not.
    """
    if not isinstance(revision, str) or not revision or revision == "HEAD":
        return False
    if _SHA.fullmatch(revision):
        return True
    return bool(_VERSION.search(revision)) and not _RANGE.search(revision.split("/")[-1])


def check_unpinned(context: RuleContext) -> Iterator[Diagnostic]:
    """Production Applications that follow a branch instead of a fixed revision."""
    for obj, path, app_spec in application_specs(context):
        sources = [((*path, "source"), app_spec.source)] if app_spec.source else []
        sources += [((*path, "sources", i), source) for i, source in enumerate(app_spec.sources)]
        unpinned = [
            (source_path, source.target_revision)
            for source_path, source in sources
            if "{{" not in (source.target_revision or "") and not pinned(source.target_revision)
        ]
        # Whether the object is production costs more than whether it follows a branch.
        if not unpinned or not is_production(obj, context):
            continue
        for source_path, revision in unpinned:
            shown = repr(revision) if revision else "no targetRevision (HEAD)"
            where = (*source_path, "targetRevision") if revision else source_path
            yield UNPINNED.finding(
                f"production {obj.kind} {obj.name!r} follows {shown}: every push deploys; "
                "pin a tag or commit",
                at(obj, *where),
            )


_API_VERSION = re.compile(r"v[0-9]+(?:(?:alpha|beta)[0-9]+)?")


def check_ignore_differences(context: RuleContext) -> Iterator[Diagnostic]:
    """Entries of ignoreDifferences whose group carries a version, and so match nothing."""
    for obj, path, app_spec in application_specs(context):
        for index, entry in enumerate(app_spec.ignore_differences):
            group = entry.group
            if group is None or "{{" in group:
                continue
            if "/" in group:
                bare = group.split("/", 1)[0]
            elif _API_VERSION.fullmatch(group):
                bare = ""  # the core group's version (v1) written as its group
            else:
                continue
            use = f"group: {bare!r}" if bare else "group: '' (the core group)"
            yield IGNORE_GROUP.finding(
                f"{obj.kind} {obj.name!r}: ignoreDifferences group {group!r} holds a version; "
                f"Argo CD compares the group alone, so this entry matches nothing: use {use}",
                at(obj, *path, "ignoreDifferences", index, "group"),
            )


def check_destination(context: RuleContext) -> Iterator[Diagnostic]:
    """Destinations that give both a cluster server and a cluster name, or neither."""
    for obj, path, app_spec in application_specs(context):
        destination = app_spec.destination
        server, name = destination.server or "", destination.name or ""
        if "{{" in server + name:
            continue  # a template's value may render empty: its Applications are checked
        where = at(obj, *path, "destination", key=True)
        if server and name:
            yield DESTINATION.finding(
                f"{obj.kind} {obj.name!r} names its cluster twice (server {server!r} and name "
                f"{name!r}): Argo CD refuses to sync it; keep one",
                where,
            )
        elif not server and not name and not _patched(obj):
            yield DESTINATION.finding(
                f"{obj.kind} {obj.name!r} has a destination with neither server nor name: "
                "Argo CD cannot tell which cluster to sync it to",
                where,
            )


def _patched(obj: GitOpsObject) -> bool:
    """An ApplicationSet whose templatePatch may set what its template leaves out."""
    return isinstance(obj.model, ApplicationSet) and obj.model.spec.template_patch is not None


WILDCARD = Rule(
    Code(
        "appproject-wildcard",
        Severity.WARNING,
        "An AppProject allowing '*' source repositories, destinations or cluster resources.",
        bad="sourceRepos: ['*']\ndestinations:\n  - server: '*'\n    namespace: '*'",
        good="sourceRepos: [https://github.com/org/gitops.git]\ndestinations:\n  - server: "
        "https://prod.example.com\n    namespace: payments",
    ),
    check=check_wildcards,
)

POLICY_SYNTAX = Rule(
    Code(
        "appproject-policy-syntax",
        Severity.ERROR,
        "A project role policy that is not 'p, proj:<project>:<role>, <resource>, <action>, "
        "<project>/<object>, allow|deny'.",
        bad="policies:\n  - p, developers, applications, get, *, allow",
        good="policies:\n  - p, proj:team:developers, applications, get, team/*, allow",
    ),
    check=check_policies,
)

NO_SELFHEAL = Rule(
    Code(
        "argocd-automated-no-selfheal",
        Severity.WARNING,
        "Automated sync without selfHeal: drift in the cluster is not reverted.",
        bad="syncPolicy:\n  automated:\n    prune: true",
        good="syncPolicy:\n  automated:\n    prune: true\n    selfHeal: true",
    ),
    check=check_selfheal,
)

NO_RETRY = Rule(
    Code(
        "argocd-no-retry",
        Severity.WARNING,
        "Automated sync without a bounded retry.",
        bad="syncPolicy:\n  automated: {}",
        good="syncPolicy:\n  automated: {}\n  retry:\n    limit: 5\n    backoff: {duration: 5s, "
        "factor: 2, maxDuration: 3m}",
    ),
    check=check_retry,
)

UNPINNED = Rule(
    Code(
        "argocd-unpinned-revision",
        Severity.WARNING,
        "A production Application whose targetRevision is HEAD, a branch or a range.",
        bad="targetRevision: HEAD",
        good="targetRevision: v1.4.0",
        explanation="Production is decided by the 'production' setting (words of names, "
        "namespaces, paths and labels).",
    ),
    check=check_unpinned,
)

IGNORE_GROUP = Rule(
    Code(
        "argocd-ignore-differences-group",
        Severity.WARNING,
        "An ignoreDifferences entry whose group carries a version (networking.k8s.io/v1).",
        bad="ignoreDifferences:\n  - group: networking.k8s.io/v1\n    kind: Ingress",
        good="ignoreDifferences:\n  - group: networking.k8s.io\n    kind: Ingress",
        explanation="Argo CD matches an entry's group against the resource's API group only, so a "
        "group with a version never matches: the differences it meant to ignore show as out of "
        "sync (and selfHeal reverts them).",
    ),
    check=check_ignore_differences,
)

DESTINATION = Rule(
    Code(
        "argocd-destination-invalid",
        Severity.ERROR,
        "An Application destination with both a server and a name, or with neither.",
        bad="destination:\n  server: https://kubernetes.default.svc\n  name: in-cluster",
        good="destination:\n  name: in-cluster\n  namespace: guestbook",
        explanation="Argo CD finds the cluster by its API server URL or by its name, never by "
        "both: an Application with both (or neither) is an InvalidSpecError and never syncs. "
        "Values a template fills in are checked on the generated Applications.",
    ),
    check=check_destination,
)

RULES = (WILDCARD, POLICY_SYNTAX, NO_SELFHEAL, NO_RETRY, UNPINNED, IGNORE_GROUP, DESTINATION)
