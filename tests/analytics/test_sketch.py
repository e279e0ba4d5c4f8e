"""The duration histogram: its buckets' bound, its decimal form, and the p95 read from it."""

from __future__ import annotations

import random
import struct

import pytest

from gitops_schema.analytics import sketch
from gitops_schema.analytics.syncstats import (
    EXACT_LIMIT,
    Summary,
    exact_p95,
    p95_of_values,
    sketched_p95,
)


@pytest.mark.parametrize("seed", range(20))
def test_bucket_values_are_within_the_relative_error(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        duration = 10 ** rng.uniform(-3, 6)
        value = sketch.value(sketch.position(duration))
        assert abs(value - duration) <= sketch.ALPHA * duration * (1 + 1e-9)
    assert sketch.value(sketch.position(0.0)) == 0.0


def _summary(values: list[float]) -> Summary:
    return Summary(len(values), len(values), sum(values), min(values), max(values))


@pytest.mark.parametrize("seed", range(30))
def test_p95_from_the_histogram_is_within_two_percent(seed: int) -> None:
    rng = random.Random(seed)
    size = rng.randint(EXACT_LIMIT + 1, 3000)
    values = [round(rng.lognormvariate(3, 1.2), rng.choice([0, 3])) for _ in range(size)]
    exact = exact_p95(values)
    estimate = p95_of_values(values, _summary(values))
    assert abs(estimate - exact) <= sketch.ALPHA * exact + 1e-12
    assert min(values) <= estimate <= max(values)


def test_small_groups_get_the_exact_p95() -> None:
    values = [30.0, 60.0, 60.0, 120.0, 300.0]
    assert p95_of_values(values, _summary(values)) == 120 + 0.8 * 180


def _sent(number: int) -> bytes:
    """``numeric_send`` of a non-negative integer: base-10000 digits, trailing zeros dropped."""
    digits = []
    while number:
        number, digit = divmod(number, 10_000)
        digits.append(digit)
    weight = len(digits) - 1
    digits.reverse()
    while digits and digits[-1] == 0:
        digits.pop()
    return struct.pack(f">hhhh{len(digits)}h", len(digits), weight, 0, 0, *digits)


def test_the_decimal_form_sums_as_the_counts_do() -> None:
    rng = random.Random(7)
    days = [[rng.uniform(0.5, 900) for _ in range(rng.randint(1, 40))] for _ in range(12)]
    running = [0]
    for day in days:  # what the running rollup keeps: every duration up to each day
        running.append(running[-1] + sum(10 ** (sketch.DIGITS * sketch.position(d)) for d in day))
    everything = [d for day in days[3:] for d in day]
    counts = sketch.counts(everything)
    # days 4 to 12: the last running histogram minus the one of day 3, as PostgreSQL sends it
    window = _sent(running[-1] - running[3])
    assert dict(sketch.descending(window, {})) == counts
    # partial days' counts add to the digits, bucket by bucket
    half = sketch.counts(everything[:10])
    rest = sum(10 ** (sketch.DIGITS * sketch.position(d)) for d in everything[10:])
    assert dict(sketch.descending(_sent(rest), half)) == counts
    summary = _summary(everything)
    assert sketched_p95(window, {}, summary) == sketched_p95(None, counts, summary)
    assert sketched_p95(_sent(rest), half, summary) == sketched_p95(window, {}, summary)
    # counts past one 16-bit digit, and a zero duration's bucket
    many = [7.0] * 12_345 + [0.0] * 3
    assert dict(
        sketch.descending(_sent(sum(10 ** (sketch.DIGITS * sketch.position(d)) for d in many)), {})
    ) == sketch.counts(many)


@pytest.mark.parametrize("seed", range(10))
def test_the_top_ranks_read_from_the_highest_bucket_down(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(50):
        # narrow and wide spreads: the ranks among the first buckets sent, or past them
        sigma = rng.choice([0.2, 1.0, 3.0])
        values = [rng.lognormvariate(3, sigma) for _ in range(rng.randint(1, 2000))]
        number = sum(c * 10 ** (sketch.DIGITS * b) for b, c in sketch.counts(values).items())
        n = len(values)
        low, high = (19 * (n - 1)) // 20, min((19 * (n - 1)) // 20 + 1, n - 1)
        found = sketch.ranked_in(_sent(number), {}, n, (low, high))
        assert sketch.top_ranked(_sent(number), n, low, high) == (found[low], found[high])


@pytest.mark.parametrize("seed", range(5))
def test_the_top_ranks_of_a_histogram_with_counts_added_and_taken_away(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(50):
        kept = [rng.lognormvariate(3, 1) for _ in range(rng.randint(0, 300))]
        removed = [rng.lognormvariate(3, 1) for _ in range(rng.randint(0, 20))]
        added = [rng.lognormvariate(rng.choice([2, 6]), 1) for _ in range(rng.randint(1, 20))]
        base = sketch.counts(kept + removed)
        number = sum(c * 10 ** (sketch.DIGITS * b) for b, c in base.items())
        extra = sketch.counts(added)
        for bucket, count in sketch.counts(removed).items():
            extra[bucket] = extra.get(bucket, 0) - count
        n = len(kept) + len(added)
        low, high = (19 * (n - 1)) // 20, min((19 * (n - 1)) // 20 + 1, n - 1)
        found = sketch.ranked_in(_sent(number) if number else None, extra, n, (low, high))
        sent = _sent(number) if number else None
        assert sketch.top_ranked(sent, n, low, high, extra) == (found[low], found[high])
