"""The rule registry: every finding code, as a rule, by id.

Each lint rule family (one module each) declares its rules, each a code and the check
that finds it, in its ``RULES``. Every code of :data:`gitops_schema.codes.CODES` is found
by another stage (the loader, the models, the schema validator, ApplicationSet expansion,
rendering) and is a rule without a check, so that configuration can switch it off or
change its severity.
"""

from __future__ import annotations

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
from gitops_schema.codes import Code, reading, render
from gitops_schema.codes import appset as appset_codes

_FAMILIES = (deprecations, secrets, flux, argocd, appset, kustomize, monitoring)
"""The lint rule families, in documentation order."""


def _found_elsewhere(codes: tuple[Code, ...]) -> dict[str, Rule]:
    return {code.id: Rule(code) for code in codes}


RULES: dict[str, Rule] = {
    **_found_elsewhere(reading.CODES),
    **{rule.id: rule for family in _FAMILIES for rule in family.RULES},
    **_found_elsewhere(appset_codes.CODES + render.CODES),
}
"""Every rule, by id, in documentation order: the loader's and the models' codes, the
lint rules, then the codes of ApplicationSet expansion and of rendering."""
