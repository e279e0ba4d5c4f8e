"""DORA performance levels, with DevLake's 2023 thresholds (its DORA dashboard's rules).

Every level is one of the lower-case words ``elite``, ``high``, ``medium``, ``low``, or ``None``
when the window holds nothing to measure (no change deployed, no deployment, no recovery).

- Deployment frequency: ``elite`` at a median of at least 5 deployment days per week, ``high``
  at least 1 per week, ``medium`` at least 1 per month, else ``low``.
- Lead time for changes: ``elite`` under 24 hours, ``high`` under 7 days, ``medium`` under 30
  days, else ``low``.
- Change failure rate: ``elite`` at most 5%, ``high`` at most 10%, ``medium`` at most 15%, else
  ``low``.
- Failed deployment recovery time: ``elite`` under 1 hour, ``high`` under 24 hours, ``medium``
  under 7 days, else ``low``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Final, Literal

Level = Literal["elite", "high", "medium", "low"]
LEVELS: Final[tuple[Level, ...]] = ("elite", "high", "medium", "low")
"""From best to worst; a level's index is its rank (0 is best)."""

_HOUR: Final = 60
_DAY: Final = 24 * _HOUR

_LEAD_TIME_LIMITS: Final[tuple[tuple[int, Level], ...]] = (
    (24 * _HOUR, "elite"),
    (7 * _DAY, "high"),
    (30 * _DAY, "medium"),
)
_RECOVERY_LIMITS: Final[tuple[tuple[int, Level], ...]] = (
    (_HOUR, "elite"),
    (24 * _HOUR, "high"),
    (7 * _DAY, "medium"),
)
_FAILURE_RATE_LIMITS: Final[tuple[tuple[Fraction, Level], ...]] = (
    (Fraction(5, 100), "elite"),
    (Fraction(10, 100), "high"),
    (Fraction(15, 100), "medium"),
)


def frequency_level(median_days_per_week: float, median_days_per_month: float) -> Level:
    """The deployment frequency level from median deployment days per week and per month."""
    if median_days_per_week >= 5:
        return "elite"
    if median_days_per_week >= 1:
        return "high"
    if median_days_per_month >= 1:
        return "medium"
    return "low"


def _below(minutes: float, limits: tuple[tuple[int, Level], ...]) -> Level:
    for limit, level in limits:
        if minutes < limit:
            return level
    return "low"


def lead_time_level(median_minutes: float | None) -> Level | None:
    """The lead time level of a median lead time in minutes (``None``: no change deployed)."""
    return None if median_minutes is None else _below(median_minutes, _LEAD_TIME_LIMITS)


def recovery_level(median_minutes: float | None) -> Level | None:
    """The failed deployment recovery time level (``None``: no failed deployment recovered)."""
    return None if median_minutes is None else _below(median_minutes, _RECOVERY_LIMITS)


def change_failure_level(failed: int, deployments: int) -> Level | None:
    """The change failure rate level of ``failed`` out of ``deployments`` (``None``: none).

    Computed on the exact fraction, so 1 failure in 20 deployments is ``elite`` (5%) whatever
    floating point would make of it.
    """
    if deployments == 0:
        return None
    rate = Fraction(failed, deployments)
    for limit, level in _FAILURE_RATE_LIMITS:
        if rate <= limit:
            return level
    return "low"
