"""A scenario's tutorial: the lessons shown before a season's decision (each pointing at a lever
to move, and a value to try), and what they say about what the player then did."""

from __future__ import annotations

from collections.abc import Mapping

from game.lazydata import dataclass
from game.present.cache import once_per
from game.present.conditions import Fn, environment, fill
from game.present.levers import lever_text
from game.rules.models import Lesson
from game.session import Session


@dataclass(frozen=True)
class Step:
    """A lesson as shown: its title, its text with the game's numbers, the lever it points at."""

    title: str
    text: str
    lever: str | None
    suggest: str        # the value to try, as the player would type it ('' when none)
    lesson: Lesson


def _functions(session: Session) -> Mapping[tuple[str, ...], Fn]:
    model = session.model

    def build() -> dict[tuple[str, ...], Fn]:
        return {key: model.function(formula, ".".join(key)) for key, formula in session.scenario.formulas.items() if key[0] == "tutorial"}
    return once_per(model, "tutorial-functions", build)


class Tutorial:
    """The lessons of ``session``'s scenario (none: every method returns nothing)."""

    def __init__(self, session: Session) -> None:
        self.lessons = session.scenario.tutorial

    def __bool__(self) -> bool:
        return bool(self.lessons)

    def before(self, session: Session) -> list[Step]:
        """The lessons for the season about to be played."""
        season = str(session.next_season)
        rs = session.scenario.ruleset
        values = session.values()
        levers = {name: lever_text(session, name, value) for name, value in session.levers.items()}
        out = []
        for lesson in self.lessons:
            if lesson.season != season:
                continue
            suggest = lever_text(session, lesson.lever, lesson.suggest) if lesson.lever and lesson.suggest is not None else ""
            out.append(Step(lesson.title, fill(rs, lesson.text, values, levers), lesson.lever, suggest, lesson))
        return out

    def pointed(self, session: Session) -> dict[str, str]:
        """The levers this season's lessons point at, each with the value to try ('' if none)."""
        return {step.lever: step.suggest for step in self.before(session) if step.lever}

    def after(self, session: Session, played: Mapping[str, float] | None = None) -> list[str]:
        """What the lessons of the season just played say about it: for each, the first
        reaction whose condition holds."""
        if session.turn < 1:
            return []
        season = session.state.season
        rs = session.scenario.ruleset
        env = environment(session.model, session.history, session.turn)
        fns = _functions(session)
        values = session.values()
        levers = {name: lever_text(session, name, value) for name, value in session.levers_played(session.turn).items()}
        out = []
        for index, lesson in enumerate(self.lessons):
            if lesson.season != season:
                continue
            for j, reaction in enumerate(lesson.reactions):
                fn = fns.get(("tutorial", str(index), str(j)))
                try:
                    said = fn is not None and bool(fn(*env))
                except (ArithmeticError, ValueError, TypeError):
                    said = False
                if said:
                    out.append(fill(rs, reaction.text, values, levers))
                    break
        return out
