"""``check`` on 20,400 generated resources: throughput, and two ratios against baselines.

Builds a repository of core kinds (Deployment, Service, ConfigMap), Argo CD Applications and
Flux Kustomizations and HelmReleases in a temporary folder, then prints from one run:

1. resources per second of ``gitops_schema.check.check`` (load, type, schema, every rule);
2. our schema validation time against ``kubernetes-validate``'s on a common subset of core
   kinds (1,000 objects, both given parsed data; goal: at least 50x faster);
3. ``check`` time against load-only time (goal: at most 2x).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]

from gitops_schema.check import CheckConfig, check
from gitops_schema.check import schema_catalog as catalog
from gitops_schema.check.schema import SchemaValidator
from gitops_schema.load import load_paths
from gitops_schema.model import parse_documents

APPS = 3400
"""Each app has six resources: 20,400 in all."""
PER_FILE = 50
SUBSET = 1000
KUBERNETES = "1.37"

TEMPLATES = (
    """apiVersion: apps/v1
kind: Deployment
metadata: {{name: app-{i}, namespace: team-{team}, labels: {{app: app-{i}}}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: app-{i}}}}}
  template:
    metadata: {{labels: {{app: app-{i}}}}}
    spec:
      containers:
        - name: app
          image: registry.example.com/app-{i}:1.{i}.0
          ports: [{{containerPort: 8080, name: http}}]
          resources: {{requests: {{cpu: 100m, memory: 128Mi}}, limits: {{memory: 256Mi}}}}
          readinessProbe: {{httpGet: {{path: /healthz, port: http}}}}
""",
    """apiVersion: v1
kind: Service
metadata: {{name: app-{i}, namespace: team-{team}}}
spec:
  selector: {{app: app-{i}}}
  ports: [{{name: http, port: 80, targetPort: http}}]
""",
    """apiVersion: v1
kind: ConfigMap
metadata: {{name: app-{i}-config, namespace: team-{team}}}
data: {{LOG_LEVEL: info, FEATURE_X: "true"}}
""",
    """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {{name: app-{i}, namespace: argocd}}
spec:
  project: default
  source:
    repoURL: https://github.com/example/apps.git
    targetRevision: v1.{i}.0
    path: apps/app-{i}
  destination: {{server: https://kubernetes.default.svc, namespace: team-{team}}}
  syncPolicy:
    automated: {{prune: true, selfHeal: true}}
    retry: {{limit: 5}}
""",
    """apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: app-{i}, namespace: flux-system}}
spec:
  interval: 10m
  path: ./apps/app-{i}
  prune: true
  wait: true
  timeout: 3m
  sourceRef: {{kind: GitRepository, name: flux-system}}
""",
    """apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{name: app-{i}, namespace: team-{team}}}
spec:
  interval: 10m
  chartRef: {{kind: OCIRepository, name: app-chart, namespace: flux-system}}
  install: {{remediation: {{retries: 3}}}}
  upgrade: {{remediation: {{retries: 3}}}}
  values: {{replicaCount: 2, image: {{tag: 1.{i}.0}}}}
""",
)


def generate(root: Path) -> int:
    """Write the repository; returns the number of resources."""
    documents = [template.format(i=i, team=i % 40) for i in range(APPS) for template in TEMPLATES]
    for start in range(0, len(documents), PER_FILE):
        chunk = documents[start : start + PER_FILE]
        (root / f"resources-{start // PER_FILE:04d}.yaml").write_text("---\n".join(chunk))
    return len(documents)


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def subset_ratio(root: Path) -> tuple[float, float, int]:
    """Seconds per resource for kubernetes-validate and for us, on the same core objects."""
    objects = [
        obj
        for obj in parse_documents(load_paths([root]).documents).objects
        if obj.api_version in ("v1", "apps/v1")
    ][:SUBSET]
    plain = [_plain(obj.document.data) for obj in objects]
    theirs, _ = timed(lambda: [kubernetes_validate.validate(d, KUBERNETES) for d in plain])
    # Cold caches: our time includes reading and compiling the schemas once.
    catalog.kubernetes_schema.cache_clear()
    validator = SchemaValidator(kubernetes_version=KUBERNETES)
    ours, findings = timed(lambda: [d for obj in objects for d in validator.validate(obj)])
    assert not findings, findings
    return theirs / len(objects), ours / len(objects), len(objects)


def _plain(value: Any) -> Any:
    # kubernetes-validate wants plain containers; building them is not part of its time.
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="gitops-schema-bench-") as folder:
        root = Path(folder)
        resources = generate(root)
        config = CheckConfig(kubernetes_version=KUBERNETES)
        load_time, loaded = timed(lambda: load_paths([root]))
        # The first check also loads and compiles every schema it needs (a fixed cost);
        # later runs in the same process show the steady state.
        cold_time, result = timed(lambda: check([root], config=config))
        check_time = min(
            cold_time, *(timed(lambda: check([root], config=config))[0] for _ in range(2))
        )
        load_time = min(load_time, *(timed(lambda: load_paths([root]))[0] for _ in range(2)))
        schema_errors = [f for f in result.findings if f.rule == "schema"]
        assert not schema_errors, schema_errors[:3]
        parse_time, parsed = timed(lambda: parse_documents(loaded.documents).objects)
        validator = SchemaValidator(kubernetes_version=KUBERNETES)
        schema_time, _ = timed(lambda: [validator.validate(obj) for obj in parsed])
        theirs, ours, subset = subset_ratio(root)

    print(f"resources: {resources} in {len(loaded.files)} files ({result.objects} objects)")
    print(f"check: {check_time:.2f} s -> {resources / check_time:,.0f} resources/s")
    print(
        f"  of which: load {load_time:.2f} s, typing (model) {parse_time:.2f} s, "
        f"schema validation {schema_time:.2f} s ({resources / schema_time:,.0f} resources/s), "
        f"rules and reporting the rest"
    )
    print(
        f"schema validation vs kubernetes-validate on {subset} core objects: "
        f"ours {ours * 1e6:.0f} us/resource, theirs {theirs * 1e6:.0f} us/resource -> "
        f"{theirs / ours:.0f}x faster (goal: at least 50x)"
    )
    print(
        f"check vs load only: {check_time:.2f} s / {load_time:.2f} s = "
        f"{check_time / load_time:.2f}x (goal: at most 2x); first run, compiling schemas: "
        f"{cold_time:.2f} s ({cold_time / load_time:.2f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
