"""Templates come from users' repositories: no environment, files or network; bounded work."""

from __future__ import annotations

import pytest

from gitops_schema.gotemplate import LimitExceeded, Limits, TemplateExecError, compile, render


def test_env_and_dns_are_sandboxed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_TOKEN", "hunter2")
    out = render(
        '[{{ env "SECRET_TOKEN" }}][{{ expandenv "a${SECRET_TOKEN}b" }}][{{ getHostByName "x" }}]',
        {},
        profile="sprig",
    )
    assert out == "[][ab][]"


def test_recursion_is_bounded() -> None:
    tmpl = compile(
        '{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', profile="text"
    )
    with pytest.raises(TemplateExecError, match="exceeded maximum template depth"):
        tmpl.execute(None)


def test_range_iterations_are_bounded() -> None:
    tmpl = compile("{{ range . }}{{ end }}", profile="text", limits=Limits(max_iterations=10))
    assert tmpl.execute(10) == ""
    with pytest.raises(LimitExceeded):
        tmpl.execute(11)


def test_output_size_is_bounded() -> None:
    tmpl = compile("{{ range . }}xxxxxxxxxx{{ end }}", profile="text", limits=Limits(max_output=95))
    with pytest.raises(LimitExceeded):
        tmpl.execute(10)


def test_huge_repeat_is_an_error_not_a_hang() -> None:
    with pytest.raises(TemplateExecError, match="Repeat"):
        render('{{ repeat 1000000000 "abc" }}', {}, profile="sprig")


def test_function_panics_become_errors() -> None:
    with pytest.raises(TemplateExecError, match="error calling div: runtime error"):
        render("{{ div 1 0 }}", {}, profile="sprig")


@pytest.mark.parametrize(
    "text",
    [
        '{{ $x := repeat 1000 "ab" }}{{ range until 60 }}{{ $x = cat $x $x }}{{ end }}',
        "{{ until 100000000000 }}",
        '{{ indent 100000000000 "x" }}',
        "{{ randAlpha 100000000000 }}",
    ],
)
def test_function_results_are_bounded(text: str) -> None:
    with pytest.raises(TemplateExecError, match="exceeds the limit"):
        render(text, {"a": 1}, profile="sprig")
