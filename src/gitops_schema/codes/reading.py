"""Codes of reading: the loader's (YAML, files), the models' and the schema validator's.

No check function of ``check/rules`` raises these; ``check`` registers them so that
configuration can switch them off or change their severity.
"""

from gitops_schema.codes._code import Code
from gitops_schema.diagnostics import Severity

YAML_SYNTAX = Code(
    "yaml-syntax",
    Severity.ERROR,
    "The file is not valid YAML (or JSON).",
    bad="spec:\n  repoURL: {{.app.source}}   # an unquoted template is a mapping",
    good="spec:\n  repoURL: '{{.app.source}}'",
)

TEMPLATE_SKIPPED = Code(
    "template-skipped",
    Severity.INFO,
    "A file that is a template of another tool (Jinja `{% %}`, `*.j2`, a Helm-style "
    "template outside a chart); not read.",
    bad="# roles/web/templates/deployment.yaml\nreplicas: {% if prod %}3{% else %}1{% endif %}",
    good="# rendered by its tool first, or kept out of the checked tree with --exclude",
)

YAML_DUPLICATE_KEY = Code(
    "yaml-duplicate-key",
    Severity.ERROR,
    "A key given twice in one mapping; reported at the second, the last value wins.",
    bad="metadata:\n  name: a\n  name: b",
    good="metadata:\n  name: b",
)

YAML_DOCUMENT_LIMIT = Code(
    "yaml-document-limit",
    Severity.ERROR,
    "More documents than one run reads (200,000: the run's memory bound); the rest is not read.",
    bad="# one file of a million tiny documents\n---\na: 1\n---\na: 1\n# ...",
    good="# the repository's real objects, a few thousand documents",
)

YAML_ALIAS_LIMIT = Code(
    "yaml-alias-limit",
    Severity.ERROR,
    "Aliases that expand a document past the bound (an alias bomb), or refer to themselves.",
    bad="a: &a [*a]",
    good="a: &a [x]\nb: *a",
)

FILE_TOO_LARGE = Code(
    "file-too-large",
    Severity.ERROR,
    "A file over the size cap (--max-file-size, default 10 MiB); not read.",
    bad="# a 40 MiB generated bundle",
    good="# split it, or raise --max-file-size",
)

FILE_BINARY = Code(
    "file-binary",
    Severity.ERROR,
    "A .yaml/.yml/.json file holding binary data; not read.",
    bad="# an image saved as values.yaml",
    good="# text only",
)

FILE_ENCODING = Code(
    "file-encoding",
    Severity.ERROR,
    "A file that is not UTF-8 (nor UTF-16/32 with a byte-order mark); not read.",
    bad="# saved as Latin-1: caf\\xe9",
    good="# saved as UTF-8: café",
)

FILE_NOT_REGULAR = Code(
    "file-not-regular",
    Severity.ERROR,
    "A path that is not a regular file (a FIFO, a device, a socket) or cannot be opened; not read.",
    bad="# values.yaml -> /dev/zero, or a named pipe called config.yaml",
    good="# a regular file",
)

SCHEMA = Code(
    "schema",
    Severity.ERROR,
    "An object that does not match the schema of its kind (types, required fields, formats, "
    "CRD validation rules; unknown fields with --strict).",
    bad="apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n  interval: 10 "
    "minutes",
    good="apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n  interval: "
    "10m\n  prune: true\n  sourceRef: {kind: GitRepository, name: flux-system}",
)

SCHEMA_MISSING = Code(
    "schema-missing",
    Severity.INFO,
    "No schema is known for an apiVersion and kind, so it was not validated.",
    bad="apiVersion: example.com/v1\nkind: Widget",
    good="# a kind of the Kubernetes release checked, or of the packaged CRDs",
)

UNKNOWN_FIELD = Code(
    "unknown-field",
    Severity.WARNING,
    "A field the kind does not have; the API server drops or rejects it.",
    bad="spec:\n  healthCheck: [...]   # the field is healthChecks",
    good="spec:\n  healthChecks: [...]",
)

CODES = (
    YAML_SYNTAX,
    TEMPLATE_SKIPPED,
    YAML_DUPLICATE_KEY,
    YAML_ALIAS_LIMIT,
    YAML_DOCUMENT_LIMIT,
    FILE_TOO_LARGE,
    FILE_BINARY,
    FILE_ENCODING,
    FILE_NOT_REGULAR,
    SCHEMA,
    SCHEMA_MISSING,
    UNKNOWN_FIELD,
)

UNREAD = frozenset(
    code.id
    for code in (
        YAML_SYNTAX,
        YAML_DOCUMENT_LIMIT,
        YAML_ALIAS_LIMIT,
        FILE_TOO_LARGE,
        FILE_BINARY,
        FILE_ENCODING,
        FILE_NOT_REGULAR,
    )
)
"""Codes of a file, or of its rest, left unread: what it holds is not in what was loaded."""
