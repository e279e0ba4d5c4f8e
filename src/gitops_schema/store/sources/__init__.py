"""Sources of the history store: pure payload parsers (payload -> records) and the poller.

``argocd`` reads Argo CD Applications (webhook bodies, polled or exported objects), ``flux``
reads Flux notification-controller events and polled Kustomizations / HelmReleases,
``files`` reads exported lists and JSON lines, ``cluster`` polls the Kubernetes API and
``git`` reads commits and config revisions.
"""
