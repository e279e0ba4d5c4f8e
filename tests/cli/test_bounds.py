"""`--timeout` and `--memory-limit`: a render past a bound is one application's finding."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def application(name: str) -> str:
    return (
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
        f"metadata: {{name: {name}, namespace: argocd}}\n"
        "spec:\n  project: default\n"
        f"  source: {{repoURL: 'https://example.org/r.git', path: charts/{name}}}\n"
        "  destination: {server: 'https://kubernetes.default.svc', namespace: demo}\n"
    )


def chart(folder: Path, template: str) -> None:
    (folder / "templates").mkdir(parents=True)
    (folder / "Chart.yaml").write_text(f"apiVersion: v2\nname: {folder.name}\nversion: 1.0.0\n")
    (folder / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  x: " + template + "\n"
    )


def test_render_stops_an_application_at_the_time_bound(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    chart(
        tmp_path / "charts" / "slow",
        "{{ range until 20000 }}{{ range until 20000 }}{{ end }}{{ end }}",
    )
    chart(tmp_path / "charts" / "fine", "ok")
    (tmp_path / "apps.yaml").write_text(application("slow") + "---\n" + application("fine"))
    result = cli(
        "render", str(tmp_path), "--no-cache", "--timeout", "0.5", "--memory-limit", "300MiB"
    )
    assert result.code == 1
    assert "stopped after 0.5 s" in result.err
    assert "x: ok" in result.out


def test_bad_bounds_are_usage_errors(tmp_path: Path, cli: Callable[..., Any]) -> None:
    assert cli("render", str(tmp_path), "--timeout", "0").code == 2
    refused = cli("render", str(tmp_path), "--memory-limit", "lots")
    assert refused.code == 2 and "invalid size" in refused.err
