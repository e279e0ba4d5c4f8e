"""A chart's values schemas offline: ``$ref`` to other documents taken out.

Helm validates values against each ``values.schema.json`` of a chart (and of its
subcharts) while it renders, and fetches the documents a schema refers to with ``$ref``
over http(s). A render without ``--allow-network`` downloads nothing, so it renders a copy
of such a chart whose schemas keep only what they say themselves: the rest of each schema
still applies; what a remote document would have checked is not checked.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["offline_chart"]

_SCHEMA = "values.schema.json"


@contextmanager
def offline_chart(chart: Path) -> Iterator[Path]:
    """``chart`` itself, or a copy of it whose values schemas refer to no other document."""
    remote = {}
    for schema in chart.rglob(_SCHEMA):
        try:
            text = schema.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # Helm reports an unreadable schema itself.
        if '"$ref"' not in text or "://" not in text:
            continue
        try:
            document = json.loads(text)
        except ValueError:
            continue
        if _local(document):
            remote[schema.relative_to(chart)] = document
    if not remote:
        yield chart
        return
    with tempfile.TemporaryDirectory(prefix="gitops-schema-chart-") as temporary:
        copy = Path(temporary) / chart.name
        # Links are kept as links: the engine refuses those that leave the chart.
        shutil.copytree(chart, copy, symlinks=True)
        for relative, document in remote.items():
            (copy / relative).unlink()
            (copy / relative).write_text(json.dumps(document), encoding="utf-8")
        yield copy


def _local(node: Any) -> bool:
    """Take every ``$ref`` to another document out of ``node``; whether there was one."""
    found = False
    if isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str) and "://" in reference.split("#", 1)[0]:
            del node["$ref"]
            found = True
        for value in node.values():
            found = _local(value) or found
    elif isinstance(node, list):
        for item in node:
            found = _local(item) or found
    return found
