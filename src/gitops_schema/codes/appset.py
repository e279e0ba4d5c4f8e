"""Codes of ApplicationSet expansion: raised by ``appset`` and checked by ``check``."""

from gitops_schema.codes._code import Code
from gitops_schema.diagnostics import Severity

APPSET_GENERATOR_FAILED = Code(
    "appset-generator-failed",
    Severity.ERROR,
    "A generator of an ApplicationSet fails (Argo CD's own error message).",
    bad="generators:\n  - matrix:\n      generators: [{list: {elements: [{a: 1}]}}]",
    good="generators:\n  - matrix:\n      generators:\n        - list: {elements: [{a: '1'}]}\n   "
    "     - clusters: {}",
    explanation="Generators that need data not given offline (an SCM listing, a plugin answer) are "
    "reported as info, not as errors.",
)

APPSET_TEMPLATE_FAILED = Code(
    "appset-template-failed",
    Severity.ERROR,
    "A template or templatePatch that fails to render with a generated parameter set.",
    bad="goTemplate: true\ngoTemplateOptions: [missingkey=error]\ntemplate:\n  metadata: {name: "
    "'{{.nme}}'}",
    good="goTemplate: true\ngoTemplateOptions: [missingkey=error]\ntemplate:\n  metadata: {name: "
    "'{{.name}}'}",
)

APPSET_TOO_MANY_APPLICATIONS = Code(
    "appset-too-many-applications",
    Severity.ERROR,
    "An ApplicationSet that generates more Applications than --max-applications (10,000 by "
    "default); it is not expanded further.",
    bad="generators:\n  - matrix:\n      generators:\n        - list: {elements: [...]}   # 1000 "
    "items\n        - list: {elements: [...]}   # times 1000 more",
    good="generators:\n  - matrix:\n      generators:\n        - clusters: {}\n        - list: "
    "{elements: [{app: web}, {app: api}]}",
    explanation="A bound against input that would exhaust memory; raise it with "
    "--max-applications when an ApplicationSet really generates that many.",
)

APPSET_OFFLINE_INPUT = Code(
    "appset-offline-input",
    Severity.INFO,
    "A generator that needs data not given offline, so its Applications were not checked.",
    bad="generators:\n  - pullRequest: {github: {owner: org, repo: app}}   # no --scm-data",
    good="gitops-schema appset generate appset.yaml --scm-data recorded.json",
)

APPSET_DUPLICATE_NAME = Code(
    "appset-duplicate-name",
    Severity.ERROR,
    "Two generated Applications with the same name.",
    bad="template:\n  metadata: {name: 'guestbook'}   # one name for every cluster",
    good="template:\n  metadata: {name: '{{name}}-guestbook'}",
)

APPSET_PATH_MISSING = Code(
    "appset-path-missing",
    Severity.ERROR,
    "A generated Application's source path that does not exist in the repository.",
    bad="path: apps/overlays/{{name}}/user-service   # {{name}} is the cluster's name",
    good="path: apps/overlays/{{metadata.labels.environment}}/user-service",
    explanation="Expands the ApplicationSet against the cluster inventory (cluster Secrets in the "
    "checked files, or --clusters) and the checked repository.",
)

APPSET_GENERATOR_UNRECOGNIZED = Code(
    "appset-generator-unrecognized",
    Severity.WARNING,
    "A generator entry that names no generator Argo CD knows; Argo CD skips it with this warning.",
    bad="generators:\n  - gitt: {repoURL: https://github.com/org/apps.git}",
    good="generators:\n  - git: {repoURL: https://github.com/org/apps.git, revision: HEAD}",
)

APPSET_NOT_EXPANDED = Code(
    "appset-not-expanded",
    Severity.INFO,
    "An ApplicationSet that does not match its schema, so it is not expanded (the schema "
    "findings say why).",
    bad="spec:\n  generators: list-of-clusters   # a string, not a list",
    good="spec:\n  generators:\n    - clusters: {}",
)

APPSET_INVENTORY = Code(
    "appset-inventory",
    Severity.WARNING,
    "A --clusters file that is not a cluster inventory (cluster Secrets, a clusters list or a "
    "kubeconfig).",
    bad="# --clusters values.yaml\nreplicas: 3",
    good="clusters:\n  - {name: prod, server: https://prod.example.com, labels: {env: prod}}",
)

CODES = (
    APPSET_GENERATOR_FAILED,
    APPSET_TOO_MANY_APPLICATIONS,
    APPSET_TEMPLATE_FAILED,
    APPSET_OFFLINE_INPUT,
    APPSET_DUPLICATE_NAME,
    APPSET_PATH_MISSING,
    APPSET_GENERATOR_UNRECOGNIZED,
    APPSET_NOT_EXPANDED,
    APPSET_INVENTORY,
)
