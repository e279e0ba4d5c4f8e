"""Sprig encodings, hashes, JSON, paths and URLs (crypto.go, defaults.go, paths, url.go)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from gitops_schema.gotemplate.funcs import ANY, MAP, STR, FuncError, FuncMap, GoFunc
from gitops_schema.gotemplate.gojson import JSONError, marshal, unmarshal
from gitops_schema.gotemplate.sprig_conv import strval

_B64 = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
_B32 = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567=")


def _decode(s: str, alphabet: set[str], decode: Any) -> str:
    for i, ch in enumerate(s):
        if ch not in alphabet and ch not in "\r\n":
            return f"illegal base64 data at input byte {i}"
    try:
        return bytes(decode(s.replace("\r", "").replace("\n", ""))).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return f"illegal base64 data at input byte {len(s)}"


def _b64_error_offset(s: str) -> int | None:
    """Where Go's ``base64.StdEncoding`` reports corrupt input, or None when it is valid."""
    chars = [(i, c) for i, c in enumerate(s) if c not in "\r\n"]
    k = 0
    while k < len(chars):
        for j in range(4):
            if k == len(chars):
                return chars[k - 1][0] + 1 - j
            i, c = chars[k]
            k += 1
            if c != "=":
                if c not in _B64:
                    return i
                continue
            if j < 2:
                return i
            if j == 2:
                if k == len(chars):
                    return len(s)
                if chars[k][1] != "=":
                    return chars[k][0] - 1
                k += 1
            return chars[k][0] if k < len(chars) else None
    return None


def b64dec(s: str) -> str:
    """``b64dec``: the decoded text, or Go's error text (Sprig hides the error)."""
    offset = _b64_error_offset(s)
    if offset is not None:
        return f"illegal base64 data at input byte {offset}"
    clean = s.replace("\r", "").replace("\n", "")
    return base64.b64decode(clean).decode("utf-8", "replace")


def b32dec(s: str) -> str:
    """``b32dec``."""
    return _decode(s, _B32, base64.b32decode)


def to_json(value: Any) -> str:
    """``toJson``."""
    try:
        return marshal(value)
    except JSONError:
        return ""


def must(fn: Any) -> Any:
    """Wrap a marshal function so its error aborts execution (``mustToJson``...)."""

    def run(value: Any) -> str:
        try:
            return str(fn(value))
        except JSONError as exc:
            raise FuncError(str(exc)) from None

    return run


def from_json(s: str) -> Any:
    """``fromJson``: nil on error."""
    try:
        return unmarshal(s)
    except JSONError:
        return None


def must_from_json(s: str) -> Any:
    """``mustFromJson``."""
    try:
        return unmarshal(s)
    except JSONError as exc:
        raise FuncError(str(exc)) from None


def _hex(name: str) -> GoFunc:
    return GoFunc(lambda s: hashlib.new(name, s.encode()).hexdigest(), (STR,))


# -- paths (Go's "path" package; "path/filepath" is the same on Linux) ---------------------


def path_clean(p: str) -> str:
    """Go's ``path.Clean``."""
    if p == "":
        return "."
    rooted = p.startswith("/")
    parts: list[str] = []
    for part in p.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    out = ("/" if rooted else "") + "/".join(parts)
    return out or "."


def path_base(p: str) -> str:
    """Go's ``path.Base``."""
    if p == "":
        return "."
    p = p.rstrip("/")
    if p == "":
        return "/"
    return p[p.rfind("/") + 1 :]


def path_dir(p: str) -> str:
    """Go's ``path.Dir``."""
    return path_clean(p[: p.rfind("/") + 1])


def path_ext(p: str) -> str:
    """Go's ``path.Ext``."""
    for i in range(len(p) - 1, -1, -1):
        if p[i] == "/":
            break
        if p[i] == ".":
            return p[i:]
    return ""


# -- URLs ----------------------------------------------------------------------------------


def url_parse(v: str) -> dict[str, Any]:
    """``urlParse``: the parts of a URL as Go's ``url.Parse`` splits them."""
    try:
        parts = urlsplit(v)
    except ValueError as exc:
        raise FuncError(f"unable to parse url: {exc}") from None
    netloc = parts.netloc
    userinfo, _, host = netloc.rpartition("@") if "@" in netloc else ("", "", netloc)
    opaque = ""
    path = unquote(parts.path)
    if parts.scheme and not v[len(parts.scheme) + 1 :].startswith("/") and not netloc:
        opaque, path = parts.path, ""
    hostname = host
    if hostname.startswith("["):
        hostname = hostname[1 : hostname.find("]")]
    elif ":" in hostname:
        hostname = hostname[: hostname.rfind(":")]
    return {
        "scheme": parts.scheme,
        "host": host,
        "hostname": hostname,
        "path": path,
        "query": parts.query,
        "opaque": opaque,
        "fragment": unquote(parts.fragment),
        "userinfo": userinfo,
    }


def url_join(d: Any) -> str:
    """``urlJoin``: Go's ``URL.String()`` of the parts in ``d``."""
    d = d or {}

    def part(key: str) -> str:
        value = d.get(key)
        return "" if value is None else strval(value)

    out = ""
    scheme, host, path = part("scheme"), part("host"), part("path")
    userinfo, opaque = part("userinfo"), part("opaque")
    if scheme:
        out += scheme + ":"
    if opaque:
        out += opaque
    else:
        if scheme or host or userinfo:
            out += "//"
            if userinfo:
                out += userinfo + "@"
            out += host
        if path and not path.startswith("/") and host:
            out += "/"
        out += quote(path, safe="/:@!$&'()*+,;=-._~")
    if part("query"):
        out += "?" + part("query")
    if part("fragment"):
        out += "#" + quote(part("fragment"), safe="/:@!$&'()*+,;=-._~?")
    return out


FUNCS: FuncMap = {
    "b64enc": GoFunc(lambda s: base64.b64encode(s.encode()).decode(), (STR,)),
    "b64dec": GoFunc(b64dec, (STR,)),
    "b32enc": GoFunc(lambda s: base64.b32encode(s.encode()).decode(), (STR,)),
    "b32dec": GoFunc(b32dec, (STR,)),
    "sha1sum": _hex("sha1"),
    "sha256sum": _hex("sha256"),
    "sha512sum": _hex("sha512"),
    "adler32sum": GoFunc(lambda s: str(zlib.adler32(s.encode())), (STR,)),
    "toJson": GoFunc(to_json, (ANY,)),
    "mustToJson": GoFunc(must(marshal), (ANY,)),
    "toPrettyJson": GoFunc(lambda v: _quiet(lambda: marshal(v, indent="  ")), (ANY,)),
    "mustToPrettyJson": GoFunc(must(lambda v: marshal(v, indent="  ")), (ANY,)),
    "toRawJson": GoFunc(must(lambda v: marshal(v, escape_html=False)), (ANY,)),
    "mustToRawJson": GoFunc(must(lambda v: marshal(v, escape_html=False)), (ANY,)),
    "fromJson": GoFunc(from_json, (STR,)),
    "mustFromJson": GoFunc(must_from_json, (STR,)),
    "base": GoFunc(path_base, (STR,)),
    "dir": GoFunc(path_dir, (STR,)),
    "clean": GoFunc(path_clean, (STR,)),
    "ext": GoFunc(path_ext, (STR,)),
    "isAbs": GoFunc(lambda p: p.startswith("/"), (STR,)),
    "osBase": GoFunc(path_base, (STR,)),
    "osDir": GoFunc(path_dir, (STR,)),
    "osClean": GoFunc(path_clean, (STR,)),
    "osExt": GoFunc(path_ext, (STR,)),
    "osIsAbs": GoFunc(lambda p: p.startswith("/"), (STR,)),
    "urlParse": GoFunc(url_parse, (STR,)),
    "urlJoin": GoFunc(url_join, (MAP,)),
}


def _quiet(fn: Any) -> str:
    try:
        return str(fn())
    except JSONError:
        return ""
