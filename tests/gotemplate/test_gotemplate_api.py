"""The public API: compile/render, Template sets, errors and their positions, profiles."""

from __future__ import annotations

import pytest

from gitops_schema.errors import GitOpsError
from gitops_schema.gotemplate import (
    Template,
    TemplateError,
    TemplateExecError,
    TemplateSyntaxError,
    compile,
    profiles,
    render,
)


def test_render_shortcut_uses_argocd_by_default() -> None:
    assert render("{{ .name | normalize }}", {"name": "My_App"}) == "my-app"


def test_compile_once_execute_many() -> None:
    tmpl = compile("{{ range . }}<{{ . }}>{{ end }}", profile="text")
    assert tmpl.execute([1, 2]) == "<1><2>"
    assert tmpl.execute({"b": 2, "a": 1}) == "<1><2>"
    assert tmpl.execute(None) == ""


def test_errors_join_the_project_tree() -> None:
    assert issubclass(TemplateSyntaxError, TemplateError)
    assert issubclass(TemplateExecError, TemplateError)
    assert issubclass(TemplateError, GitOpsError)


def test_syntax_error_has_go_text_and_line() -> None:
    with pytest.raises(TemplateSyntaxError) as info:
        compile("line1\n{{ if }}", profile="text", name="t")
    assert str(info.value) == "template: t:2: missing value for if"
    assert info.value.line == 2


def test_exec_error_has_go_text_line_and_column() -> None:
    tmpl = compile("a\n  {{ .x.y }}", profile="text", name="t", options=["missingkey=error"])
    with pytest.raises(TemplateExecError) as info:
        tmpl.execute({"x": {}})
    err = info.value
    # Go places a chain of fields at its second field (.y): column 7.
    assert str(err) == 't: 2:7: executing "t" at <.x.y>: map has no entry for key "y"'.replace(
        "t: ", "template: t:", 1
    )
    assert (err.line, err.column, err.reason) == (2, 7, 'map has no entry for key "y"')


def test_parse_errors_are_raised_at_parse_time() -> None:
    with pytest.raises(TemplateSyntaxError, match='function "nope" not defined'):
        compile("{{ nope }}")
    with pytest.raises(TemplateSyntaxError, match='undefined variable "\\$x"'):
        compile("{{ $x }}")


def test_unknown_option_is_rejected() -> None:
    with pytest.raises(TemplateError, match="unrecognized option"):
        compile("x", options=["missingkey=maybe"])


def test_custom_delimiters() -> None:
    assert render("<< .a >> {{ .a }}", {"a": 1}, profile="text", delims=("<<", ">>")) == (
        "1 {{ .a }}"
    )


def test_template_set_define_and_execute_by_name() -> None:
    tmpl = Template("root", profiles["text"])
    tmpl.parse('{{ define "x" }}X{{ . }}{{ end }}root')
    tmpl.parse('{{ template "x" 1 }}', "other")
    assert tmpl.execute(None) == "root"
    assert tmpl.execute(None, "other") == "X1"
    with pytest.raises(TemplateExecError, match='no template "nope" associated'):
        tmpl.execute(None, "nope")


def test_clone_does_not_leak_definitions() -> None:
    base = Template("root", profiles["text"]).parse('{{ define "x" }}1{{ end }}{{ template "x" }}')
    copy = base.clone().parse('{{ define "x" }}2{{ end }}', "extra")
    assert base.execute(None) == "1"
    assert copy.execute(None) == "2"


def test_empty_redefinition_never_replaces() -> None:
    tmpl = Template("root", profiles["text"]).parse('{{ define "x" }}body{{ end }}')
    tmpl.parse('{{ define "x" }} {{ end }}', "again")
    assert tmpl.execute(None, "x") == "body"


def test_profiles_match_the_tools() -> None:
    assert {"and", "printf", "index"} <= set(profiles["text"])
    assert "upper" not in profiles["text"]
    assert {"env", "expandenv", "getHostByName"} <= set(profiles["sprig"])
    assert not {"env", "expandenv", "getHostByName"} & set(profiles["argocd"])
    assert {"normalize", "slugify", "toYaml", "fromYaml", "fromYamlArray"} <= set(
        profiles["argocd"]
    )
    assert {"include", "tpl", "required", "lookup", "toToml"} <= set(profiles["helm"])
    assert not {"env", "expandenv"} & set(profiles["helm"])


def test_int_and_float_are_different_kinds() -> None:
    assert render("{{ 3.0 }} {{ .f }} {{ .i }}", {"f": 3.0, "i": 3}, profile="text") == "3 3 3"
    with pytest.raises(TemplateExecError, match="incompatible types for comparison"):
        render("{{ eq .f 3 }}", {"f": 3.0}, profile="text")


def test_helm_profile_include_and_tpl_outside_the_engine() -> None:
    text = '{{ define "n" }}[{{ . }}]{{ end }}{{ include "n" 1 | upper }}{{ tpl "{{ 2 }}" . }}'
    assert render(text, {}, profile="helm") == "[1]2"


def test_docstring_examples_run() -> None:
    import doctest

    import gitops_schema.gotemplate as package

    result = doctest.testmod(package)
    assert result.attempted > 0
    assert result.failed == 0


def test_nil_list_element_keeps_its_interface_type() -> None:
    data = {"l": [None]}
    assert render("{{ range .l }}[{{ . }}]{{ end }}", data, profile="text") == "[<no value>]"
    with pytest.raises(TemplateExecError, match=r"nil pointer evaluating interface \{\}\.name"):
        render("{{ range .l }}{{ .name }}{{ end }}", data, profile="text")
