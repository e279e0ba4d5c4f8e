"""The plugin generator against a plugin service on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from gitops_schema.appset.env import Env
from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.generators import GeneratorContext
from gitops_schema.appset.generators.plugin import generate
from gitops_schema.appset.services.plugin import HttpPlugins


class Plugin:
    def __init__(self) -> None:
        self.url = ""
        self.reply: tuple[int, bytes] = (200, b"{}")
        self.seen: list[tuple[str, dict[str, str], Any]] = []


@pytest.fixture
def plugin() -> Iterator[Plugin]:
    state = Plugin()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.seen.append((self.path, dict(self.headers), json.loads(body)))
            status, data = state.reply
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
    yield state
    server.shutdown()
    server.server_close()


def run(plugin: Plugin, spec: dict[str, Any], go: bool = False, **config: str) -> list[Any]:
    env = Env(
        config_maps={"cm": {"baseUrl": plugin.url, "token": "$other:key", **config}},
        secrets={"other": {"key": " tok "}},
        plugins=HttpPlugins(),
        appset_name="set",
    )
    return generate({"configMapRef": {"name": "cm"}, **spec}, GeneratorContext(env, go))


def test_request_and_params(plugin: Plugin) -> None:
    plugin.reply = (200, b'{"output": {"parameters": [{"a": {"b": 1e6}, "l": [true]}]}}')
    spec = {"input": {"parameters": {"p": 1}}, "values": {"v": "{{a.b}}"}}
    (params,) = run(plugin, spec)
    assert params == {
        "a.b": "1e+06",
        "l.0": "true",
        "values.v": "1e+06",
        "generator": {"input": {"parameters": {"p": 1}}},
    }
    path, headers, body = plugin.seen[0]
    assert path == "/api/v1/getparams.execute"
    assert headers["Authorization"] == "Bearer tok"
    assert body == {"applicationSetName": "set", "input": {"parameters": {"p": 1}}}
    (go,) = run(plugin, {}, go=True)
    assert go["a"] == {"b": 1e6} and go["generator"] == {"input": {"parameters": None}}


def test_service_errors(plugin: Plugin) -> None:
    plugin.reply = (500, b'{"message": "boom"}')
    with pytest.raises(
        GeneratorError,
        match=r"^error listing params: error get api 'set': API error with status code 500: boom$",
    ):
        run(plugin, {})
    plugin.reply = (200, b'{"output": {"parameters": "x"}}')
    with pytest.raises(GeneratorError, match="cannot unmarshal string into Go struct field"):
        run(plugin, {})


def test_config_errors(plugin: Plugin) -> None:
    with pytest.raises(
        GeneratorError, match=r'error set requestTimeout : strconv.Atoi: parsing "1s"'
    ):
        run(plugin, {}, requestTimeout="1s")
    with pytest.raises(GeneratorError, match="does not reference a secret key starting with"):
        run(plugin, {}, token="plain")
