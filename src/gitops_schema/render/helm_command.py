"""The ``helm`` program kustomize runs for ``helmCharts`` (``--enable-helm``), on the Helm SDK.

kustomize inflates a kustomization's ``helmCharts`` by running a ``helm`` program:
``helm version -c --short``, then ``helm template RELEASE CHART --namespace NS --values
FILE ...``. No ``helm`` program is needed here: kustomize's ``--helm-command`` is a small
script that runs :func:`main` (see ``engines``), which answers those two calls with the
Helm engine Argo CD Helm sources and Flux HelmReleases render with. Charts are never
downloaded (``helm pull``): a chart must be in the kustomization's chart home.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_schema.errors import ToolFailed
from gitops_schema.load.plain import InputError, read_yaml_mapping
from gitops_schema.render.engines import HelmEngine
from gitops_schema.render.helm_values import merge_values
from gitops_schema.render.manifests import dump_stream, parse_stream

__all__ = ["main"]

_VERSION = "v3.0.0+gitops-schema"
"""What ``helm version`` answers: kustomize requires a Helm 3."""
_FLAGS = frozenset({"--include-crds", "--skip-tests", "--no-hooks", "--generate-name"})
_HOOK = "helm.sh/hook"


@dataclass
class _Template:
    """The arguments of one ``helm template`` call."""

    positional: list[str] = field(default_factory=list)
    namespace: str = "default"
    values: list[str] = field(default_factory=list)
    api_versions: list[str] = field(default_factory=list)
    kube_version: str | None = None
    flags: set[str] = field(default_factory=set)


def _parse(args: Sequence[str]) -> _Template:
    parsed = _Template()
    words = iter(args)
    for word in words:
        name, equals, inline = word.partition("=")
        if name in _FLAGS:
            parsed.flags.add(name)
        elif name.startswith("-"):
            value = inline if equals else next(words, "")
            if name in ("--namespace", "-n"):
                parsed.namespace = value
            elif name in ("--values", "-f"):
                parsed.values.append(value)
            elif name == "--api-versions":
                parsed.api_versions.append(value)
            elif name == "--kube-version":
                parsed.kube_version = value
        else:
            parsed.positional.append(word)
    return parsed


def _template(args: Sequence[str]) -> str:
    parsed = _parse(args)
    if "--generate-name" in parsed.flags:
        parsed.positional.insert(0, "release-name")
    if len(parsed.positional) != 2:
        raise ToolFailed(f"helm template needs a release name and a chart, got {args}")
    release, chart = parsed.positional
    values: dict[str, Any] = {}
    for file in parsed.values:
        try:
            values = merge_values(values, read_yaml_mapping(Path(file)))
        except InputError as error:
            raise ToolFailed(f"values file {file}: {error.diagnostic.message}") from error
    text = HelmEngine().template(
        Path(chart),
        values,
        release=release,
        namespace=parsed.namespace,
        kube_version=parsed.kube_version,
        api_versions=parsed.api_versions,
    )
    objects = [o for o in parse_stream(text, f"helm template {chart}") if _kept(o, parsed.flags)]
    if "--include-crds" in parsed.flags:
        objects = _crds(Path(chart)) + objects
    return dump_stream(objects)


def _kept(obj: dict[str, Any], flags: set[str]) -> bool:
    """Whether ``helm template`` prints a rendered object under these flags."""
    hooks = str(((obj.get("metadata") or {}).get("annotations") or {}).get(_HOOK) or "")
    if hooks and "--no-hooks" in flags:
        return False
    return not ("--skip-tests" in flags and "test" in hooks.replace(" ", "").split(","))


def _crds(chart: Path) -> list[dict[str, Any]]:
    """The chart's ``crds/`` files, which ``helm template --include-crds`` prints first."""
    folder = chart / "crds"
    if not folder.is_dir():
        return []
    found: list[dict[str, Any]] = []
    for path in sorted(folder.iterdir()):
        if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
            try:
                found.extend(parse_stream(path.read_text(encoding="utf-8"), str(path)))
            except (InputError, OSError, UnicodeDecodeError) as error:
                raise ToolFailed(f"CRD file {path}: {error}") from error
    return found


def main(args: Sequence[str]) -> int:
    """Answer one call kustomize makes of ``helm``; the exit status."""
    command = args[0] if args else ""
    try:
        if command == "version":
            sys.stdout.write(_VERSION + "\n")
        elif command == "template":
            sys.stdout.write(_template(args[1:]))
        else:
            sys.stderr.write(
                f"helm {command}: not run offline; put the chart in the kustomization's "
                "chart home (helmGlobals.chartHome, charts/ by default)\n"
            )
            return 1
    except ToolFailed as error:
        sys.stderr.write(f"{error}\n")
        return 1
    return 0
