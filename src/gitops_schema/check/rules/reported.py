"""Rules whose findings the loader, the models and the schema validator raise.

They have no check function here; they are registered so that configuration can switch
them off or change their severity, and so that ``gitops-schema rules`` documents them.
"""

from __future__ import annotations

from gitops_schema.check.rule import Rule
from gitops_schema.diagnostics import Severity

RULES = (
    Rule(
        "yaml-syntax",
        Severity.ERROR,
        "The file is not valid YAML (or JSON).",
        bad="spec:\n  repoURL: {{.app.source}}   # an unquoted template is a mapping",
        good="spec:\n  repoURL: '{{.app.source}}'",
    ),
    Rule(
        "template-skipped",
        Severity.INFO,
        "A file that is a template of another tool (Jinja, a Helm-style template outside a "
        "chart); not read.",
        bad="# roles/web/templates/deployment.yaml\nreplicas: {% if prod %}3{% else %}1{% endif %}",
        good="# rendered by its tool first, or kept out of the checked tree with --exclude",
    ),
    Rule(
        "yaml-duplicate-key",
        Severity.ERROR,
        "A key given twice in one mapping; reported at the second, the last value wins.",
        bad="metadata:\n  name: a\n  name: b",
        good="metadata:\n  name: b",
    ),
    Rule(
        "yaml-alias-limit",
        Severity.ERROR,
        "Aliases that expand a document past the bound (an alias bomb), or refer to themselves.",
        bad="a: &a [*a]",
        good="a: &a [x]\nb: *a",
    ),
    Rule(
        "file-too-large",
        Severity.ERROR,
        "A file over the size cap (--max-file-size, default 10 MiB); not read.",
        bad="# a 40 MiB generated bundle",
        good="# split it, or raise --max-file-size",
    ),
    Rule(
        "file-binary",
        Severity.ERROR,
        "A .yaml/.yml/.json file holding binary data; not read.",
        bad="# an image saved as values.yaml",
        good="# text only",
    ),
    Rule(
        "file-encoding",
        Severity.ERROR,
        "A file that is not UTF-8 (nor UTF-16/32 with a byte-order mark); not read.",
        bad="# saved as Latin-1: caf\\xe9",
        good="# saved as UTF-8: café",
    ),
    Rule(
        "schema",
        Severity.ERROR,
        "An object that does not match the schema of its kind (types, required fields, "
        "formats, CRD validation rules; unknown fields with --strict).",
        bad="apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n"
        "  interval: 10 minutes",
        good="apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n"
        "  interval: 10m\n  prune: true\n  sourceRef: {kind: GitRepository, name: flux-system}",
    ),
    Rule(
        "schema-missing",
        Severity.INFO,
        "No schema is known for an apiVersion and kind, so it was not validated.",
        bad="apiVersion: example.com/v1\nkind: Widget",
        good="# a kind of the Kubernetes release checked, or of the packaged CRDs",
    ),
    Rule(
        "unknown-field",
        Severity.WARNING,
        "A field the kind does not have; the API server drops or rejects it.",
        bad="spec:\n  healthCheck: [...]   # the field is healthChecks",
        good="spec:\n  healthChecks: [...]",
    ),
    Rule(
        "render-argocd-chart-not-cached",
        Severity.INFO,
        "An Application's Helm chart not in the chart cache: cannot verify offline (with "
        "--render).",
        bad="# chart podinfo 6.5.0 from https://stefanprodan.github.io/podinfo, not cached",
        good="# --chart-cache DIR holding podinfo-6.5.0.tgz, or --allow-network",
    ),
    Rule(
        "render-flux-helm-chart-not-cached",
        Severity.INFO,
        "A HelmRelease's chart not in the chart cache: cannot verify offline (with --render).",
        bad="# chart podinfo 6.x from HelmRepository flux-system/podinfo, not cached",
        good="# --chart-cache DIR holding podinfo/6.5.0/, or --allow-network",
    ),
)
