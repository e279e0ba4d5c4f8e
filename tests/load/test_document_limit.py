"""A run reads a bounded number of documents: its memory bound against a million tiny ones."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.load import LoadOptions, load_bytes, load_paths


def test_a_stream_of_tiny_documents_stops_at_the_bound() -> None:
    result = load_bytes(b"---\na: 1\n" * 50, "many.yaml", LoadOptions(max_documents=20))
    assert len(result.documents) == 20
    assert [d.rule for d in result.report] == ["yaml-document-limit"]


def test_the_bound_is_for_the_whole_run(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.yaml").write_text("---\nx: 1\n" * 10)
    result = load_paths([tmp_path], options=LoadOptions(max_documents=15))
    assert len(result.documents) == 15
    assert [(d.rule, d.location.file) for d in result.report] == [
        ("yaml-document-limit", str(tmp_path / "b.yaml"))
    ]


def test_reaching_the_bound_exactly_is_said_at_the_next_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("---\nx: 1\n" * 10)
    (tmp_path / "b.yaml").write_text("x: 1\n")
    result = load_paths([tmp_path], options=LoadOptions(max_documents=10))
    assert len(result.documents) == 10
    assert [d.location.file for d in result.report] == [str(tmp_path / "b.yaml")]


def test_list_items_count_as_documents() -> None:
    items = "".join(f"  - {{kind: ConfigMap, metadata: {{name: c{i}}}}}\n" for i in range(30))
    text = "apiVersion: v1\nkind: List\nitems:\n" + items
    result = load_bytes(text.encode(), "list.yaml", LoadOptions(max_documents=10))
    assert len(result.documents) == 10
    assert [d.rule for d in result.report] == ["yaml-document-limit"]
