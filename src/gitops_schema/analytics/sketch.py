"""The duration histogram of the sync rollup: fixed log-spaced buckets (as DDSketch's).

A duration ``x > 0`` falls in bucket ``i = ceil(ln(x) / ln(gamma))`` with
``gamma = (1 + ALPHA) / (1 - ALPHA)``, which holds ``(gamma^(i-1), gamma^i]``; the bucket's
value ``2 gamma^i / (gamma + 1)`` is within ``ALPHA`` (2%) of every duration in it. Buckets are
clamped to 1 ms .. 10^6 s (a duration outside is counted in the end bucket); a zero duration
has a bucket of its own (value 0).

A histogram is one decimal integer: the count of bucket position ``j`` is its digits
``DIGITS * j .. DIGITS * (j + 1) - 1`` (from the right). Adding or subtracting histograms is
adding or subtracting the integers, so PostgreSQL keeps them as ``NUMERIC``, exactly: a running
histogram (every duration up to a day) minus an earlier one is the histogram of the days
between, whose buckets can be read as long as none reaches ``10^DIGITS`` (the reader checks
the total count first). ``DIGITS`` is two of ``NUMERIC``'s base-10000 digits, so the binary form
PostgreSQL sends (``numeric_send``) holds the counts as pairs of 16-bit digits, read without
decimal text.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable, Iterator, Mapping
from typing import Final

ALPHA: Final = 0.02
"""The relative error of a bucket's value."""
GAMMA: Final = (1 + ALPHA) / (1 - ALPHA)
LOG_GAMMA: Final = math.log(GAMMA)
LOWEST: Final = math.ceil(math.log(0.001) / LOG_GAMMA)
HIGHEST: Final = math.ceil(math.log(1e6) / LOG_GAMMA)
DIGITS: Final = 8
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
    # a power of ten from its text is several times cheaper than power()
    return (
        f"(CASE WHEN {duration} IS NULL THEN NULL "
        f"ELSE CAST('1e' || ({DIGITS} * {position_sql(duration)}) AS NUMERIC) END)"
    )


_NBASE: Final = 10_000
"""The base of ``NUMERIC``'s digits; a bucket's count is two of them."""
_VALUES: Final = tuple(value(bucket) for bucket in range(HIGHEST - LOWEST + 2))
_HEAD: Final = struct.Struct(">hh")


def _digits(sent: bytes | None) -> tuple[int, tuple[int, ...]]:
    """The top position and, from it down, its digits in pairs (high, low), as sent."""
    if not sent:
        return -1, ()
    count, weight = struct.unpack_from(">hh", sent)
    digits = struct.unpack_from(f">{count}h", sent, 8)
    # position j is the digits of weights 2j + 1 and 2j: start on an odd weight, end even
    if weight % 2 == 0:
        digits, weight = (0, *digits), weight + 1
    if len(digits) % 2:
        digits = (*digits, 0)
    return weight // 2, digits


def descending(sent: bytes | None, extra: Mapping[int, int]) -> Iterator[tuple[int, int]]:
    """``(position, count)`` from the highest bucket down.

    ``sent`` is a histogram as ``numeric_send`` gives it (``None`` for none), ``extra`` counts
    to add per position.
    """
    top, digits = _digits(sent)
    if not extra:  # the usual case, read lazily: the p95 needs the top few buckets
        for index in range(0, len(digits), 2):
            found = digits[index] * _NBASE + digits[index + 1]
            if found:
                yield top - index // 2, found
        return
    lowest = top - len(digits) // 2 + 1
    for bucket in range(max(top, max(extra)), -1, -1):
        found = extra.get(bucket, 0)
        if lowest <= bucket <= top:
            index = 2 * (top - bucket)
            found += digits[index] * _NBASE + digits[index + 1]
        if found:
            yield bucket, found


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


def ranked_in(
    sent: bytes | None, extra: Mapping[int, int], n: int, ranks: tuple[int, ...]
) -> dict[int, float]:
    """:func:`ranked` of the histogram ``sent`` plus ``extra`` (:func:`descending`'s)."""
    if extra or not sent:
        return ranked(descending(sent, extra), n, ranks)
    # the usual case in one loop: a report reads thousands of these
    top, digits = _digits(sent)
    wanted = sorted(ranks, reverse=True)
    found: dict[int, float] = {}
    above = 0
    for index in range(0, len(digits), 2):
        count = digits[index] * _NBASE + digits[index + 1]
        if not count:
            continue
        above += count
        while wanted and wanted[0] >= n - above:
            found[wanted.pop(0)] = value(top - index // 2)
        if not wanted:
            break
    return found


_PREFIX: Final = struct.Struct(">24h")
"""The first 12 buckets' digits: the p95 of a report's groups is most often among them."""


def top_ranked(
    sent: bytes | None, n: int, low: int, high: int, extra: Mapping[int, int] | None = None
) -> tuple[float, float]:
    """The values at the ascending ranks ``low <= high`` of the ``n`` durations of a histogram.

    ``sent`` is the histogram as ``numeric_send`` gives it (``None`` for none), ``extra``
    counts to add per position; it is read from its highest bucket down only as far as the
    rank ``low`` (the p95's ranks are near the top).
    """
    wanted = n - 1 - high, n - 1 - low  # ranks from the top
    count, weight = _HEAD.unpack_from(sent) if sent else (0, -2)
    if count > _PREFIX.size // 2:  # the first buckets are usually enough
        found = _scan(_PREFIX.unpack_from(sent or b"", 8), weight, False, extra, wanted)
        if found is not None:
            return found
    digits = struct.unpack_from(f">{count}h", sent, 8) if sent else ()
    found = _scan(digits, weight, True, extra, wanted)
    if found is None:
        raise ValueError("a histogram holding fewer durations than counted")
    return found


def _scan(
    digits: tuple[int, ...],
    weight: int,
    complete: bool,
    extra: Mapping[int, int] | None,
    wanted: tuple[int, int],
) -> tuple[float, float] | None:
    """:func:`top_ranked` over the leading digits sent; ``None`` when they are not enough."""
    # digit i has weight `weight - i`: bucket (weight - i) // 2, its high half when that is
    # odd; a top bucket's zero high half is not sent
    if weight % 2 == 0:
        digits = (0, *digits)
    if len(digits) % 2:
        digits = (*digits, 0)  # a prefix cut in a bucket counts less: it only reads on
    top = weight // 2
    wanted_high, wanted_low = wanted
    found_high = -1.0
    above = 0
    for bucket in range(max(top, max(extra)) if extra else top, -1, -1):
        index = 2 * (top - bucket)
        count = extra.get(bucket, 0) if extra else 0
        if index >= 0:  # above the histogram's top only added counts lie
            if index < len(digits):
                count += digits[index] * _NBASE + digits[index + 1]
            elif not complete:
                return None
        above += count
        if found_high < 0 and above > wanted_high:
            found_high = _VALUES[bucket]
        if above > wanted_low:
            return _VALUES[bucket], found_high
    return None
