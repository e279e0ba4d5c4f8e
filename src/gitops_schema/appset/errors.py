"""The error a generator or a template raises for one ApplicationSet entry.

Expansion collects these as diagnostics (it never stops at the first); the message text
follows Argo CD's, since users compare the two.
"""

from __future__ import annotations


class GeneratorError(Exception):
    """A generator could not produce its parameters, or a template could not be rendered."""
