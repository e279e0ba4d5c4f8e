"""``serve --workers N`` hands its settings to the workers through the environment."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.server.settings import Settings
from gitops_schema.server.workers import settings_from_text, settings_to_text


def test_settings_reach_the_workers_unchanged(tmp_path: Path) -> None:
    settings = Settings(
        db_url="postgresql://gitops@db/history?host=/run/postgresql",
        flux_hmac_key=b"\x00key\xff",
        max_body_bytes=1024,
        rate_per_second=2.5,
        rate_burst=7,
        spool_dir=tmp_path / "spool",
        spool_retry_seconds=0.5,
        cluster_names={"https://10.0.0.1": "prod-eu"},
        production=("prod*", "live"),
    )
    assert settings_from_text(settings_to_text(settings)) == settings
    unsigned = Settings(db_url="sqlite:///x.db", spool_dir=tmp_path)
    assert settings_from_text(settings_to_text(unsigned)) == unsigned
