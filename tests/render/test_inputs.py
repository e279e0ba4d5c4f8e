"""The input tree of a kustomization: what a build reads, so the cache key follows it."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.render.confine import Confinement
from gitops_schema.render.inputs import collect_inputs, inputs_read_once


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


def test_the_key_of_missing_files_does_not_name_the_copy(tmp_path: Path) -> None:
    # A revision's copy is rendered in a new folder each time: a build that fails on a
    # missing file must be found again by its key, not rebuilt at every diff.
    keys = []
    for copy in ("copy-1", "copy-2"):
        folder = tmp_path / copy / "app"
        write(folder / "kustomization.yaml", "configMapGenerator: [{name: c, files: [gone.sh]}]\n")
        inputs = collect_inputs(folder, confinement=Confinement.of(tmp_path / copy))
        assert inputs.missing == {(folder / "gone.sh").resolve()}
        keys.append(inputs.key("flux", "v5"))
    assert keys[0] == keys[1]
    write(tmp_path / "copy-2" / "app" / "gone.sh", "#!/bin/sh\n")
    appeared = collect_inputs(tmp_path / "copy-2" / "app", confinement=Confinement.of(tmp_path))
    assert appeared.key("flux", "v5") != keys[0]


def test_inputs_are_read_once_within_one_render(tmp_path: Path) -> None:
    folder = tmp_path / "app"
    write(folder / "kustomization.yaml", "resources: [a.yaml]\n")
    write(folder / "a.yaml", "kind: ConfigMap\n")
    confinement = Confinement.of(tmp_path)
    with inputs_read_once():
        first = collect_inputs(folder, confinement=confinement)
        # The same folder, however it is spelled: the walk and the build name it differently.
        again = collect_inputs(tmp_path / "app" / ".." / "app", confinement=confinement)
        assert again is first
        other = collect_inputs(folder, ["../component"], confinement=confinement)
        assert other is not first
    write(folder / "kustomization.yaml", "resources: [a.yaml, b.yaml]\n")
    write(folder / "b.yaml", "kind: ConfigMap\n")
    # Outside a render the files may change between calls: each call reads them.
    after = collect_inputs(folder, confinement=confinement)
    assert (folder / "b.yaml").resolve() in after.files
    assert (folder / "b.yaml").resolve() not in first.files
