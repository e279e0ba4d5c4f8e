"""Fuzzing budget and figure: examples per target from the environment, a count at the end.

``make test`` runs every target briefly (``GITOPS_SCHEMA_FUZZ_EXAMPLES``, default 100);
``make fuzz`` gives each a fixed larger budget and sets ``GITOPS_SCHEMA_FUZZ_MIN``, so
the run fails unless that many generated inputs went through the parsers.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("GITOPS_SCHEMA_FUZZ_EXAMPLES", "100"))
MINIMUM = int(os.environ.get("GITOPS_SCHEMA_FUZZ_MIN", "0"))

for name, share in (
    ("gitops-schema-fuzz", 1),
    ("gitops-schema-fuzz-medium", 3),
    ("gitops-schema-fuzz-slow", 10),
):
    # Registered, not loaded: the other property tests keep their own settings.
    settings.register_profile(
        name,
        max_examples=max(EXAMPLES // share, 20),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )

INPUTS: Counter[str] = Counter()
"""Generated inputs that went through each target."""


@pytest.fixture(scope="session")
def inputs() -> Counter[str]:
    """The counter each fuzz target adds its inputs to."""
    return INPUTS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int) -> None:
    if not INPUTS:
        return
    total = sum(INPUTS.values())
    outcome = "no crash" if exitstatus == 0 else "FAILURES above"
    terminalreporter.write_line(
        f"fuzz: {total:,} generated inputs through {len(INPUTS)} targets, {outcome}: "
        + ", ".join(f"{name} {count:,}" for name, count in sorted(INPUTS.items()))
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    total = sum(INPUTS.values())
    if MINIMUM and session.exitstatus == 0 and total < MINIMUM:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(f"\nfuzz: only {total:,} generated inputs, fewer than {MINIMUM:,}")
