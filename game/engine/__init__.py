"""PURE: state, season step, random draws, explanations, endings. No I/O, no clock, no global
random, no pygame: (state, levers, model) -> new state."""

from game.engine.errors import RuleError
from game.engine.model import Model
from game.engine.state import GameState, LogEntry
from game.engine.step import initial_state, step

__all__ = ["Model", "GameState", "LogEntry", "RuleError", "initial_state", "step"]
