"""Bytes to documents: the checks every input goes through before it is parsed.

Size, binary content and encoding problems become diagnostics at the file (and, for a
bad byte, at its line and column); ``List`` kinds are unwrapped into their items.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.load.document import Document
from gitops_schema.load.json import looks_like_json, parse_json
from gitops_schema.load.parsed import EntryStore
from gitops_schema.load.templates import TEMPLATE_SUFFIXES, skipped, template_tool
from gitops_schema.load.tree import YamlMap, YamlSeq
from gitops_schema.load.yaml import DEFAULT_MAX_EXPANDED_NODES, parse_documents
from gitops_schema.location import Location

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
DEFAULT_MAX_DOCUMENTS = 200_000
"""Documents one run reads: its memory bound (each takes about 2 KB once read), so a
repository of a million tiny documents cannot take gigabytes."""


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """Limits that protect the loader from hostile or accidental input."""

    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    """Files larger than this many bytes are reported and not parsed."""
    max_expanded_nodes: int = DEFAULT_MAX_EXPANDED_NODES
    """A document whose aliases expand to more values than this is reported and skipped."""
    exclude: tuple[str, ...] = ()
    """Glob patterns of files and folders not to read when walking a folder."""
    max_documents: int = DEFAULT_MAX_DOCUMENTS
    """Documents read in all (one load); the rest is reported once and not read."""
    parsed: EntryStore | None = None
    """Where the documents of files parsed before are kept (see :mod:`.parsed`), if anywhere."""


def too_large(file: str, size: int, options: LoadOptions) -> Diagnostic | None:
    """A diagnostic when ``size`` is over the configured cap, else None."""
    if size <= options.max_file_size:
        return None
    return Diagnostic(
        "file-too-large",
        Severity.ERROR,
        f"file is {size:,} bytes, over the {options.max_file_size:,}-byte limit; not read "
        "(raise it with --max-file-size)",
        Location(file),
    )


def decode(data: bytes, file: str) -> tuple[str | None, Diagnostic | None]:
    """Decode YAML bytes as UTF-8 (or UTF-16/32 when a byte-order mark says so)."""
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        encoding = "utf-32"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    if encoding == "utf-8" and b"\x00" in data[:8192]:
        return None, Diagnostic(
            "file-binary",
            Severity.ERROR,
            "file holds binary data (a NUL byte), not YAML or JSON text; not read",
            Location(file),
        )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return None, Diagnostic(
            "file-encoding",
            Severity.ERROR,
            f"file is not valid {encoding.upper()}: byte 0x{data[error.start]:02x} "
            f"cannot be decoded; not read",
            Location(file, line, column),
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, None


def _is_list_kind(data: YamlMap) -> bool:
    kind = data.get("kind")
    return (
        isinstance(kind, str)
        and kind.endswith("List")
        and isinstance(data.get("apiVersion"), str)
        and isinstance(data.get("items"), YamlSeq)
    )


def read_text(
    text: str, file: str, options: LoadOptions
) -> tuple[list[Document], list[Diagnostic]]:
    """Parse YAML or JSON text into documents, unwrapping ``List`` kinds."""
    if file.endswith(".json") and "\t" in text:
        # JSON allows tabs wherever it allows spaces; YAML does not. Outside strings (where
        # JSON forbids raw tabs) a tab is only whitespace, so a space keeps every column.
        text = text.replace("\t", " ")
    parsed, diagnostics = parse_documents(
        text,
        file,
        max_expanded_nodes=options.max_expanded_nodes,
        max_documents=options.max_documents + 1,
    )
    if looks_like_json(text) and any(d.rule == "yaml-syntax" for d in diagnostics):
        as_json, json_diagnostics = parse_json(text, file)
        if as_json or file.endswith(".json"):
            parsed, diagnostics = as_json, json_diagnostics
    documents: list[Document] = []
    for doc in parsed:
        data = doc.data
        if isinstance(data, YamlMap) and _is_list_kind(data):
            items: YamlSeq = data["items"]
            for i, item in enumerate(items):
                documents.append(
                    Document(file, doc.index, item, items.item_positions[i], ("items", i))
                )
        else:
            documents.append(Document(file, doc.index, data, doc.position))
    if len(documents) > options.max_documents:
        del documents[options.max_documents :]
        diagnostics.append(too_many_documents(file))
    return documents, diagnostics


def too_many_documents(file: str) -> Diagnostic:
    """The diagnostic of a load that reached its documents bound at ``file``."""
    return Diagnostic(
        "yaml-document-limit",
        Severity.ERROR,
        "this run has read as many documents as it may (its memory bound); the rest of this "
        "file and the files after it are not read",
        Location(file),
    )


def read_bytes(
    data: bytes, file: str, options: LoadOptions
) -> tuple[list[Document], list[Diagnostic], str | None]:
    """Check, decode and parse the bytes of one file; also return its text, if decoded."""
    problem = too_large(file, len(data), options)
    if problem is not None:
        return [], [problem], None
    text, problem = decode(data, file)
    if text is None:
        assert problem is not None
        return [], [problem], None
    documents, diagnostics = read_text(text, file, options)
    if any(d.rule == "yaml-syntax" for d in diagnostics) or file.endswith(TEMPLATE_SUFFIXES):
        tool = template_tool(file, text)
        if tool is not None:
            return [], [skipped(file, tool)], text
    return documents, diagnostics, text
