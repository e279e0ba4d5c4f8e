"""YAML (and JSON) text to positioned documents.

Parsing is libyaml's, through PyYAML's C binding, because it is the fast path the
benchmarks hold us to; construction is ours, because we need positions on every value,
Kubernetes' scalar semantics (see :mod:`.scalars`), duplicate keys reported instead of
silently overwritten, and bounded alias expansion. Files that libyaml's composer rejects
but Go's YAML accepts (an anchor defined twice) are recomposed from the event stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.load.scalars import key_text, resolve_plain, resolve_tagged
from gitops_schema.load.tree import Position, YamlMap, YamlSeq
from gitops_schema.location import Location

_IMPLICIT = "?"
_STR_TAG = "tag:yaml.org,2002:str"

DEFAULT_MAX_EXPANDED_NODES = 1_000_000
"""How many values one document may expand to through aliases (a "billion laughs" bound)."""


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """One YAML document of a stream: its index, value and where it starts."""

    index: int
    data: Any
    position: Position


class _Resolving:
    # libyaml's composer asks us to resolve implicit tags; we defer that to construction
    # so it follows Kubernetes' rules, and only note whether the scalar was plain.
    def resolve(self, kind: type[Node], value: str | None, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode and not implicit[0]:
            return _STR_TAG
        return _IMPLICIT

    # Path-based resolution is a PyYAML feature we do not use.
    def descend_resolver(self, parent: Node | None, index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


class _FastComposer(_Resolving, CParser):
    """libyaml's parser and composer, with our deferred resolution."""


class _LenientComposer(_Resolving, CParser):
    """libyaml's parser with a composer of ours that lets an anchor be redefined.

    YAML 1.2 and go-yaml allow a later anchor to shadow an earlier one of the same name;
    libyaml's composer refuses it. An alias refers to the most recent definition.
    """

    def documents(self) -> Iterator[Node]:
        self.get_event()  # StreamStart
        while not self.check_event(StreamEndEvent):
            self.get_event()  # DocumentStart
            anchors: dict[str, Node] = {}
            node = self._node(anchors)
            self.get_event()  # DocumentEnd
            yield node

    def _node(self, anchors: dict[str, Node]) -> Node:
        # libyaml's events carry its own Mark type, which PyYAML's stubs do not admit.
        event: Any = self.get_event()
        start: Any = event.start_mark
        if isinstance(event, AliasEvent):
            if event.anchor not in anchors:
                raise yaml.composer.ComposerError(
                    None, None, f"found undefined alias {event.anchor!r}", start
                )
            return anchors[event.anchor]
        node: Node
        if isinstance(event, ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = self.resolve(ScalarNode, event.value, event.implicit)
            end_mark: Any = event.end_mark
            node = ScalarNode(tag, event.value, start, end_mark, event.style)
            if event.anchor is not None:
                anchors[event.anchor] = node
            return node
        if isinstance(event, SequenceStartEvent):
            seq = SequenceNode(event.tag or _IMPLICIT, [], start, None)
            if event.anchor is not None:
                anchors[event.anchor] = seq
            while not self.check_event(SequenceEndEvent):
                seq.value.append(self._node(anchors))
            end: Any = self.get_event()
            seq.end_mark = end.end_mark
            return seq
        assert isinstance(event, MappingStartEvent)
        mapping = MappingNode(event.tag or _IMPLICIT, [], start, None)
        if event.anchor is not None:
            anchors[event.anchor] = mapping
        while not self.check_event(MappingEndEvent):
            key = self._node(anchors)
            mapping.value.append((key, self._node(anchors)))
        end = self.get_event()
        mapping.end_mark = end.end_mark
        return mapping


class _AliasLimitError(Exception):
    pass


class _Builder:
    """Turns composed nodes into positioned JSON-like values, collecting diagnostics."""

    def __init__(self, file: str, document: int, diagnostics: list[Diagnostic]) -> None:
        self.file = file
        self.document = document
        self.diagnostics = diagnostics
        self.memo: dict[int, Any] = {}
        self.aliased = False

    def diag(self, rule: str, message: str, node: Node, severity: Severity) -> None:
        mark = node.start_mark
        location = Location(self.file, mark.line + 1, mark.column + 1, (), self.document)
        self.diagnostics.append(Diagnostic(rule, severity, message, location))

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        # Only plain scalars are left implicit by our resolver (see _Resolving).
        if tag == _IMPLICIT:
            return resolve_plain(node.value)
        if tag == _STR_TAG:
            return node.value
        return resolve_tagged(tag, node.value, not node.style)

    def build(self, node: Node) -> Any:
        cls = node.__class__
        if cls is ScalarNode:
            return self.scalar(node)  # type: ignore[arg-type]
        memo = self.memo
        found = memo.get(id(node))
        if found is not None:
            self.aliased = True
            return found
        mark = node.start_mark
        if cls is SequenceNode:
            seq = YamlSeq((mark.line + 1, mark.column + 1))
            memo[id(node)] = seq
            positions = seq.item_positions
            for item in node.value:
                m = item.start_mark
                positions.append((m.line + 1, m.column + 1))
                seq.append(self.build(item))
            return seq
        return self.mapping(node)  # type: ignore[arg-type]

    def mapping(self, node: MappingNode) -> YamlMap:
        mark = node.start_mark
        result = YamlMap((mark.line + 1, mark.column + 1))
        self.memo[id(node)] = result
        key_positions = result.key_positions
        value_positions = result.value_positions
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                self.diag(
                    "yaml-syntax",
                    "a mapping key must be a scalar, found a "
                    + ("mapping" if isinstance(key_node, MappingNode) else "sequence")
                    + " (an unquoted '{{ }}' template expression?)",
                    key_node,
                    Severity.ERROR,
                )
                continue
            if key_node.value == "<<" and key_node.tag == _IMPLICIT:
                merges.append(value_node)
                continue
            key = key_text(self.scalar(key_node))
            km = key_node.start_mark
            if key in result:
                first = key_positions[key]
                self.diag(
                    "yaml-duplicate-key",
                    f"duplicate key {key!r} (first defined at line {first[0]}); "
                    "the last value is kept, as Kubernetes does",
                    key_node,
                    Severity.ERROR,
                )
            result[key] = self.build(value_node)
            vm = value_node.start_mark
            key_positions[key] = (km.line + 1, km.column + 1)
            value_positions[key] = (vm.line + 1, vm.column + 1)
        if merges:
            self.merge(result, merges)
        return result

    def merge(self, target: YamlMap, merges: list[Node]) -> None:
        # Explicit keys win over merged ones; among merged mappings, the first one wins.
        sources: list[Node] = []
        for value_node in merges:
            if isinstance(value_node, SequenceNode):
                sources.extend(value_node.value)
            else:
                sources.append(value_node)
        for source_node in sources:
            source = self.build(source_node)
            if not isinstance(source, YamlMap):
                self.diag(
                    "yaml-syntax",
                    "a merge key '<<' must refer to a mapping or a list of mappings",
                    source_node,
                    Severity.ERROR,
                )
                continue
            for key, value in source.items():
                if key not in target:
                    target[key] = value
                    target.key_positions[key] = source.key_positions[key]
                    target.value_positions[key] = source.value_positions[key]


def _expanded_size(node: Node, limit: int) -> int:
    """Count the values a node expands to, following aliases; raise past ``limit``."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(n: Node) -> int:
        if n.__class__ is ScalarNode:
            return 1
        key = id(n)
        known = sizes.get(key)
        if known is not None:
            return known
        if key in active:
            raise _AliasLimitError("an alias refers to the node that contains it")
        active.add(key)
        total = 1
        if isinstance(n, MappingNode):
            for k, v in n.value:
                total += size(k) + size(v)
        else:
            for item in n.value:
                total += size(item)
        active.discard(key)
        if total > limit:
            raise _AliasLimitError(
                f"aliases expand this document to more than {limit:,} values "
                "(an alias bomb?); the document is skipped"
            )
        sizes[key] = total
        return total

    return size(node)


def syntax_diagnostic(error: yaml.YAMLError, file: str, document: int) -> Diagnostic:
    """A PyYAML error as a ``yaml-syntax`` diagnostic at its line and column."""
    line = column = 0
    message = str(error)
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        if mark is not None:
            line, column = mark.line + 1, mark.column + 1
        message = error.problem or error.context or "invalid YAML"
        if error.context and error.problem:
            context_line = ""
            if error.context_mark is not None and error.context_mark is not mark:
                context_line = f" started at line {error.context_mark.line + 1}"
            message = f"{error.problem} ({error.context}{context_line})"
    return Diagnostic(
        "yaml-syntax", Severity.ERROR, message, Location(file, line, column, (), document)
    )


def parse_documents(
    text: str,
    file: str,
    *,
    max_expanded_nodes: int = DEFAULT_MAX_EXPANDED_NODES,
    max_documents: int | None = None,
) -> tuple[list[ParsedDocument], list[Diagnostic]]:
    """Parse a YAML stream into positioned documents.

    Empty documents are dropped. Documents before a syntax error are kept; the error
    becomes a ``yaml-syntax`` diagnostic at its line and column. With ``max_documents``,
    parsing stops once that many are read (the caller says so).
    """
    try:
        return _parse(_FastComposer(text), text, file, max_expanded_nodes, max_documents)
    except _DuplicateAnchor:
        return _parse(
            _LenientComposer(text), text, file, max_expanded_nodes, max_documents, lenient=True
        )


class _DuplicateAnchor(Exception):
    pass


def _parse(
    composer: Any,
    text: str,
    file: str,
    max_expanded_nodes: int,
    max_documents: int | None,
    *,
    lenient: bool = False,
) -> tuple[list[ParsedDocument], list[Diagnostic]]:
    documents: list[ParsedDocument] = []
    diagnostics: list[Diagnostic] = []
    index = 0
    nodes: Iterator[Node] = composer.documents() if lenient else _c_documents(composer)
    try:
        for node in nodes:
            if max_documents is not None and len(documents) >= max_documents:
                break
            _add_document(node, index, file, max_expanded_nodes, documents, diagnostics)
            index += 1
    except yaml.composer.ComposerError as error:
        if not lenient and "duplicate anchor" in f"{error.context} {error.problem}":
            raise _DuplicateAnchor from error
        diagnostics.append(syntax_diagnostic(error, file, index))
    except yaml.YAMLError as error:
        diagnostics.append(syntax_diagnostic(error, file, index))
    finally:
        composer.dispose()
    return documents, diagnostics


def _c_documents(composer: Any) -> Iterator[Node]:
    while composer.check_node():
        yield composer.get_node()


def _add_document(
    node: Node | None,
    index: int,
    file: str,
    max_expanded_nodes: int,
    documents: list[ParsedDocument],
    diagnostics: list[Diagnostic],
) -> None:
    if node is None:
        return
    builder = _Builder(file, index, diagnostics)
    try:
        data = builder.build(node)
        if builder.aliased:
            _expanded_size(node, max_expanded_nodes)
    except _AliasLimitError as error:
        builder.diag("yaml-alias-limit", str(error), node, Severity.ERROR)
        return
    except RecursionError:
        builder.diag(
            "yaml-syntax", "the document is nested too deeply to read", node, Severity.ERROR
        )
        return
    if data is None:
        return
    mark = node.start_mark
    documents.append(ParsedDocument(index, data, (mark.line + 1, mark.column + 1)))
