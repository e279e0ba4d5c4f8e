"""The duration histogram of the sync rollup: fixed log-spaced buckets (as DDSketch's).

A duration ``x > 0`` falls in bucket ``i = ceil(ln(x) / ln(gamma))`` with
``gamma = (1 + ALPHA) / (1 - ALPHA)``, which holds ``(gamma^(i-1), gamma^i]``; the bucket's
value ``2 gamma^i / (gamma + 1)`` is within ``ALPHA`` (2%) of every duration in it. Buckets are
clamped to 1 ms .. 10^6 s (a duration outside is counted in the end bucket); a zero duration
has a bucket of its own (value 0).

A histogram is one decimal integer: the count of bucket position ``j`` is its digits
``DIGITS * j .. DIGITS * (j + 1) - 1`` (from the right). Adding histograms is adding the
integers, so PostgreSQL sums them with ``SUM`` over ``NUMERIC``, exactly, as long as no bucket
of the sum reaches ``10^DIGITS`` (the reader checks the total count first).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Final

ALPHA: Final = 0.02
"""The relative error of a bucket's value."""
GAMMA: Final = (1 + ALPHA) / (1 - ALPHA)
LOG_GAMMA: Final = math.log(GAMMA)
LOWEST: Final = math.ceil(math.log(0.001) / LOG_GAMMA)
HIGHEST: Final = math.ceil(math.log(1e6) / LOG_GAMMA)
DIGITS: Final = 5
LIMIT: Final = 10**DIGITS
"""A histogram whose total count reaches this may have carried; it is not read."""


def position(duration: float) -> int:
    """The bucket position of a duration (0 for zero; ``1 ..`` for the log buckets)."""
    if duration <= 0:
        return 0
    index = min(max(math.ceil(math.log(duration) / LOG_GAMMA), LOWEST), HIGHEST)
    return index - LOWEST + 1


def value(bucket: int) -> float:
    """The value that stands for the durations of a bucket position."""
    if bucket == 0:
        return 0.0
    return 2 * GAMMA ** (bucket - 1 + LOWEST) / (GAMMA + 1)


def position_sql(duration: str) -> str:
    """PostgreSQL for :func:`position` (the same float arithmetic, so the same bucket)."""
    log_gamma = f"CAST('{LOG_GAMMA!r}' AS DOUBLE PRECISION)"
    return (
        f"(CASE WHEN {duration} <= 0 THEN 0 ELSE LEAST(GREATEST(CAST(ceil(ln({duration}) / "
        f"{log_gamma}) AS INTEGER), {LOWEST}), {HIGHEST}) - {LOWEST} + 1 END)"
    )


def one_sql(duration: str) -> str:
    """PostgreSQL: the histogram holding one duration (``NULL`` for an unknown one)."""
    return (
        f"(CASE WHEN {duration} IS NULL THEN NULL "
        f"ELSE trunc(power(10::numeric, {DIGITS} * {position_sql(duration)})) END)"
    )


def descending(digits: str, extra: Mapping[int, int]) -> Iterator[tuple[int, int]]:
    """``(position, count)`` from the highest bucket down: a histogram's digits plus counts."""
    top = max((len(digits) - 1) // DIGITS if digits else -1, max(extra, default=-1))
    for bucket in range(top, -1, -1):
        end = len(digits) - DIGITS * bucket
        chunk = digits[max(end - DIGITS, 0) : end] if end > 0 else ""
        count = (int(chunk) if chunk else 0) + extra.get(bucket, 0)
        if count:
            yield bucket, count


def counts(durations: Iterable[float]) -> dict[int, int]:
    """The histogram of some durations, as counts by bucket position."""
    found: dict[int, int] = {}
    for duration in durations:
        bucket = position(duration)
        found[bucket] = found.get(bucket, 0) + 1
    return found


def ranked(buckets: Iterable[tuple[int, int]], n: int, ranks: tuple[int, ...]) -> dict[int, float]:
    """The values at some 0-based ascending ranks of ``n`` counted durations.

    ``buckets`` come from the highest down (:func:`descending`); only as many are read as the
    lowest rank asked for needs.
    """
    wanted = sorted(ranks, reverse=True)
    found: dict[int, float] = {}
    above = 0  # durations in the buckets read so far
    for bucket, count in buckets:
        above += count
        lowest_here = n - above  # the ascending rank of this bucket's lowest duration
        while wanted and wanted[0] >= lowest_here:
            found[wanted.pop(0)] = value(bucket)
        if not wanted:
            break
    return found
