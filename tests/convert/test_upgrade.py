from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from gitops_schema.convert.upgrade import upgrade_paths
from gitops_schema.render import find_kustomize

from ..conftest import ROOT

FLUX = """\
# Payment service, dev. Keep this comment.
apiVersion: kustomize.toolkit.fluxcd.io/v1beta2   # old API
kind: Kustomization
metadata:
  name: 'payment-dev'
  namespace: flux-system
spec:
  interval: 5m   # how often
  path: "./overlays/dev"
  prune: true
  validation: client
  sourceRef: {kind: GitRepository, name: repo}
  patchesStrategicMerge:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec: {replicas: 2}
  patchesJson6902:
    - target: {group: apps, version: v1, kind: Deployment, name: web}
      patch:
        - {op: add, path: /metadata/labels/x, value: "y"}
  # trailing remark
---
apiVersion: helm.toolkit.fluxcd.io/v2beta1
kind: HelmRelease
metadata:
    name: web
spec:
    interval: 10m
    chart:
        spec:
            chart: ./charts/web
            valuesFile: values-prod.yaml   # the prod layer
            sourceRef:
                kind: GitRepository
                name: repo
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
spec:
  backend:
    serviceName: default-web
    servicePort: 80
  rules:
  - host: web.example.com
    http:
      paths:
      - path: /
        backend:
          serviceName: web
          servicePort: http
"""

UNTOUCHED = """\
apiVersion: apps/v1   # already current
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.25"}]}
"""


def test_upgrade_keeps_comments_quotes_and_indentation(tmp_path: Path, golden: Any) -> None:
    (tmp_path / "flux.yaml").write_text(FLUX)
    (tmp_path / "deployment.yaml").write_text(UNTOUCHED)
    result = upgrade_paths([tmp_path], kubernetes_version="1.33", flux_version="2.9")
    (upgrade,) = result.files
    assert upgrade.path.name == "flux.yaml"
    golden("convert/upgrade-flux.yaml", upgrade.after)
    assert "(server-side apply validates every object)" in " ".join(
        c.message for c in upgrade.changes
    )
    result.write()
    assert (tmp_path / "deployment.yaml").read_text() == UNTOUCHED
    # Once upgraded, there is nothing more to do.
    assert upgrade_paths([tmp_path], flux_version="2.9").files == []


BASE = {
    "kustomization.yaml": "resources: [deployment.yaml, service.yaml]\n",
    "deployment.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
        "    spec: {containers: [{name: web, image: nginx}]}\n"
    ),
    "service.yaml": (
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n"
        "  selector: {app: web}\n  ports: [{port: 80}]\n"
    ),
}

OVERLAY = {
    "kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
# The dev overlay.
bases:
- ../base
commonLabels:
  env: dev
patchesStrategicMerge:
- replicas.yaml
patchesJson6902:
- target: {group: apps, version: v1, kind: Deployment, name: web}
  path: label.yaml
imageTags:
- name: nginx
  newTag: "1.25"
configMapGenerator:
- name: settings
  env: settings.env
""",
    "replicas.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 2}\n"
    ),
    "label.yaml": "- {op: add, path: /metadata/annotations, value: {team: a}}\n",
    "settings.env": "MODE=dev\n",
}


def test_kustomization_upgrade_builds_the_same_objects_without_warnings(tmp_path: Path) -> None:
    for folder, files in (("base", BASE), ("overlay", OVERLAY)):
        (tmp_path / folder).mkdir()
        for name, text in files.items():
            (tmp_path / folder / name).write_text(text)
    command = [*find_kustomize().command, str(tmp_path / "overlay")]
    before = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "deprecated" in before.stderr.lower()
    result = upgrade_paths([tmp_path])
    assert [u.path.name for u in result.files] == ["kustomization.yaml"]
    result.write()
    after = subprocess.run(command, capture_output=True, text=True, check=True)
    assert after.stdout == before.stdout
    assert "deprecated" not in after.stderr.lower()
    text = (tmp_path / "overlay" / "kustomization.yaml").read_text()
    assert "# The dev overlay." in text


def test_seed_as_written_has_no_deprecations_left(tmp_path: Path, cli: Any) -> None:
    copy = tmp_path / "seed"
    shutil.copytree(ROOT / "examples" / "seed-as-written", copy)
    before = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    run = cli("upgrade", str(copy))
    assert run.code == 1 and run.out.startswith("--- a/")
    assert {p: p.read_bytes() for p in before} == before  # a diff only, nothing written
    assert cli("upgrade", str(copy), "--write").code == 0
    changed = {p for p, data in before.items() if p.read_bytes() != data}
    assert changed and all(p.suffix == ".yaml" for p in changed)
    checked = cli("check", str(copy), "-o", "json")
    rules = {f["rule"] for f in json.loads(checked.out)["findings"]}
    assert not rules & {"api-removed", "api-deprecated", "kustomize-deprecated-field"}
    assert cli("upgrade", str(copy)).code == 0


COMMENTED = {
    "kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
# The dev overlay.
bases:   # the base
- ../base   # base folder
commonLabels:   # labels
  env: dev   # the env
patchesStrategicMerge:   # smp
- replicas.yaml   # the replicas
patchesJson6902:
- target: {group: apps, version: v1, kind: Deployment, name: web}   # target
  path: label.yaml   # the label patch

# after the patches
imageTags:   # tags
- name: nginx   # image
  newTag: "1.25"   # tag
configMapGenerator:
- name: settings   # settings
  env: settings.env   # env file
""",
    "ingress.yaml": """\
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: web}
spec:
  backend:   # default backend
    serviceName: default-web   # svc
    servicePort: 80   # port
  rules:
  - http:
      paths:
      - path: /   # path
        backend:   # be
          serviceName: web   # svc name
          servicePort: http   # svc port

# the end
""",
}


def test_every_comment_stays_on_a_line_of_its_own_content(tmp_path: Path) -> None:
    for name, text in COMMENTED.items():
        (tmp_path / name).write_text(text)
    result = upgrade_paths([tmp_path], kubernetes_version="1.33")
    assert len(result.files) == 2
    for upgrade in result.files:
        after = upgrade.after.splitlines()
        for line in upgrade.before.splitlines():
            content, mark, comment = line.partition("#")
            if not mark:
                continue
            holding = [other for other in after if other.endswith(f"#{comment}")]
            assert len(holding) == 1, (comment, upgrade.after)
            # An end-of-line comment stays after content; a comment line stays alone.
            assert bool(holding[0].partition("#")[0].strip()) == bool(content.strip()), holding
