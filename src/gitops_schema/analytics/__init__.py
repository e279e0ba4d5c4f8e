"""Analytics over the recorded history: sync statistics, deployments, DORA, audit.

Also what monitoring needs: metric names, alert rules and a Grafana dashboard. The definitions
of every figure are in :mod:`gitops_schema.analytics.definitions`; the DORA levels in
:mod:`gitops_schema.analytics.levels`.
"""
