"""Limits the command line checks before it imports the rest of the game."""

from typing import Final

MAX_PLAYER: Final = 200  # characters of a player's name (a save keeps at most this many)
