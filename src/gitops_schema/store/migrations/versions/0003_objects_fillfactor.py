"""Room in the pages of ``objects`` for its rows' new versions (PostgreSQL).

Ingest writes an object's row for (nearly) every batch that speaks about it: its message,
times, revision and status. None of those columns is indexed, so PostgreSQL can write the new
version beside the old one without touching the indexes (a HOT update), but only when the
page has room: full pages made every update an insert into both indexes. A fill factor of 50
keeps half of each page free. SQLite has no such setting.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

FILLFACTOR = 50


def upgrade() -> None:
    """Set the fill factor (pages written from now on keep the room)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE objects SET (fillfactor = {FILLFACTOR})")


def downgrade() -> None:
    """Back to the default fill factor."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE objects RESET (fillfactor)")
