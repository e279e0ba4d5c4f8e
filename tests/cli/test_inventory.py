"""`gitops-schema inventory`: formats, exit codes, stdin and revisions."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"

SECRET = b"""apiVersion: v1
kind: Secret
metadata:
  name: cluster-dev
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: cluster
stringData:
  name: dev
  server: https://dev.example.com
"""


def test_version(cli: Callable) -> None:
    result = cli("--version")
    assert (result.code, result.out.strip()) == (0, "gitops-schema 0.1.0")


def test_json_output_shape(cli: Callable) -> None:
    result = cli("inventory", str(ROOT / "examples" / "argocd"), "-o", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert set(data) == {"objects", "diagnostics"}
    first = data["objects"][0]
    assert set(first) == {
        "tool",
        "apiVersion",
        "kind",
        "namespace",
        "targetNamespace",
        "name",
        "file",
        "line",
    }
    kinds = Counter((o["tool"], o["kind"]) for o in data["objects"])
    assert kinds[("argocd", "ApplicationSet")] >= 1
    assert kinds[("argocd", "Secret")] == 3


def test_stdin_and_table(cli: Callable) -> None:
    result = cli("inventory", "-", stdin=SECRET)
    assert result.code == 0
    assert "argocd" in result.out and "cluster-dev" in result.out and "<stdin>:1" in result.out


def test_errors_exit_1_with_file_line_col(cli: Callable, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n")
    result = cli("inventory", str(bad), "-o", "json")
    assert result.code == 1
    (diag,) = json.loads(result.out)["diagnostics"]
    assert diag == {
        "rule": "yaml-duplicate-key",
        "severity": "error",
        "message": "duplicate key 'name' (first defined at line 4); the last value is kept, "
        "as Kubernetes does",
        "file": str(bad),
        "line": 5,
        "column": 3,
        "path": "$",
    }


def test_usage_and_environment_errors_exit_2(cli: Callable, tmp_path: Path) -> None:
    missing = cli("inventory", str(tmp_path / "nope"))
    assert missing.code == 2 and "no such file or folder" in missing.err
    assert "Traceback" not in missing.err
    not_git = cli("inventory", str(tmp_path), "--revision", "HEAD")
    assert not_git.code == 2 and "not inside a git repository" in not_git.err
    bad_size = cli("inventory", str(tmp_path), "--max-file-size", "lots")
    assert bad_size.code == 2 and "invalid size" in bad_size.err
    bad_option = cli("inventory", str(tmp_path), "-o", "xml")
    assert bad_option.code == 2
    no_args = cli("inventory")
    assert no_args.code == 2


def test_revision(cli: Callable, tmp_path: Path, git: Callable[..., str]) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "secret.yaml").write_bytes(SECRET)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "add")
    (tmp_path / "secret.yaml").unlink()
    now = json.loads(cli("inventory", str(tmp_path), "-o", "json").out)
    then = json.loads(cli("inventory", str(tmp_path), "-r", "HEAD", "-o", "json").out)
    assert now["objects"] == []
    assert [o["name"] for o in then["objects"]] == ["cluster-dev"]


def test_golden_examples_inventory(cli: Callable, golden: Callable, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    good = cli("inventory", "examples", "--exclude", "seed-as-written", "-o", "json")
    assert good.code == 0, good.out[-2000:]
    assert json.loads(good.out)["diagnostics"] == []
    golden("inventory/examples.json", good.out)
    seed = cli("inventory", "examples/seed-as-written", "-o", "json")
    golden("inventory/seed-as-written.json", seed.out)


def test_seed_inventory_finds_every_object(cli: Callable) -> None:
    result = cli("inventory", str(SHARED / "seed-cases"), "-o", "json")
    data = json.loads(result.out)
    assert len(data["objects"]) == 19
    assert {o["tool"] for o in data["objects"]} == {
        "argocd",
        "flux",
        "kustomize",
        "kubernetes",
        "prometheus-operator",
    }


def test_corpus_inventory_loads_everything(cli: Callable) -> None:
    result = cli("inventory", str(SHARED / "corpus"), "-o", "json")
    data = json.loads(result.out)
    # PyYAML's safe loader sees 735 objects; we also read the files it rejects.
    assert len(data["objects"]) >= 740
    for diag in data["diagnostics"]:
        assert diag["file"] and diag["rule"]
        if diag["rule"].startswith("yaml-"):
            assert diag["line"] >= 1 and diag["column"] >= 1


def test_console_script_entry_point() -> None:
    script = Path(sys.executable).with_name("gitops-schema")
    done = subprocess.run(
        [str(script), "inventory", str(ROOT / "examples" / "flux"), "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["objects"]


TARGETS = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web, namespace: argocd}
spec:
  project: default
  source: {repoURL: https://github.com/org/repo.git, path: apps/web}
  destination: {server: https://kubernetes.default.svc, namespace: web}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec: {interval: 10m, path: ./apps, prune: true, targetNamespace: team,
       sourceRef: {kind: GitRepository, name: flux-system}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: infra, namespace: flux-system}
spec: {interval: 10m, path: ./infra, prune: true,
       sourceRef: {kind: GitRepository, name: flux-system}}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: podinfo, namespace: podinfo-system}
spec:
  interval: 10m
  chart: {spec: {chart: podinfo, sourceRef: {kind: HelmRepository, name: podinfo}}}
"""


def test_namespace_is_where_the_object_lives_and_target_where_it_deploys(
    cli: Callable, tmp_path: Path
) -> None:
    (tmp_path / "defs.yaml").write_text(TARGETS)
    (tmp_path / "overlay").mkdir()
    (tmp_path / "overlay/kustomization.yaml").write_text("namespace: shop\nresources: []\n")
    result = cli("inventory", str(tmp_path), "-o", "json")
    assert result.code == 0, result.err
    found = {
        (o["kind"], o["name"]): (o["namespace"], o["targetNamespace"])
        for o in json.loads(result.out)["objects"]
    }
    assert found == {
        ("Application", "web"): ("argocd", "web"),
        ("Kustomization", "apps"): ("flux-system", "team"),
        ("Kustomization", "infra"): ("flux-system", None),
        # helm-controller installs into the HelmRelease's namespace without targetNamespace.
        ("HelmRelease", "podinfo"): ("podinfo-system", "podinfo-system"),
        # A kustomization.yaml lives in no namespace; its namespace: is where it puts things.
        ("Kustomization", "overlay"): (None, "shop"),
    }
    table = cli("inventory", str(tmp_path)).out
    row = next(line for line in table.splitlines() if "overlay" in line)
    cells = [cell.strip() for cell in row.strip("│┃ ").split("│")]
    assert cells[3:6] == ["", "overlay", "shop"]
