"""`.gitops-schema.yaml`, inline suppressions, and the check command's options."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path
from typing import Any

import pytest

from gitops_schema.check import CheckConfig, check, resolve_config
from gitops_schema.check.config import RuleSetting
from gitops_schema.diagnostics import Severity
from gitops_schema.errors import UsageError

SECRET = """\
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData:
  password: hunter2
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def rules(result) -> list[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    return [(f.rule, f.severity.value, f.location.line) for f in result.findings]


def test_config_file_switches_rules_and_severities(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".gitops-schema.yaml": """\
                rules:
                  secret-plaintext: warning
                  schema-missing: off
                exclude: [vendor]
                """,
            "secret.yaml": SECRET,
            "vendor/other.yaml": SECRET,
            "widget.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
        },
    )
    config = resolve_config([tmp_path])
    assert config.rules["schema-missing"] == RuleSetting(enabled=False)
    result = check([tmp_path], config=config)
    assert rules(result) == [("secret-plaintext", "warning", 5)]
    assert not any(f.startswith("vendor/") for f in result.files)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("rules:\n  no-such-rule: off\n", 2, "unknown rule 'no-such-rule'"),
        ("rules:\n  secret-plaintext: loud\n", 2, "unknown severity 'loud'"),
        ("kubernetes-version: 1.30\n", 1, 'must be quoted, e.g. "1.30"'),
        ("colour: blue\n", 1, "unknown setting 'colour'"),
        ("rules: [a]\n", 1, "'rules' must map rule ids"),
        ("strict: maybe\n", 1, "'strict' must be true or false"),
        ("rules: {a: 1\n", 2, ""),
    ],
)
def test_config_errors_name_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    (tmp_path / ".gitops-schema.yaml").write_text(text)
    with pytest.raises(UsageError) as info:
        resolve_config([tmp_path])
    assert info.value.location is not None and info.value.location.line == line
    assert message in str(info.value)
    assert str(info.value).startswith(str(tmp_path / ".gitops-schema.yaml"))


def test_inline_suppressions(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "line.yaml": SECRET.replace(
                "password: hunter2", "password: hunter2  # gitops-schema: ignore[secret-plaintext]"
            ),
            "above.yaml": SECRET.replace(
                "  password", "  # gitops-schema: ignore[secret-plaintext]\n  password"
            ),
            "object.yaml": "# gitops-schema: ignore\n" + SECRET + "---\n" + SECRET,
            "other-rule.yaml": SECRET.replace(
                "hunter2", "hunter2  # gitops-schema: ignore[schema]"
            ),
        },
    )
    result = check([tmp_path])
    assert [(f.location.file, f.location.line) for f in result.findings] == [
        ("object.yaml", 12),
        ("other-rule.yaml", 5),
    ]
    assert result.suppressed == 3


def test_production_setting(tmp_path: Path) -> None:
    config = CheckConfig(production=("live",))
    assert config.is_production("live") and not config.is_production("prod")


def test_check_command_exit_codes_and_formats(tmp_path: Path, cli: Callable[..., Any]) -> None:
    write(tmp_path, {"secret.yaml": SECRET})
    code, out, _ = astuple(cli("check", str(tmp_path), "-o", "json"))
    assert code == 1
    data = json.loads(out)
    assert data["findings"][0]["file"] == "secret.yaml" and data["summary"]["error"] == 1
    code, out, _ = astuple(cli("check", str(tmp_path), "--config", str(tmp_path / "c.yaml")))
    assert code == 2
    (tmp_path / "c.yaml").write_text("rules: {secret-plaintext: info}\n")
    code, out, _ = astuple(cli("check", str(tmp_path), "--config", str(tmp_path / "c.yaml")))
    assert code == 0 and "1 info" in out
    code, _, _ = astuple(
        cli("check", str(tmp_path), "--config", str(tmp_path / "c.yaml"), "--fail-on", "info")
    )
    assert code == 1
    report = tmp_path / "out" / "report.sarif"
    report.parent.mkdir()
    code, out, _ = astuple(cli("check", str(tmp_path), "-o", "sarif", "--output-file", str(report)))
    assert code == 1 and out == "" and json.loads(report.read_text())["version"] == "2.1.0"
    code, out, _ = astuple(cli("check", "-", "-o", "junit", stdin=SECRET.encode()))
    assert code == 1 and out.startswith("<?xml")
    code, _, err = astuple(cli("check", str(tmp_path), "--kubernetes-version", "1.2"))
    assert code == 2 and "supported" in err and "Traceback" not in err


def test_rules_command(cli: Callable[..., Any]) -> None:
    code, out, _ = astuple(cli("rules"))
    assert code == 0 and "secret-plaintext" in out and "appset-unknown-param" in out
    code, out, _ = astuple(cli("rules", "flux-depends-on-cycle"))
    assert code == 0 and "bad:" in out and "good:" in out
    code, _, err = astuple(cli("rules", "nope"))
    assert code == 2 and "unknown rule" in err


def test_severity_enum_ordering() -> None:
    assert Severity.ERROR > Severity.WARNING > Severity.INFO
