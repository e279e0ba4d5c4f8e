"""Every engine call is bounded in time and memory, and Helm and Jsonnet stay in the repository.

The bounds are small here so that each case ends fast; a bound that is hit is a failure
of that call (and a diagnostic of that application), and the next call works.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from gitops_schema.errors import ToolFailed
from gitops_schema.render import (
    Bounds,
    HelmEngine,
    SubprocessRunner,
    bounded,
    render_application,
)
from gitops_schema.render.jsonnet import JsonnetError, evaluate_jsonnet

SMALL = 160 << 20


def chart(folder: Path, template: str) -> Path:
    (folder / "templates").mkdir(parents=True)
    (folder / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n")
    (folder / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  x: " + template + "\n"
    )
    return folder


def helm(folder: Path) -> str:
    return HelmEngine().template(folder, {}, release="r", namespace="n")


def test_helm_is_stopped_at_the_time_bound_and_its_worker_replaced(tmp_path: Path) -> None:
    slow = chart(
        tmp_path / "slow", "{{ range until 20000 }}{{ range until 20000 }}{{ end }}{{ end }}"
    )
    with bounded(Bounds(timeout=0.5)), pytest.raises(ToolFailed, match=r"stopped after 0\.5 s"):
        helm(slow)
    assert "x: ok" in helm(chart(tmp_path / "ok", "ok"))


def test_helm_past_the_memory_bound(tmp_path: Path) -> None:
    greedy = chart(tmp_path / "greedy", "{{ len (until 100000000) }}")
    with bounded(Bounds(memory=SMALL)), pytest.raises(ToolFailed, match="used more than 160 MiB"):
        helm(greedy)


def test_helm_files_is_the_chart(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("canary-4711")
    leaky = chart(tmp_path / "leaky", '{{ .Files.Get "files/s" | quote }}')
    (leaky / "files").mkdir()
    (leaky / "files" / "s").symlink_to(secret)
    with pytest.raises(ToolFailed, match="outside the repository") as refused:
        helm(leaky)
    assert "canary" not in str(refused.value)


def jsonnet(repo: Path, text: str, bounds: Bounds | None = None) -> list[dict[str, Any]]:
    app = repo / "app"
    app.mkdir(parents=True, exist_ok=True)
    (app / "main.jsonnet").write_text(text)
    with bounded(bounds or Bounds()):
        return evaluate_jsonnet(
            app / "main.jsonnet", app_folder=app, repo_root=repo, settings={}, env={}
        )


def test_jsonnet_is_bounded_in_time_and_memory(tmp_path: Path) -> None:
    slow = "local f(n) = if n == 0 then 0 else f(n - 1) + f(n - 1); {kind: 'x', v: f(40)}"
    with pytest.raises(JsonnetError, match=r"stopped after 0\.5 s"):
        jsonnet(tmp_path, slow, Bounds(timeout=0.5))
    greedy = "{kind: 'x', v: std.makeArray(200000000, function(i) i)}"
    with pytest.raises(JsonnetError, match="used more than 160 MiB"):
        jsonnet(tmp_path, greedy, Bounds(memory=SMALL))
    assert jsonnet(tmp_path, "{kind: 'x'}") == [{"kind": "x"}]


@pytest.mark.parametrize(
    "importing",
    [
        'importstr "/etc/passwd"',
        'importstr "../../../../../../../../etc/passwd"',
        'import "../../x"',
    ],
)
def test_jsonnet_imports_stay_in_the_repository(tmp_path: Path, importing: str) -> None:
    (tmp_path / "x").write_text("{}")
    repo = tmp_path / "repo"
    with pytest.raises(JsonnetError, match="outside the repository"):
        jsonnet(repo, "{kind: 'x', v: " + importing + "}")


def test_jsonnet_imports_in_the_repository_resolve(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "l.libsonnet").write_text("{v: 1}")
    found = jsonnet(tmp_path, "{kind: 'x', v: (import '../lib/l.libsonnet').v}")
    assert found == [{"kind": "x", "v": 1}]


def test_a_process_past_the_memory_bound(tmp_path: Path) -> None:
    greedy = [sys.executable, "-c", "x = bytearray(400 << 20)"]
    with bounded(Bounds(memory=SMALL)), pytest.raises(ToolFailed, match="used more than"):
        SubprocessRunner().run(greedy)


def test_a_bound_fails_one_application_and_the_others_render(tmp_path: Path) -> None:
    chart(tmp_path / "slow", "{{ range until 20000 }}{{ range until 20000 }}{{ end }}{{ end }}")
    chart(tmp_path / "ok", "ok")

    def app(path: str) -> dict[str, Any]:
        source = {"repoURL": "https://example.org/r.git", "path": path}
        return {"metadata": {"name": path}, "spec": {"source": source}}

    with bounded(Bounds(timeout=0.5)):
        slow = render_application(app("slow"), repository=tmp_path)
        ok = render_application(app("ok"), repository=tmp_path)
    assert [d.rule for d in slow.report] == ["render-argocd-helm-failed"]
    assert "stopped after 0.5 s" in next(iter(slow.report)).message
    assert ok.report.ok and ok.manifests[0]["data"] == {"x": "ok"}


def test_a_thread_that_cannot_start_under_the_limit_is_the_memory_bound() -> None:
    # Go's runtime under RLIMIT_AS often fails to map a new thread's stack before any
    # allocation fails: that death is the memory bound too, not an unexplained signal.
    from gitops_schema.render.bounds import ran_out_of_memory

    printed = "runtime/cgo: pthread_create failed: Resource temporarily unavailable\nSIGABRT: abort"
    assert ran_out_of_memory(printed)
    assert not ran_out_of_memory('Error: template: x.yaml:3: function "nope" not defined')
