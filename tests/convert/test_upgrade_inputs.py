"""upgrade (and check) on what a user can get wrong: a release that is not one is a usage
error (it compared as no release, so every API looked current), and a file that cannot be
read fails the run instead of passing in silence."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

INGRESS = """\
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: web}
spec:
  backend: {serviceName: web, servicePort: 80}
"""


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [
        ("upgrade", "--kubernetes-version", "banana"),
        ("upgrade", "--kubernetes-version", "1"),
        ("upgrade", "--flux-version", "x.y"),
        ("check", "--flux-version", "two"),
        ("check", "--argocd-version", "latest"),
    ],
)
def test_a_release_that_is_not_one_is_a_usage_error(
    tmp_path: Path, cli: Callable[..., Any], command: str, option: str, value: str
) -> None:
    (tmp_path / "ingress.yaml").write_text(INGRESS)
    run = cli(command, str(tmp_path), option, value)
    assert run.code == 2
    assert (
        run.err.strip() == f'error: {option} {value!r}: not a release such as "1.33" (major.minor)'
    )
    assert (tmp_path / "ingress.yaml").read_text() == INGRESS


@pytest.mark.parametrize("version", ["1.22", "v1.22.3"])
def test_releases_are_read_in_their_usual_forms(
    tmp_path: Path, cli: Callable[..., Any], version: str
) -> None:
    (tmp_path / "ingress.yaml").write_text(INGRESS)
    run = cli("upgrade", str(tmp_path), "--kubernetes-version", version)
    assert run.code == 1
    assert "+apiVersion: networking.k8s.io/v1" in run.out


def test_a_file_that_cannot_be_read_fails_the_run(tmp_path: Path, cli: Callable[..., Any]) -> None:
    (tmp_path / "broken.yaml").write_text("metadata: [\n")
    run = cli("upgrade", str(tmp_path))
    assert run.code == 1
    assert "broken.yaml:2:1: error:" in run.err and "[yaml-syntax]" in run.err


def test_a_write_that_fails_leaves_every_file_as_it_was(
    tmp_path: Path, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ingress.yaml").write_text(INGRESS)

    def full(source: str, target: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", source)

    monkeypatch.setattr(os, "replace", full)
    run = cli("upgrade", str(tmp_path / "ingress.yaml"), "--write")
    assert run.code == 2
    assert f"{tmp_path / 'ingress.yaml'}: cannot write: No space left on device" in run.err
    assert (tmp_path / "ingress.yaml").read_text() == INGRESS
    assert [p.name for p in tmp_path.iterdir()] == ["ingress.yaml"]


def test_write_keeps_the_mode_and_writes_through_a_symlink(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    real = tmp_path / "real.yaml"
    real.write_text(INGRESS)
    real.chmod(0o640)
    (tmp_path / "link.yaml").symlink_to(real)
    run = cli("upgrade", str(tmp_path / "link.yaml"), "--write")
    assert run.code == 0, run.err
    assert (tmp_path / "link.yaml").is_symlink()
    assert real.read_text().startswith("apiVersion: networking.k8s.io/v1\n")
    assert real.stat().st_mode & 0o777 == 0o640
