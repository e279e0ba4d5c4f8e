"""Fuzzing that stays (issue 15 item 5): every parser a repository reaches, fed generated input.

Each target allows only the outcomes its contract promises (diagnostics, the documented
errors); anything else fails, and hypothesis shrinks it to a small input, which is then
kept as a regression test (tests/render/test_hostile_inputs.py, tests/check/test_shapes.py).
The budget per target comes from the environment (see conftest.py): brief in ``make
test``, over a million inputs in ``make fuzz``.
"""

from __future__ import annotations

import contextlib
import tempfile
import typing
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from gitops_schema.appset.env import Env
from gitops_schema.appset.expand import expand
from gitops_schema.check import check
from gitops_schema.check.config import CheckConfig
from gitops_schema.check.rule import RuleContext
from gitops_schema.check.rules import RULES
from gitops_schema.check.schema import SchemaValidator
from gitops_schema.golang.glob import BadPattern, doublestar_match, gobwas_match, path_match
from gitops_schema.gotemplate import Limits, TemplateError, compile
from gitops_schema.load import Document, from_plain, load_bytes
from gitops_schema.load.plain import InputError, mapping_of, yaml_values
from gitops_schema.model import parse_document, parse_documents
from gitops_schema.model.argocd import ApplicationSourceKustomize
from gitops_schema.model.argocd_appset import ApplicationSet
from gitops_schema.model.base import KubeModel
from gitops_schema.model.flux_helm import HelmRelease
from gitops_schema.model.flux_kustomize import Kustomization
from gitops_schema.model.registry import all_kinds
from gitops_schema.render import render_application
from gitops_schema.render.argocd_sources import kustomize_overlay
from gitops_schema.render.charts import ChartError, prepared_chart
from gitops_schema.render.flux_helm import render_helm_release
from gitops_schema.render.fluxgen import FluxBuildError, flux_kustomization
from gitops_schema.render.helm_values import (
    ValuesPathError,
    merge_values,
    parse_set_value,
    set_path,
)
from gitops_schema.render.inputs import collect_inputs
from gitops_schema.render.openapi import builtin_schema_needed

FAST = settings.get_profile("gitops-schema-fuzz")
MEDIUM = settings.get_profile("gitops-schema-fuzz-medium")
SLOW = settings.get_profile("gitops-schema-fuzz-slow")


def _field_names() -> list[str]:
    """Every YAML key of every model, so generated objects reach deep into the models."""
    names: set[str] = set()
    seen: set[type] = set()

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation in seen:
                return
            seen.add(annotation)
            for name, info in annotation.model_fields.items():
                names.add(info.alias or name)
                visit(info.annotation)
        for argument in typing.get_args(annotation):
            visit(argument)

    for spec in all_kinds():
        visit(spec.model)
    return sorted(names)


KEYS = _field_names()
WORDS = [
    "", "x", "0", "1m", "10s", "./app", "apps/web", "../up", "{{.path}}", "{{name}}", "$values/v",
    "*", "**", "[", "{a,b}", "v1", "main", "HEAD", ">=1.0.0", "https://git.example.com/r.git",
    "oci://r.example.com/c", "Deployment", "ConfigMap", "argocd", "flux-system", "prod", "cluster",
    "missingkey=error", "p, proj:p:r, applications, get, p/*, allow", "${VAR}", "\u00e9", "a.b",
]  # fmt: skip
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, width=32)
    | st.sampled_from(WORDS)
    | st.text(max_size=6)
)
trees = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=20,
)
mappings = st.dictionaries(st.sampled_from(KEYS), trees, max_size=6)

YAML_TOKENS = [
    "a", "b", ": ", ":", "- ", "-", "\n", "  ", "    ", "\t", "{", "}", "[", "]", ",", "&a ", "*a",
    "&b ", "*b", "<<: ", "? ", "!!str ", "!!int ", "!!binary ", "!x ", "'", '"', "\\", "#", "|",
    ">", "---\n", "...\n", "%YAML 1.2\n", "0x1F", "1e3", "0o17", "~", "yes", "=", "null", "\u2028",
    "\ufeff", "apiVersion: v1\n", "kind: ConfigMap\n", "kind: List\n", "items:\n", "metadata:\n",
    "  name: n\n", "spec:\n", "\x00", "\x85", "2001-01-01", "{{ .Values.x }}", "{% if %}",
]  # fmt: skip
yaml_soup = st.lists(st.sampled_from(YAML_TOKENS), max_size=60).map("".join)
file_names = st.sampled_from(
    ["fuzz.yaml", "fuzz.json", "kustomization.yaml", "Chart.yaml", "values.yaml", "a.yml"]
)

KUSTOMIZE_NAMES = ["kustomization.yaml", "Chart.yaml", "values.yaml", "other.yaml"]
KIND_NAMES = sorted(
    {(f"{s.group}/{v}" if s.group else v, s.kind) for s in all_kinds() for v in s.versions}
    | {("v1", "Secret"), ("v1", "ConfigMap"), ("v1", "Service"), ("apps/v1", "Deployment")}
)
CLUSTER_LABEL = {"argocd.argoproj.io/secret-type": "cluster"}
metadata = st.one_of(
    trees,
    st.fixed_dictionaries(
        {"name": st.sampled_from(["a", "b", "prod-web"]), "namespace": st.sampled_from(WORDS)},
        optional={"labels": st.just(CLUSTER_LABEL) | st.dictionaries(st.text(max_size=3), trees)},
    ),
)


@st.composite
def objects(draw: st.DrawFn) -> dict[str, Any]:
    """A Kubernetes object of a modelled kind, its fields drawn from the models' keys."""
    api_version, kind = draw(st.sampled_from(KIND_NAMES))
    obj: dict[str, Any] = {"apiVersion": api_version, "kind": kind, "metadata": draw(metadata)}
    obj.update(draw(st.dictionaries(st.sampled_from(["spec", "data", "stringData"]), trees)))
    if draw(st.booleans()):
        obj["spec"] = draw(mappings)
    return obj


def _document(data: Any, file: str = "fuzz.yaml", index: int = 0) -> Document:
    return Document(file, index, from_plain(data), (1, 1))


_REPLACEMENTS = ("\x00", "\n", ":", "[", "{", "&", "*", "'", "-", " ", "\ufeff", "}")


def variants(text: str, count: int) -> list[str]:
    """``text`` and ``count`` inputs derived from it, as a mutating fuzzer derives them.

    Each is cut short, or has a character dropped, doubled or replaced, at positions
    spread over the text: the parsers are cheap and hypothesis's drawing is not, so every
    drawn input is fed many times over, each time a different input.
    """
    found = [text]
    if not text:
        return found
    size = len(text)
    for i in range(count):
        at = (i * 7919 + size) % size
        kind = i % 4
        if kind == 0:
            found.append(text[:at])
        elif kind == 1:
            found.append(text[:at] + text[at + 1 :])
        elif kind == 2:
            found.append(text[: at + 1] + text[at:])
        else:
            found.append(text[:at] + _REPLACEMENTS[i % len(_REPLACEMENTS)] + text[at + 1 :])
    # Distinct inputs only: a short text cut at two places may give one input twice.
    return list(dict.fromkeys(found))


_SHAPES: tuple[Any, ...] = (3, "x", [], None, {}, [3], {"x": [None]})


def reshaped(objs: list[Any], count: int) -> list[list[Any]]:
    """``objs`` and up to ``count`` copies with one field (top level or in spec) of another shape.

    Shape errors (``patches: 3``, ``metadata: x``, ``spec: {}``) are what crashed readers of
    raw data before; this gives every field of every generated object its turn.
    """
    found = [objs]
    fields = [(i, (key,)) for i, obj in enumerate(objs) if isinstance(obj, dict) for key in obj]
    fields += [
        (i, ("spec", key))
        for i, obj in enumerate(objs)
        if isinstance(obj, dict) and isinstance(obj.get("spec"), dict)
        for key in obj["spec"]
    ]
    for n, (index, path) in enumerate(fields[:count]):
        copy = [dict(obj) if isinstance(obj, dict) else obj for obj in objs]
        target = copy[index]
        if len(path) == 2:
            target["spec"] = target = dict(target["spec"])
        target[path[-1]] = _SHAPES[n % len(_SHAPES)]
        found.append(copy)
    return found


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="gitops-schema-fuzz-") as folder:
        yield Path(folder)


# ---- the loader and the model parse


@FAST
@given(st.binary(max_size=400) | yaml_soup.map(str.encode), file_names)
def test_loader(inputs: Counter[str], data: bytes, name: str) -> None:
    for text in variants(data.decode("latin-1"), 150):
        inputs["loader"] += 1
        result = load_bytes(text.encode("latin-1", "replace"), name)
        assert all(d.location.file == name for d in result.report)
        parse_documents(result.documents)


CONFIG = CheckConfig()
VALIDATOR = SchemaValidator(kubernetes_version=CONFIG.kubernetes_version, strict=False)


@MEDIUM
@given(st.lists(objects(), min_size=1, max_size=3), file_names)
def test_model_parse_and_rules(inputs: Counter[str], data: list[Any], name: str) -> None:
    for number, objs in enumerate(reshaped(data, 6)):
        inputs["model+rules"] += 1
        parsed = parse_documents(_document(d, name, i) for i, d in enumerate(objs))
        if number == 0:
            for obj in parsed.objects:
                VALIDATOR.validate(obj)
        context = RuleContext(tuple(parsed.objects), frozenset({name}), CONFIG, (".",))
        for rule in RULES.values():
            if rule.check is not None:
                list(rule.check(context))


# ---- the Go template engine

TEMPLATE_WORDS = [
    "{{", "}}", "{{-", "-}}", " ", ".", ".a", ".b.c", "$", "$x", ":=", "=", "|", "(", ")", "if",
    "else", "end", "range", "with", "define", "template", "block", "break", "continue", "nil",
    "true", "1", "-2", "3.5", "0x1F", "'c'", '"s"', "`r`", "/*", "*/", "and", "or", "not", "eq",
    "lt", "index", "slice", "len", "print", "printf", '"%d %v %q"', "upper", "default", "toYaml",
    "toJson", "fromYaml", "fromJson", "dict", "list", "add", "div", "until", "seq", "include",
    "tpl", "required", "trunc", "substr", "nindent", "semverCompare", "regexMatch", '"^(a+)+$"',
    "b64dec", "merge", "set", "get", "keys", "sortAlpha", "ternary", "coalesce", "\n", "x", ",",
]  # fmt: skip
LIMITS = Limits(max_depth=50, max_iterations=1000, max_output=10_000)


@FAST
@given(st.lists(st.sampled_from(TEMPLATE_WORDS), max_size=30).map("".join), trees)
def test_go_templates(inputs: Counter[str], text: str, data: Any) -> None:
    for variant in variants(text, 10):
        inputs["gotemplate"] += 1
        profile = "helm" if len(variant) % 2 else "argocd"
        with contextlib.suppress(TemplateError):
            compile(variant, profile=profile, limits=LIMITS).execute({"a": data, "Values": data})


# ---- globs: directory include/exclude, .sourceignore, git generator paths

GLOB_WORDS = ["*", "**", "?", "[", "]", "[!", "^", "-", "{", "}", ",", "\\", "/", "a", "b", ".yaml"]
PATHS = ["a", "a/b.yaml", "b", ".yaml", "a/b/c", "", "/", "{a}", "[x]"]


@FAST
@given(st.lists(st.sampled_from(GLOB_WORDS), max_size=12).map("".join))
def test_globs(inputs: Counter[str], pattern: str) -> None:
    for variant in variants(pattern, 6):
        for path in PATHS:
            inputs["globs"] += 1
            gobwas_match(variant, path)
            with contextlib.suppress(BadPattern):
                path_match(variant, path)
            with contextlib.suppress(BadPattern):
                doublestar_match(variant, path)


# ---- ApplicationSet expansion

TEMPLATE_TEXT = st.lists(
    st.sampled_from(
        ["{{", "}}", ".", "cluster", "url", "name", "values.env", "path.basename", " | ", "upper",
         "-", "x", 'index . "a"', "default", "(", ")", "nameNormalized", "server", "$"]
    ),
    max_size=8,
).map("".join)  # fmt: skip
elements = st.lists(
    st.dictionaries(st.sampled_from(["cluster", "url", "env", "a", "values"]), trees, max_size=3),
    max_size=3,
)
leaf_generators = st.one_of(
    st.builds(lambda e: {"list": {"elements": e}}, elements),
    st.builds(
        lambda labels, values: {
            "clusters": {"selector": {"matchLabels": labels}, "values": values}
        },
        st.dictionaries(st.sampled_from(["env", "region"]), st.sampled_from(WORDS), max_size=2),
        st.dictionaries(st.sampled_from(["env", "x"]), st.sampled_from(WORDS), max_size=2),
    ),
    st.builds(lambda t: {"git": t}, trees),
    mappings,
)
generators = st.one_of(
    leaf_generators,
    st.builds(lambda a, b: {"matrix": {"generators": [a, b]}}, leaf_generators, leaf_generators),
    st.builds(
        lambda a, b, k: {"merge": {"generators": [a, b], "mergeKeys": k}},
        leaf_generators,
        leaf_generators,
        st.lists(st.sampled_from(["cluster", "name", "x"]), max_size=2),
    ),
)


@st.composite
def appsets(draw: st.DrawFn) -> dict[str, Any]:
    text = draw(TEMPLATE_TEXT)
    spec: dict[str, Any] = {
        "generators": draw(st.lists(generators, max_size=3)),
        "template": {
            "metadata": {"name": text or "app"},
            "spec": {
                "project": draw(TEMPLATE_TEXT),
                "source": {"repoURL": "https://git.example.com/r.git", "path": draw(TEMPLATE_TEXT)},
                "destination": {"server": draw(TEMPLATE_TEXT), "namespace": draw(TEMPLATE_TEXT)},
            },
        },
        "goTemplate": draw(st.booleans()),
    }
    if draw(st.booleans()):
        spec["goTemplateOptions"] = ["missingkey=error"]
    if draw(st.booleans()):
        spec["templatePatch"] = draw(TEMPLATE_TEXT | yaml_soup)
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "ApplicationSet",
        "metadata": {"name": "set", "namespace": "argocd"},
        "spec": spec,
    }


CLUSTERS = (
    {"metadata": {"name": "c1", "labels": {**CLUSTER_LABEL, "env": "prod"}},
     "stringData": {"name": "prod", "server": "https://prod.example.com"}},
)  # fmt: skip


@MEDIUM
@given(appsets())
def test_applicationset_expansion(inputs: Counter[str], data: dict[str, Any]) -> None:
    for [appset] in reshaped([data], 4):
        inputs["appset"] += 1
        found, _ = parse_document(_document(appset))
        if found is not None and isinstance(found.model, ApplicationSet):
            expand(found, Env(clusters=CLUSTERS))


# ---- render inputs: values files, kustomization.yaml, Chart.yaml, Application, Flux specs

set_paths = st.lists(
    st.sampled_from(["a", "b", ".", "[0]", "[2]", "[99999]", "\\.", "c", "[", "]", ",", "="]),
    max_size=6,
).map("".join)


@FAST
@given(yaml_soup, mappings, set_paths, st.text(max_size=12))
def test_values(inputs: Counter[str], text: str, layer: Any, path: str, value: str) -> None:
    keys = variants(path, 30)
    for number, variant in enumerate(variants(text, 30)):
        key = keys[number % len(keys)]
        inputs["values"] += 1
        values: dict[str, Any] = {}
        with contextlib.suppress(InputError):
            documents = yaml_values(variant, "values.yaml")
            values = mapping_of(documents[0] if documents else None, "values.yaml")
        values = merge_values(values, layer)
        with contextlib.suppress(ValuesPathError):
            set_path(values, key, parse_set_value(value, force_string=len(key) % 2 == 0))


KUSTOMIZE_KEYS = [
    "resources", "components", "patches", "patchesStrategicMerge", "patchesJson6902", "images",
    "namePrefix", "namespace", "helmCharts", "helmGlobals", "configMapGenerator", "openapi",
    "crds", "vars", "configurations", "replicas", "labels", "commonLabels", "generators", "bases",
]  # fmt: skip
kustomizations = st.dictionaries(st.sampled_from(KUSTOMIZE_KEYS), trees, max_size=5)
flux_specs = st.builds(
    lambda extra: {
        "interval": "1m",
        "prune": True,
        "path": "./",
        "sourceRef": {"kind": "GitRepository", "name": "repo"},
        **extra,
    },
    st.dictionaries(
        st.sampled_from(["patches", "images", "components", "namePrefix", "targetNamespace"]),
        trees,
        max_size=3,
    ),
)


@SLOW
@given(kustomizations | yaml_soup, flux_specs, mappings)
def test_kustomization_files(
    inputs: Counter[str], scratch: Path, content: Any, spec: dict[str, Any], options: Any
) -> None:
    inputs["kustomization"] += 1
    folder = scratch / "kustomize"
    folder.mkdir(exist_ok=True)
    text = content if isinstance(content, str) else yaml.safe_dump(content)
    (folder / "kustomization.yaml").write_text(text, encoding="utf-8")
    collect_inputs(folder)
    if isinstance(content, dict):
        builtin_schema_needed(content, folder)
    with contextlib.suppress(ValidationError):
        flux = Kustomization.model_validate(
            {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
             "metadata": {"name": "k"}, "spec": spec}
        )  # fmt: skip
        with contextlib.suppress(FluxBuildError):
            flux_kustomization(folder, flux.spec)
    with contextlib.suppress(ValidationError):
        argocd = ApplicationSourceKustomize.model_validate(options)
        with contextlib.suppress(OSError, InputError):
            kustomize_overlay(folder, argocd.model_dump(by_alias=True), scratch / "overlay")


@SLOW
@given(st.dictionaries(st.sampled_from([*KEYS, "dependencies"]), trees) | yaml_soup)
def test_chart_yaml(inputs: Counter[str], scratch: Path, content: Any) -> None:
    inputs["chart"] += 1
    chart = scratch / "chart"
    chart.mkdir(exist_ok=True)
    text = content if isinstance(content, str) else yaml.safe_dump(content)
    (chart / "Chart.yaml").write_text(text, encoding="utf-8")
    with contextlib.suppress(ChartError), prepared_chart(chart, None):
        pass


SOURCE_WORDS = ["missing", "a/b", "../up", "{{x}}", "$ref/v.yaml", "v.yaml"]
sources = st.fixed_dictionaries(
    {"repoURL": st.sampled_from(["https://git.example.com/r.git", "", "x"]) | trees},
    optional={
        "path": st.sampled_from(SOURCE_WORDS) | trees,
        "chart": st.sampled_from(["c", ""]) | trees,
        "targetRevision": st.sampled_from(["1.0.0", ">=1", "HEAD"]) | trees,
        "ref": st.sampled_from(["ref", ""]) | trees,
        "helm": mappings | trees,
        "kustomize": mappings | trees,
        "directory": mappings | trees,
        "plugin": mappings | trees,
    },
)


@SLOW
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "metadata": metadata,
            "spec": st.fixed_dictionaries(
                {},
                optional={
                    "source": sources | trees,
                    "sources": st.lists(sources, max_size=2) | trees,
                    "destination": mappings | trees,
                },
            )
            | trees,
        },
    )
)
def test_application_specs(inputs: Counter[str], scratch: Path, app: dict[str, Any]) -> None:
    inputs["application"] += 1
    # A repository with nothing in it: no engine runs, every shape reaches the checks.
    render_application(app, repository=scratch / "absent")


@SLOW
@given(mappings, st.sampled_from(["v2", "v2beta2", "v2beta1"]))
def test_helmrelease_specs(
    inputs: Counter[str], scratch: Path, spec: dict[str, Any], version: str
) -> None:
    inputs["helmrelease"] += 1
    data = {
        "apiVersion": f"helm.toolkit.fluxcd.io/{version}",
        "kind": "HelmRelease",
        "metadata": {"name": "r", "namespace": "flux-system"},
        "spec": spec,
    }
    found, _ = parse_document(_document(data))
    if found is not None and isinstance(found.model, HelmRelease):
        render_helm_release(found, repository=scratch / "absent")


@SLOW
@given(st.lists(objects() | appsets(), min_size=1, max_size=4), st.sampled_from(KUSTOMIZE_NAMES))
def test_check_of_a_folder(inputs: Counter[str], scratch: Path, data: list[Any], name: str) -> None:
    for objs in reshaped(data, 2):
        inputs["check"] += 1
        folder = scratch / "check"
        folder.mkdir(exist_ok=True)
        (folder / "objects.yaml").write_text(yaml.safe_dump_all(objs), encoding="utf-8")
        (folder / name).write_text(yaml.safe_dump(objs[0]), encoding="utf-8")
        check([folder])


def test_models_are_kube_models() -> None:
    # The key pool walks the models; a kind whose model is not a KubeModel would not be typed.
    assert all(issubclass(spec.model, KubeModel) for spec in all_kinds())
    assert {"generators", "sourceRef", "valuesFrom", "patches"} <= set(KEYS)
