"""What the game needs of saves before it saves or loads anything: where they go and the time
as a save records it. No pydantic here (the save format's models are built only when a game
is saved or loaded: a start never pays for them)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def now_text(now: datetime | None = None) -> str:
    """The moment (default: now) as a play record's time: ISO 8601 text, UTC."""
    return iso(now or datetime.now(UTC))
