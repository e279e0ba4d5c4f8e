"""The registry of the finding codes of the stages below ``check``.

Each code has an id, a default severity, a summary and a bad and a good example. A core
module: every stage reaches it (it imports only ``diagnostics`` and ``location``). A stage
emits a registered code, preferably through its typed constructor
(``RENDER_DUPLICATE.at(message, where)``); ``tests/test_codes.py`` refuses a code
emitted anywhere in ``src/`` that is not registered, or at another severity than its
default.

The codes of the lint rules are not here: only ``check`` finds them, so each is declared
beside its check, in its rule family (``check/rules/<family>.py``), and
:data:`gitops_schema.check.rules.RULES` is the registry of every code, these and those:
``gitops-schema rules`` lists it and the README's rule table is generated from it.

To add a code of a stage: define it in the module of the stage that emits it
(``reading``, ``appset``, ``render``) and add it to that module's ``CODES``.
"""

from gitops_schema.codes import appset, reading, render
from gitops_schema.codes._code import Code

__all__ = ["CODES", "Code"]

CODES: dict[str, Code] = {
    code.id: code for family in (reading, appset, render) for code in family.CODES
}
"""The codes of the stages below ``check``, by id, in documentation order."""
