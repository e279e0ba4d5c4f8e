"""``gitops-schema upgrade``: deprecated and removed APIs -> current, as a diff or in place."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from gitops_schema.check.config import DEFAULT_FLUX_VERSION, DEFAULT_KUBERNETES_VERSION
from gitops_schema.cli._output import Exit, error_console
from gitops_schema.cli._params import Exclude, release
from gitops_schema.cli.convert import existing, progress_bar
from gitops_schema.convert.upgrade import upgrade_paths
from gitops_schema.errors import UsageError


def upgrade_command(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to upgrade.")],
    kubernetes_version: Annotated[
        str, typer.Option("--kubernetes-version", help="Target Kubernetes release.")
    ] = DEFAULT_KUBERNETES_VERSION,
    flux_version: Annotated[
        str, typer.Option("--flux-version", help="Target Flux release.")
    ] = DEFAULT_FLUX_VERSION,
    write: Annotated[
        bool, typer.Option("--write", help="Rewrite the files in place instead of printing a diff.")
    ] = False,
    exclude: Exclude = None,
) -> None:
    """Upgrade deprecated and removed apiVersions and kustomization fields.

    Without --write, prints a unified diff and changes nothing. Exit 0 when nothing
    needed upgrading (or everything was written), 1 when there is a diff to apply or a
    step left to do by hand, 2 on usage errors.
    """
    existing(paths)
    release("--kubernetes-version", kubernetes_version)
    release("--flux-version", flux_version)
    with progress_bar(None, "upgrading") as advance:
        result = upgrade_paths(
            paths,
            kubernetes_version=kubernetes_version,
            flux_version=flux_version,
            exclude=tuple(exclude or ()),
            progress=advance,
        )
    manual = False
    for upgrade in result.files:
        for change in upgrade.changes:
            manual = manual or change.manual
            mark = "to do by hand" if change.manual else "upgraded"
            error_console.print(
                f"{upgrade.shown}:{change.line}: {mark}: {change.message}",
                markup=False,
                highlight=False,
            )
        if not write and upgrade.changed:
            sys.stdout.write(upgrade.diff())
    for diagnostic in result.report.sorted():
        error_console.print(str(diagnostic), markup=False, highlight=False)
    pending = any(upgrade.changed for upgrade in result.files)
    if write:
        try:
            error_console.print(f"{result.write()} files rewritten")
        except OSError as error:
            raise UsageError(
                f"{error.filename}: cannot write: {error.strerror}; that file and the ones "
                "after it are left as they were"
            ) from None
        pending = False
    failed = pending or manual or not result.report.ok
    raise typer.Exit(Exit.FINDINGS if failed else Exit.OK)
