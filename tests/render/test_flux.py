"""Flux Kustomizations rendered as kustomize-controller builds them."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.load import load_paths
from gitops_schema.model import GitOpsObject, parse_documents
from gitops_schema.render import (
    FluxOptions,
    KustomizeEngine,
    RenderCache,
    render_flux_kustomization,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HELM_EXAMPLE = ROOT.parent / "shared" / "corpus" / "flux2-kustomize-helm-example"


def flux_kustomizations(*paths: Path) -> list[GitOpsObject]:
    objects = parse_documents(load_paths(list(paths)).documents).objects
    return [o for o in objects if o.api_version.startswith("kustomize.toolkit.fluxcd.io/")]


def one(text: str, tmp_path: Path) -> GitOpsObject:
    (tmp_path / "ks.yaml").write_text(text)
    [found] = flux_kustomizations(tmp_path / "ks.yaml")
    return found


def test_examples_render_per_environment(golden) -> None:  # type: ignore[no-untyped-def]
    found = flux_kustomizations(EXAMPLES / "flux" / "kustomizations")
    assert len(found) == 4
    for kustomization in found:
        result = render_flux_kustomization(kustomization, repository=EXAMPLES)
        assert result.report.ok, [str(d) for d in result.report]
        namespaces = {m["metadata"].get("namespace") for m in result.manifests} - {None}
        assert namespaces == {kustomization.model.spec.target_namespace}  # type: ignore[attr-defined]
        golden(f"render/flux-{kustomization.name}.yaml", result.text)


def test_helm_example_clusters_render_with_artifacts_mapped() -> None:
    sources = {
        "ExternalArtifact/flux-system/apps": HELM_EXAMPLE / "apps",
        "ExternalArtifact/flux-system/infrastructure": HELM_EXAMPLE / "infrastructure",
    }
    for cluster in ("staging", "production"):
        found = flux_kustomizations(HELM_EXAMPLE / "clusters" / cluster)
        assert {k.name for k in found} == {"apps", "infra-controllers", "infra-configs"}
        for kustomization in found:
            unmapped = render_flux_kustomization(kustomization, repository=HELM_EXAMPLE)
            [diagnostic] = unmapped.report
            assert diagnostic.rule == "render-flux-source-unsupported"
            assert "ExternalArtifact/flux-system/" in diagnostic.message
            result = render_flux_kustomization(
                kustomization, repository=HELM_EXAMPLE, sources=sources
            )
            assert result.report.ok, [str(d) for d in result.report]
            assert result.manifests
            for manifest in result.manifests:
                labels = manifest["metadata"]["labels"]
                assert labels["kustomize.toolkit.fluxcd.io/name"] == kustomization.name
                assert labels["kustomize.toolkit.fluxcd.io/namespace"] == "flux-system"


SPEC = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: demo
  namespace: flux-system
spec:
  interval: 10m
  prune: true
  sourceRef:
    kind: GitRepository
    name: repo
  path: ./apps
"""


def make_repo(root: Path) -> Path:
    (root / "apps" / "sub").mkdir(parents=True)
    (root / "apps" / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: other\n"
        "spec:\n  replicas: ${replicas}\n  template:\n    spec:\n      containers:\n"
        "        - name: web\n          image: nginx:1.0\n"
        "          args: ['${greeting:=hello}', '$${literal}']\n"
    )
    (root / "apps" / "notes.json").write_text("{}")
    (root / "apps" / "sub" / "kustomization.yaml").write_text("resources:\n  - cm.yaml\n")
    (root / "apps" / "sub" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: script\n"
        "  labels:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\n"
        "data:\n  run.sh: echo ${HOME}\n"
    )
    return root


def test_generated_kustomization_fields_and_substitution(tmp_path, golden) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "repo")
    spec = SPEC + (
        "  targetNamespace: team\n  namePrefix: p-\n"
        "  images:\n    - name: nginx\n      newTag: '1.27'\n"
        "  patches:\n    - target: {kind: Deployment}\n"
        '      patch: \'[{"op": "add", "path": "/metadata/annotations", "value": {"a": "b"}}]\'\n'
        "  commonMetadata:\n    labels: {team: blue}\n"
        "  postBuild:\n    substitute: {replicas: '2'}\n"
        "    substituteFrom:\n      - kind: ConfigMap\n        name: vars\n"
        "      - kind: Secret\n        name: missing\n        optional: true\n"
    )
    variables = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "vars", "namespace": "flux-system"},
        "data": {"replicas": "5", "greeting": "hi\nthere"},
    }
    result = render_flux_kustomization(one(spec, tmp_path), repository=repo, objects=[variables])
    assert result.report.ok, [str(d) for d in result.report]
    golden("render/flux-generated.yaml", result.text)
    deployment = next(m for m in result.manifests if m["kind"] == "Deployment")
    # The inline substitute overrides substituteFrom; values lose their newlines.
    assert deployment["spec"]["replicas"] == 2
    assert deployment["spec"]["template"]["spec"]["containers"][0]["args"] == [
        "hithere",
        "${literal}",
    ]


def test_strict_mode_and_missing_sources(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    strict = SPEC + "  postBuild:\n    substitute: {other: x}\n"
    [failed] = render_flux_kustomization(one(strict, tmp_path), repository=repo).report
    assert failed.rule == "render-flux-substitution-failed"
    assert "'replicas'" in failed.message
    lenient = render_flux_kustomization(
        one(strict, tmp_path), repository=repo, options=FluxOptions(strict=False)
    )
    assert lenient.report.ok
    missing = (
        SPEC + "  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: gone\n"
    )
    [diagnostic] = render_flux_kustomization(one(missing, tmp_path), repository=repo).report
    assert diagnostic.rule == "render-flux-substitute-from-missing"
    assert "flux-system/gone" in diagnostic.message


def test_no_post_build_means_no_substitution(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    result = render_flux_kustomization(one(SPEC, tmp_path), repository=repo)
    deployment = next(m for m in result.manifests if m["kind"] == "Deployment")
    assert deployment["spec"]["replicas"] == "${replicas}"


def test_bad_path_and_bad_yaml(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    gone = SPEC.replace("./apps", "./nowhere")
    [diagnostic] = render_flux_kustomization(one(gone, tmp_path), repository=repo).report
    assert diagnostic.rule == "render-flux-path-not-found"
    (repo / "apps" / "broken.yaml").write_text("a: [\n")
    [diagnostic] = render_flux_kustomization(one(SPEC, tmp_path), repository=repo).report
    assert diagnostic.rule == "render-flux-build-failed"
    assert "broken.yaml" in diagnostic.message


def test_flux_builds_are_cached(tmp_path: Path, counting_engine: KustomizeEngine) -> None:
    repo = make_repo(tmp_path / "repo")
    cache = RenderCache(tmp_path / "cache")
    kustomization = one(SPEC, tmp_path)
    first = render_flux_kustomization(kustomization, repository=repo, cache=cache)
    # One entry: the objects after the build, substitution and Flux's labels.
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 1
    engine = counting_engine
    runner = engine.runner
    second = render_flux_kustomization(kustomization, repository=repo, cache=cache, engine=engine)
    assert second.text == first.text and second.manifests == first.manifests
    assert runner.builds == []
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 1


def test_cached_renders_follow_the_substituted_variables(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    cache = RenderCache(tmp_path / "cache")

    def replicas(value: str) -> object:
        spec = SPEC + f"  postBuild:\n    substitute: {{replicas: '{value}'}}\n"
        result = render_flux_kustomization(one(spec, tmp_path), repository=repo, cache=cache)
        return next(m for m in result.manifests if m["kind"] == "Deployment")["spec"]["replicas"]

    assert (replicas("2"), replicas("3"), replicas("2")) == (2, 3, 2)


def test_a_failed_build_is_cached_until_the_missing_file_appears(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    cache = RenderCache(tmp_path / "cache")
    apps = repo / "apps"
    (apps / "kustomization.yaml").write_text(
        "resources: [deploy.yaml]\nconfigMapGenerator: [{name: s, files: [run.sh]}]\n"
    )
    kustomization = one(SPEC, tmp_path)
    first = render_flux_kustomization(kustomization, repository=repo, cache=cache)
    [failure] = first.report
    assert failure.rule == "render-flux-build-failed" and "run.sh" in failure.message
    assert str(repo) in failure.message and "gitops-schema-flux-" not in failure.message
    entries = [f.read_text() for f in (tmp_path / "cache").rglob("*.json")]
    assert any('"error"' in entry for entry in entries)
    again = render_flux_kustomization(kustomization, repository=repo, cache=cache)
    assert [d.message for d in again.report] == [failure.message]
    (apps / "run.sh").write_text("echo hi\n")
    fixed = render_flux_kustomization(kustomization, repository=repo, cache=cache)
    assert fixed.report.ok, [str(d) for d in fixed.report]
    assert any(m["kind"] == "ConfigMap" for m in fixed.manifests)


def test_a_remote_resource_is_named_not_fetched(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    remote = "https://github.com/example/platform//base?ref=v1.0.0"
    (repo / "apps" / "kustomization.yaml").write_text(f"resources: [deploy.yaml, {remote}]\n")
    result = render_flux_kustomization(one(SPEC, tmp_path), repository=repo)
    [diagnostic] = result.report
    assert diagnostic.rule == "render-remote-resource" and remote in diagnostic.message
    assert result.manifests == []


def test_a_build_whose_variables_are_missing_is_not_run_again(
    tmp_path: Path, counting_engine: KustomizeEngine
) -> None:
    repo = make_repo(tmp_path / "repo")
    cache = RenderCache(tmp_path / "cache")
    missing = (
        SPEC + "  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: gone\n"
    )
    runner = counting_engine.runner

    def render() -> list[str]:
        result = render_flux_kustomization(
            one(missing, tmp_path), repository=repo, cache=cache, engine=counting_engine
        )
        return [diagnostic.rule for diagnostic in result.report]

    assert render() == ["render-flux-substitute-from-missing"]
    assert len(runner.builds) == 1
    assert render() == ["render-flux-substitute-from-missing"]
    assert len(runner.builds) == 1
    # A build that fails is still reported as such, before the missing variables.
    (repo / "apps" / "kustomization.yaml").write_text("resources: [deploy.yaml, gone.yaml]\n")
    assert render() == ["render-flux-build-failed"]
    assert len(runner.builds) == 2
