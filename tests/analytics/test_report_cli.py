"""``gitops-schema report ...``: the same JSON as the library, other formats, clear errors."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitops_schema.store import db, migrate

from . import history


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("report-cli")
    url = f"sqlite:///{folder / 'history.db'}"
    engine = db.create(url)
    migrate.upgrade(engine)
    history.load(engine, folder / "repo")
    engine.dispose()
    return url


def _window() -> list[str]:
    return ["--from", history.WINDOW[0], "--to", history.WINDOW[1]]


def test_dora_json_and_default_environment(cli: Callable[..., Any], store: str) -> None:
    done = cli("report", "dora", "--db", store, *_window(), "-o", "json")
    assert done.code == 0, done.err
    report = json.loads(done.out)
    # production by default: 6 of the 7 deployments
    assert report["deployments"] == 6
    assert report["change_failure_rate"] == {"value": 0.5, "failed": 3, "level": "low"}
    everything = json.loads(
        cli("report", "dora", "--db", store, *_window(), "--env", "all", "-o", "json").out
    )
    assert everything["deployments"] == 7
    grouped = json.loads(
        cli("report", "dora", "--db", store, *_window(), "--by", "application", "-o", "json").out
    )
    assert [g["name"] for g in grouped["groups"]] == ["web-prod", "api"]


def test_sync_stats_csv_table_and_html(cli: Callable[..., Any], store: str) -> None:
    done = cli(
        "report", "sync-stats", "--db", store, *_window(), "--cluster", "staging", "-o", "csv"
    )
    assert done.code == 0, done.err
    rows = list(csv.DictReader(io.StringIO(done.out)))
    assert [(r["name"], r["status"], r["count"], r["avg_seconds"]) for r in rows] == [
        ("web-staging", "Failed", "1", "10"),
        ("web-staging", "Succeeded", "1", "40"),
    ]
    table = cli("report", "deployments", "--db", store, *_window(), "--tool", "flux")
    assert table.code == 0 and "api" in table.out and "web-prod" not in table.out
    page = cli("report", "sync-stats", "--db", store, *_window(), "-o", "html")
    assert page.out.startswith("<!doctype html>") and "<td>web-prod</td>" in page.out


def test_a_grouped_table_heads_its_columns_in_words(cli: Callable[..., Any], store: str) -> None:
    done = cli("report", "dora", "--db", store, *_window(), "--by", "application")
    assert done.code == 0, done.err
    assert "median days per week" in done.out and "deployment frequency" in done.out
    assert "deployment_frequency.median_days_per_week" not in done.out
    assert "web-prod" in done.out


def test_an_empty_table_says_so(cli: Callable[..., Any], store: str) -> None:
    done = cli("report", "deployments", "--db", store, *_window(), "--cluster", "nowhere")
    assert done.code == 0, done.err
    assert "nothing recorded in this window and scope" in done.out


def test_errors_name_the_option(cli: Callable[..., Any], store: str, tmp_path: Path) -> None:
    bad = cli("report", "dora", "--db", store, "--from", "last tuesday")
    assert bad.code == 2 and "--from 'last tuesday': not an ISO 8601 time" in bad.err
    backwards = cli("report", "dora", "--db", store, "--from", "2026-03-10", "--to", "2026-03-01")
    assert backwards.code == 2 and "is not after --from" in backwards.err
    by = cli("report", "sync-stats", "--db", store, "--by", "team")
    assert by.code == 2
    empty = cli("report", "dora", "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert empty.code == 2 and "gitops-schema db upgrade" in empty.err
