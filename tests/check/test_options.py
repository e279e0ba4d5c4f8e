"""``check``'s options are one typed object: the CLI builds it, the library takes it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitops_schema.check import CheckConfig, CheckOptions, check
from gitops_schema.check.config import RuleSetting
from gitops_schema.check.report import REPORTERS

SECRET = "apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\nstringData: {password: x1}\n"


def _rules(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.rule for f in result.findings]


def test_options_are_frozen_and_a_keyword_replaces_their_field(tmp_path: Path) -> None:
    (tmp_path / "secret.yaml").write_text(SECRET)
    quiet = CheckConfig(rules={"secret-plaintext": RuleSetting(enabled=False)})
    options = CheckOptions(config=quiet)
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.revision = "HEAD"  # type: ignore[misc]
    assert _rules(check([tmp_path], options)) == []
    assert _rules(check([tmp_path], options, config=CheckConfig())) == ["secret-plaintext"]
    assert _rules(check([tmp_path], config=quiet)) == []


def test_version_overrides_may_carry_their_v() -> None:
    config = CheckConfig().with_overrides(kubernetes_version="v1.30", flux_version="2.4")
    assert (config.kubernetes_version, config.flux_version) == ("1.30", "2.4")
    assert config.with_overrides(strict=None) == config


@pytest.mark.parametrize(
    ("command", "formats"),
    [
        (("check", "."), "|".join(REPORTERS)),
        (("appset", "generate", "."), "yaml|json|table"),
        (("inventory", "."), "table|json"),
        (("rules",), "table|markdown"),
    ],
)
def test_output_choices_are_the_registry_names(
    cli: Callable[..., Any], command: tuple[str, ...], formats: str
) -> None:
    result = cli(*command, "-o", "nope")
    assert result.code == 2
    # The error box may wrap the message: compare without spaces and frame.
    said = "".join(c for c in result.err if not c.isspace() and c not in "│╭╮╰╯─")
    assert f"'nope'isnotoneof{formats}" in said
