"""DORA levels at and around each of DevLake's 2023 thresholds (research notes section 1.2)."""

from __future__ import annotations

import pytest

from gitops_schema.analytics.levels import (
    change_failure_level,
    frequency_level,
    lead_time_level,
    recovery_level,
)

HOUR = 60
DAY = 24 * HOUR


@pytest.mark.parametrize(
    ("per_week", "per_month", "level"),
    [
        (7.0, 30.0, "elite"),
        (5.0, 20.0, "elite"),  # at least 5 deployment days a week
        (4.5, 20.0, "high"),
        (1.0, 4.0, "high"),  # at least 1 a week
        (0.5, 2.0, "medium"),  # less than weekly, at least monthly
        (0.0, 1.0, "medium"),
        (0.0, 0.5, "low"),
        (0.0, 0.0, "low"),  # no deployment at all
    ],
)
def test_deployment_frequency(per_week: float, per_month: float, level: str) -> None:
    assert frequency_level(per_week, per_month) == level


@pytest.mark.parametrize(
    ("minutes", "level"),
    [
        (0.0, "elite"),
        (DAY - 0.001, "elite"),
        (DAY, "high"),  # under 24 hours is elite: a day exactly is not
        (7 * DAY - 0.001, "high"),
        (7 * DAY, "medium"),
        (30 * DAY - 0.001, "medium"),
        (30 * DAY, "low"),
        (None, None),  # no change deployed in the window
    ],
)
def test_lead_time(minutes: float | None, level: str | None) -> None:
    assert lead_time_level(minutes) == level


@pytest.mark.parametrize(
    ("minutes", "level"),
    [
        (HOUR - 0.001, "elite"),
        (HOUR, "high"),
        (DAY - 0.001, "high"),
        (DAY, "medium"),
        (7 * DAY - 0.001, "medium"),
        (7 * DAY, "low"),
        (None, None),  # no failed deployment recovered
    ],
)
def test_recovery_time(minutes: float | None, level: str | None) -> None:
    assert recovery_level(minutes) == level


@pytest.mark.parametrize(
    ("failed", "deployments", "level"),
    [
        (0, 7, "elite"),
        (1, 20, "elite"),  # 5% exactly
        (1, 19, "high"),
        (1, 10, "high"),  # 10% exactly
        (1, 9, "medium"),
        (3, 20, "medium"),  # 15% exactly
        (4, 25, "low"),  # 16%
        (3, 3, "low"),
        (0, 0, None),  # no deployment: no rate
    ],
)
def test_change_failure_rate(failed: int, deployments: int, level: str | None) -> None:
    assert change_failure_level(failed, deployments) == level
