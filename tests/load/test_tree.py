"""Loaded containers built from plain data (a render's output has no positions)."""

from __future__ import annotations

from gitops_schema.load import Document, YamlMap, YamlSeq, from_plain


def test_plain_data_becomes_containers_that_locate_at_their_document() -> None:
    data = from_plain({"spec": {"ports": [{"port": 80}]}, "kind": "Service"})
    assert isinstance(data, YamlMap) and isinstance(data["spec"]["ports"], YamlSeq)
    assert data == {"spec": {"ports": [{"port": 80}]}, "kind": "Service"}
    document = Document("<rendered>", 3, data, (0, 0))
    where = document.locate(("spec", "ports", 0, "port"))
    assert (where.file, where.line, where.document) == ("<rendered>", 0, 3)
    assert where.path == ("spec", "ports", 0, "port")
