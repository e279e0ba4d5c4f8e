"""``python -m gitops_schema.conformance SUITE DIR``: run a suite and print the mismatches.

Prints one line per failing case (file, name, expected, got), then ``N passed, M failed``.
Exit status: 0 when every case passes, 1 when some fail, 2 for a usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gitops_schema.conformance import SUITES


def main(argv: list[str]) -> int:
    """Run the suite named by ``argv[0]`` over the directory ``argv[1]``."""
    if len(argv) != 2 or argv[0] not in SUITES or not Path(argv[1]).is_dir():
        names = "|".join(sorted(SUITES))
        print(f"usage: python -m gitops_schema.conformance {{{names}}} DIR", file=sys.stderr)
        return 2
    results = SUITES[argv[0]](Path(argv[1]))
    failed = [r for r in results if not r.passed]
    for r in failed:
        print(f"FAIL {r.file} :: {r.name}: expected {r.expected!r}, got {r.got!r}")
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
