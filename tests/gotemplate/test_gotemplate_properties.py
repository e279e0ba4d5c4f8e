"""Property tests: random templates and data never crash the engine with a foreign error."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitops_schema.gotemplate import Limits, TemplateError, compile

WORDS = [
    "{{", "}}", "{{-", "-}}", " ", ".", ".a", ".b.c", "$", "$x", ":=", "=", "|", "(", ")",
    "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
    "nil", "true", "1", "-2", "3.5", "0x1F", "'c'", '"s"', "`r`", "/*", "*/", "and", "or",
    "not", "eq", "lt", "index", "slice", "len", "print", "printf", '"%d %v %q"', "upper",
    "default", "toYaml", "toJson", "fromYaml", "dict", "list", "add", "div", "until", "seq",
    "regexReplaceAll", "include", "tpl", "required", "trunc", "substr", "nindent", "semver",
    "\n", "x", ",",
]  # fmt: skip

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc"), inner, max_size=3)
    ),
    max_leaves=8,
)
LIMITS = Limits(max_depth=50, max_iterations=1000, max_output=10_000)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=25), json_values)
def test_random_templates_raise_only_template_errors(words: list[str], data: Any) -> None:
    text = "".join(words)
    for profile in ("helm", "text"):
        with contextlib.suppress(TemplateError):
            compile(text, profile=profile, limits=LIMITS).execute(data)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), json_values)
def test_arbitrary_text_raises_only_template_errors(text: str, data: Any) -> None:
    with contextlib.suppress(TemplateError):
        compile(text, profile="sprig", limits=LIMITS).execute({"a": data, "b": [data]})


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_text_without_actions_is_copied(text: str) -> None:
    plain = text.replace("{{", "")
    assert compile(plain, profile="text").execute(None) == plain
