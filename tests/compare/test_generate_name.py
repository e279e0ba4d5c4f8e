"""Objects named by generateName keep distinct, stable identities."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from gitops_schema.cli.render import path_part
from gitops_schema.compare import diff_sets, identities

JOBS = """\
apiVersion: batch/v1
kind: Job
metadata:
  generateName: migrate-
  namespace: web
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: "migrate:{first}"}]
---
apiVersion: batch/v1
kind: Job
metadata:
  generateName: migrate-
  namespace: web
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: "migrate:2"}]
"""
APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  project: default
  source: {repoURL: "https://example.com/repo.git", path: apps/web, targetRevision: HEAD}
  destination: {server: "https://kubernetes.default.svc", namespace: web}
"""
REPO = "--repo=https://example.com/repo.git="


def test_identities_number_generate_names_per_kind() -> None:
    objects = [
        {"kind": "Job", "metadata": {"generateName": "a-"}},
        {"kind": "Pod", "metadata": {"generateName": "a-"}},
        {"kind": "Job", "metadata": {"generateName": "a-"}},
        {"kind": "Job", "metadata": {"name": "a-1", "generateName": "a-"}},
    ]
    assert [key.name for key in identities(objects)] == ["a-*1", "a-*1", "a-*2", "a-1"]


def test_render_writes_every_generated_object(
    tmp_path: Path, cli: Callable[..., Any], git: Callable[..., str]
) -> None:
    repo = tmp_path / "repo"
    (repo / "apps/web").mkdir(parents=True)
    (repo / "application.yaml").write_text(APPLICATION)
    (repo / "apps/web/jobs.yaml").write_text(JOBS.replace("{first}", "1"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "jobs")
    out = tmp_path / "out"
    rendered = cli("render", str(repo), REPO + str(repo), "-o", str(out), "--no-cache")
    assert rendered.code == 0, rendered.err
    jobs = sorted(p.name for p in out.glob("in-cluster/web/Job-*"))
    # "*" is no file name character: the name is made safe, and distinct by a hash.
    assert jobs == sorted(f"Job-{path_part(f'migrate-*{n}')}.yaml" for n in (1, 2))


def test_a_diff_sees_the_change_of_each_generated_object() -> None:
    before = list(yaml.safe_load_all(JOBS.replace("{first}", "1")))
    after = list(yaml.safe_load_all(JOBS.replace("{first}", "1b")))
    found = diff_sets({"prod": {"web": before}}, {"prod": {"web": after}})
    [app] = found.clusters[0].applications
    assert [str(change.id) for change in app.changes] == ["batch/Job web/migrate-*1"]
    assert app.unchanged == 1
