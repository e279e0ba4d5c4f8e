"""What one ``check`` run reads, and how: the typed options of ``gitops-schema check``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from gitops_schema.check.config import CheckConfig
from gitops_schema.desired import RenderOptions
from gitops_schema.load import LoadOptions

__all__ = ["CheckFields", "CheckOptions"]


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """The options of one check run (the command line's, or a caller's)."""

    revision: str | None = None
    """Check the paths as of this git revision; None for the work tree."""
    config: CheckConfig = field(default_factory=CheckConfig)
    """Rules, severities, excludes, production environments, target versions."""
    load: LoadOptions = field(default_factory=LoadOptions)
    """Loader limits; its ``exclude`` is extended with the configuration's."""
    clusters: Sequence[Path] = ()
    """Cluster inventories to expand ApplicationSets against, besides the cluster
    Secrets among the checked files."""
    scm_data: Sequence[Path] = ()
    """Recorded pull-request and repository listings for their generators."""
    render: RenderOptions | None = None
    """Also render the repository (the one folder checked) with these options, and check
    the rendered objects (see :mod:`gitops_schema.check.rendered`)."""
    fetch_schemas: bool = False
    """Fetch, over http(s), the documents that a chart's ``values.schema.json`` refers to
    with ``$ref`` (``--allow-network``); offline, such a chart's values are not checked."""


class CheckFields(TypedDict, total=False):
    """Fields of :class:`CheckOptions` given one by one, as keywords of ``check``."""

    revision: str | None
    config: CheckConfig
    load: LoadOptions
    clusters: Sequence[Path]
    scm_data: Sequence[Path]
    render: RenderOptions | None
    fetch_schemas: bool
