"""Flux: every modelled kind of every Flux controller, gathered for the registry.

The kinds live in :mod:`.flux_source`, :mod:`.flux_kustomize`, :mod:`.flux_helm` and
:mod:`.flux_notification`; the types they share in :mod:`.flux_common`.
"""

from __future__ import annotations

from gitops_schema.model import flux_helm, flux_kustomize, flux_notification, flux_source

KINDS = (
    *flux_source.KINDS,
    *flux_kustomize.KINDS,
    *flux_helm.KINDS,
    *flux_notification.KINDS,
)
