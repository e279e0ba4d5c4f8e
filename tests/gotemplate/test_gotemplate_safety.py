"""Templates come from users' repositories: no environment, files or network; bounded work."""

from __future__ import annotations

import pytest

from gitops_schema.gotemplate import (
    LimitExceeded,
    Limits,
    TemplateError,
    TemplateExecError,
    compile,
    render,
)


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


def test_deep_nesting_that_go_accepts_works() -> None:
    parens = "{{ " + "(" * 900 + "1" + ")" * 900 + " }}"
    assert render(parens, {}, profile="sprig") == "1"
    ifs = "{{ if true }}" * 400 + "x" + "{{ end }}" * 400
    assert render(ifs, {}, profile="sprig") == "x"
    chain = "{{ if false }}" + "{{ else if false }}" * 400 + "{{ else }}y{{ end }}"
    assert render(chain, {}, profile="sprig") == "y"


def test_nesting_past_the_bounds_is_a_syntax_error() -> None:
    parens = "{{ " + "(" * 10001 + "1" + ")" * 10001 + " }}"
    with pytest.raises(TemplateError, match="max expression depth exceeded"):
        compile(parens, profile="sprig")


def test_values_that_double_through_reassignment_stop() -> None:
    lists = "{{ $l := list 1 }}{{ range until 60 }}{{ $l = list $l $l }}{{ end }}{{ len $l }}"
    limits = Limits(max_values=10_000)
    with pytest.raises(TemplateExecError, match="more than the limit of 10000 values"):
        render(lists, {}, profile="sprig", limits=limits)
    maps = '{{ $d := dict }}{{ range until 60 }}{{ $d = dict "a" $d "b" $d }}{{ end }}'
    with pytest.raises(TemplateExecError, match="more than the limit of 10000 values"):
        render(maps, {}, profile="sprig", limits=limits)
    text = '{{ $s := "ab" }}{{ range until 60 }}{{ $s = print $s $s }}{{ end }}'
    with pytest.raises(TemplateExecError, match="exceeds the limit of 100000"):
        render(text, {}, profile="sprig", limits=Limits(max_output=100_000))


def test_deep_values_stop() -> None:
    deep = "{{ $l := list }}{{ range until 200 }}{{ $l = list $l }}{{ end }}{{ len $l }}"
    with pytest.raises(TemplateExecError, match="nests deeper than the limit of 100"):
        render(deep, {}, profile="sprig", limits=Limits(max_value_depth=100))
    assert render(deep, {}, profile="sprig") == "1"


def test_cpu_time_is_bounded() -> None:
    exponential = (
        '{{ define "r" }}{{ if lt . 40 }}{{ template "r" (add . 1) }}{{ template "r" (add . 1) }}'
        '{{ end }}{{ end }}{{ template "r" 0 }}'
    )
    with pytest.raises(LimitExceeded, match=r"stopped after 0\.2 s of CPU time"):
        render(exponential, {}, profile="sprig", limits=Limits(max_seconds=0.2))
