"""Schema migrations (Alembic): ``upgrade`` an engine's database to the newest revision."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from gitops_schema.errors import UsageError

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (concurrent callers take turns).

    Raises:
        UsageError: the database's schema is of a revision these migrations do not know (a
            newer gitops-schema made it).
    """
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        stored = MigrationContext.configure(connection).get_current_revision()
        if stored is not None and stored not in _known_revisions(config):
            url = engine.url.set(drivername=engine.url.get_backend_name())
            shown = url.render_as_string(hide_password=True)
            raise UsageError(
                f"--db {shown}: its schema is at revision {stored!r}, which this version of "
                f"gitops-schema does not know (newest: {head()}): a newer gitops-schema made "
                "it; upgrade gitops-schema"
            )
        command.upgrade(config, revision)


def _known_revisions(config: Config) -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def current(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str:
    """The newest revision of the migrations."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision
