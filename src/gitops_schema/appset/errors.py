"""The error a generator or a template raises for one ApplicationSet entry.

Expansion collects these as diagnostics (it never stops at the first); the message text
follows Argo CD's, since users compare the two.
"""

from __future__ import annotations


class GeneratorError(Exception):
    """A generator could not produce its parameters, or a template could not be rendered."""


class NotAvailableOffline(GeneratorError):
    """A generator needs data that was not given offline (an SCM listing, a plugin answer).

    Not a defect of the ApplicationSet: checks report it as information, not as an error.
    """


class TooManyApplications(GeneratorError):
    """The parameter sets of an ApplicationSet would pass ``--max-applications``.

    A bound of ours (Argo CD has none): expanding further would exhaust memory.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"generates more than {limit} Applications, the most one ApplicationSet may "
            "generate here (--max-applications)"
        )
