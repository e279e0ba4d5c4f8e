"""The engine worker: Helm's SDK and Jsonnet, run in a process of their own.

Both engines run in-process libraries (Helm's Go SDK, the Jsonnet C++ interpreter) on
what a repository holds, so a render that loops or allocates without end must be
stoppable: :mod:`.engine_workers` starts this file as a script (``python -I``, so it
imports nothing of ours and starts fast), under a memory limit, and kills and replaces
it when a call runs past its time.

Protocol: on standard input, requests; on standard output, one reply per request. Each
message is a 4-byte big-endian length and that many bytes of JSON. End of input ends the
worker.
"""

from __future__ import annotations

import json
import os
import resource
import struct
import sys
from collections.abc import Callable
from typing import IO, Any

_HEADER = struct.Struct(">I")


def read_message(stream: IO[bytes]) -> Any:
    """The next message of ``stream``, None at its end."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    return json.loads(stream.read(size))


def write_message(stream: IO[bytes], message: Any) -> None:
    """Write one message to ``stream``."""
    body = json.dumps(message).encode()
    stream.write(_HEADER.pack(len(body)) + body)
    stream.flush()


def helm(request: dict[str, Any]) -> dict[str, Any]:
    """Render a chart folder as ``helm template`` does, with Helm's SDK."""
    import helm_python
    from helm_python import _native

    constraint = ""
    try:
        loaded = helm_python.Chart.load(request["chart"])
        constraint = str(loaded.metadata.get("kubeVersion") or "")
        options = request["options"]
        if "kube_version" in options or "api_versions" in options:
            # Chart.render takes neither option, but the C function it calls reads both
            # from its options object; so this one call goes to the C ABI with the
            # chart's private handle, as Chart.render itself does.
            text = _native.call_string(
                "helm_render", loaded._raw(), json.dumps(request["values"]), json.dumps(options)
            )
            rendered = json.loads(text)
        else:
            rendered = loaded.render(request["values"], **options)
    except helm_python.HelmError as error:
        return {"error": str(error), "constraint": constraint}
    return {"manifests": rendered, "constraint": constraint}


def helm_version(request: dict[str, Any]) -> dict[str, Any]:
    """The version of Helm's SDK."""
    import helm_python

    return {"version": helm_python.helm_sdk_version()}


def jsonnet(request: dict[str, Any]) -> dict[str, Any]:
    """Evaluate a Jsonnet file, its imports confined to ``roots``."""
    import _jsonnet  # type: ignore[import-untyped]

    roots = [os.path.realpath(root) for root in request["roots"]]
    search = [str(path) for path in reversed(request["jpath"])]
    if not _inside(os.path.realpath(request["path"]), roots):
        return {"error": f"{request['path']} is outside the repository"}
    try:
        text = _jsonnet.evaluate_file(
            request["path"],
            import_callback=_importer(roots, search),
            ext_vars=request["ext_vars"],
            ext_codes=request["ext_codes"],
            tla_vars=request["tla_vars"],
            tla_codes=request["tla_codes"],
        )
    except RuntimeError as error:
        return {"error": str(error).strip()}
    return {"text": text}


def _importer(
    roots: list[str], search: list[str]
) -> Callable[[str, str], tuple[str, bytes | None]]:
    """Jsonnet's import rule, refusing any file that is not inside one of ``roots``.

    A name is looked for in the importing file's folder, then in the library paths, the
    last first.
    """

    def find(folder: str, name: str) -> tuple[str, bytes | None]:
        for base in (folder, *search):
            candidate = os.path.normpath(os.path.join(base, name))
            real = os.path.realpath(candidate)
            if not _inside(real, roots):
                raise RuntimeError(f"{candidate} is outside the repository")
            if os.path.isfile(real):
                with open(real, "rb") as opened:
                    return candidate, opened.read()
        raise RuntimeError(f"couldn't open import {name!r}: no match locally or in library paths")

    return find


def _inside(real: str, roots: list[str]) -> bool:
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


_OPERATIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "helm": helm,
    "helm_version": helm_version,
    "jsonnet": jsonnet,
}


def main() -> None:
    """Serve requests until standard input ends."""
    memory = int(sys.argv[1])
    # Data, not address space: Go's runtime reserves far more address space than it uses.
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    source = sys.stdin.buffer
    # Standard output carries the replies only: what an engine prints there goes to
    # standard error instead.
    sink = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    # Both engines load now, before the first call's time starts.
    import _jsonnet  # noqa: F401
    import helm_python  # noqa: F401

    write_message(sink, {"ready": True})
    while (request := read_message(source)) is not None:
        try:
            reply = _OPERATIONS[request["op"]](request)
        except MemoryError:
            write_message(sink, {"memory": True})
            return  # The engine's state after an allocation failed is not to be trusted.
        except RecursionError:
            reply = {"error": "the result nests too deeply"}
        write_message(sink, reply)


if __name__ == "__main__":
    main()
