"""The registry of every finding code: id, default severity, summary, bad and good example.

A core module: every stage reaches it (it imports only ``diagnostics`` and ``location``).
A stage emits a registered code, preferably through its typed constructor
(``RENDER_DUPLICATE.at(message, where)``); ``tests/test_codes.py`` refuses a code
emitted anywhere in ``src/`` that is not registered here, or at another severity than
its default. ``check`` builds its rules on these codes, ``gitops-schema rules`` lists
them and the README's rule table is generated from them.

To add a code: define it in the module of the stage that emits it (``reading``, ``lint``,
``appset``, ``render``) and add it to that module's ``CODES``.
"""

from gitops_schema.codes import appset, lint, reading, render
from gitops_schema.codes._code import Code

__all__ = ["CODES", "Code"]

CODES: dict[str, Code] = {
    code.id: code for family in (reading, lint, appset, render) for code in family.CODES
}
"""Every finding code, by id, in documentation order."""
