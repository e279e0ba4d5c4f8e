"""The generator registry: each model's key has its module, and each generator module a key."""

from __future__ import annotations

import pkgutil
from importlib import import_module

from gitops_schema.appset import generators
from gitops_schema.appset.generators import GENERATORS, MODULES
from gitops_schema.model.argocd_appset import ApplicationSet
from gitops_schema.model.argocd_generators import GENERATOR_KINDS, generator_kind


def test_every_registered_generator_has_its_module() -> None:
    assert list(MODULES) == list(GENERATOR_KINDS) == list(GENERATORS)
    for key, module in MODULES.items():
        found = import_module(f"{generators.__name__}.{module}")
        assert callable(getattr(found, "generate", None)), key


def test_every_generator_module_is_registered() -> None:
    with_generate = {
        info.name
        for info in pkgutil.iter_modules(generators.__path__)
        if hasattr(import_module(f"{generators.__name__}.{info.name}"), "generate")
    }
    assert with_generate == set(MODULES.values())


def test_entries_are_typed_by_their_key_in_the_crd_order() -> None:
    entries = [{key: {}} for key in GENERATOR_KINDS]
    appset = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "ApplicationSet",
        "metadata": {"name": "all"},
        "spec": {
            "generators": [
                {"list": {"elements": []}},
                {"matrix": {"generators": [{"clusters": {}}, {"list": {"elements": []}}]}},
            ],
            "template": {
                "metadata": {"name": "x"},
                "spec": {"project": "p", "destination": {"namespace": "n"}},
            },
        },
    }
    typed = ApplicationSet.model_validate(appset)
    assert [generator_kind(g) for g in typed.spec.generators] == ["list", "matrix"]
    assert [generator_kind(e) for e in entries] == list(GENERATOR_KINDS)
