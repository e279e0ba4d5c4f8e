"""The rule registry: a rule for every registered finding code, by id.

The rule families (one module each) give the codes they find a check function; every
other code of :data:`gitops_schema.codes.CODES` is found by another stage (the loader,
the models, the schema validator, ApplicationSet expansion, rendering) and is a rule
without a check, so that configuration can switch it off or change its severity.
"""

from __future__ import annotations

from gitops_schema.check import expansion
from gitops_schema.check.rule import Rule
from gitops_schema.check.rules import (
    appset,
    argocd,
    deprecations,
    flux,
    kustomize,
    monitoring,
    secrets,
)
from gitops_schema.codes import CODES

_FAMILIES = (deprecations, secrets, flux, argocd, appset, expansion, kustomize, monitoring)

_CHECKED: dict[str, Rule] = {rule.id: rule for family in _FAMILIES for rule in family.RULES}

RULES: dict[str, Rule] = {code.id: _CHECKED.get(code.id) or Rule(code) for code in CODES.values()}
"""Every rule, by id, in documentation order (the order of the codes)."""
