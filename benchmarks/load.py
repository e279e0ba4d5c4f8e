"""Load all of ../shared/corpus with positions; compare with PyYAML's C safe_load_all.

Prints both times (best of several rounds) and their ratio. Goal: at most 1.5x.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

from gitops_schema.load import load_paths
from gitops_schema.load.files import select, walk

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
ROUNDS = 7


def baseline(files: list[Path]) -> int:
    count = 0
    for path in files:
        try:
            for doc in yaml.load_all(path.read_bytes(), Loader=yaml.CSafeLoader):
                count += doc is not None
        except yaml.YAMLError:
            pass
    return count


def ours() -> int:
    return len(load_paths([CORPUS]).documents)


def best(func: object, *args: object) -> tuple[float, int]:
    times = []
    result = 0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        result = func(*args)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    files = [CORPUS / p for p in select(walk(CORPUS))]
    base_time, base_docs = best(baseline, files)
    our_time, our_docs = best(ours)
    print(f"files: {len(files)}")
    print(f"PyYAML CSafeLoader safe_load_all: {base_time * 1000:.1f} ms, {base_docs} documents")
    print(f"gitops-schema load with positions: {our_time * 1000:.1f} ms, {our_docs} documents")
    print(f"ratio: {our_time / base_time:.2f}x (goal: at most 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
