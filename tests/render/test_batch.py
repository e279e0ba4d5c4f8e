"""Builds sharing one kustomize run read exactly as runs of their own."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from gitops_schema.errors import ToolFailed
from gitops_schema.load import load_paths
from gitops_schema.model import GitOpsObject, parse_documents
from gitops_schema.render import (
    KustomizeEngine,
    KustomizeOptions,
    RenderCache,
    build_kustomization,
    find_kustomize,
    render_flux_kustomization,
    render_flux_kustomizations,
)
from gitops_schema.render.batch import (
    SharedBuild,
    SharedRunFailed,
    build_together,
    legacy_order,
    run_shared,
)
from gitops_schema.render.confine import Confinement
from gitops_schema.render.inputs import KUSTOMIZATION_FILES, kustomization_file
from gitops_schema.render.kustomize import prebuild_kustomizations
from gitops_schema.render.openapi import builtin_schema_needed

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
OPTIONS = KustomizeOptions(load_restrictor="LoadRestrictionsNone")


def corpus_folders(repository: str) -> list[Path]:
    root = CORPUS / repository
    return sorted({p.parent for name in KUSTOMIZATION_FILES for p in root.rglob(name)})


def shared(root: Path, folder: Path) -> SharedBuild:
    file = kustomization_file(folder)
    assert file is not None
    return SharedBuild(root, folder, file.read_text())


def alone(folder: Path) -> str:
    return find_kustomize().build(folder, OPTIONS)


def alone_or_none(folder: Path) -> str | None:
    try:
        return alone(folder)
    except ToolFailed:
        return None


@pytest.mark.parametrize(
    "repository",
    [
        "argocd-example-apps",
        "flux2-multi-tenancy",
        "onedr0p-home-ops",
        "argocd-applicationset-examples",
        "flux2-kustomize-helm-example",
    ],
)
def test_shared_runs_print_each_build_as_its_own_run(repository: str) -> None:
    root = CORPUS / repository
    with ThreadPoolExecutor() as pool:
        built = dict(
            zip(
                corpus_folders(repository),
                pool.map(alone_or_none, corpus_folders(repository)),
                strict=True,
            )
        )
    # A folder kustomize refuses has no output to compare.
    references = {folder: text for folder, text in built.items() if text is not None}
    folders = list(references)
    for empty_schema in (False, True):
        group = [
            f
            for f in folders
            if builtin_schema_needed(yaml.safe_load(kustomization_file(f).read_text()), f)  # type: ignore[union-attr]
            is not empty_schema
        ]
        if len(group) < 2:
            continue
        texts = None
        while texts is None:
            try:
                texts = build_together(
                    [shared(root, f) for f in group], find_kustomize(), empty_schema=empty_schema
                )
            except SharedRunFailed as failed:
                # Overlays of one base build the same objects: the one named leaves the run.
                assert failed.culprit is not None
                del group[failed.culprit]
        kept = [(f, t) for f, t in zip(group, texts, strict=True) if t is not None]
        assert len(kept) >= len(group) // 2
        for folder, text in kept:
            assert text == references[folder], folder


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n"
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx
          envFrom:
            - configMapRef:
                name: cfg
"""


def test_a_build_referring_to_another_builds_kind_runs_alone(tmp_path: Path) -> None:
    # kustomize fixes name references over a whole run: the Deployment could pick up the
    # other build's ConfigMap, so its build must run alone; the ConfigMap's need not.
    config = write(
        tmp_path / "config",
        {"cm.yaml": CONFIG_MAP, "kustomization.yaml": "namePrefix: a-\nresources: [cm.yaml]\n"},
    )
    web = write(
        tmp_path / "web", {"d.yaml": DEPLOYMENT, "kustomization.yaml": "resources: [d.yaml]\n"}
    )
    texts = build_together(
        [shared(tmp_path, config), shared(tmp_path, web)], find_kustomize(), empty_schema=True
    )
    assert texts == [alone(config), None]
    assert "name: cfg" in alone(web)


def test_a_clash_names_the_build_that_made_it(tmp_path: Path) -> None:
    files = {"cm.yaml": CONFIG_MAP, "kustomization.yaml": "resources: [cm.yaml]\n"}
    first, second, third = (write(tmp_path / name, files) for name in ("a", "b", "c"))
    third.joinpath("cm.yaml").write_text(CONFIG_MAP.replace("cfg", "other"))
    with pytest.raises(SharedRunFailed) as failed:
        build_together(
            [shared(tmp_path, f) for f in (first, third, second)],
            find_kustomize(),
            empty_schema=True,
        )
    assert failed.value.culprit == 2


def test_legacy_order_is_kustomizes(tmp_path: Path) -> None:
    kinds = [
        ("v1", "Service", "b"),
        ("apps/v1", "Deployment", "a"),
        ("v1", "Namespace", "z"),
        ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "v"),
        ("example.com/v1", "Widget", "w"),
        ("v1", "ConfigMap", "b"),
        ("v1", "ConfigMap", "a"),
        ("example.com/v1", "Namespace", "y"),
        ("batch/v1", "Job", "j"),
    ]
    docs = [
        f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n" for api, kind, name in kinds
    ]
    write(tmp_path, {"all.yaml": "---\n".join(docs)})
    fifo = "resources: [all.yaml]\nsortOptions: {order: fifo}\n"
    write(tmp_path, {"kustomization.yaml": fifo})
    printed = alone(tmp_path).split("---\n")
    write(tmp_path, {"kustomization.yaml": "resources: [all.yaml]\n"})
    assert "---\n".join(legacy_order(printed)) == alone(tmp_path)


def flux_objects(*paths: Path) -> list[GitOpsObject]:
    objects = parse_documents(load_paths(list(paths)).documents).objects
    return [
        o
        for o in objects
        if o.kind == "Kustomization" and o.api_version.startswith("kustomize.toolkit")
    ]


def test_flux_kustomizations_render_together_as_one_by_one() -> None:
    repository = CORPUS / "onedr0p-home-ops"
    found = flux_objects(repository / "kubernetes" / "apps" / "default")
    assert len(found) > 20
    together = render_flux_kustomizations(found, repository=repository)
    for kustomization, result in zip(found, together, strict=True):
        one = render_flux_kustomization(kustomization, repository=repository)
        assert (result.manifests, list(result.report)) == (one.manifests, list(one.report))


def test_no_sentinel_reaches_a_result() -> None:
    # The shared run's sentinels never reach a result: no build's text names them.
    repository = CORPUS / "onedr0p-home-ops"
    found = flux_objects(repository / "kubernetes" / "apps" / "default")[:6]
    for result in render_flux_kustomizations(found, repository=repository):
        assert result.manifests
        assert "gitops-schema-batch" not in result.text


def test_prebuilt_folders_are_read_from_the_cache(tmp_path: Path, counting_engine) -> None:  # type: ignore[no-untyped-def]
    # Overlays of examples/services: built together ahead, then each build is a cache hit
    # with exactly kustomize's own output for the folder.
    folders = sorted((ROOT / "examples" / "services").iterdir())[:5]
    cache = RenderCache(tmp_path / "cache")
    examples = Confinement.of(ROOT / "examples")
    assert prebuild_kustomizations(
        [(f, examples) for f in folders], cache=cache, engine=counting_engine
    ) == len(folders)
    assert len(counting_engine.runner.builds) < len(folders)
    for folder in folders:
        result = build_kustomization(
            folder, cache=cache, engine=counting_engine, confinement=examples
        )
        assert result.cached
        assert result.text == alone(folder)


def test_folders_reading_outside_themselves_are_not_prebuilt(tmp_path: Path) -> None:
    # kustomize's default load restrictor refuses the file; a shared run, which must allow
    # such files for Flux builds, would not: the folder is left to a build of its own.
    write(tmp_path, {"cm.yaml": CONFIG_MAP})
    outside = write(tmp_path / "outside", {"kustomization.yaml": "resources: [../cm.yaml]\n"})
    first = write(
        tmp_path / "first", {"cm.yaml": CONFIG_MAP, "kustomization.yaml": "resources: [cm.yaml]\n"}
    )
    second = write(
        tmp_path / "second",
        {
            "cm.yaml": CONFIG_MAP.replace("cfg", "two"),
            "kustomization.yaml": "resources: [cm.yaml]\n",
        },
    )
    cache = RenderCache(tmp_path / "cache")
    repository = Confinement.of(tmp_path)
    folders = [outside, first, second, tmp_path / "gone"]
    assert prebuild_kustomizations([(f, repository) for f in folders], cache=cache) == 2
    assert build_kustomization(second, cache=cache).cached
    [failure] = build_kustomization(outside, cache=cache, confinement=repository).report
    assert failure.rule == "render-kustomize-failed"


def test_a_kustomize_without_sort_options_builds_each_alone(tmp_path: Path) -> None:
    class OldKustomize:
        def __init__(self) -> None:
            self.builds: list[str] = []

        def run(self, args: Sequence[str], *, cwd: Path | None = None) -> str:
            if args[1:2] == ["version"]:
                return "v4.5.7\n"
            self.builds.append(args[-1])
            return ""

    runner = OldKustomize()
    engine = KustomizeEngine(("/usr/bin/kustomize", "build"), runner)
    builds = [SharedBuild(tmp_path, tmp_path, "resources: []\n") for _ in range(4)]
    assert (
        run_shared(builds, engine, empty_schema=[True] * 4, clashes=[set()] * 4, workers=2)
        == [None] * 4
    )
    assert runner.builds == []


@pytest.mark.parametrize(
    "declaration",
    [
        "configurations: [names.yaml]\n",
        "crds: [names.yaml]\n",
        "vars: [{name: V, objref: {kind: ConfigMap, name: cfg, apiVersion: v1}}]\n",
    ],
)
def test_folders_with_run_wide_rules_are_not_prebuilt(tmp_path: Path, declaration: str) -> None:
    # kustomize merges name reference rules and vars into the whole run: in company they
    # would apply to the other builds' objects.
    names = "nameReference: [{kind: ConfigMap, fieldSpecs: [{path: spec/config, kind: Widget}]}]\n"
    first = write(
        tmp_path / "first",
        {
            "cm.yaml": CONFIG_MAP,
            "names.yaml": names,
            "kustomization.yaml": f"resources: [cm.yaml]\n{declaration}",
        },
    )
    second = write(
        tmp_path / "second",
        {
            "cm.yaml": CONFIG_MAP.replace("cfg", "two"),
            "kustomization.yaml": "resources: [cm.yaml]\n",
        },
    )
    third = write(
        tmp_path / "third",
        {
            "cm.yaml": CONFIG_MAP.replace("cfg", "three"),
            "kustomization.yaml": "resources: [cm.yaml]\n",
        },
    )
    cache = RenderCache(tmp_path / "cache")
    repository = Confinement.of(tmp_path)
    builds = [(f, repository) for f in (first, second, third)]
    assert prebuild_kustomizations(builds, cache=cache) == 2
    assert not build_kustomization(first, cache=cache).cached
