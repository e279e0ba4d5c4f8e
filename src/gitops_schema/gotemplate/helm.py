"""Helm's template functions (``pkg/engine/funcs.go`` and the engine's closures).

``include`` and ``tpl`` need the running template set; they read it from the execution
state, so a ``tpl`` clone sees its own definitions and never leaks them.
"""

from __future__ import annotations

from typing import Any

from gitops_schema.gotemplate.builtins import BUILTINS
from gitops_schema.gotemplate.errors import TemplateExecError, TemplateSyntaxError
from gitops_schema.gotemplate.exec_support import MISSING_ERROR, MISSING_ZERO, State
from gitops_schema.gotemplate.funcs import ANY, STR, FuncError, FuncMap, GoFunc
from gitops_schema.gotemplate.gojson import JSONError, marshal, unmarshal
from gitops_schema.gotemplate.gotoml import TOMLError, dumps, loads
from gitops_schema.gotemplate.literals import go_quote
from gitops_schema.gotemplate.sprig import SPRIG
from gitops_schema.gotemplate.values import MISSING
from gitops_schema.gotemplate.yaml_emit import to_yaml
from gitops_schema.gotemplate.yaml_load import YAMLError
from gitops_schema.gotemplate.yaml_load import unmarshal as yaml_unmarshal

INCLUDE_LIMIT = 1000
WARN_START, WARN_END = "HELM_ERR_START", "HELM_ERR_END"


def _to_yaml(value: Any) -> str:
    try:
        return to_yaml(value).removesuffix("\n")
    except JSONError:
        return ""


def _to_yaml_pretty(value: Any) -> str:
    try:
        return to_yaml(value, v3=True).removesuffix("\n")
    except JSONError:
        return ""


def _from_yaml(text: str) -> dict[str, Any]:
    try:
        result: dict[str, Any] = yaml_unmarshal(text, "map")
    except YAMLError as exc:
        return {"Error": str(exc)}
    return result


def _from_yaml_array(text: str) -> list[Any]:
    try:
        result: list[Any] = yaml_unmarshal(text, "slice")
    except YAMLError as exc:
        return [str(exc)]
    return result


def _from_json(text: str) -> dict[str, Any]:
    try:
        value = unmarshal(text)
    except JSONError as exc:
        return {"Error": str(exc)}
    if value is None:
        return {}
    if not isinstance(value, dict):
        kind = "array" if isinstance(value, list) else _kind(value)
        target = "map[string]interface {}"
        return {"Error": f"json: cannot unmarshal {kind} into Go value of type {target}"}
    return value


def _from_json_array(text: str) -> list[Any]:
    try:
        value = unmarshal(text)
    except JSONError as exc:
        return [str(exc)]
    if value is None:
        return []
    if not isinstance(value, list):
        kind = "object" if isinstance(value, dict) else _kind(value)
        return [f"json: cannot unmarshal {kind} into Go value of type []interface {{}}"]
    return value


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    return "number"


def _to_toml(value: Any) -> str:
    try:
        return dumps(value)
    except TOMLError as exc:
        return str(exc)


def _from_toml(text: str) -> dict[str, Any]:
    try:
        return loads(text)
    except TOMLError as exc:
        return {"Error": str(exc)}


def _to_json(value: Any) -> str:
    try:
        return marshal(value)
    except JSONError:
        return ""


def _required(warn: str, value: Any) -> Any:
    if value is None or value is MISSING or (value == "" and isinstance(value, str)):
        raise FuncError(WARN_START + warn + WARN_END)
    return value


def _fail(message: str) -> str:
    raise FuncError(WARN_START + message + WARN_END)


def _include(st: State, name: str, data: Any) -> str:
    template = st.extra["template"]
    counts: dict[str, int] = st.extra.setdefault("included", {})
    depth = counts.get(name, 0)
    if depth > INCLUDE_LIMIT:
        raise FuncError(
            f"rendering template has a nested reference name: {name}: unable to execute template"
        )
    _check_depth(st)
    counts[name] = depth + 1
    try:
        return str(template.execute(data, name, state=_child(st, template)))
    except TemplateExecError as exc:
        raise FuncError(str(exc)) from None
    finally:
        counts[name] -= 1


def _tpl(st: State, text: str, data: Any) -> str:
    _check_depth(st)
    parent = st.extra["template"]
    clone = parent.clone()
    clone.missingkey = MISSING_ERROR if parent.missingkey == MISSING_ERROR else MISSING_ZERO
    try:
        clone.parse(text, parent.name)
    except TemplateSyntaxError as exc:
        raise FuncError(f"cannot parse template {go_quote(text)}: {exc}") from None
    try:
        out = clone.execute(data, parent.name, state=_child(st, clone))
    except TemplateExecError as exc:
        raise FuncError(
            f"error during tpl function execution for {go_quote(text)}: {exc}"
        ) from None
    return str(out).replace("<no value>", "")


def _check_depth(st: State) -> None:
    if st.depth >= st.limits.max_depth:
        raise FuncError(f"exceeded maximum template depth ({st.limits.max_depth})")


def _child(st: State, template: Any) -> State:
    child: State = template.new_state()
    child.depth = st.depth
    child.extra = {**st.extra, "template": template}
    return child


def _stateful(fn: Any) -> Any:
    fn.needs_state = True
    return fn


HELM: FuncMap = {
    **BUILTINS,
    **{k: v for k, v in SPRIG.items() if k not in ("env", "expandenv")},
    "toToml": GoFunc(_to_toml, (ANY,)),
    "fromToml": GoFunc(_from_toml, (STR,)),
    "toYaml": GoFunc(_to_yaml, (ANY,)),
    "toYamlPretty": GoFunc(_to_yaml_pretty, (ANY,)),
    "fromYaml": GoFunc(_from_yaml, (STR,)),
    "fromYamlArray": GoFunc(_from_yaml_array, (STR,)),
    "toJson": GoFunc(_to_json, (ANY,)),
    "fromJson": GoFunc(_from_json, (STR,)),
    "fromJsonArray": GoFunc(_from_json_array, (STR,)),
    "include": GoFunc(_stateful(_include), (STR, ANY)),
    "tpl": GoFunc(_stateful(_tpl), (STR, ANY)),
    "required": GoFunc(_required, (STR, ANY)),
    "fail": GoFunc(_fail, (STR,)),
    "lookup": GoFunc(lambda api, kind, ns, name: {}, (STR, STR, STR, STR)),
}
"""Helm's function map: Sprig without ``env``/``expandenv``, plus Helm's own functions."""
