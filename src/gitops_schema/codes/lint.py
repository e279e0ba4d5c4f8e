"""Codes of the lint rules of ``check/rules`` (one rule family per module there)."""

from gitops_schema.codes._code import Code
from gitops_schema.diagnostics import Severity

API_DEPRECATED = Code(
    "api-deprecated",
    Severity.WARNING,
    "An apiVersion (or Argo CD setting) deprecated in the target Kubernetes, Flux or Argo CD "
    "release.",
    bad="apiVersion: kustomize.toolkit.fluxcd.io/v1beta2\nkind: Kustomization",
    good="apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization",
    explanation="Targets come from --kubernetes-version / --flux-version / --argocd-version or the "
    "configuration file; `flux migrate -f .` rewrites Flux objects. Argo CD's CRDs are all "
    "v1alpha1, so its table lists settings (applyNestedSelectors, signatureKeys, argocd-cm "
    "repositories...).",
)

API_REMOVED = Code(
    "api-removed",
    Severity.ERROR,
    "An apiVersion (or Argo CD setting) the target Kubernetes, Flux or Argo CD release no "
    "longer serves.",
    bad="apiVersion: source.toolkit.fluxcd.io/v1beta1\nkind: GitRepository",
    good="apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository",
    explanation="The API server rejects the object, and stored objects block the upgrade.",
)

KIND_WRONG_GROUP = Code(
    "kind-wrong-group",
    Severity.ERROR,
    "A known kind under an apiVersion it does not have (e.g. ServiceMonitor as v1).",
    bad="apiVersion: v1\nkind: ServiceMonitor",
    good="apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor",
    explanation="Schema validators skip kinds they have no schema for, so this mistake passes them "
    "silently; the API server rejects it.",
)

KUSTOMIZE_DEPRECATED_FIELD = Code(
    "kustomize-deprecated-field",
    Severity.WARNING,
    "A kustomization.yaml field deprecated by kustomize v5 (bases, patchesStrategicMerge...).",
    bad="bases:\n  - ../../base\npatchesStrategicMerge:\n  - replicas.yaml",
    good="resources:\n  - ../../base\npatches:\n  - path: replicas.yaml",
)

SECRET_PLAINTEXT = Code(
    "secret-plaintext",
    Severity.ERROR,
    "A Secret with data or stringData that is not SOPS-encrypted.",
    bad="kind: Secret\nstringData:\n  password: hunter2",
    good="kind: Secret\nstringData:\n  password: ENC[AES256_GCM,data:...]\nsops:\n  age: [...]",
    explanation="Anyone who can read the repository can read the credential, forever: it stays "
    "in the "
    "git history. For Argo CD cluster and repository Secrets only the credential keys count "
    "(password, tokens, keys), not name, server or url. Values that are references resolved "
    "when the Secret is applied (op://, vault:, ref+..., Flux ${VARIABLES}) are not "
    "credentials.",
)

FLUX_SOURCE_MISSING = Code(
    "flux-source-missing",
    Severity.ERROR,
    "A sourceRef, chartRef or providerRef to an object not in the repository.",
    bad="sourceRef:\n  kind: GitRepository\n  name: app-repo   # defined nowhere",
    good="sourceRef:\n  kind: GitRepository\n  name: flux-system",
    explanation="The namespace defaults to the referring object's, as in Flux. Sources created "
    "by the "
    "controllers count as defined: the flux-system GitRepository or OCIRepository of `flux "
    "bootstrap`, a FluxInstance's sync source, and the ExternalArtifacts of an "
    "ArtifactGenerator.",
)

FLUX_DEPENDS_ON_MISSING = Code(
    "flux-depends-on-missing",
    Severity.ERROR,
    "A dependsOn entry naming an object not in the repository.",
    bad="dependsOn:\n  - name: infra-controlers   # typo",
    good="dependsOn:\n  - name: infra-controllers",
)

FLUX_DEPENDS_ON_CYCLE = Code(
    "flux-depends-on-cycle",
    Severity.ERROR,
    "Kustomizations or HelmReleases that depend on each other in a cycle.",
    bad="# apps dependsOn infra, infra dependsOn apps",
    good="# apps dependsOn infra; infra depends on nothing",
)

FLUX_PROD_NO_WAIT = Code(
    "flux-prod-no-wait",
    Severity.WARNING,
    "A production Kustomization with neither wait nor healthChecks.",
    bad="spec:\n  prune: true",
    good="spec:\n  prune: true\n  wait: true\n  timeout: 5m",
    explanation="Which environments are production comes from the 'production' setting.",
)

HELMRELEASE_NO_REMEDIATION = Code(
    "helmrelease-no-remediation",
    Severity.WARNING,
    "A HelmRelease without install/upgrade remediation or a retry strategy.",
    bad="spec:\n  chart: {...}",
    good="spec:\n  install:\n    remediation: {retries: 3}\n  upgrade:\n    remediation: "
    "{retries: 3, remediateLastFailure: true}",
    explanation="Defaults set by a patch of the Flux Kustomization that applies the HelmRelease "
    "(directly, or through a patch it adds to child Kustomizations) count.",
)

FLUX_SUSPENDED = Code(
    "flux-suspended",
    Severity.WARNING,
    "A Flux object committed with spec.suspend: true; Flux does not reconcile it.",
    bad="kind: HelmRelease\nspec:\n  suspend: true   # left from debugging",
    good="kind: HelmRelease\nspec:\n  interval: 10m   # suspend with `flux suspend`, not in git",
    explanation="A suspended object stays as it is in the cluster: no change committed to it, "
    "or to what it applies, reaches the cluster until spec.suspend is removed.",
)

APPPROJECT_WILDCARD = Code(
    "appproject-wildcard",
    Severity.WARNING,
    "An AppProject allowing '*' source repositories, destinations or cluster resources.",
    bad="sourceRepos: ['*']\ndestinations:\n  - server: '*'\n    namespace: '*'",
    good="sourceRepos: [https://github.com/org/gitops.git]\ndestinations:\n  - server: "
    "https://prod.example.com\n    namespace: payments",
)

APPPROJECT_POLICY_SYNTAX = Code(
    "appproject-policy-syntax",
    Severity.ERROR,
    "A project role policy that is not 'p, proj:<project>:<role>, <resource>, <action>, "
    "<project>/<object>, allow|deny'.",
    bad="policies:\n  - p, developers, applications, get, *, allow",
    good="policies:\n  - p, proj:team:developers, applications, get, team/*, allow",
)

ARGOCD_AUTOMATED_NO_SELFHEAL = Code(
    "argocd-automated-no-selfheal",
    Severity.WARNING,
    "Automated sync without selfHeal: drift in the cluster is not reverted.",
    bad="syncPolicy:\n  automated:\n    prune: true",
    good="syncPolicy:\n  automated:\n    prune: true\n    selfHeal: true",
)

ARGOCD_NO_RETRY = Code(
    "argocd-no-retry",
    Severity.WARNING,
    "Automated sync without a bounded retry.",
    bad="syncPolicy:\n  automated: {}",
    good="syncPolicy:\n  automated: {}\n  retry:\n    limit: 5\n    backoff: {duration: 5s, "
    "factor: 2, maxDuration: 3m}",
)

ARGOCD_UNPINNED_REVISION = Code(
    "argocd-unpinned-revision",
    Severity.WARNING,
    "A production Application whose targetRevision is HEAD, a branch or a range.",
    bad="targetRevision: HEAD",
    good="targetRevision: v1.4.0",
    explanation="Production is decided by the 'production' setting (words of names, "
    "namespaces, paths "
    "and labels).",
)

APPSET_UNKNOWN_FIELD = Code(
    "appset-unknown-field",
    Severity.ERROR,
    "A field an ApplicationSet generator does not have (filters on git, name beside clusters).",
    bad="generators:\n  - clusters:\n      selector: {matchLabels: {env: prod}}\n    name: prod",
    good="generators:\n  - clusters:\n      selector: {matchLabels: {env: prod}}\n      values: "
    "{env: prod}",
)

ARGOCD_IGNORE_DIFFERENCES_GROUP = Code(
    "argocd-ignore-differences-group",
    Severity.WARNING,
    "An ignoreDifferences entry whose group carries a version (networking.k8s.io/v1).",
    bad="ignoreDifferences:\n  - group: networking.k8s.io/v1\n    kind: Ingress",
    good="ignoreDifferences:\n  - group: networking.k8s.io\n    kind: Ingress",
    explanation="Argo CD matches an entry's group against the resource's API group only, "
    "so a group with a version never matches: the differences it meant to ignore show as "
    "out of sync (and selfHeal reverts them).",
)

APPSET_UNKNOWN_PARAM = Code(
    "appset-unknown-param",
    Severity.ERROR,
    "A template parameter that no generator of the ApplicationSet emits.",
    bad="generators:\n  - clusters: {}\ntemplate:\n  metadata:\n    name: '{{cluster}}-app'",
    good="generators:\n  - clusters: {}\ntemplate:\n  metadata:\n    name: '{{name}}-app'",
    explanation="Known statically per generator kind (cluster: name, nameNormalized, server, "
    "project, "
    "metadata.labels.*, metadata.annotations.*, values.*; git directories: path, "
    "path.basename, path[n]...; list: the element keys...). Generators whose parameters "
    "depend on data (git files, plugins, decision resources) are not checked.",
)

APPSET_MISSINGKEY = Code(
    "appset-missingkey",
    Severity.WARNING,
    "goTemplate without goTemplateOptions: [missingkey=error].",
    bad="goTemplate: true",
    good="goTemplate: true\ngoTemplateOptions: [missingkey=error]",
)

APPSET_TEMPLATED_PROJECT = Code(
    "appset-templated-project",
    Severity.WARNING,
    "An ApplicationSet whose template.spec.project is templated.",
    bad="project: '{{.team}}'",
    good="project: payments",
    explanation="Argo CD's ApplicationSet security notes: a templated project lets the "
    "generator's data "
    "(a pull request, an SCM repository) choose the AppProject.",
)

KUSTOMIZE_MISSING_RESOURCE = Code(
    "kustomize-missing-resource",
    Severity.ERROR,
    "A resource, patch, component or generator file listed in a kustomization that does not exist.",
    bad="resources:\n  - deployment.yaml   # no such file",
    good="resources:\n  - deployment.yaml\n  - service.yaml",
    explanation="Remote resources (URLs, git@ and github.com/ paths) are not checked.",
)

SERVICEMONITOR_SELECTS_NOTHING = Code(
    "servicemonitor-selects-nothing",
    Severity.WARNING,
    "A ServiceMonitor whose selector matches no Service in the repository.",
    bad="selector:\n  matchLabels: {app: user-servce}   # typo",
    good="selector:\n  matchLabels: {app: user-service}",
)

PROMETHEUSRULE_INVALID = Code(
    "prometheusrule-invalid",
    Severity.ERROR,
    "A PrometheusRule that Prometheus' promtool rejects (PromQL, durations, duplicate names).",
    bad="expr: rate(http_requests_total[5m]",
    good="expr: rate(http_requests_total[5m]) > 0",
    explanation="Needs promtool (Debian package 'prometheus'); without it an info finding says "
    "the rules "
    "were not checked.",
)

CODES = (
    API_DEPRECATED,
    API_REMOVED,
    KIND_WRONG_GROUP,
    KUSTOMIZE_DEPRECATED_FIELD,
    SECRET_PLAINTEXT,
    FLUX_SOURCE_MISSING,
    FLUX_DEPENDS_ON_MISSING,
    FLUX_DEPENDS_ON_CYCLE,
    FLUX_PROD_NO_WAIT,
    HELMRELEASE_NO_REMEDIATION,
    FLUX_SUSPENDED,
    APPPROJECT_WILDCARD,
    APPPROJECT_POLICY_SYNTAX,
    ARGOCD_AUTOMATED_NO_SELFHEAL,
    ARGOCD_NO_RETRY,
    ARGOCD_UNPINNED_REVISION,
    ARGOCD_IGNORE_DIFFERENCES_GROUP,
    APPSET_UNKNOWN_FIELD,
    APPSET_UNKNOWN_PARAM,
    APPSET_MISSINGKEY,
    APPSET_TEMPLATED_PROJECT,
    KUSTOMIZE_MISSING_RESOURCE,
    SERVICEMONITOR_SELECTS_NOTHING,
    PROMETHEUSRULE_INVALID,
)
