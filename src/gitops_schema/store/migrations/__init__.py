"""Alembic migrations of the history store (``versions/``, from the first table on)."""
