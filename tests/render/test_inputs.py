"""The input tree of a kustomization: what a build reads, so the cache key follows it."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.render.confine import Confinement
from gitops_schema.render.inputs import collect_inputs


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_kustomization_reads_what_it_names(tmp_path: Path) -> None:
    base = write(tmp_path / "base" / "kustomization.yaml", "resources: [deploy.yaml]\n")
    deploy = write(tmp_path / "base" / "deploy.yaml", "kind: Deployment\n")
    write(tmp_path / "base" / "notes.yaml", "not named by anything\n")
    overlay = write(
        tmp_path / "overlay" / "kustomization.yaml",
        "resources: [../base, https://example.com/remote.yaml]\n"
        "patches: [{path: patch.yaml}]\n"
        "configMapGenerator: [{name: c, files: [key=config.txt], envs: [vars.env]}]\n",
    )
    patch = write(tmp_path / "overlay" / "patch.yaml", "kind: Deployment\n")
    config = write(tmp_path / "overlay" / "config.txt", "x\n")
    env = write(tmp_path / "overlay" / "vars.env", "A=1\n")
    write(tmp_path / "overlay" / "README.md", "docs\n")
    inputs = collect_inputs(tmp_path / "overlay", confinement=Confinement.of(tmp_path))
    assert inputs.files == {p.resolve() for p in (base, deploy, overlay, patch, config, env)}
    assert inputs.remote == ["https://example.com/remote.yaml"]


def test_a_folder_without_kustomization_counts_every_file(tmp_path: Path) -> None:
    files = {write(tmp_path / name, "kind: ConfigMap\n") for name in ("a.yaml", "sub/b.yaml")}
    assert collect_inputs(tmp_path).files == {p.resolve() for p in files}


def test_helm_charts_read_the_chart_home(tmp_path: Path) -> None:
    write(tmp_path / "kustomization.yaml", "helmCharts: [{name: web, version: 1.0.0}]\n")
    chart = write(tmp_path / "charts" / "web" / "Chart.yaml", "name: web\n")
    assert chart.resolve() in collect_inputs(tmp_path).files


def test_named_files_resolve_through_links_and_parents(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "cm.yaml").write_text("kind: ConfigMap\n")
    (tmp_path / "shared.yaml").write_text("kind: Secret\n")
    app = tmp_path / "app"
    app.mkdir()
    (app / "linked").symlink_to(real)
    (app / "kustomization.yaml").write_text(
        "resources: [linked/cm.yaml, ./linked/../linked/cm.yaml]\n"
        "patches: [{path: ../shared.yaml}]\n"
    )
    inputs = collect_inputs(app, confinement=Confinement.of(tmp_path))
    assert inputs.files == {
        (app / "kustomization.yaml").resolve(),
        (real / "cm.yaml").resolve(),
        (tmp_path / "shared.yaml").resolve(),
    }
    assert inputs.escapes
