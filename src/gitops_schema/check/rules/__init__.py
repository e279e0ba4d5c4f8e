"""The rule registry: every rule family's rules, by id."""

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
    reported,
    secrets,
)

RULES: dict[str, Rule] = {
    rule.id: rule
    for family in (
        reported,
        deprecations,
        secrets,
        flux,
        argocd,
        appset,
        expansion,
        kustomize,
        monitoring,
    )
    for rule in family.RULES
}
"""Every rule, by id, in documentation order."""
