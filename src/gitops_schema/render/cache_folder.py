"""Where the render cache lives, as a path string: cheap to import.

A replayed command (:mod:`gitops_schema.cli._replay`) reads its record there before it
imports anything else, :mod:`pathlib` included.
"""

from __future__ import annotations

import os

__all__ = ["cache_folder"]


def cache_folder() -> str:
    """``.gitops-schema-cache/`` in the user's cache folder (``$XDG_CACHE_HOME`` or ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, ".gitops-schema-cache")
