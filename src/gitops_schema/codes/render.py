"""Codes of rendering: what ``render`` and ``desired`` could not build, and why.

Each names the Application, Kustomization or HelmRelease whose render it is about; the
rest of the repository is rendered.
"""

from gitops_schema.codes._code import Code
from gitops_schema.diagnostics import Severity


def _render(id: str, summary: str, bad: str, good: str, explanation: str = "") -> Code:
    # A render failure is an error: the desired state of that application is unknown.
    return Code(id, Severity.ERROR, summary, bad, good, explanation)


def _offline(id: str, summary: str, bad: str, good: str) -> Code:
    # What needs an input not given offline cannot be verified: info, as for generators.
    return Code(id, Severity.INFO, summary, bad, good)


RENDER_DUPLICATE = _render(
    "render-duplicate",
    "An object defined twice for one cluster (an Application, Kustomization or HelmRelease); "
    "only the first definition is rendered.",
    bad="# clusters/prod/apps.yaml and clusters/prod/more.yaml\nkind: Kustomization\n"
    "metadata: {name: apps, namespace: flux-system}",
    good="# one definition per cluster, or distinct names",
    explanation="Two definitions of one object on a cluster fight over it in the controller.",
)
RENDER_SHARED_OBJECT = Code(
    "render-shared-object",
    Severity.WARNING,
    "One object (cluster, group, kind, namespace, name) deployed by two applications "
    "(Applications, Kustomizations or HelmReleases): they fight over it.",
    bad="# apps/a and apps/b both hold Deployment web in namespace web,\n"
    "# deployed by Application a and Application b to one cluster",
    good="# one owner per object: move it to a base only one of them deploys",
    explanation="Argo CD marks both Applications with a SharedResourceWarning and each sync "
    "overwrites the other's version (and prunes it when one stops deploying it); in Flux the "
    "last Kustomization to apply takes ownership, and garbage collection of one deletes what "
    "the other still deploys; Helm refuses to install an object another owner made (invalid "
    "ownership metadata). `render -o DIR` writes one file for it.",
)
RENDER_REVISION_UNAVAILABLE = _render(
    "render-revision-unavailable",
    "A source given as a revision of the rendered repository (--repo KEY=@REV) that git "
    "cannot read.",
    bad="--repo GitRepository/apps/dev-team=@no-such-branch",
    good="--repo GitRepository/apps/dev-team=@dev-team",
)
RENDER_REMOTE_RESOURCE = _render(
    "render-remote-resource",
    "A kustomization resource that is a URL; it is not fetched offline.",
    bad="resources:\n  - https://github.com/org/base//deploy?ref=v1",
    good="resources:\n  - ../base   # or render with --allow-network",
)
RENDER_KUSTOMIZE_FAILED = _render(
    "render-kustomize-failed",
    "kustomize cannot build a folder (kustomize's own message).",
    bad="resources:\n  - deployment.yaml   # no such file",
    good="resources:\n  - deploy.yaml",
)
RENDER_ARGOCD_NO_SOURCE = _render(
    "render-argocd-no-source",
    "An Application with neither source nor sources.",
    bad="kind: Application\nspec:\n  destination: {name: prod}",
    good="kind: Application\nspec:\n  source: {repoURL: https://github.com/org/apps.git, "
    "path: apps/web}",
)
RENDER_ARGOCD_PLUGIN = _render(
    "render-argocd-plugin",
    "An Application source rendered by a config management plugin, which is not run offline.",
    bad="source:\n  plugin: {name: argocd-vault-plugin}",
    good="source:\n  path: apps/web   # kustomize, Helm, Jsonnet or plain manifests",
)
RENDER_ARGOCD_PATH_NOT_FOUND = _render(
    "render-argocd-path-not-found",
    "An Application source path that does not exist in its repository (or its --repo folder).",
    bad="source: {repoURL: https://github.com/org/apps.git, path: apps/wbe}",
    good="source: {repoURL: https://github.com/org/apps.git, path: apps/web}",
)
RENDER_ARGOCD_CHART_NOT_CACHED = _offline(
    "render-argocd-chart-not-cached",
    "An Application's Helm chart not in the chart cache: cannot verify offline.",
    bad="# chart podinfo 6.5.0 from https://stefanprodan.github.io/podinfo, not cached",
    good="# --chart-cache DIR holding podinfo-6.5.0.tgz, or --allow-network",
)
RENDER_ARGOCD_BUILD_OPTION_IGNORED = Code(
    "render-argocd-build-option-ignored",
    Severity.WARNING,
    "An Argo CD kustomize build option (argocd-cm kustomize.buildOptions or "
    "--kustomize-build-options) not honoured offline: only --load-restrictor and "
    "--enable-helm are, plugins are never run.",
    bad="data:\n  kustomize.buildOptions: --enable-alpha-plugins",
    good="data:\n  kustomize.buildOptions: --load-restrictor LoadRestrictionsNone --enable-helm",
)
RENDER_ARGOCD_CHART_FETCH_FAILED = _render(
    "render-argocd-chart-fetch-failed",
    "A chart that could not be downloaded with --allow-network (the repository's answer).",
    bad="source: {repoURL: https://charts.example.com, chart: web, targetRevision: 9.9.9}",
    good="source: {repoURL: https://charts.example.com, chart: web, targetRevision: 1.2.0}",
)
RENDER_ARGOCD_CHART_UNAVAILABLE = _render(
    "render-argocd-chart-unavailable",
    "A Helm source whose chart cannot be read (no Chart.yaml where the source points).",
    bad="source: {path: charts/web}   # charts/web has no Chart.yaml",
    good="source: {path: charts/web}   # charts/web/Chart.yaml",
)
RENDER_ARGOCD_HELM_FAILED = _render(
    "render-argocd-helm-failed",
    "Helm cannot template a chart of an Application (Helm's own message).",
    bad="helm:\n  values: |\n    image: {tag: [1, 2]}   # the chart expects a string",
    good="helm:\n  values: |\n    image: {tag: '1.2'}",
)
RENDER_ARGOCD_HELM_KUBE_VERSION = _render(
    "render-argocd-helm-kube-version",
    "A helm.kubeVersion that is not a Kubernetes version.",
    bad="helm: {kubeVersion: latest}",
    good="helm: {kubeVersion: '1.33'}",
)
RENDER_ARGOCD_HELM_PARAMETER = _render(
    "render-argocd-helm-parameter",
    "A helm.parameters entry Helm cannot set.",
    bad="helm:\n  parameters: [{name: 'image..tag', value: '1.2'}]",
    good="helm:\n  parameters: [{name: image.tag, value: '1.2'}]",
)
RENDER_ARGOCD_VALUE_FILE_MISSING = _render(
    "render-argocd-value-file-missing",
    "A helm.valueFiles or helm.fileParameters file that does not exist.",
    bad="helm:\n  valueFiles: [values-prd.yaml]",
    good="helm:\n  valueFiles: [values-prod.yaml]   # or ignoreMissingValueFiles: true",
)
RENDER_ARGOCD_KUSTOMIZE_FAILED = _render(
    "render-argocd-kustomize-failed",
    "kustomize cannot build an Application's source (kustomize's own message).",
    bad="kustomize:\n  images: ['web=']   # an empty image",
    good="kustomize:\n  images: ['web=registry.example.com/web:1.2']",
)
RENDER_ARGOCD_JSONNET_FAILED = _render(
    "render-argocd-jsonnet-failed",
    "A Jsonnet source that does not evaluate (the evaluator's message).",
    bad="local app = import 'app.libsonnet'; app.deployment   # no such field",
    good="local app = import 'app.libsonnet'; app.deploy",
)
RENDER_ARGOCD_MANIFEST_INVALID = _render(
    "render-argocd-manifest-invalid",
    "A file of a plain-manifest (directory) source that is not valid YAML.",
    bad="kind: ConfigMap\ndata:\n  key: {{ value }}",
    good="kind: ConfigMap\ndata:\n  key: value",
)
RENDER_FLUX_INVALID = _render(
    "render-flux-invalid",
    "A Flux Kustomization that cannot be read as one, so it is not rendered.",
    bad="kind: Kustomization\nspec:\n  path: [apps]",
    good="kind: Kustomization\nspec:\n  path: ./apps",
)
RENDER_FLUX_PATH_NOT_FOUND = _render(
    "render-flux-path-not-found",
    "A Flux Kustomization spec.path that does not exist in its source.",
    bad="spec:\n  path: ./clusters/prd",
    good="spec:\n  path: ./clusters/prod",
)
RENDER_FLUX_SOURCE_UNSUPPORTED = _render(
    "render-flux-source-unsupported",
    "A Kustomization whose source is not available offline (an OCIRepository, a Bucket, a "
    "GitRepository of another repository) and not mapped with --repo.",
    bad="sourceRef: {kind: OCIRepository, name: platform}",
    good="gitops-schema render . --repo OCIRepository/flux-system/platform=../platform",
)
RENDER_FLUX_BUILD_FAILED = _render(
    "render-flux-build-failed",
    "kustomize cannot build a Flux Kustomization (kustomize's own message).",
    bad="# apps/kustomization.yaml\nresources: [missing.yaml]",
    good="# apps/kustomization.yaml\nresources: [deploy.yaml]",
)
RENDER_FLUX_SUBSTITUTE_FROM_MISSING = _render(
    "render-flux-substitute-from-missing",
    "A postBuild.substituteFrom ConfigMap or Secret that is in no render (and not optional).",
    bad="postBuild:\n  substituteFrom: [{kind: ConfigMap, name: cluster-vars}]   # nowhere",
    good="postBuild:\n  substituteFrom: [{kind: ConfigMap, name: cluster-vars, optional: true}]",
)
RENDER_FLUX_SUBSTITUTION_FAILED = _render(
    "render-flux-substitution-failed",
    "Flux post-build substitution fails (a bad variable name or expression).",
    bad="postBuild:\n  substitute: {cluster-name: prod}   # '-' is not allowed",
    good="postBuild:\n  substitute: {cluster_name: prod}",
)
RENDER_FLUX_HELM_INVALID = _render(
    "render-flux-helm-invalid",
    "A HelmRelease that cannot be read as one, so it is not rendered.",
    bad="kind: HelmRelease\nspec:\n  chart: podinfo",
    good="kind: HelmRelease\nspec:\n  chart:\n    spec: {chart: podinfo, sourceRef: {kind: "
    "HelmRepository, name: podinfo}}",
)
RENDER_FLUX_HELM_CHART_NOT_CACHED = _offline(
    "render-flux-helm-chart-not-cached",
    "A HelmRelease's chart not in the chart cache (or pinned by digest only): cannot verify "
    "offline.",
    bad="# chart podinfo 6.x from HelmRepository flux-system/podinfo, not cached",
    good="# --chart-cache DIR holding podinfo/6.5.0/, or --allow-network",
)
RENDER_FLUX_HELM_CHART_FETCH_FAILED = _render(
    "render-flux-helm-chart-fetch-failed",
    "A HelmRelease chart that could not be downloaded with --allow-network.",
    bad="chart:\n  spec: {chart: podinfo, version: 99.0.0}",
    good="chart:\n  spec: {chart: podinfo, version: 6.5.0}",
)
RENDER_FLUX_HELM_CHART_UNAVAILABLE = _render(
    "render-flux-helm-chart-unavailable",
    "A HelmRelease chart that cannot be read (no Chart.yaml where it points).",
    bad="chart:\n  spec: {chart: ./charts/wbe, sourceRef: {kind: GitRepository, name: apps}}",
    good="chart:\n  spec: {chart: ./charts/web, sourceRef: {kind: GitRepository, name: apps}}",
)
RENDER_FLUX_HELM_SOURCE_UNSUPPORTED = _render(
    "render-flux-helm-source-unsupported",
    "A HelmRelease chartRef to a source not available offline.",
    bad="chartRef: {kind: OCIRepository, name: podinfo}   # pinned by digest only",
    good="chart:\n  spec: {chart: podinfo, version: 6.5.0, sourceRef: {kind: HelmRepository, "
    "name: podinfo}}",
)
RENDER_FLUX_HELM_VALUES_MISSING = _render(
    "render-flux-helm-values-missing",
    "A chart.spec.valuesFiles file that is not in the chart.",
    bad="chart:\n  spec: {valuesFiles: [values-prd.yaml]}",
    good="chart:\n  spec: {valuesFiles: [values-prod.yaml]}",
)
RENDER_FLUX_HELM_VALUES_FROM_MISSING = _render(
    "render-flux-helm-values-from-missing",
    "A valuesFrom ConfigMap or Secret (or its key) that is in no render, and not optional.",
    bad="valuesFrom: [{kind: ConfigMap, name: web-values}]   # nowhere",
    good="valuesFrom: [{kind: ConfigMap, name: web-values, optional: true}]",
)
RENDER_FLUX_HELM_VALUES_FROM_INVALID = _render(
    "render-flux-helm-values-from-invalid",
    "A valuesFrom key whose value is not a YAML map (or a targetPath that cannot be set).",
    bad="data:\n  values.yaml: just text",
    good="data:\n  values.yaml: |\n    replicas: 2",
)
RENDER_FLUX_HELM_FAILED = _render(
    "render-flux-helm-failed",
    "Helm cannot template a HelmRelease's chart (Helm's own message).",
    bad="values:\n  image: {tag: [1, 2]}   # the chart expects a string",
    good="values:\n  image: {tag: '1.2'}",
)
RENDER_FLUX_ARTIFACT_INVALID = _render(
    "render-flux-artifact-invalid",
    "An ArtifactGenerator that cannot be read (a bad copy rule or pathPattern).",
    bad="spec:\n  artifacts: [{name: web, copy: [{from: '@nosource/**', to: '@artifact/'}]}]",
    good="spec:\n  artifacts: [{name: web, copy: [{from: '@apps/web/**', to: '@artifact/'}]}]",
)
RENDER_FLUX_ARTIFACT_DUPLICATE = _render(
    "render-flux-artifact-duplicate",
    "An ArtifactGenerator, or an ExternalArtifact it makes, defined twice on one cluster.",
    bad="# two ArtifactGenerators both making ExternalArtifact flux-system/web",
    good="# one generator per ExternalArtifact",
)
RENDER_FLUX_ARTIFACT_SOURCE_UNAVAILABLE = _render(
    "render-flux-artifact-source-unavailable",
    "An ArtifactGenerator source that is not in the repository and not mapped with --repo.",
    bad="sources: [{alias: lib, kind: OCIRepository, name: lib}]",
    good="gitops-schema render . --repo OCIRepository/flux-system/lib=../lib",
)
RENDER_FLUX_ARTIFACT_COPY_FAILED = _render(
    "render-flux-artifact-copy-failed",
    "An artifact's copy rule that fails as source-watcher's would (a missing file, a file "
    "copied onto a folder).",
    bad="copy: [{from: '@apps/web/values.yaml', to: '@artifact/'}]   # no such file",
    good="copy: [{from: '@apps/web/*.yaml', to: '@artifact/'}]",
)
RENDER_OUTSIDE_REPOSITORY = _render(
    "render-outside-repository",
    "A path that leaves the repository (absolute, climbing above its root with '..', or a "
    "symlink pointing out of it); it is not read, as Argo CD and Flux refuse it.",
    bad="helm:\n  fileParameters: [{name: token, path: /proc/self/environ}]\n"
    "  valueFiles: [../../../other/values.yaml]",
    good="helm:\n  valueFiles: [values-prod.yaml]   # a file of the repository\n"
    "# or, for a trusted folder beside it: --allow-outside ../shared-charts",
    explanation="A pull request could otherwise make a render print any file of the "
    "machine it runs on (CI secrets). Argo CD refuses out-of-bounds paths and symlinks; "
    "a Flux artifact holds only the source's files.",
)

RENDER_INPUT_INVALID = _render(
    "render-input-invalid",
    "A file a render reads (a values file, a Chart.yaml, a patch, a manifest) or an engine's "
    "output that cannot be read as what it should be: not UTF-8 text, not valid YAML, an "
    "alias bomb, a list where a mapping belongs, too large, not a regular file.",
    bad="# values.yaml\n- replicas: 3     # a list: Helm wants a mapping",
    good="# values.yaml\nreplicas: 3",
)

RENDER_ARGOCD_INVALID = _render(
    "render-argocd-invalid",
    "An Application that cannot be read as one (its spec does not fit the schema), so it is "
    "not rendered.",
    bad="spec:\n  source:\n    repoURL: https://git.example.com/apps.git\n    helm: 3",
    good="spec:\n  source:\n    repoURL: https://git.example.com/apps.git\n"
    "    helm: {valueFiles: [values-prod.yaml]}",
)
RENDER_CACHE_UNWRITABLE = Code(
    "render-cache-unwritable",
    Severity.WARNING,
    "The render cache folder cannot be written (read-only, full, not a folder); the render "
    "goes on without storing anything.",
    bad="XDG_CACHE_HOME=/read-only gitops-schema render .",
    good="gitops-schema render . --no-cache   # or a writable cache folder",
)

CODES = (
    RENDER_DUPLICATE,
    RENDER_SHARED_OBJECT,
    RENDER_CACHE_UNWRITABLE,
    RENDER_INPUT_INVALID,
    RENDER_ARGOCD_INVALID,
    RENDER_OUTSIDE_REPOSITORY,
    RENDER_REVISION_UNAVAILABLE,
    RENDER_REMOTE_RESOURCE,
    RENDER_KUSTOMIZE_FAILED,
    RENDER_ARGOCD_NO_SOURCE,
    RENDER_ARGOCD_PLUGIN,
    RENDER_ARGOCD_PATH_NOT_FOUND,
    RENDER_ARGOCD_BUILD_OPTION_IGNORED,
    RENDER_ARGOCD_CHART_NOT_CACHED,
    RENDER_ARGOCD_CHART_FETCH_FAILED,
    RENDER_ARGOCD_CHART_UNAVAILABLE,
    RENDER_ARGOCD_HELM_FAILED,
    RENDER_ARGOCD_HELM_KUBE_VERSION,
    RENDER_ARGOCD_HELM_PARAMETER,
    RENDER_ARGOCD_VALUE_FILE_MISSING,
    RENDER_ARGOCD_KUSTOMIZE_FAILED,
    RENDER_ARGOCD_JSONNET_FAILED,
    RENDER_ARGOCD_MANIFEST_INVALID,
    RENDER_FLUX_INVALID,
    RENDER_FLUX_PATH_NOT_FOUND,
    RENDER_FLUX_SOURCE_UNSUPPORTED,
    RENDER_FLUX_BUILD_FAILED,
    RENDER_FLUX_SUBSTITUTE_FROM_MISSING,
    RENDER_FLUX_SUBSTITUTION_FAILED,
    RENDER_FLUX_HELM_INVALID,
    RENDER_FLUX_HELM_CHART_NOT_CACHED,
    RENDER_FLUX_HELM_CHART_FETCH_FAILED,
    RENDER_FLUX_HELM_CHART_UNAVAILABLE,
    RENDER_FLUX_HELM_SOURCE_UNSUPPORTED,
    RENDER_FLUX_HELM_VALUES_MISSING,
    RENDER_FLUX_HELM_VALUES_FROM_MISSING,
    RENDER_FLUX_HELM_VALUES_FROM_INVALID,
    RENDER_FLUX_HELM_FAILED,
    RENDER_FLUX_ARTIFACT_INVALID,
    RENDER_FLUX_ARTIFACT_DUPLICATE,
    RENDER_FLUX_ARTIFACT_SOURCE_UNAVAILABLE,
    RENDER_FLUX_ARTIFACT_COPY_FAILED,
)
