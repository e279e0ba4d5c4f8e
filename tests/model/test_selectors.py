"""Label selectors, matched as the API server matches them."""

from __future__ import annotations

from typing import Any

import pytest

from gitops_schema.model.selectors import matches_label_selector

LABELS = {"env": "prod", "tier": "web", "replicas": "3"}


@pytest.mark.parametrize(
    ("selector", "matched"),
    [
        ({}, True),
        ({"matchLabels": {"env": "prod"}}, True),
        ({"matchLabels": {"env": "dev"}}, False),
        ({"matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "dev"]}]}, True),
        ({"matchExpressions": [{"key": "replicas", "operator": "In", "values": [3]}]}, True),
        ({"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["prod"]}]}, False),
        ({"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}, True),
        ({"matchExpressions": [{"key": "zone", "operator": "Exists"}]}, False),
        ({"matchExpressions": [{"key": "zone", "operator": "DoesNotExist"}]}, True),
        ({"matchExpressions": [{"key": "env", "operator": "Gt", "values": ["1"]}]}, False),
        ({"matchExpressions": [{"operator": "DoesNotExist"}]}, False),
        ({"matchExpressions": ["env in (prod)"]}, False),
    ],
)
def test_selectors(selector: dict[str, Any], matched: bool) -> None:
    assert matches_label_selector(LABELS, selector) is matched
