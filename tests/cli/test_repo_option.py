"""One grammar for --repo in every command: KEY=PATH, KEY=@REV or PATH."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitops_schema.cli._params import parse_repos
from gitops_schema.errors import UsageError


def test_the_grammar(tmp_path: Path) -> None:
    found = parse_repos(
        [
            f"https://github.com/org/team.git={tmp_path}",
            f"git@github.com:org/lib.git={tmp_path}",
            f"GitRepository/apps/dev-team={tmp_path}",
            "GitRepository/apps/other=@dev-team",
            str(tmp_path),
        ]
    )
    assert found.default == tmp_path
    assert set(found.folders) == {
        "https://github.com/org/team.git",
        "git@github.com:org/lib.git",
        "GitRepository/apps/dev-team",
    }
    assert found.revisions == {"GitRepository/apps/other": "dev-team"}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("team=somewhere", "give URL=PATH or Kind/namespace/name=PATH"),
        ("https://github.com/org/team.git=/no/such/folder", "is not a folder"),
        ("/no/such/folder", "is not a folder"),
    ],
)
def test_bad_values_name_the_grammar(value: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_repos([value])


def test_a_command_refuses_the_forms_it_does_not_take(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="only one --repo PATH"):
        parse_repos([str(tmp_path), str(tmp_path)])
    with pytest.raises(UsageError, match="reads at --revision"):
        parse_repos(["https://x/y.git=@main"], revisions="reads at --revision")
    with pytest.raises(UsageError, match="map one"):
        parse_repos([str(tmp_path)], default="map one")


@pytest.mark.parametrize("command", [["render"], ["diff"], ["envdiff"], ["check", "--render"]])
def test_render_commands_share_the_parser(
    command: list[str], tmp_path: Path, cli: Callable[..., Any]
) -> None:
    result = cli(*command, str(tmp_path), "--repo", "team=somewhere")
    assert result.code == 2 and "give URL=PATH" in result.err
