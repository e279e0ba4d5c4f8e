"""Clusters Secrets, matrix/merge nesting and merge keys, and generator values."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from gitops_schema.appset.env import Env
from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.generators import GeneratorContext, generate_entry
from gitops_schema.appset.generators.merge import param_sets_by_merge_key
from gitops_schema.appset.interpolation import append_templated_values, render_generator_params
from gitops_schema.appset.params import combine_string_maps


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _secret(secret_name: str, **data: str) -> dict[str, Any]:
    return {
        "metadata": {
            "name": secret_name,
            "namespace": "argocd",
            "labels": {"argocd.argoproj.io/secret-type": "cluster", "env": secret_name},
        },
        "data": {k: _b64(v) for k, v in data.items()},
    }


def _run(entry: dict[str, Any], *, go: bool = False, **env: Any) -> list[dict[str, Any]]:
    return generate_entry(entry, GeneratorContext(Env(**env), go_template=go))


def test_clusters_read_base64_data_with_string_data_over_it() -> None:
    secret = _secret("prod", name="Prod_1", server="https://prod", project="p")
    secret["stringData"] = {"project": "q"}
    out = _run({"clusters": {"selector": {"matchLabels": {"env": "prod"}}}}, clusters=(secret,))
    assert out == [
        {
            "name": "Prod_1",
            "nameNormalized": "prod-1",
            "server": "https://prod",
            "project": "q",
            "metadata.labels.argocd.argoproj.io/secret-type": "cluster",
            "metadata.labels.env": "prod",
        }
    ]


def test_clusters_reject_invalid_base64() -> None:
    secret = _secret("prod")
    secret["data"] = {"name": "not base64!"}
    with pytest.raises(GeneratorError, match="name"):
        _run({"clusters": {}}, clusters=(secret,))


def test_in_cluster_is_added_last_unless_a_secret_points_at_it() -> None:
    remote = _secret("remote", name="remote", server="https://remote")
    out = _run({"clusters": {}}, clusters=(remote,))
    assert [p["name"] for p in out] == ["remote", "in-cluster"]
    local = _secret("local", name="mine", server="https://kubernetes.default.svc")
    out = _run({"clusters": {}}, clusters=(remote, local))
    assert [p["name"] for p in out] == ["mine", "remote"]


def test_clusters_skip_other_namespaces_and_other_secret_types() -> None:
    elsewhere = _secret("a", name="a", server="https://a")
    elsewhere["metadata"]["namespace"] = "other"
    repo = _secret("b", name="b", server="https://b")
    repo["metadata"]["labels"]["argocd.argoproj.io/secret-type"] = "repository"
    assert [p["name"] for p in _run({"clusters": {}}, clusters=(elsewhere, repo))] == ["in-cluster"]


def test_clusters_flat_list_and_go_metadata() -> None:
    out = _run(
        {"clusters": {"flatList": True, "values": {"v": "{{ .name }}"}}},
        go=True,
        clusters=(_secret("x", name="x", server="https://x"),),
    )
    assert out == [
        {
            "clusters": [
                {
                    "name": "x",
                    "nameNormalized": "x",
                    "server": "https://x",
                    "project": "",
                    "metadata": {
                        "labels": {"argocd.argoproj.io/secret-type": "cluster", "env": "x"}
                    },
                    "values": {"v": "x"},
                },
                {
                    "name": "in-cluster",
                    "nameNormalized": "in-cluster",
                    "server": "https://kubernetes.default.svc",
                    "project": "",
                    "values": {"v": "in-cluster"},
                },
            ]
        }
    ]


def _list(*names: str) -> dict[str, Any]:
    return {"list": {"elements": [{"n": n} for n in names]}}


def test_matrix_may_hold_one_level_of_matrix() -> None:
    inner = {"matrix": {"generators": [_list("a"), {"list": {"elements": [{"k": "b"}]}}]}}
    out = _run({"matrix": {"generators": [inner, {"list": {"elements": [{"m": "1"}]}}]}})
    assert out == [{"n": "a", "k": "b", "m": "1"}]


def test_matrix_nested_two_levels_deep_generates_nothing() -> None:
    deepest = {"matrix": {"generators": [_list("a"), _list("b")]}}
    middle = {"matrix": {"generators": [deepest, _list("c")]}}
    with pytest.raises(GeneratorError) as caught:
        _run({"matrix": {"generators": [middle, _list("d")]}})
    message = str(caught.value)
    assert message.startswith("error failed to get params for first generator")
    assert message.endswith("child generator generated no parameters")


@pytest.mark.parametrize(
    ("children", "message"),
    [
        ([], "found less than two generators, Matrix support only two"),
        ([_list("a")] * 3, "found more than two generators, Matrix support only two"),
        ([{**_list("a"), **{"clusters": {}}}, _list("b")], "found more than one generator"),
        ([{}, _list("b")], "child generator generated no parameters"),
    ],
)
def test_matrix_errors(children: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(GeneratorError, match=message):
        _run({"matrix": {"generators": children}})


def test_fast_matrix_rejects_conflicting_keys() -> None:
    with pytest.raises(GeneratorError, match="found duplicate key n with different value"):
        _run({"matrix": {"generators": [_list("a"), _list("b")]}})


def test_matrix_second_child_selector_is_not_rendered() -> None:
    second = {"list": {"elements": [{"x": "1"}]}, "selector": {"matchLabels": {"x": "{{n}}"}}}
    assert _run({"matrix": {"generators": [_list("a"), second]}}) == []


def test_merge_key_encoding_is_go_json() -> None:
    keys = param_sets_by_merge_key(["b", "a", "b"], [{"a": "<&>", "b": 1.0}, {"a": None}])
    assert list(keys) == ['{"a":"\\u003c\\u0026\\u003e","b":1}', '{"a":null,"b":null}']
    with pytest.raises(GeneratorError, match="no merge keys were specified"):
        param_sets_by_merge_key([], [{}])


def test_go_merge_merges_nested_maps() -> None:
    first = {"list": {"elements": [{"k": "1", "m": {"a": "1", "b": "1"}}]}}
    second = {"list": {"elements": [{"k": "1", "m": {"b": "2"}}]}}
    out = _run({"merge": {"mergeKeys": ["k"], "generators": [first, second]}}, go=True)
    assert out == [{"k": "1", "m": {"a": "1", "b": "2"}}]


def test_values_see_only_generator_params() -> None:
    values = {"a": "{{ x }}", "b": "{{ values.a }}"}
    assert append_templated_values(values, {"x": "1"}, go_template=False) == {
        "x": "1",
        "values.a": "1",
        "values.b": "{{ values.a }}",
    }
    go = append_templated_values({"a": "{{ .x }}"}, {"x": "1"}, go_template=True)
    assert go == {"x": "1", "values": {"a": "1"}}
    assert append_templated_values({}, {"x": "1"}, go_template=True) == {"x": "1"}


def test_values_template_errors_are_wrapped() -> None:
    with pytest.raises(GeneratorError, match=r"^failed to replace templated string: failed"):
        append_templated_values({"a": "{{ .x"}, {}, go_template=True)


def test_generator_values_are_pre_resolved_in_go_mode() -> None:
    entry = {"git": {"repoURL": "{{ .r }}", "values": {"a": "{{ .r }}", "b": "{{ .own }}"}}}
    out = render_generator_params(entry, {"r": "u"}, go_template=True, options=())
    assert out == {"git": {"repoURL": "u", "values": {"a": "u", "b": "{{ .own }}"}}}
    with pytest.raises(GeneratorError, match='failed to pre-resolve Values key "b"'):
        render_generator_params(
            {"git": {"values": {"b": '{{ fail "boom" }}'}}}, {"r": "u"}, go_template=True
        )


def test_combine_string_maps_stringifies() -> None:
    assert combine_string_maps({"a": 1.0}, {"a": "1", "b": True}) == {"a": "1", "b": "true"}
