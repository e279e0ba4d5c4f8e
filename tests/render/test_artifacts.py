"""ExternalArtifacts made offline as source-watcher's ArtifactGenerator makes them.

The copy cases follow the semantics of source-watcher's builder tests: cp-like single
paths, fs.Glob patterns, ``dir/**`` prefix stripping, excludes, Merge and Extract.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
import yaml

from gitops_schema.load import load_paths
from gitops_schema.model import GitOpsObject, parse_documents
from gitops_schema.render.artifact_copy import CopyError, CopyOperation, build_artifact
from gitops_schema.render.artifacts import ClusterArtifacts
from gitops_schema.render.sourceignore import (
    GlobError,
    artifact_files,
    doublestar_match,
    go_match,
)


def tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    return root


def build(operations: list[CopyOperation], **sources: Path) -> dict[str, str]:
    read = {alias: artifact_files(folder, filtered=False) for alias, folder in sources.items()}
    return {path: data.decode() for path, data in build_artifact(operations, read).items()}


def op(source: str, to: str, *exclude: str, strategy: str = "Overwrite") -> CopyOperation:
    return CopyOperation(source, to, exclude, strategy)


@pytest.fixture
def src(tmp_path: Path) -> Path:
    return tree(
        tmp_path / "src",
        {
            "config.yaml": "a: test",
            "root.yaml": "root: content",
            "config/app.yaml": "app: config",
            "config/db.yaml": "db: config",
            "config/subdir/nested.yaml": "nested: content",
            "deep/one/two.yaml": "two",
            "deep/three.yaml": "three",
        },
    )


# -- single paths: cp semantics -------------------------------------------------------------


def test_a_file_to_a_folder_keeps_its_name(src: Path) -> None:
    assert build([op("@s/config.yaml", "@artifact/")], s=src) == {"config.yaml": "a: test"}
    assert build([op("@s/config.yaml", "@artifact/dest/")], s=src) == {
        "dest/config.yaml": "a: test"
    }


def test_a_file_to_a_path_is_renamed_unless_the_path_is_a_folder(src: Path) -> None:
    assert build([op("@s/config.yaml", "@artifact/apps/app.yaml")], s=src) == {
        "apps/app.yaml": "a: test"
    }
    made = build([op("@s/config/", "@artifact/"), op("@s/root.yaml", "@artifact/config")], s=src)
    assert made["config/root.yaml"] == "root: content"


@pytest.mark.parametrize(
    "source,to", [("@s/config", "@artifact/dest"), ("@s/config/", "@artifact/dest/")]
)
def test_a_folder_is_copied_as_a_subfolder(src: Path, source: str, to: str) -> None:
    assert build([op(source, to)], s=src) == {
        "dest/config/app.yaml": "app: config",
        "dest/config/db.yaml": "db: config",
        "dest/config/subdir/nested.yaml": "nested: content",
    }


def test_the_source_root_copies_everything(src: Path) -> None:
    made = build([op("@s/", "@artifact/")], s=src)
    assert set(made) == {str(p.relative_to(src)) for p in src.rglob("*") if p.is_file()}


def test_a_missing_path_fails(src: Path) -> None:
    with pytest.raises(CopyError, match=r"source 'missing\.yaml' does not exist"):
        build([op("@s/missing.yaml", "@artifact/")], s=src)


# -- patterns: Go's fs.Glob ------------------------------------------------------------------


def test_a_glob_keeps_the_matched_paths(src: Path) -> None:
    assert build([op("@s/*.yaml", "@artifact/manifests/")], s=src) == {
        "manifests/config.yaml": "a: test",
        "manifests/root.yaml": "root: content",
    }
    assert build([op("@s/config/*.yaml", "@artifact/")], s=src) == {
        "config/app.yaml": "app: config",
        "config/db.yaml": "db: config",
    }


def test_dir_star_star_strips_the_folder_and_copies_recursively(src: Path) -> None:
    assert build([op("@s/config/**", "@artifact/dest/")], s=src) == {
        "dest/app.yaml": "app: config",
        "dest/db.yaml": "db: config",
        "dest/subdir/nested.yaml": "nested: content",
    }
    made = build([op("@s/**", "@artifact/")], s=src)
    assert made["config/subdir/nested.yaml"] == "nested: content"


def test_star_star_inside_a_pattern_is_one_level(src: Path) -> None:
    # fs.Glob has no recursive wildcard: "**" matches one path segment, as "*" does.
    assert build([op("@s/**/*.yaml", "@artifact/")], s=src) == {
        "config/app.yaml": "app: config",
        "config/db.yaml": "db: config",
        "deep/three.yaml": "three",
    }


def test_later_copies_overwrite_and_keep_the_rest(tmp_path: Path) -> None:
    one = tree(tmp_path / "one", {"config/app.yaml": "one: app", "config/database.yaml": "one: db"})
    two = tree(tmp_path / "two", {"config/app.yaml": "two: app", "config/network.yaml": "two: net"})
    made = build([op("@one/**", "@artifact/"), op("@two/**", "@artifact/")], one=one, two=two)
    assert made == {
        "config/app.yaml": "two: app",
        "config/database.yaml": "one: db",
        "config/network.yaml": "two: net",
    }


def test_a_file_copy_replaces_a_file_of_an_earlier_copy(tmp_path: Path) -> None:
    chart = tree(
        tmp_path / "chart", {"podinfo/Chart.yaml": "name: podinfo", "podinfo/values.yaml": "a: 1"}
    )
    repo = tree(tmp_path / "repo", {"charts/podinfo/values-prod.yaml": "env: production"})
    made = build(
        [
            op("@chart/**", "@artifact/"),
            op("@repo/charts/podinfo/values-prod.yaml", "@artifact/podinfo/values.yaml"),
        ],
        chart=chart,
        repo=repo,
    )
    assert made == {"podinfo/Chart.yaml": "name: podinfo", "podinfo/values.yaml": "env: production"}


@pytest.mark.parametrize(
    "source,message",
    [
        ("@s/*.json", "no files match pattern '\\*.json' in source 's'"),
        ("@s/[", "syntax error in pattern"),
        ("@missing/file.yaml", "source alias 'missing' not found"),
    ],
)
def test_copy_errors(src: Path, source: str, message: str) -> None:
    with pytest.raises(CopyError, match=message):
        build([op(source, "@artifact/")], s=src)


def test_a_destination_outside_the_artifact_fails(src: Path) -> None:
    with pytest.raises(CopyError, match="destination must start with '@artifact/'"):
        build([op("@s/config.yaml", "@elsewhere/")], s=src)


# -- excludes --------------------------------------------------------------------------------


@pytest.fixture
def infra(tmp_path: Path) -> Path:
    return tree(
        tmp_path / "infra",
        {
            "infrastructure/descheduler/release.yaml": "top",
            "infrastructure/controllers/descheduler/release.yaml": "nested",
            "infrastructure/controllers/sealed-secrets/release.yaml": "sealed",
            "infrastructure/configs/cluster-issuer.yaml": "issuer",
            "infrastructure/configs/secret.yaml": "secret",
            "infrastructure/README.md": "docs",
            "infrastructure/configs/testdata/case.yaml": "test",
        },
    )


def test_a_name_pattern_excludes_at_any_depth(infra: Path) -> None:
    made = build([op("@s/infrastructure/**", "@artifact/", "*.md", "**/testdata/**")], s=infra)
    assert "README.md" not in made
    assert "configs/testdata/case.yaml" not in made
    assert "configs/secret.yaml" in made


@pytest.mark.parametrize(
    "source,exclude,gone,kept",
    [
        # From the source root.
        (
            "@s/infrastructure/**",
            "infrastructure/controllers/descheduler/**",
            "controllers/descheduler/release.yaml",
            "descheduler/release.yaml",
        ),
        # From the pattern's literal prefix.
        (
            "@s/infrastructure/**",
            "controllers/descheduler/**",
            "controllers/descheduler/release.yaml",
            "descheduler/release.yaml",
        ),
        # Not from the folder being walked: the nested descheduler stays.
        (
            "@s/infrastructure/**",
            "descheduler/**",
            "descheduler/release.yaml",
            "controllers/descheduler/release.yaml",
        ),
        # A folder copied by name: from the source root, or from the folder.
        (
            "@s/infrastructure",
            "infrastructure/controllers/descheduler/**",
            "infrastructure/controllers/descheduler/release.yaml",
            "infrastructure/descheduler/release.yaml",
        ),
        (
            "@s/infrastructure",
            "controllers/descheduler/**",
            "infrastructure/controllers/descheduler/release.yaml",
            "infrastructure/controllers/sealed-secrets/release.yaml",
        ),
        (
            "@s/infrastructure/**",
            "infrastructure/configs/secret.yaml",
            "configs/secret.yaml",
            "configs/cluster-issuer.yaml",
        ),
    ],
)
def test_exclude_anchors(infra: Path, source: str, exclude: str, gone: str, kept: str) -> None:
    made = build([op(source, "@artifact/", exclude)], s=infra)
    assert gone not in made
    assert kept in made


def test_excluding_a_single_file_copies_nothing(src: Path) -> None:
    assert build([op("@s/config.yaml", "@artifact/x.yaml", "config.yaml")], s=src) == {}


def test_excluding_every_match_fails(tmp_path: Path) -> None:
    docs = tree(tmp_path / "docs", {"a.md": "a", "b.md": "b"})
    with pytest.raises(CopyError, match="all files matching pattern"):
        build([op("@s/*.md", "@artifact/", "*.md")], s=docs)
    with pytest.raises(CopyError, match="invalid exclude pattern"):
        build([op("@s/*.md", "@artifact/", "[*.md")], s=docs)


# -- strategies ------------------------------------------------------------------------------


def test_merge_deep_merges_yaml_and_replaces_lists(tmp_path: Path) -> None:
    chart = tree(
        tmp_path / "chart",
        {
            "podinfo/values.yaml": (
                "replicas: 1\nimage: {tag: '1.0', pull: Always}\nports: [80, 443]\n"
            )
        },
    )
    repo = tree(tmp_path / "repo", {"values-prod.yaml": "image: {tag: '2.0'}\nports: [8080]\n"})
    made = build(
        [
            op("@chart/", "@artifact/"),
            op("@repo/values-prod.yaml", "@artifact/podinfo/values.yaml", strategy="Merge"),
            op("@repo/values-prod.yaml", "@artifact/fresh.yaml", strategy="Merge"),
        ],
        chart=chart,
        repo=repo,
    )
    assert yaml.safe_load(made["podinfo/values.yaml"]) == {
        "replicas": 1,
        "image": {"tag": "2.0", "pull": "Always"},
        "ports": [8080],
    }
    # Nothing to merge into: a plain copy.
    assert made["fresh.yaml"] == "image: {tag: '2.0'}\nports: [8080]\n"


def test_merge_of_a_non_mapping_fails(tmp_path: Path) -> None:
    files = tree(tmp_path / "s", {"a.yaml": "a: 1", "b.yaml": "- a list"})
    with pytest.raises(CopyError, match="not a mapping"):
        build(
            [op("@s/a.yaml", "@artifact/"), op("@s/b.yaml", "@artifact/a.yaml", strategy="Merge")],
            s=files,
        )


def tarball(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in files.items():
            data = content.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_extract_unpacks_tarballs_and_skips_other_files(tmp_path: Path) -> None:
    charts = tree(
        tmp_path / "s",
        {
            "charts/podinfo-6.7.0.tgz": tarball({"podinfo/Chart.yaml": "name: podinfo"}),
            "charts/nested/other.tar.gz": tarball({"other/Chart.yaml": "name: other"}),
            "charts/README.md": "not a tarball",
        },
    )
    assert build([op("@s/charts/*", "@artifact/c/", strategy="Extract")], s=charts) == {
        "c/podinfo/Chart.yaml": "name: podinfo"
    }
    # Extract globs with doublestar: "**" crosses folders.
    made = build([op("@s/**/*.{tgz,tar.gz}", "@artifact/", strategy="Extract")], s=charts)
    assert set(made) == {"podinfo/Chart.yaml", "other/Chart.yaml"}
    with pytest.raises(CopyError, match="requires tarball file"):
        build([op("@s/charts/README.md", "@artifact/", strategy="Extract")], s=charts)
    with pytest.raises(CopyError, match="not supported for directories"):
        build([op("@s/charts", "@artifact/", strategy="Extract")], s=charts)


def test_the_artifact_leaves_out_what_an_archive_leaves_out(tmp_path: Path) -> None:
    files = tree(tmp_path / "s", {"app.yaml": "a", "logo.png": "png", ".github/ci.yml": "ci"})
    assert build([op("@s/", "@artifact/")], s=files) == {"app.yaml": "a"}


# -- the patterns themselves -----------------------------------------------------------------


def test_pattern_dialects() -> None:
    assert go_match("*", ".hidden")
    assert not go_match("*", "a/b")
    assert go_match("[^a]x", "bx") and not go_match("[^a]x", "ax")
    assert doublestar_match("a/**", "a") and doublestar_match("a/**", "a/b/c")
    assert doublestar_match("**/testdata/**", "x/y/testdata/z.yaml")
    assert doublestar_match("*.{yaml,yml}", "a.yml") and not doublestar_match("*.yaml", "d/a.yaml")
    # Go rejects "-" and "]" where a class expects a character; doublestar reads "-" as such.
    for malformed in ("[", "[]a]", "[-a]", "[a-]", "x\\"):
        with pytest.raises(GlobError):
            go_match(malformed, "a")
    assert doublestar_match("[a-]", "-")
    assert not go_match("[z-a]", "b")


# -- the source as its artifact holds it -----------------------------------------------------


def test_sourceignore_keeps_only_what_it_includes(tmp_path: Path) -> None:
    repo = tree(
        tmp_path / "repo",
        {
            ".sourceignore": "# Flux ignore\n/*\n!/apps/\n",
            "README.md": "docs",
            "scripts/validate.sh": "sh",
            "apps/base/app.yaml": "a",
            "apps/base/logo.png": "png",
            "apps/base/.sourceignore": "*.txt\n",
            "apps/base/notes.txt": "n",
            "other/notes.txt": "n",
            ".git/config": "git",
        },
    )
    # A .sourceignore replaces the default exclusions (the .png stays); a nested one
    # applies below its folder.
    assert set(artifact_files(repo, filtered=True)) == {
        "apps/base/app.yaml",
        "apps/base/logo.png",
        "apps/base/.sourceignore",
    }
    assert set(artifact_files(repo, ignore="/apps/base/*.yaml\n", filtered=True)) == {
        "apps/base/logo.png",
        "apps/base/.sourceignore",
    }


def test_without_patterns_the_default_exclusions_apply(tmp_path: Path) -> None:
    repo = tree(
        tmp_path / "repo",
        {"app.yaml": "a", "logo.png": "p", "ci/.sops.yaml": "s", ".github/x.yml": "x"},
    )
    (repo / "link.yaml").symlink_to(repo / "app.yaml")
    assert set(artifact_files(repo, filtered=True)) == {"app.yaml"}
    # A folder read as it is still has no symlink: an artifact holds regular files only.
    assert set(artifact_files(repo, filtered=False)) == {
        "app.yaml",
        "logo.png",
        "ci/.sops.yaml",
        ".github/x.yml",
    }


# -- generators ------------------------------------------------------------------------------


def generators(path: Path) -> list[GitOpsObject]:
    objects = parse_documents(load_paths([path]).documents).objects
    return [o for o in objects if o.kind == "ArtifactGenerator"]


GENERATORS = """\
apiVersion: source.extensions.fluxcd.io/v1beta1
kind: ArtifactGenerator
metadata:
  name: second
  namespace: apps
spec:
  sources:
    - alias: first
      kind: ExternalArtifact
      name: composed
  artifacts:
    - name: reread
      copy:
        - from: "@first/deploy/**"
          to: "@artifact/"
---
apiVersion: source.extensions.fluxcd.io/v1beta1
kind: ArtifactGenerator
metadata:
  name: first
  namespace: apps
spec:
  sources:
    - alias: repo
      kind: GitRepository
      name: monorepo
    - alias: chart
      kind: OCIRepository
      name: podinfo
  artifacts:
    - name: composed
      copy:
        - from: "@repo/deploy/"
          to: "@artifact/"
        - from: "@chart/values.yaml"
          to: "@artifact/deploy/values.yaml"
    - name: broken
      copy:
        - from: "@repo/nothing/*.yaml"
          to: "@artifact/"
---
apiVersion: source.extensions.fluxcd.io/v1beta1
kind: ArtifactGenerator
metadata:
  name: per-app
  namespace: apps
spec:
  sources:
    - alias: repo
      kind: GitRepository
      name: monorepo
  pathPattern: "@repo/apps/{app}/envs/{env}"
  artifacts:
    - name: "{app}-{env}"
      copy:
        - from: "@repo/apps/{app}/envs/{env}/**"
          to: "@artifact/"
"""


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    return tree(
        tmp_path / "repo",
        {
            "clusters/one/generators.yaml": GENERATORS,
            "deploy/app.yaml": "app",
            "apps/Web/envs/prod/web.yaml": "web prod",
            "apps/api/envs/dev/api.yaml": "api dev",
        },
    )


def test_generators_make_artifacts_with_sources_mapped_or_in_the_repository(
    repository: Path, tmp_path: Path
) -> None:
    chart = tree(tmp_path / "chart", {"values.yaml": "replicas: 2"})
    store = ClusterArtifacts(tmp_path / "made", repository=repository, repos={})
    found = [(g, g.location) for g in generators(repository)]
    report = store.add("one", found, {"OCIRepository/apps/podinfo": chart})
    [failed] = report
    assert failed.rule == "render-flux-artifact-copy-failed"
    assert "artifact broken" in failed.message and "no files match pattern" in failed.message
    assert (failed.location.file, failed.location.line) == (
        str(repository / "clusters/one/generators.yaml"),
        37,  # "- name: broken"
    )
    made = store.sources("one", {})
    assert sorted(made) == [
        "ExternalArtifact/apps/api-dev",
        "ExternalArtifact/apps/composed",
        "ExternalArtifact/apps/reread",
        "ExternalArtifact/apps/web-prod",
    ]
    composed = made["ExternalArtifact/apps/composed"]
    assert (composed / "deploy" / "app.yaml").read_text() == "app"
    assert (composed / "deploy" / "values.yaml").read_text() == "replicas: 2"
    # Made after the artifact it reads, though written before it.
    assert sorted(p.name for p in made["ExternalArtifact/apps/reread"].iterdir()) == [
        "app.yaml",
        "values.yaml",
    ]
    # pathPattern: names lowercased, paths as captured.
    assert (made["ExternalArtifact/apps/web-prod"] / "web.yaml").read_text() == "web prod"
    # The user's mapping comes first; another cluster has none of these.
    mine = store.sources("one", {"ExternalArtifact/apps/composed": tmp_path})
    assert mine["ExternalArtifact/apps/composed"] == tmp_path
    assert store.sources("two", {}) == {}


def test_a_source_not_available_offline_is_reported_where_it_is_named(
    repository: Path, tmp_path: Path
) -> None:
    store = ClusterArtifacts(tmp_path / "made", repository=repository, repos={})
    first = [g for g in generators(repository) if g.name == "first"]
    [missing] = store.add("one", [(g, g.location) for g in first], {})
    assert missing.rule == "render-flux-artifact-source-unavailable"
    assert "OCIRepository/apps/podinfo" in missing.message
    assert "--repo OCIRepository/apps/podinfo=DIR" in missing.message
    assert missing.location.line == 27  # "- alias: chart"
    assert store.sources("one", {}) == {}


def test_identical_artifacts_share_one_folder(repository: Path, tmp_path: Path) -> None:
    store = ClusterArtifacts(tmp_path / "made", repository=repository, repos={})
    per_app = [(g, g.location) for g in generators(repository) if g.name == "per-app"]
    assert not store.add("one", per_app, {})
    assert not store.add("two", per_app, {})
    assert store.sources("one", {}) == store.sources("two", {})
    assert len(list((tmp_path / "made").iterdir())) == 2


def test_merge_keys_are_strings_and_a_broken_tarball_is_reported(tmp_path: Path) -> None:
    files = tree(
        tmp_path / "s",
        {"a.yaml": "1: one\nb: {c: 1}", "b.yaml": "b: {d: 2}\ntrue: yes", "x.tgz": b"not gzip"},
    )
    made = build(
        [op("@s/a.yaml", "@artifact/"), op("@s/b.yaml", "@artifact/a.yaml", strategy="Merge")],
        s=files,
    )
    assert yaml.safe_load(made["a.yaml"]) == {"1": "one", "b": {"c": 1, "d": 2}, "true": True}
    with pytest.raises(CopyError, match=r"failed to extract tarball 'x\.tgz'"):
        build([op("@s/x.tgz", "@artifact/", strategy="Extract")], s=files)
