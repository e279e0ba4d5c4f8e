"""The git generator: directories of a repository, or the contents of files in it.

Directories are kept when they match an include pattern and no exclude pattern (Go's
``path.Match``). Files are the union of what the include patterns select, minus what the
exclude patterns select, read in path order; each YAML/JSON file gives one parameter set,
or one per item when it holds a list. Both add ``path`` parameters, optionally under
``pathParamPrefix``, and the generator's ``values``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from typing import Any

from gitops_schema.appset.env import GitRepos
from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.generators import GeneratorContext, with_values
from gitops_schema.appset.goyaml import unmarshal_object, unmarshal_objects
from gitops_schema.appset.params import Params, flatten
from gitops_schema.golang.glob import BadPattern, path_match
from gitops_schema.gotemplate.argocd import normalize

__all__ = ["generate"]


def generate(spec: Mapping[str, Any], context: GeneratorContext) -> list[Params]:
    """Parameter sets of a ``git`` generator spec.

    Raises:
        GeneratorError: the spec names neither directories nor files, the repository
            cannot be read, a file is not YAML/JSON objects, or a ``values`` template failed.
    """
    repos = context.env.git
    if spec.get("directories"):
        run = _directories
    elif spec.get("files"):
        run = _files
    else:
        raise GeneratorError("ApplicationSet is empty")
    if repos is None:
        raise GeneratorError("error generating params from git: no git repositories available")
    try:
        return run(spec, repos, context)
    except GeneratorError as error:
        raise GeneratorError(f"error generating params from git: {error}") from error


def _directories(
    spec: Mapping[str, Any], repos: GitRepos, context: GeneratorContext
) -> list[Params]:
    try:
        paths = repos.directories(str(spec.get("repoURL", "")), str(spec.get("revision", "")))
    except GeneratorError as error:
        raise GeneratorError(f"error getting directories from repo: {error}") from error
    items = [d for d in spec["directories"] if isinstance(d, Mapping)]
    selected = [p for p in paths if _selected(p, items)]
    prefix = str(spec.get("pathParamPrefix") or "")
    params: list[Params] = []
    for path in selected:
        base = posixpath.basename(path) or path
        if context.go_template:
            info: dict[str, Any] = {
                "path": path,
                "basename": base,
                "basenameNormalized": normalize(base),
                "segments": path.split("/"),
            }
            one: Params = {prefix: {"path": info}} if prefix else {"path": info}
        else:
            one = _flat_path_params(prefix, path, base)
        params.append(
            with_values(
                spec,
                one,
                context,
                "error generating params from apps: failed to append templated values",
            )
        )
    return params


def _selected(path: str, items: Sequence[Mapping[str, Any]]) -> bool:
    include = exclude = False
    for item in items:
        try:
            matched = path_match(str(item.get("path", "")), path)
        except BadPattern:
            # Argo CD logs a malformed pattern and treats it as matching nothing.
            continue
        if matched and item.get("exclude"):
            exclude = True
        elif matched:
            include = True
    return include and not exclude


def _files(spec: Mapping[str, Any], repos: GitRepos, context: GeneratorContext) -> list[Params]:
    repo_url = str(spec.get("repoURL", ""))
    revision = str(spec.get("revision", ""))
    new_globbing = context.env.new_globbing
    contents: dict[str, bytes] = {}
    items = [f for f in spec["files"] if isinstance(f, Mapping)]
    for item in (f for f in items if not f.get("exclude")):
        contents.update(
            repos.files(repo_url, revision, str(item.get("path", "")), new_globbing=new_globbing)
        )
    for item in (f for f in items if f.get("exclude")):
        excluded = repos.files(
            repo_url, revision, str(item.get("path", "")), new_globbing=new_globbing
        )
        for path in excluded:
            contents.pop(path, None)
    prefix = str(spec.get("pathParamPrefix") or "")
    params: list[Params] = []
    for path in sorted(contents):
        try:
            params.extend(_file_params(spec, path, contents[path], prefix, context))
        except GeneratorError as error:
            raise GeneratorError(
                f"unable to process file '{path}' from repository '{repo_url}': {error}"
            ) from error
    return params


def _file_params(
    spec: Mapping[str, Any], path: str, content: bytes, prefix: str, context: GeneratorContext
) -> list[Params]:
    text = content.decode("utf-8", "replace")
    try:
        objects = [unmarshal_object(text)]
    except GeneratorError:
        try:
            objects = unmarshal_objects(text)
        except GeneratorError as error:
            raise GeneratorError(f"unable to parse file: {error}") from error
    directory = posixpath.dirname(path) or "."
    base = posixpath.basename(directory) or directory
    filename = posixpath.basename(path)
    params: list[Params] = []
    for found in objects:
        if context.go_template:
            info: dict[str, Any] = {
                "path": directory,
                "basename": base,
                "filename": filename,
                "basenameNormalized": normalize(base),
                "filenameNormalized": normalize(filename),
                "segments": directory.split("/"),
            }
            one: Params = dict(found)
            one.update({prefix: {"path": info}} if prefix else {"path": info})
        else:
            one = dict(flatten(found))
            one.update(_flat_path_params(prefix, directory, base))
            name = f"{prefix}.path" if prefix else "path"
            one[f"{name}.filename"] = filename
            one[f"{name}.filenameNormalized"] = normalize(filename)
        params.append(with_values(spec, one, context, "failed to append templated values"))
    return params


def _flat_path_params(prefix: str, path: str, base: str) -> Params:
    name = f"{prefix}.path" if prefix else "path"
    params: Params = {
        name: path,
        f"{name}.basename": base,
        f"{name}.basenameNormalized": normalize(base),
    }
    for index, segment in enumerate(path.split("/")):
        if segment:
            params[f"{name}[{index}]"] = segment
    return params
