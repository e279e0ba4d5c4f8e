"""A command loads what it uses: the CLI's start-up stays cheap, and it cannot regress silently.

Each check runs in a fresh interpreter, where ``sys.modules`` tells what was imported.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gitops_schema.cli import COMMANDS, load_command

from ..conftest import Run

NEVER_AT_START = (
    "gitops_schema.model",
    "gitops_schema.render",
    "gitops_schema.desired",
    "gitops_schema.check",
    "gitops_schema.cli.render",
    "pydantic",
    "rich",
    "helm_python",
    "httpx",
    "jsonschema_rs",
    "pygit2",
    "sqlalchemy",
    "fastapi",
)
"""What ``import gitops_schema.cli`` (and ``--help``) must not import."""

NEVER_IN_RENDER = ("helm_python", "httpx", "jsonschema_rs", "sqlalchemy", "fastapi")
"""What a render from the chart cache never needs: Helm runs in its engine worker."""

NEVER_WHEN_WARM = (
    "gitops_schema.model.base",
    "gitops_schema.model.parse",
    "gitops_schema.model.registry",
    "gitops_schema.desired.walk",
    "gitops_schema.appset",
    "gitops_schema.gotemplate",
    "gitops_schema.load.reader",
    "gitops_schema.load.git",
)
"""What a render read back whole from the cache never needs: it parses and walks nothing."""

ARGO_CD_ONLY = (
    "gitops_schema.model.argocd",
    "gitops_schema.model.argocd_appset",
    "gitops_schema.model.monitoring",
    "gitops_schema.render.argocd",
)
"""What a render of a Flux repository without Helm charts to render never needs (it
reads no Prometheus-operator object either)."""


RUN = "from gitops_schema.cli import main\ntry: main()\nexcept SystemExit: pass"
"""The command line as the installed script runs it."""


def loaded_after(
    code: str, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> set[str]:
    """The module names among the heavy ones that ``code`` left in ``sys.modules``."""
    probe = (
        "import atexit, sys\n"
        f"heavy = {(*NEVER_AT_START, *NEVER_IN_RENDER, *NEVER_WHEN_WARM, *ARGO_CD_ONLY)!r}\n"
        "atexit.register(lambda: print(','.join(m for m in heavy if m in sys.modules)))\n"
        f"sys.argv = ['gitops-schema', *{list(args)!r}]\n"
        f"{code}\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=cwd, env=env
    )
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return set(filter(None, last.split(",")))


def test_importing_the_cli_imports_no_command() -> None:
    assert loaded_after("import gitops_schema.cli") == set()


def test_help_lists_every_command_without_importing_them() -> None:
    loaded = loaded_after(RUN, "--help")
    assert loaded <= {"rich"}


def test_help_shows_each_command_with_its_own_summary(cli: Callable[..., Run]) -> None:
    shown = cli("--help")
    assert shown.code == 0
    for name, command in COMMANDS.items():
        real = load_command(name)
        assert real.name == name
        first = inspect.cleandoc(real.help or "").split("\n\n")[0].replace("\n", " ")
        assert first == command.summary
        assert name in shown.out


def test_a_command_and_a_group_run_once_loaded(cli: Callable[..., Run]) -> None:
    assert "--fail-on" in cli("check", "--help").out
    assert "generate" in cli("appset", "--help").out
    assert cli("no-such-command").code == 2


APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web, namespace: argocd}
spec:
  project: default
  source: {repoURL: "https://example.com/repo.git", path: web, targetRevision: HEAD}
  destination: {server: "https://kubernetes.default.svc", namespace: web}
"""


@pytest.fixture
def repository(tmp_path: Path, git: Callable[..., str]) -> Path:
    """A git repository whose one Application renders one ConfigMap with kustomize."""
    (tmp_path / "web").mkdir()
    (tmp_path / "web/kustomization.yaml").write_text("resources: [cm.yaml]\n")
    (tmp_path / "web/cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    (tmp_path / "app.yaml").write_text(APPLICATION)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "web")
    return tmp_path


def test_diff_loads_no_helm_http_schema_or_database(repository: Path) -> None:
    loaded = loaded_after(RUN, "diff", ".", "--no-cache", "--from", "HEAD", cwd=repository)
    assert loaded.isdisjoint(NEVER_IN_RENDER)
    assert "gitops_schema.desired" in loaded, "the probe rendered nothing"


def test_a_render_read_back_from_the_cache_parses_and_walks_nothing(
    repository: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Written outside the repository, whose files are the render's key.
    out = tmp_path_factory.mktemp("out")
    env = {**os.environ, "XDG_CACHE_HOME": str(out / "cache")}
    cold = loaded_after(RUN, "render", ".", "-o", str(out / "cold"), cwd=repository, env=env)
    assert "gitops_schema.model.parse" in cold, "the probe rendered nothing"
    assert cold.isdisjoint(NEVER_IN_RENDER)
    warm = loaded_after(RUN, "render", ".", "-o", str(out / "warm"), cwd=repository, env=env)
    assert warm.isdisjoint((*NEVER_IN_RENDER, *NEVER_WHEN_WARM))
    written = "in-cluster/web/ConfigMap-c.yaml"
    assert (out / "warm" / written).read_text() == (out / "cold" / written).read_text()


FLUX_KUSTOMIZATION = (
    "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
    "metadata: {name: web, namespace: flux-system}\n"
    "spec: {interval: 10m, path: ./web, prune: true, sourceRef: {kind: GitRepository, name: x}}\n"
)


def test_a_flux_render_loads_no_argo_cd_render_appset_or_prometheus_model(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "web/kustomization.yaml").write_text("resources: [cm.yaml]\n")
    (tmp_path / "web/cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    (tmp_path / "ks.yaml").write_text(FLUX_KUSTOMIZATION)
    (tmp_path / "secret.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: flux-system}\n"
    )
    (tmp_path / "rule.yaml").write_text(
        "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\n"
    )
    loaded = loaded_after(RUN, "render", ".", "--no-cache", cwd=tmp_path)
    assert "gitops_schema.model.parse" in loaded, "the probe rendered nothing"
    assert loaded.isdisjoint(ARGO_CD_ONLY)
