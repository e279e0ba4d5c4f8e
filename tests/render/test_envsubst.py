"""Flux post-build substitution: every operator, escapes, strict mode, the opt-out."""

from __future__ import annotations

import pytest

from gitops_schema.render import SubstitutionError, envsubst
from gitops_schema.render.flux import substitute

VARIABLES = {"app": "Hello/World", "n": "3", "empty": "", "tag": "v1.2.3"}

EXPRESSIONS = [
    "${app}",
    "$app",
    "$${app}",
    "a$$b",
    "${unset:=fallback}",
    "${unset=fallback}",
    "${empty:-fallback}",
    "${empty-fallback}",
    "${unset:=${tag}-${n}}",
    "${#app}",
    "${app^}",
    "${app^^}",
    "${app,}",
    "${app,,}",
    "${app:6}",
    "${app:2:3}",
    "${tag#v}",
    "${tag##*.}",
    "${tag%.*}",
    "${tag%%.*}",
    "${app/o/0}",
    "${app//o/0}",
    "${app/#Hello/Bye}",
    "${app/%World/All}",
    "${unset}",
]


def test_operators(golden) -> None:  # type: ignore[no-untyped-def]
    lines = [f"{e!r} -> {envsubst(e, VARIABLES, strict=False)!r}" for e in EXPRESSIONS]
    golden("render/envsubst.txt", "\n".join(lines) + "\n")


def test_strict_mode_names_the_variable() -> None:
    with pytest.raises(SubstitutionError, match="variable not set \\(strict mode\\): 'unset'"):
        envsubst("image: ${unset}", VARIABLES, strict=True)
    # Defaults are never strict errors.
    assert envsubst("${unset:=d}", VARIABLES, strict=True) == "d"


@pytest.mark.parametrize("text", ["${app", "${}", "${app:=x", "${app@}"])
def test_malformed(text: str) -> None:
    with pytest.raises(SubstitutionError):
        envsubst(text, VARIABLES, strict=False)


def test_substitution_retypes_and_honours_the_opt_out() -> None:
    document = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app,,}\n"
        "spec:\n  replicas: ${n}\n"
    )
    obj = substitute(document, VARIABLES, strict=True)
    assert obj is not None
    assert obj["spec"]["replicas"] == 3
    disabled = document.replace(
        "metadata:\n",
        "metadata:\n  annotations:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\n",
    )
    kept = substitute(disabled, VARIABLES, strict=True)
    assert kept is not None
    assert kept["spec"]["replicas"] == "${n}"
