"""Expand a 100-element list x 100-cluster matrix (10,000 Applications) in both template modes.

Prints, from one run: the expansion time, the time of ``json.dumps`` of the generated
Applications, their ratio (goal: at most 3x), and peak memory against the output's size.
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from typing import Any

from gitops_schema.appset.env import Env
from gitops_schema.appset.expand import expand
from gitops_schema.load import load_bytes
from gitops_schema.model import parse_documents

ELEMENTS = 100
CLUSTERS = 100
ROUNDS = 3
"""Best of three, for both timings."""


def clusters() -> tuple[dict[str, Any], ...]:
    return tuple(
        {
            "metadata": {
                "name": f"cluster-{i}",
                "namespace": "argocd",
                "labels": {
                    "argocd.argoproj.io/secret-type": "cluster",
                    "environment": ("dev", "staging", "prod")[i % 3],
                    "region": f"region-{i % 7}",
                },
            },
            "stringData": {"name": f"cluster-{i}", "server": f"https://cluster-{i}.example.com"},
        }
        for i in range(CLUSTERS)
    )


def appset(go_template: bool) -> str:
    elements = "\n".join(
        f"                - {{service: svc-{i}, team: team-{i % 10}, replicas: '{i % 5 + 1}'}}"
        for i in range(ELEMENTS)
    )
    if go_template:
        name = "'{{ .service }}-{{ .name }}'"
        path = "'services/{{ .service }}/overlays/{{ .metadata.labels.environment }}'"
        server, team = "'{{ .server }}'", "'{{ .team }}'"
        header = "  goTemplate: true\n  goTemplateOptions: [missingkey=error]\n"
    else:
        name = "'{{service}}-{{name}}'"
        path = "'services/{{service}}/overlays/{{metadata.labels.environment}}'"
        server, team = "'{{server}}'", "'{{team}}'"
        header = ""
    return f"""apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {{name: matrix, namespace: argocd}}
spec:
{header}  generators:
    - matrix:
        generators:
          - list:
              elements:
{elements}
          - clusters: {{selector: {{matchLabels: {{argocd.argoproj.io/secret-type: cluster}}}}}}
  template:
    metadata:
      name: {name}
      labels: {{team: {team}, app.kubernetes.io/part-of: platform}}
    spec:
      project: platform
      source:
        repoURL: https://github.com/example/gitops.git
        targetRevision: main
        path: {path}
      destination: {{server: {server}, namespace: {team}}}
      syncPolicy:
        automated: {{prune: true, selfHeal: true}}
        syncOptions: [CreateNamespace=true]
"""


def run(go_template: bool) -> None:
    document = load_bytes(appset(go_template).encode(), "appset.yaml").documents
    (obj,) = parse_documents(document).objects
    env = Env(clusters=clusters())
    expand(obj, env)  # warm the template caches, as a long-running check would be
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        expansion = expand(obj, env)
        times.append(time.perf_counter() - start)
    expand_time = min(times)
    # Memory is measured in a separate run: tracemalloc slows allocation several-fold.
    tracemalloc.start()
    expand(obj, env)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    applications = [g.application for g in expansion.applications]
    assert len(applications) == ELEMENTS * CLUSTERS, len(applications)
    assert not expansion.report.diagnostics, [str(d) for d in expansion.report]
    dumps = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        output = json.dumps(applications)
        dumps.append(time.perf_counter() - start)
    dump_time = min(dumps)
    mode = "goTemplate  " if go_template else "fasttemplate"
    print(
        f"{mode}: {len(applications):,} Applications in {expand_time:.2f} s; "
        f"json.dumps {dump_time:.2f} s; ratio {expand_time / dump_time:.1f}x (goal: at most 3x); "
        f"peak memory {peak / 1e6:.1f} MB for {len(output) / 1e6:.1f} MB of output "
        f"({peak / len(output):.1f}x)"
    )


def main() -> int:
    run(go_template=False)
    run(go_template=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
