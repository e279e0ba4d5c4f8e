"""The converted files are read by Kubernetes' YAML (go-yaml v2): every string stays one."""

from __future__ import annotations

from gitops_schema.convert.output import dump
from gitops_schema.load.plain import yaml_values

# Strings PyYAML would write plain but go-yaml reads as a float, a boolean or an int.
TRICKY = ["1e3", "y", "n", "0o17", "+1e-5", "1.0", "true", "null", "007", "web", "1.2.3"]


def test_strings_that_kubernetes_reads_as_other_types_are_quoted() -> None:
    values = {"values": {text: text for text in TRICKY}, "list": TRICKY}
    text = dump([values])
    assert "'1e3'" in text and "'y'" in text
    assert yaml_values(text, "out.yaml") == [values]
