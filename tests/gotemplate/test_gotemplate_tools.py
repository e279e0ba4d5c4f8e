"""Helm and Argo CD procedures built on the engine: whole-chart renders and AppSet fields."""

from __future__ import annotations

import pytest

from gitops_schema.gotemplate import TemplateExecError, TemplateSyntaxError
from gitops_schema.gotemplate.argocd import normalize, render_appset, slugify
from gitops_schema.gotemplate.helm_engine import render_chart, render_helm

CHART = [
    ("web/templates/_helpers.tpl", '{{- define "web.name" -}}{{ .Chart.Name }}-app{{- end -}}'),
    (
        "web/templates/cm.yaml",
        'name: {{ include "web.name" . }}\nfile: {{ .Template.Name }}\n'
        "data:{{ toYaml .Values.data | nindent 2 }}\nmissing: [{{ .Values.nope }}]",
    ),
]
VALUES = {"Chart": {"Name": "web"}, "Values": {"data": {"b": 2, "a": "x: y"}}}


def test_render_chart_skips_partials_and_strips_no_value() -> None:
    out = render_chart(CHART, VALUES)
    assert list(out) == ["web/templates/cm.yaml"]
    assert out["web/templates/cm.yaml"] == (
        "name: web-app\nfile: web/templates/cm.yaml\ndata:\n  a: 'x: y'\n  b: 2\nmissing: []"
    )


def test_render_chart_errors_use_helm_wording() -> None:
    with pytest.raises(TemplateSyntaxError, match=r"^parse error at \(bad:1\): unclosed action"):
        render_chart([("bad", "{{ .x ")], VALUES)
    failing = [("t", 'x\n {{ required "give x" .Values.x }}')]
    with pytest.raises(TemplateExecError, match=r"^execution error at \(t:2:4\): give x$"):
        render_chart(failing, VALUES)


def test_strict_mode_reports_missing_keys() -> None:
    with pytest.raises(TemplateExecError, match='map has no entry for key "nope"'):
        render_chart([("t", "{{ .Values.nope }}")], VALUES, strict=True)


def test_render_helm_uses_gotpl_and_missingkey_zero() -> None:
    assert render_helm("a{{ .missing }}b", {}) == "ab"
    with pytest.raises(TemplateExecError, match=r"nil pointer evaluating interface \{\}\.b"):
        render_helm("{{ .a.b }}", {})


def test_render_appset_skips_templating_without_params() -> None:
    assert render_appset("{{ .x }}", {}) == "{{ .x }}"
    assert render_appset("{{ .x | upper }}", {"x": "a"}) == "A"
    with pytest.raises(TemplateExecError, match='map has no entry for key "y"'):
        render_appset("{{ .y }}", {"x": 1}, options=["missingkey=error"])


def test_normalize_and_slugify() -> None:
    assert normalize("-My_App.Name-") == "my-app.name"
    assert slugify("Hello World.App_v2") == "hello-world-app-v2"
    assert slugify(10, "hello-wonderful-world") == "hello"
    assert slugify(10, False, "hello-wonderful-world") == "hello-wond"
