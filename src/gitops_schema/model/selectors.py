"""Kubernetes label selectors (``matchLabels`` and ``matchExpressions``), matched offline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["matches_label_selector"]


def matches_label_selector(labels: Mapping[str, Any], selector: Mapping[str, Any]) -> bool:
    """Whether ``labels`` satisfy ``selector``, as the API server decides.

    Label values are not validated (Argo CD's parameters hold URLs), ``NotIn`` and
    ``DoesNotExist`` match when the key is absent, and an expression that is not a mapping
    has no key or an unknown operator matches nothing, and so does a selector whose
    ``matchLabels`` is not a mapping or ``matchExpressions`` not a list.
    """
    match_labels = selector.get("matchLabels") or {}
    expressions = selector.get("matchExpressions") or []
    if not isinstance(match_labels, Mapping) or not isinstance(expressions, list):
        return False  # A selector of another shape (the schema says so) selects nothing.
    for key, value in match_labels.items():
        if labels.get(key) != value:
            return False
    for expression in expressions:
        if not isinstance(expression, Mapping):
            return False
        key, operator = expression.get("key"), expression.get("operator")
        if not isinstance(key, str):
            return False
        listed = expression.get("values") or []
        values = [str(v) for v in listed] if isinstance(listed, list) else []
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
