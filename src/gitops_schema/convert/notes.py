"""What a reader or writer of the neutral model records besides its result."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Notes"]


@dataclass(slots=True)
class Notes:
    """The losses found so far, and where each neutral feature was read from."""

    losses: list[tuple[str, str]] = field(default_factory=list)
    """(JSON path in the source object, reason), each once, in the order found."""
    origins: dict[str, str] = field(default_factory=dict)
    """Neutral feature (``policy.retry``) -> JSON path of the field it was read from."""

    def lose(self, path: str, reason: str) -> None:
        """Record a loss once."""
        if (path, reason) not in self.losses:
            self.losses.append((path, reason))
