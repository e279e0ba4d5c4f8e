"""The fidelity report: for every source object, what it became and what was lost.

Never silent: an object that could not be carried over is an item too (``unsupported``),
and every dropped or approximated field is a loss naming its JSON path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "Fidelity",
    "Item",
    "Loss",
    "ObjectRef",
    "OutputRef",
    "Status",
    "render_json",
    "render_markdown",
    "render_text",
]


class Status(StrEnum):
    """How completely a source object was carried over."""

    EXACT = "exact"
    LOSSY = "lossy"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """The source object of an item, and where it is written."""

    kind: str
    namespace: str | None
    name: str
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class OutputRef:
    """An object the conversion wrote, and the file it is in."""

    kind: str
    namespace: str | None
    name: str
    file: str


@dataclass(frozen=True, slots=True)
class Loss:
    """A field of the source object not carried over exactly, and why."""

    field: str
    """JSON path in the source object (``$.spec.syncPolicy.retry``)."""
    reason: str


@dataclass(slots=True)
class Item:
    """One source object's conversion."""

    source: ObjectRef
    outputs: list[OutputRef] = field(default_factory=list)
    losses: list[Loss] = field(default_factory=list)
    unsupported: bool = False
    """True when the object could not be converted at all."""

    @property
    def status(self) -> Status:
        """``unsupported``, ``lossy`` when anything is lost, else ``exact``."""
        if self.unsupported:
            return Status.UNSUPPORTED
        return Status.LOSSY if self.losses else Status.EXACT

    def lose(self, field: str, reason: str) -> None:
        """Record a loss once."""
        loss = Loss(field, reason)
        if loss not in self.losses:
            self.losses.append(loss)


@dataclass(slots=True)
class Fidelity:
    """Every item of a conversion, in the order the source objects were read."""

    items: list[Item] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        """Items per status."""
        counts = {status.value: 0 for status in Status}
        for item in self.items:
            counts[item.status.value] += 1
        return counts

    @property
    def exact(self) -> bool:
        """True when every item is exact."""
        return all(item.status is Status.EXACT for item in self.items)

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (the ``--format json`` shape)."""
        return {
            "items": [
                {
                    "source": {
                        "kind": item.source.kind,
                        "namespace": item.source.namespace,
                        "name": item.source.name,
                        "file": item.source.file,
                        "line": item.source.line,
                    },
                    "status": item.status.value,
                    "outputs": [
                        {"kind": o.kind, "namespace": o.namespace, "name": o.name, "file": o.file}
                        for o in item.outputs
                    ],
                    "losses": [
                        {"field": loss.field, "reason": loss.reason} for loss in item.losses
                    ],
                }
                for item in self.items
            ],
            "summary": self.summary(),
        }


def _title(ref: ObjectRef) -> str:
    where = f"{ref.namespace}/{ref.name}" if ref.namespace else ref.name
    return f"{ref.kind} {where}"


def _output(ref: OutputRef) -> str:
    where = f"{ref.namespace}/{ref.name}" if ref.namespace else ref.name
    return f"{ref.kind} {where} ({ref.file})"


def _counts(fidelity: Fidelity) -> str:
    summary = fidelity.summary()
    return ", ".join(f"{count} {status}" for status, count in summary.items())


def render_text(fidelity: Fidelity) -> str:
    """The report as plain text, one block per item."""
    lines: list[str] = []
    for item in fidelity.items:
        lines.append(
            f"{item.source.file}:{item.source.line}: {_title(item.source)}: {item.status.value}"
        )
        lines.extend(f"  -> {_output(o)}" for o in item.outputs)
        lines.extend(f"  lost {loss.field}: {loss.reason}" for loss in item.losses)
    lines.append(f"{len(fidelity.items)} objects: {_counts(fidelity)}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(fidelity: Fidelity) -> str:
    """The report as Markdown: a summary table, then every loss."""
    lines = [
        "| source | status | outputs |",
        "|---|---|---|",
    ]
    for item in fidelity.items:
        outputs = "<br>".join(_cell(_output(o)) for o in item.outputs) or "-"
        lines.append(
            f"| {_cell(_title(item.source))} (`{_cell(item.source.file)}:{item.source.line}`) "
            f"| {item.status.value} | {outputs} |"
        )
    lossy = [item for item in fidelity.items if item.losses]
    if lossy:
        lines += ["", "## Losses", ""]
        for item in lossy:
            lines.append(f"### {_cell(_title(item.source))}")
            lines.append("")
            lines.extend(f"- `{loss.field}`: {_cell(loss.reason)}" for loss in item.losses)
            lines.append("")
    lines += ["", f"**{len(fidelity.items)} objects**: {_counts(fidelity)}"]
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(fidelity: Fidelity) -> str:
    """The report as JSON."""
    return json.dumps(fidelity.as_json(), indent=2) + "\n"
