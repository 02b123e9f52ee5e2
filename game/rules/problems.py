"""Problems found in rule, scenario and policy files, each located as FILE:LINE:COL."""

from __future__ import annotations

from typing import Literal

from game.lazydata import dataclass
from game.textsafe import escape_controls

Severity = Literal["error", "warning", "note"]  # a note: something worth knowing, not a fault


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem: ``FILE:LINE:COL: error: MESSAGE``."""

    file: str
    line: int
    col: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        """As printed: the file's name and the message with every control character escaped (a
        name or a value quoted from a file cannot draw on the terminal or start a line)."""
        return f"{escape_controls(self.file)}:{self.line}:{self.col}: {self.severity}: {escape_controls(self.message)}"


class LoadError(Exception):
    """Raised when files cannot be loaded; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.col, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]
