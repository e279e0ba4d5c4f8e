"""A hostile repository: nothing outside it reaches any output, and the rest renders.

Each Application and Flux Kustomization below tries one way out of the repository (an
absolute or climbing value file, ``/proc/self/environ`` as a file parameter, an absolute
Application path, an out-of-bounds symlink, a generator file outside, a Flux path above
the root). The canaries are in files outside the repository and in the environment of
the process; none may be printed by ``render``, ``check --render`` (every format) or
``diff -o markdown``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

FILE_CANARY = "canary-file-5b1d0e"
ENV_CANARY = "canary-env-93f4a7"


def application(name: str, source: str) -> str:
    return (
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
        f"metadata: {{name: {name}, namespace: argocd}}\n"
        f"spec:\n  project: default\n  source:\n{source}"
        "  destination: {server: 'https://kubernetes.default.svc', namespace: demo}\n"
    )


def flux_kustomization(name: str, path: str) -> str:
    return (
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
        f"metadata: {{name: {name}, namespace: flux-system}}\n"
        f"spec:\n  interval: 1h\n  prune: true\n  path: '{path}'\n"
        "  sourceRef: {kind: GitRepository, name: flux-system}\n"
    )


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


CHART = {
    "Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
    "templates/cm.yaml": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: '{{ .Release.Name }}'}\n"
        'data:\n  secret: {{ .Values.secret | default "none" | quote }}\n'
        '  v: {{ .Values.v | default "none" | quote }}\n'
    ),
}


def hostile_repository(tmp_path: Path) -> Path:
    """A repository whose every application but ``benign`` tries to read ``outside/``."""
    outside = tmp_path / "outside"
    write(
        outside,
        {
            "secret.txt": FILE_CANARY + "\n",
            "values.yaml": f"v: {FILE_CANARY}\n",
            "cm.yaml": f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {FILE_CANARY}}}\n",
            "kustomization.yaml": "resources: [cm.yaml]\n",
        },
    )
    repo = tmp_path / "repo"
    write(repo / "charts" / "web", CHART)
    write(repo / "charts" / "linked", CHART)
    (repo / "charts" / "linked" / "values-prod.yaml").symlink_to(outside / "values.yaml")
    write(
        repo,
        {
            "plain/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: benign}\n",
            "linked/ok.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: linked-ok}\n",
            "kust/kustomization.yaml": (
                "configMapGenerator:\n- name: gen\n  files: [secret=../../outside/secret.txt]\n"
            ),
            "kust-abs/kustomization.yaml": (
                f"configMapGenerator:\n- name: gen\n  files: [{outside}/secret.txt]\n"
            ),
            "kust-base/kustomization.yaml": f"resources: [{outside}]\n",
            "kust-inline/kustomization.yaml": (
                "generators:\n- |\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n"
                f"  metadata: {{name: inline}}\n  files: [{outside}/secret.txt]\n"
            ),
            "flux-gen/kustomization.yaml": (
                f"configMapGenerator:\n- name: gen\n  envs: [{outside}/secret.txt]\n"
            ),
            "flux-ok/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flux-ok}\n",
        },
    )
    (repo / "linked" / "leak.yaml").symlink_to(outside / "cm.yaml")
    (repo / "values-link.yaml").symlink_to(outside / "values.yaml")
    helm = "    repoURL: https://git.example/repo.git\n    path: charts/web\n    helm:\n"
    apps = {
        "benign": "    repoURL: https://git.example/repo.git\n    path: plain\n",
        "env-leak": helm + "      fileParameters: [{name: secret, path: /proc/self/environ}]\n",
        "abs-values": helm + f"      valueFiles: ['{outside}/values.yaml']\n",
        "climb-values": helm + "      valueFiles: ['../../../outside/values.yaml']\n",
        "climb-file": helm
        + "      fileParameters: [{name: secret, path: ../../../outside/secret.txt}]\n",
        "link-file": helm + "      valueFiles: ['../../values-link.yaml']\n",
        "link-values": (
            "    repoURL: https://git.example/repo.git\n    path: charts/linked\n"
            "    helm:\n      valueFiles: [values-prod.yaml]\n"
        ),
        "abs-path": f"    repoURL: https://git.example/repo.git\n    path: '{outside}'\n",
        "climb-path": "    repoURL: https://git.example/repo.git\n    path: ../outside\n",
        "dir-link": "    repoURL: https://git.example/repo.git\n    path: linked\n",
        **{
            name: f"    repoURL: https://git.example/repo.git\n    path: {name}\n"
            for name in ("kust", "kust-abs", "kust-base", "kust-inline")
        },
        "kust-patch": (
            "    repoURL: https://git.example/repo.git\n    path: plain\n"
            f"    kustomize:\n      patches: [{{path: '{outside}/cm.yaml'}}]\n"
        ),
    }
    for name, source in apps.items():
        write(repo, {f"apps/{name}.yaml": application(name, source)})
    write(
        repo,
        {
            "clusters/prod/climb.yaml": flux_kustomization("climb", "../outside"),
            "clusters/prod/gen.yaml": flux_kustomization("gen", "./flux-gen"),
            "clusters/prod/ok.yaml": flux_kustomization("ok", "./flux-ok"),
        },
    )
    return repo


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, git: Callable[..., str]) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    repo = hostile_repository(tmp_path)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "hostile")
    return repo


def assert_clean(text: str) -> None:
    assert FILE_CANARY not in text
    assert ENV_CANARY not in text


def test_render_refuses_every_way_out_and_renders_the_rest(
    hostile: Path, cli: Callable[..., Any]
) -> None:
    done = cli("render", str(hostile))
    assert_clean(done.out + done.err)
    assert "Traceback" not in done.err
    assert "name: benign" in done.out
    assert "name: flux-ok" in done.out
    assert "name: linked-ok" not in done.out  # dir-link holds an out-of-bounds symlink
    refused = [line for line in done.err.splitlines() if "outside the repository" in line]
    for needle in (
        "fileParameters[0].path '../../../outside/secret.txt'",
        "valueFiles[0] '../../../outside/values.yaml'",
        "charts/linked/values-prod.yaml",
        "valueFiles[0] '../../values-link.yaml' resolves to",
        "spec.source.path",
        "out-of-bounds symlinks",
        "configMapGenerator",
        "spec.path '../outside'",
        "generators (ConfigMapGenerator)",
        "resources",
        "kustomize",
    ):
        assert any(needle in line for line in refused), (needle, refused)
    # An absolute value file is read from the repository root (as Argo CD reads it),
    # where there is none.
    for line in [line for line in done.err.splitlines() if "read from the repository" in line]:
        assert "never from outside the repository" in line
    assert "fileParameters[0].path: file parameter /proc/self/environ not found" in done.err
    assert f"valueFiles[0]: value file {hostile.parent}/outside/values.yaml not found" in done.err


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
def test_check_render_prints_nothing_from_outside(
    hostile: Path, cli: Callable[..., Any], fmt: str
) -> None:
    done = cli("check", str(hostile), "--render", "-o", fmt)
    assert_clean(done.out + done.err)
    assert "outside the repository" in done.out
    assert "Traceback" not in done.err


def test_diff_markdown_prints_nothing_from_outside(
    hostile: Path, cli: Callable[..., Any], git: Callable[..., str]
) -> None:
    (hostile / "plain" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: benign}\ndata: {a: b}\n"
    )
    done = cli("diff", str(hostile), "-o", "markdown")
    assert_clean(done.out + done.err)
    assert "benign" in done.out


def test_allow_outside_widens_it_for_a_trusted_folder(
    hostile: Path, cli: Callable[..., Any]
) -> None:
    done = cli("render", str(hostile), "--allow-outside", str(hostile.parent / "outside"))
    assert FILE_CANARY in done.out  # the trusted folder is read, as asked
    assert "/proc/self/environ" in done.err  # and nothing else outside


def test_the_process_environment_never_reaches_any_output(hostile: Path, tmp_path: Path) -> None:
    # /proc/self/environ is the environment the process started with: a real process,
    # which runs the three commands one after the other.
    env = {**os.environ, "GITOPS_CANARY": ENV_CANARY, "XDG_CACHE_HOME": str(tmp_path / "c")}
    runs = [
        ["render", str(hostile), "--no-cache"],
        ["check", str(hostile), "--render", "-o", "sarif"],
        ["diff", str(hostile), "-o", "markdown"],
    ]
    script = (
        "import sys\nfrom gitops_schema.cli import main\n"
        f"for args in {runs!r}:\n"
        "    sys.argv = ['gitops-schema', *args]\n"
        "    try:\n        main()\n    except SystemExit:\n        print('=== done', flush=True)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.count("=== done") == len(runs)
    assert ENV_CANARY not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "/proc/self/environ" in done.stderr


HOSTILE_NAMES = [
    "..",
    ".",
    "../../escape",
    "/etc/passwd",
    "a\0b",
    "x" * 300,
    "_cluster",
    "with space",
    "émoji-🙂",
    "",
]


def test_render_output_folder_is_never_left(tmp_path: Path) -> None:
    # Every cluster, namespace, kind and name part is one safe name, and different
    # objects keep different files whatever their names hold.
    from gitops_schema.cli._replay import RenderOutcome, play
    from gitops_schema.cli.render import RenderFormat, output_files
    from gitops_schema.desired import RenderedApp, RenderedRepository
    from gitops_schema.location import Location
    from gitops_schema.model import Tool

    manifests = [
        {"kind": kind, "metadata": {"name": name, "namespace": name}}
        for name in HOSTILE_NAMES
        for kind in ("ConfigMap", "..", "Config-Map", "Config")
    ] + [{"kind": "Map", "metadata": {"name": "Config-Map"}}, {"kind": "x"}]
    apps = [
        RenderedApp(cluster, "app", Tool.ARGOCD, "Application", None, Location("a.yaml"), manifests)
        for cluster in ("..", "../..", "/", "prod")
    ]
    output = tmp_path / "deep" / "out"
    files = output_files(RenderedRepository(apps=apps), RenderFormat.YAML)
    play(RenderOutcome(files=files), output)
    count = len(files)
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert len(written) == count == len(apps) * len(manifests)
    for path in written:
        assert path.resolve().is_relative_to(output.resolve())
        assert all(len(part) < 255 for part in path.parts)
