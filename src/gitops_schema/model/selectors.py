"""Kubernetes label selectors (``matchLabels`` and ``matchExpressions``), matched offline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["matches_label_selector"]


def matches_label_selector(labels: Mapping[str, Any], selector: Mapping[str, Any]) -> bool:
    """Whether ``labels`` satisfy ``selector``, as the API server decides.

    Label values are not validated (Argo CD's parameters hold URLs), ``NotIn`` and
    ``DoesNotExist`` match when the key is absent, and an expression that is not a mapping
    has no key or an unknown operator matches nothing.
    """
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        if not isinstance(expression, Mapping):
            return False
        key, operator = expression.get("key"), expression.get("operator")
        if not isinstance(key, str):
            return False
        values = [str(v) for v in expression.get("values") or []]
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
        if operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return False
    return True
